package dev.medialife.kernel.workqueue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A one-shot gate that work functions wait at, so tests control when they finish. */
final class Gate {
  private final CountDownLatch open = new CountDownLatch(1);
  private final CountDownLatch arrived;

  Gate() {
    this(1);
  }

  /**
   * A gate that records arrivals.
   *
   * @param arrivals how many arrivals {@link #awaitArrivals()} waits for
   */
  Gate(int arrivals) {
    this.arrived = new CountDownLatch(arrivals);
  }

  /** Called by a work function: records the arrival, then waits (at most 10 s) for the gate. */
  void pass() {
    arrived.countDown();
    try {
      if (!open.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("gate never opened");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted at the gate", e);
    }
  }

  /** Waits until the expected number of work functions have arrived. */
  void awaitArrivals() throws InterruptedException {
    if (!arrived.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("work never arrived at the gate");
    }
  }

  void open() {
    open.countDown();
  }
}
