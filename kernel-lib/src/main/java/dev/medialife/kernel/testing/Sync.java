package dev.medialife.kernel.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.meta.JavaOnly;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Bounded waits for concurrency tests: latches and joins with timeouts, never sleeps for
 * ordering. Every wait that is expected to succeed fails the test after {@value #TIMEOUT_SECONDS}
 * seconds instead of hanging it.
 */
@JavaOnly("test harness")
public final class Sync {
  /** The bound of every wait that is expected to succeed. */
  public static final long TIMEOUT_SECONDS = 20;

  private Sync() {}

  /**
   * Awaits a latch that must open, failing (not hanging) if it does not.
   *
   * @param latch the latch
   * @param what what is awaited, for the failure message
   */
  public static void await(CountDownLatch latch, String what) {
    try {
      assertTrue(latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "timed out waiting for " + what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }

  /**
   * Asserts that a latch stays closed for a short bounded time.
   *
   * @param latch the latch
   * @param millis how long it must stay closed
   * @param what the claim, for the failure message
   */
  public static void staysClosed(CountDownLatch latch, long millis, String what) {
    try {
      assertFalse(latch.await(millis, TimeUnit.MILLISECONDS), what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted checking " + what, e);
    }
  }

  /**
   * Joins a thread that must end.
   *
   * @param t the thread
   */
  public static void join(Thread t) {
    try {
      t.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted joining " + t.getName(), e);
    }
    assertFalse(t.isAlive(), t.getName() + " did not finish");
  }

  /**
   * Spins until a condition holds, bounded; for states no latch can signal.
   *
   * @param cond the condition
   * @param what the condition's description, for the failure message
   */
  public static void until(BooleanSupplier cond, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (!cond.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
      Thread.onSpinWait();
    }
  }

  /**
   * Starts a named daemon thread.
   *
   * @param name the thread name
   * @param body what it runs
   * @return the started thread
   */
  public static Thread start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
