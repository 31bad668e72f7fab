package dev.medialife.kernel.wait;

import static dev.medialife.kernel.wait.LincheckSupport.bounded;
import static dev.medialife.kernel.wait.LincheckSupport.parallel;
import static dev.medialife.kernel.wait.LincheckSupport.thread;
import static dev.medialife.kernel.wait.LincheckSupport.underLockdep;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.time.ManualClock;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lincheck model checks of {@link WaitQueueHead}: a mailbox of messages whose consumers sleep as
 * exclusive waiters, and a flag whose waiters sleep non-exclusively, must never leave a waiter
 * asleep once what it waits for is there. Lincheck explores the interleavings of the queue's
 * enqueue-then-check protocol against the wakers; a lost wake-up is a hung thread. A waker that
 * tests {@code waitqueue_active} before publishing its condition (the documented misuse) must be
 * caught.
 */
class WaitQueueLincheckTest {

  /** Messages counted under a lock; takers wait exclusively, so each post wakes one taker. */
  public static class Mailbox {
    /** A manual clock nobody advances: timed waits arm a real timer that never fires. */
    final WaitQueueHead wq = new WaitQueueHead("mailbox", new ManualClock());

    private final BooleanSupplier messageTaken = new MessageTaken(this);
    private final BooleanSupplier flagRaised = new FlagRaised(this);
    private int messages;
    private volatile boolean flag;

    // Conditions are plain classes, not lambdas: Lincheck cannot track fields of hidden classes.
    private static final class MessageTaken implements BooleanSupplier {
      private final Mailbox m;

      MessageTaken(Mailbox m) {
        this.m = m;
      }

      @Override
      public boolean getAsBoolean() {
        return m.tryTake();
      }
    }

    private static final class FlagRaised implements BooleanSupplier {
      private final Mailbox m;

      FlagRaised(Mailbox m) {
        this.m = m;
      }

      @Override
      public boolean getAsBoolean() {
        return m.flag;
      }
    }

    @Operation
    public void post() {
      messagesAdd();
      wq.wakeUp();
    }

    synchronized void messagesAdd() {
      messages++;
    }

    @Operation
    public synchronized boolean tryTake() {
      if (messages == 0) {
        return false;
      }
      messages--;
      return true;
    }

    @Operation
    public synchronized int count() {
      return messages;
    }

    /** Blocking: only in hand-written scenarios. */
    public int take() {
      return wq.waitEventInterruptibleExclusive(messageTaken) == 0 ? 1 : -1;
    }

    /** Sets the flag and wakes every waiter. */
    public void raise() {
      flag = true;
      wq.wakeUpAll();
    }

    /** Blocking: waits, non-exclusively and uninterruptibly, for the flag. */
    public int awaitFlag() {
      wq.waitEvent(flagRaised);
      return 1;
    }

    /** Blocking: waits with a timeout on the manual clock, which never expires here. */
    public int awaitFlagTimeout() {
      return wq.waitEventInterruptibleTimeout(flagRaised, 1_000_000_000L) > 0 ? 1 : 0;
    }
  }

  /** The sequential specification; a blocking call linearized too early returns 0 and fails. */
  public static final class Spec {
    private int messages;
    private boolean flag;

    public void post() {
      messages++;
    }

    public boolean tryTake() {
      if (messages == 0) {
        return false;
      }
      messages--;
      return true;
    }

    public int count() {
      return messages;
    }

    public int take() {
      return tryTake() ? 1 : 0;
    }

    public void raise() {
      flag = true;
    }

    public int awaitFlag() {
      return flag ? 1 : 0;
    }

    public int awaitFlagTimeout() {
      return awaitFlag();
    }
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void nonBlockingMailboxIsLinearizable() {
    underLockdep(
        "mailbox lincheck",
        () ->
            bounded(8, 200)
                .threads(3)
                .actorsPerThread(2)
                .sequentialSpecification(Spec.class)
                .check(Mailbox.class));
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void noWaiterIsLeftAsleep() {
    Class<Mailbox> m = Mailbox.class;
    // two exclusive takers, two posts: each post must wake a taker that has not been woken yet
    var exclusive =
        parallel(List.of(thread(m, "take"), thread(m, "take"), thread(m, "post", "post")));
    // non-exclusive waiters, one uninterruptible and one timed, released by one wake_up_all
    var flag =
        parallel(
            List.of(thread(m, "awaitFlag"), thread(m, "awaitFlagTimeout"), thread(m, "raise")));
    underLockdep(
        "wait queue blocking lincheck",
        () ->
            bounded(0, 300)
                .sequentialSpecification(Spec.class)
                .addCustomScenario(exclusive)
                .addCustomScenario(flag)
                .check(Mailbox.class));
  }

  /** A waker that skips the wake-up when no one seems to wait, testing before publishing. */
  public static final class CarelessMailbox extends Mailbox {
    @Override
    public void post() {
      boolean sleepers = wq.active(); // wrong: must be tested after the condition is published
      messagesAdd();
      if (sleepers) {
        wq.wakeUp();
      }
    }
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void theCheckFindsAWakerThatTestsBeforePublishing() {
    Class<CarelessMailbox> m = CarelessMailbox.class;
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () ->
                bounded(0, 300)
                    .sequentialSpecification(Spec.class)
                    .addCustomScenario(parallel(List.of(thread(m, "take"), thread(m, "post"))))
                    .check(CarelessMailbox.class));
    String report = String.valueOf(e.getMessage());
    assertTrue(report.contains("take(): <hung>"), report);
  }
}
