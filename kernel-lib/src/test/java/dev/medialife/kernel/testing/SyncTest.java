package dev.medialife.kernel.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bounded waits pass when the awaited thing happens and fail, never hang, when it does not. */
@Timeout(60)
class SyncTest {

  @Test
  void awaitJoinUntilAndStartSucceedWhenTheEventHappens() {
    CountDownLatch done = new CountDownLatch(1);
    AtomicBoolean flag = new AtomicBoolean();
    Thread t =
        Sync.start(
            "worker",
            () -> {
              flag.set(true);
              done.countDown();
            });
    assertTrue(t.isDaemon());
    assertEquals("worker", t.getName());
    Sync.await(done, "the worker");
    Sync.until(flag::get, "the flag is set");
    Sync.join(t);
  }

  @Test
  void staysClosedPassesForAClosedLatchAndFailsForAnOpenOne() {
    Sync.staysClosed(new CountDownLatch(1), 10, "closed");
    CountDownLatch open = new CountDownLatch(0);
    assertThrows(AssertionError.class, () -> Sync.staysClosed(open, 10, "open"));
  }

  @Test
  void aThreadThatDoesNotEndFailsTheJoin() {
    CountDownLatch release = new CountDownLatch(1);
    Thread stuck = Sync.start("stuck", () -> Sync.await(release, "release"));
    AssertionError e = assertThrows(AssertionError.class, () -> joinBriefly(stuck));
    assertTrue(String.valueOf(e.getMessage()).contains("stuck"), e.getMessage());
    release.countDown();
    Sync.join(stuck);
  }

  /** Sync.join with the calling thread interrupted: the bounded join returns at once. */
  private static void joinBriefly(Thread t) {
    Thread.currentThread().interrupt();
    try {
      Sync.join(t);
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void interruptedWaitsFailWithTheInterruptKept() {
    AtomicReference<Throwable> awaitFailure = new AtomicReference<>();
    AtomicReference<Throwable> closedFailure = new AtomicReference<>();
    AtomicBoolean interruptKept = new AtomicBoolean();
    Thread t =
        new Thread(
            () -> {
              Thread.currentThread().interrupt();
              try {
                Sync.await(new CountDownLatch(1), "never");
              } catch (AssertionError e) {
                awaitFailure.set(e);
              }
              interruptKept.set(Thread.currentThread().isInterrupted());
              try {
                Sync.staysClosed(new CountDownLatch(1), 1000, "closed");
              } catch (AssertionError e) {
                closedFailure.set(e);
              }
            });
    t.start();
    Sync.join(t);
    assertTrue(awaitFailure.get() instanceof AssertionError);
    assertTrue(closedFailure.get() instanceof AssertionError);
    assertTrue(interruptKept.get());
  }
}
