package dev.medialife.v4l2.vb2;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Bounded waits for the vb2 tests: latches and joins with timeouts, no sleeps. */
final class Sync {
  /** The bound of every wait that is expected to succeed. */
  static final long TIMEOUT_SECONDS = 10;

  private Sync() {}

  /** Awaits a latch that must open, failing (not hanging) if it does not. */
  static void await(CountDownLatch latch, String what) {
    try {
      assertTrue(latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "timed out waiting for " + what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }

  /** Asserts that a latch stays closed for a short bounded time. */
  static void staysClosed(CountDownLatch latch, long millis, String what) {
    try {
      assertFalse(latch.await(millis, TimeUnit.MILLISECONDS), what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted checking " + what, e);
    }
  }

  /** Joins a thread that must end. */
  static void join(Thread t) {
    try {
      t.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted joining " + t.getName(), e);
    }
    assertFalse(t.isAlive(), t.getName() + " did not finish");
  }

  /** Spins until a condition holds, bounded; for states no latch can signal. */
  static void until(BooleanSupplier cond, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (!cond.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
      Thread.onSpinWait();
    }
  }

  /** Starts a named thread. */
  static Thread start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
