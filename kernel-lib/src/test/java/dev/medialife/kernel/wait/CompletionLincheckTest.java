package dev.medialife.kernel.wait;

import static dev.medialife.kernel.wait.LincheckSupport.bounded;
import static dev.medialife.kernel.wait.LincheckSupport.parallel;
import static dev.medialife.kernel.wait.LincheckSupport.thread;
import static dev.medialife.kernel.wait.LincheckSupport.underLockdep;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lincheck model checks of {@link Completion}.
 *
 * <p>The non-blocking operations (complete, completeAll, tryWait, done, reinit) are checked for
 * linearizability against a sequential counter with the kernel's UINT_MAX "done for all" value. The
 * blocking {@code waitFor} is checked in hand-written scenarios in which every correct interleaving
 * terminates: Lincheck explores the interleavings of the wait loop against the wakers, so a lost
 * wake-up shows as a hung thread. The sequential specification refuses a {@code waitFor} linearized
 * before enough completions (it returns 0 where the real one returns 1), which also checks that
 * each wait consumed exactly one completion.
 */
class CompletionLincheckTest {

  /** The completion under test. */
  public static final class Model {
    private final Completion c = new Completion("lincheck");

    @Operation
    public void complete() {
      c.complete();
    }

    @Operation
    public void completeAll() {
      c.completeAll();
    }

    @Operation
    public boolean tryWait() {
      return c.tryWait();
    }

    @Operation
    public boolean done() {
      return c.done();
    }

    @Operation
    public void reinit() {
      c.reinit();
    }

    /** Blocking: only used in hand-written scenarios. */
    public int waitFor() {
      c.waitFor();
      return 1;
    }

    /** Blocking with a timeout that never expires on the model's real clock within a check. */
    public int waitForInterruptible() {
      return c.waitForInterruptible() == 0 ? 1 : -1;
    }
  }

  /** The sequential specification: a counter with a saturating "all" value. */
  public static final class Spec {
    private static final int ALL = Integer.MAX_VALUE;
    private int done;

    public void complete() {
      if (done != ALL) {
        done++;
      }
    }

    public void completeAll() {
      done = ALL;
    }

    public boolean tryWait() {
      if (done == 0) {
        return false;
      }
      if (done != ALL) {
        done--;
      }
      return true;
    }

    public boolean done() {
      return done != 0;
    }

    public void reinit() {
      done = 0;
    }

    /** A wait linearizes only where it can pass; elsewhere its result cannot match. */
    public int waitFor() {
      return tryWait() ? 1 : 0;
    }

    public int waitForInterruptible() {
      return waitFor();
    }
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void nonBlockingOperationsAreLinearizable() {
    underLockdep(
        "completion lincheck",
        () ->
            bounded(10, 200)
                .threads(3)
                .actorsPerThread(2)
                .sequentialSpecification(Spec.class)
                .check(Model.class));
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void waitersAreNeverLeftAsleep() {
    Class<Model> m = Model.class;
    // one waiter, two completes, then a competing tryWait that can only take the second
    var oneWaiter =
        parallel(List.of(thread(m, "waitFor"), thread(m, "complete", "complete", "tryWait")));
    // two waiters share two completions
    var twoWaiters =
        parallel(
            List.of(
                thread(m, "waitFor"),
                thread(m, "waitForInterruptible"),
                thread(m, "complete", "complete", "done")));
    // complete_all releases both waiters and stays done
    var all =
        parallel(
            List.of(thread(m, "waitFor", "done"), thread(m, "waitFor"), thread(m, "completeAll")));
    underLockdep(
        "completion blocking lincheck",
        () ->
            bounded(0, 300)
                .sequentialSpecification(Spec.class)
                .addCustomScenario(oneWaiter)
                .addCustomScenario(twoWaiters)
                .addCustomScenario(all)
                .check(Model.class));
  }

  /** A completion whose waiter checks the count before it is queued: the classic lost wake-up. */
  public static final class LostWakeupModel {
    private final Object lock = new Object();
    private int done;
    private volatile @Nullable Thread sleeper;
    private volatile boolean woken;

    public void complete() {
      synchronized (lock) {
        done++;
      }
      Thread t = sleeper;
      if (t != null) {
        woken = true;
        LockSupport.unpark(t);
      }
    }

    public int waitFor() {
      boolean ready;
      synchronized (lock) {
        ready = done > 0;
      }
      if (!ready) {
        sleeper = Thread.currentThread(); // too late: complete() may have looked already
        while (!woken) {
          LockSupport.park(this);
        }
      }
      synchronized (lock) {
        done--;
      }
      return 1;
    }
  }

  /** The sequential specification of the broken model: the same counter. */
  public static final class LostWakeupSpec {
    private int done;

    public void complete() {
      done++;
    }

    public int waitFor() {
      if (done == 0) {
        return 0;
      }
      done--;
      return 1;
    }
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void theCheckFindsALostWakeup() {
    Class<LostWakeupModel> m = LostWakeupModel.class;
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () ->
                bounded(0, 500)
                    .sequentialSpecification(LostWakeupSpec.class)
                    .addCustomScenario(
                        parallel(List.of(thread(m, "waitFor"), thread(m, "complete"))))
                    .check(LostWakeupModel.class));
    String report = String.valueOf(e.getMessage());
    assertTrue(report.contains("waitFor(): <hung>"), report);
  }
}
