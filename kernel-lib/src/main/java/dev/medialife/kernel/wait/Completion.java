package dev.medialife.kernel.wait;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.locking.Lockdep;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.time.KernelClock;

/**
 * A completion ({@code struct completion}): a one-way "this has happened" signal that tasks wait
 * for, counted so that no {@link #complete()} is lost.
 *
 * <p>{@link #complete()} adds one to the done count and wakes one waiter; each successful wait
 * consumes one. {@link #completeAll()} makes the completion done for good: every present and future
 * waiter passes and nothing is consumed, until {@link #reinit()} resets the count to zero.
 *
 * <p>Implementation notes: the done count is guarded by this object's monitor (the kernel uses the
 * wait queue's lock; the model keeps the two separate so that the count can be read without
 * touching the queue). {@code Integer.MAX_VALUE} plays {@code UINT_MAX}, the "completed for all"
 * value that {@code complete()} never moves. Waiters wait exclusively on an internal {@link
 * WaitQueueHead} with {@link #tryWait()} as their condition, so consuming a count and deciding to
 * stop waiting are one atomic step, and a waiter that a {@code complete()} woke always re-checks
 * the count before it gives up on a signal or a timeout: a completion is never both signalled and
 * lost. Lock order: this monitor is never held while the queue's lock is taken.
 */
@KernelSymbol("completion")
public final class Completion {
  /** The done value of a completion completed for all: the kernel's {@code UINT_MAX}. */
  private static final int ALL = Integer.MAX_VALUE;

  private final String name;
  private final WaitQueueHead wait;

  @GuardedBy("this")
  private int done;

  /**
   * Creates a completion that is not done; timed waits use the installed clock.
   *
   * @param name a name for diagnostics
   */
  @KernelSymbol({"init_completion", "DECLARE_COMPLETION"})
  public Completion(String name) {
    this.name = name;
    this.wait = new WaitQueueHead(name);
  }

  /**
   * Creates a completion that is not done, whose timed waits use a given clock.
   *
   * @param name a name for diagnostics
   * @param clock the clock for timeouts
   */
  @KernelSymbol("init_completion")
  public Completion(String name, KernelClock clock) {
    this.name = name;
    this.wait = new WaitQueueHead(name, clock);
  }

  /**
   * Resets the done count to zero so the completion can be used again. The caller must make sure no
   * one is waiting or completing concurrently, as in the kernel.
   *
   * <p>Context: any context; does not sleep.
   */
  @KernelSymbol("reinit_completion")
  public synchronized void reinit() {
    done = 0;
  }

  /**
   * Signals one completion: adds one to the done count (unless completed for all) and wakes one
   * waiter.
   *
   * <p>Context: any context, interrupt handlers included; does not sleep.
   */
  @KernelSymbol("complete")
  public void complete() {
    synchronized (this) {
      if (done != ALL) {
        done++;
      }
    }
    wait.wakeUp();
  }

  /**
   * Completes for all: every current waiter and every later one passes without consuming, until
   * {@link #reinit()}.
   *
   * <p>Context: any context; does not sleep.
   */
  @KernelSymbol("complete_all")
  public void completeAll() {
    synchronized (this) {
      done = ALL;
    }
    wait.wakeUpAll();
  }

  /**
   * Waits, uninterruptibly and without a timeout, until the completion is done, then consumes one
   * completion. A Java interrupt does not end the wait and is restored afterwards.
   *
   * <p>Context: process context; may sleep; must not hold a spinlock.
   */
  @KernelSymbol("wait_for_completion")
  public void waitFor() {
    waitCommon("wait_for_completion", false, KernelClock.MAX_SCHEDULE_TIMEOUT);
  }

  /**
   * Waits until the completion is done or the task is interrupted.
   *
   * <p>Context: process context; may sleep; must not hold a spinlock.
   *
   * @return 0 when a completion was consumed, {@code -ERESTARTSYS} when interrupted first (the
   *     interrupt stays set)
   */
  @KernelSymbol("wait_for_completion_interruptible")
  public int waitForInterruptible() {
    long ret =
        waitCommon("wait_for_completion_interruptible", true, KernelClock.MAX_SCHEDULE_TIMEOUT);
    return ret < 0 ? (int) ret : 0;
  }

  /**
   * Waits, uninterruptibly, until the completion is done or the timeout elapses.
   *
   * <p>Context: process context; may sleep; must not hold a spinlock.
   *
   * @param timeoutNanos the timeout in nanoseconds (the model's jiffies); a negative value is
   *     reported and treated as 0
   * @return 0 if timed out, otherwise the time left, at least 1
   */
  @KernelSymbol("wait_for_completion_timeout")
  public long waitForTimeout(long timeoutNanos) {
    return waitCommon("wait_for_completion_timeout", false, timeoutNanos);
  }

  /**
   * Waits until the completion is done, the timeout elapses, or the task is interrupted.
   *
   * <p>Context: process context; may sleep; must not hold a spinlock.
   *
   * @param timeoutNanos the timeout in nanoseconds; a negative value is reported and treated as 0
   * @return {@code -ERESTARTSYS} if interrupted first, 0 if timed out, else the time left, at least
   *     1
   */
  @KernelSymbol("wait_for_completion_interruptible_timeout")
  public long waitForInterruptibleTimeout(long timeoutNanos) {
    return waitCommon("wait_for_completion_interruptible_timeout", true, timeoutNanos);
  }

  /** The kernel's {@code wait_for_common}: consume at once if done, else sleep on the queue. */
  private long waitCommon(String op, boolean interruptible, long timeoutNanos) {
    Lockdep.mightSleep(op);
    long timeout = WaitQueueHead.checkTimeout(timeoutNanos);
    if (tryWait()) {
      return Math.max(timeout, 1);
    }
    if (interruptible && Thread.currentThread().isInterrupted()) {
      return -Errno.ERESTARTSYS;
    }
    if (timeout == 0) {
      return 0;
    }
    return wait.sleep(this::tryWait, interruptible, true, timeout);
  }

  /**
   * Consumes one completion if the completion is done, without sleeping.
   *
   * <p>Context: any context; does not sleep.
   *
   * @return true if it was done (and one completion was consumed unless completed for all), false
   *     if a wait would have slept
   */
  @KernelSymbol("try_wait_for_completion")
  public synchronized boolean tryWait() {
    if (done == 0) {
      return false;
    }
    if (done != ALL) {
      done--;
    }
    return true;
  }

  /**
   * Whether the completion is done: a wait would pass at once.
   *
   * <p>Context: any context; does not sleep.
   *
   * @return true if the done count is not zero
   */
  @KernelSymbol("completion_done")
  public synchronized boolean done() {
    return done != 0;
  }

  /**
   * The completion's name.
   *
   * @return the name given at initialisation
   */
  @JavaOnly("diagnostic")
  public String name() {
    return name;
  }

  @Override
  public synchronized String toString() {
    return "completion " + name + " (done " + (done == ALL ? "all" : Integer.toString(done)) + ")";
  }
}
