package dev.medialife.kernel.workqueue;

import static dev.medialife.kernel.workqueue.WorkPool.LOCK;

import dev.medialife.kernel.Warn;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.time.Timer;

/**
 * Delayed work ({@code struct delayed_work}): a {@link Work} plus a timer that queues it when it
 * fires. Queue it with {@link Workqueue#queueDelayed} or {@link Workqueue#modDelayed}.
 *
 * <p>The embedded work item ({@link #work()}) is pending from the moment the timer is armed, so
 * {@link Work#pending()}, {@link Work#cancelSync()} and {@link Workqueue#queue} on it see the
 * delayed instance too, as in the kernel.
 *
 * <p>Implementation notes: the timer is part of the embedded item's state, guarded by the workqueue
 * subsystem's lock; see {@link Work} and {@link Workqueue}.
 */
@KernelSymbol("delayed_work")
public final class DelayedWork {
  private final Work work;

  /**
   * Initialises delayed work; it is idle until queued.
   *
   * @param name a name for lockdep and diagnostics (the lockdep class of the embedded work)
   * @param func the work function
   */
  @KernelSymbol({"INIT_DELAYED_WORK", "DECLARE_DELAYED_WORK"})
  public DelayedWork(String name, Runnable func) {
    this.work = new Work(name, func);
  }

  /**
   * The embedded work item.
   *
   * @return the work item
   */
  @KernelSymbol("delayed_work.work")
  public Work work() {
    return work;
  }

  /**
   * Queues this delayed work on the system workqueue after {@code delayNanos}.
   *
   * <p>Context: any context; does not sleep.
   *
   * @param delayNanos the delay in nanoseconds; 0 or less queues at once
   * @return false if it was already pending, true if queued or its timer armed
   */
  @KernelSymbol("schedule_delayed_work")
  public boolean schedule(long delayNanos) {
    return Workqueue.system().queueDelayed(this, delayNanos);
  }

  /**
   * Whether the work is pending: its timer armed or the work queued.
   *
   * <p>Context: any context; does not sleep.
   *
   * @return true if pending
   */
  @KernelSymbol("delayed_work_pending")
  public boolean pending() {
    return work.pending();
  }

  /**
   * Cancels a pending instance, timer or queued, without waiting for a running one.
   *
   * <p>Context: any context; does not sleep.
   *
   * @return true if it was pending and is now cancelled
   */
  @KernelSymbol("cancel_delayed_work")
  public boolean cancel() {
    return work.cancel();
  }

  /**
   * Cancels a pending instance and waits for a running one; see {@link Work#cancelSync()}.
   *
   * <p>Context: process context; may sleep; must not hold a lock the work function takes.
   *
   * @return true if it was pending
   */
  @KernelSymbol("cancel_delayed_work_sync")
  public boolean cancelSync() {
    return work.cancelSync("cancel_delayed_work_sync");
  }

  /**
   * Runs the work now if its timer is armed, then waits for it: the timer is cancelled and the work
   * queued at once, and the work is flushed as by {@link Work#flush()}.
   *
   * <p>Context: process context; may sleep; must not hold a lock the work function takes.
   *
   * @return true if it waited for an instance, false if the work was idle
   */
  @KernelSymbol("flush_delayed_work")
  public boolean flush() {
    String refused = null;
    LOCK.lock();
    try {
      Timer t = work.timer;
      Workqueue q = work.wq;
      if (t != null && q != null) {
        t.cancel();
        work.timer = null;
        refused = q.queueFromTimerLocked(work, "flush_delayed_work");
      }
    } finally {
      LOCK.unlock();
    }
    if (refused != null) {
      Warn.warn(refused);
    }
    return work.flush("flush_delayed_work");
  }

  /**
   * The work's name.
   *
   * @return the name given at initialisation
   */
  @JavaOnly("diagnostic")
  public String name() {
    return work.name();
  }

  @Override
  public String toString() {
    return "delayed_work " + work.name();
  }
}
