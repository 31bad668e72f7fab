package dev.medialife.kernel.workqueue;

import static dev.medialife.kernel.workqueue.WorkPool.LOCK;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.locking.LockClass;
import dev.medialife.kernel.locking.Lockdep;
import dev.medialife.kernel.locking.LockdepMap;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.time.Timer;
import java.util.concurrent.locks.Condition;
import org.jspecify.annotations.Nullable;

/**
 * A work item ({@code struct work_struct}): a function to run later, in process context, on a
 * {@link Workqueue}'s worker thread.
 *
 * <p>A work item is pending from the moment it is queued (or, for {@link DelayedWork}, its timer
 * armed) until a worker starts running it; queueing a pending item does nothing. It may be queued
 * again while it runs, and then runs once more after the current run, never concurrently with
 * itself. The work function is a {@link Runnable}: where the kernel passes the {@code work_struct}
 * so that the function can find its container, a Java closure captures its owner instead.
 *
 * <p>Implementation notes. All state is guarded by the workqueue subsystem's lock ({@code
 * WorkPool.LOCK}). Instances are numbered: {@code seq} counts instances created (every successful
 * queue or timer arm), {@code runSeq} is the instance a worker runs, and {@code finished} is the
 * highest instance known to be over, run or cancelled. Instances of one item run in order, so a
 * flush waits for {@code finished} to reach the instance that was pending or running when it was
 * called, and a completion sets {@code finished} to {@code runSeq} when a newer instance is pending
 * and to {@code seq} otherwise. {@code canceling} counts {@link #cancelSync()} calls in progress;
 * while it is non-zero queueing fails, as the kernel's canceler holds the PENDING bit. A delayed
 * instance whose timer is armed has {@code timer} set; the timer callback checks, under the lock,
 * that its instance is still the armed one, so a cancel never has to wait for a timer.
 */
@KernelSymbol("work_struct")
public final class Work {
  /** {@link #busy()} bit: the item is pending (queued or its timer armed). */
  @KernelSymbol("WORK_BUSY_PENDING")
  public static final int BUSY_PENDING = 1;

  /** {@link #busy()} bit: a worker is running the item. */
  @KernelSymbol("WORK_BUSY_RUNNING")
  public static final int BUSY_RUNNING = 2;

  private final String name;
  private final Runnable func;
  private final LockdepMap dep;

  /** Signalled whenever {@link #finished} moves or {@link #runner} clears. */
  final Condition flushed = LOCK.newCondition();

  /** The workqueue of the pending instance, or of the last one. */
  @GuardedBy("WorkPool.LOCK")
  @Nullable Workqueue wq;

  /**
   * The kernel's WORK_STRUCT_PENDING bit. Written under {@code WorkPool.LOCK}; volatile so that
   * {@link Workqueue#queue} can see a pending item without the lock, as the kernel's
   * {@code test_and_set_bit} does before it takes any pool lock.
   */
  volatile boolean pending;

  /** Whether the pending instance sits on {@code wq}'s work list. */
  @GuardedBy("WorkPool.LOCK")
  boolean onList;

  /** Instances created. */
  @GuardedBy("WorkPool.LOCK")
  long seq;

  /** The highest instance that has run or was cancelled. */
  @GuardedBy("WorkPool.LOCK")
  long finished;

  /** The worker running an instance, if any. */
  @GuardedBy("WorkPool.LOCK")
  @Nullable Thread runner;

  /** The workqueue whose worker runs the instance. */
  @GuardedBy("WorkPool.LOCK")
  @Nullable Workqueue runningOn;

  /** The instance being run. */
  @GuardedBy("WorkPool.LOCK")
  long runSeq;

  /** The flush-accounting number the pending instance has on {@code wq}. */
  @GuardedBy("WorkPool.LOCK")
  long pendingWqSeq;

  /** The flush-accounting number of the running instance on {@code runningOn}. */
  @GuardedBy("WorkPool.LOCK")
  long runWqSeq;

  /** cancel_*_sync calls in progress. */
  @GuardedBy("WorkPool.LOCK")
  int canceling;

  /** The armed timer of a delayed instance. */
  @GuardedBy("WorkPool.LOCK")
  @Nullable Timer timer;

  /**
   * Initialises a work item; it is idle until queued.
   *
   * @param name a name for lockdep and diagnostics; the lockdep class is {@code
   *     "(work_completion)(<name>)"}, shared by every work item of that name
   * @param func the work function
   */
  @KernelSymbol({"INIT_WORK", "DECLARE_WORK"})
  public Work(String name, Runnable func) {
    this.name = name;
    this.func = func;
    String depName = "(work_completion)(" + name + ")";
    this.dep = new LockdepMap(depName, LockClass.of(depName), false);
  }

  /**
   * Queues this work item on the system workqueue.
   *
   * <p>Context: any context; does not sleep.
   *
   * @return false if it was already pending, true if it was queued
   */
  @KernelSymbol("schedule_work")
  public boolean schedule() {
    return Workqueue.system().queue(this);
  }

  /**
   * Whether the item is pending: queued, or a delayed item's timer armed.
   *
   * <p>Context: any context; does not sleep. While a {@link #cancelSync()} is in progress the model
   * answers false; the kernel's canceler holds the PENDING bit then, so {@code work_pending()}
   * reads true there. Either way queueing fails until the cancel returns.
   *
   * @return true if pending
   */
  @KernelSymbol("work_pending")
  public boolean pending() {
    LOCK.lock();
    try {
      return pending;
    } finally {
      LOCK.unlock();
    }
  }

  /**
   * What the item is doing now, as a bit mask.
   *
   * <p>Context: any context; does not sleep. The answer may be stale at once.
   *
   * @return {@link #BUSY_PENDING} and/or {@link #BUSY_RUNNING}, or 0 when idle
   */
  @KernelSymbol("work_busy")
  public int busy() {
    LOCK.lock();
    try {
      return (pending ? BUSY_PENDING : 0) | (runner != null ? BUSY_RUNNING : 0);
    } finally {
      LOCK.unlock();
    }
  }

  /**
   * Removes a pending instance without waiting for a running one.
   *
   * <p>Context: any context; does not sleep.
   *
   * @return true if an instance was pending and is now cancelled
   */
  @KernelSymbol("cancel_work")
  public boolean cancel() {
    LOCK.lock();
    try {
      return grabPendingLocked();
    } finally {
      LOCK.unlock();
    }
  }

  /**
   * Cancels a pending instance and waits for a running one to finish; queueing fails while this
   * runs, so the item is idle when it returns. A work function that cancel-syncs its own item is
   * reported (recursive locking with lockdep on, a warning otherwise) and does not wait for itself.
   *
   * <p>Context: process context; may sleep; must not hold a lock that the work function takes (a
   * reported circular dependency) nor a spinlock.
   *
   * @return true if an instance was pending
   */
  @KernelSymbol("cancel_work_sync")
  public boolean cancelSync() {
    return cancelSync("cancel_work_sync");
  }

  boolean cancelSync(String op) {
    Lockdep.mightSleep(op);
    boolean mayWait = lockdepCycle();
    boolean self;
    boolean was;
    LOCK.lock();
    try {
      was = grabPendingLocked();
      self = Thread.currentThread().equals(runner);
      if (mayWait && !self) {
        canceling++;
        try {
          while (runner != null) {
            flushed.awaitUninterruptibly();
          }
        } finally {
          canceling--;
        }
      }
    } finally {
      LOCK.unlock();
    }
    if (mayWait && self) {
      Warn.warn(op + ": " + this + " cancels itself from its own work function; not waiting");
    }
    return was;
  }

  /**
   * Waits until the instance that is pending or running now has finished. A work function that
   * flushes its own item, or a worker of an ordered workqueue that flushes an item queued behind
   * it, is reported (with lockdep on, as recursive locking) and returns false instead of hanging.
   *
   * <p>Context: process context; may sleep; must not hold a lock that the work function takes nor a
   * spinlock.
   *
   * @return true if it waited for an instance, false if the item was idle
   */
  @KernelSymbol("flush_work")
  public boolean flush() {
    return flush("flush_work");
  }

  boolean flush(String op) {
    Lockdep.mightSleep(op);
    if (!lockdepCycle()) {
      return false;
    }
    boolean self = false;
    long target = 0;
    Workqueue q = null;
    LOCK.lock();
    try {
      if (Thread.currentThread().equals(runner)) {
        self = true;
      } else if (onList) {
        q = wq;
        target = seq;
      } else if (runner != null) {
        q = runningOn;
        target = runSeq;
      } else {
        return false;
      }
    } finally {
      LOCK.unlock();
    }
    if (self) {
      Warn.warn(op + ": " + this + " flushes itself from its own work function; not waiting");
      return false;
    }
    if (q != null && q.maxActive() == 1 && !q.orderedFlushCheck(op, this)) {
      return false;
    }
    LOCK.lock();
    try {
      while (finished < target) {
        flushed.awaitUninterruptibly();
      }
    } finally {
      LOCK.unlock();
    }
    return true;
  }

  /**
   * Takes and drops this item's lockdep pseudo-lock in the caller, as flushes and cancels do so
   * that lockdep links the caller's held locks with the locks the work function takes.
   *
   * @return false if the caller already holds it: the work function is flushing itself (reported)
   */
  private boolean lockdepCycle() {
    if (!Lockdep.acquire(dep, 0, false)) {
      return false;
    }
    Lockdep.release(dep);
    return true;
  }

  /**
   * Removes the pending instance, whether it is on a list or waiting for its timer ({@code
   * try_to_grab_pending}).
   *
   * @return true if there was a pending instance
   */
  @GuardedBy("WorkPool.LOCK")
  boolean grabPendingLocked() {
    if (!pending) {
      return false;
    }
    Workqueue q = wq;
    if (onList && q != null) {
      q.unlinkLocked(this);
    }
    onList = false;
    Timer t = timer;
    if (t != null) {
      t.cancel();
      timer = null;
    }
    dropLocked();
    return true;
  }

  /** Ends the pending instance without running it; it counts as finished unless one is running. */
  @GuardedBy("WorkPool.LOCK")
  void dropLocked() {
    pending = false;
    if (runner == null) {
      finished = seq;
      flushed.signalAll();
    }
  }

  void run() {
    func.run();
  }

  /**
   * The work item the calling worker thread is running.
   *
   * <p>Context: any context.
   *
   * @return the item, or null when not called from a work function
   */
  @KernelSymbol("current_work")
  public static @Nullable Work current() {
    return Thread.currentThread() instanceof Worker w ? w.current : null;
  }

  /**
   * The item's name.
   *
   * @return the name given at initialisation
   */
  @JavaOnly("diagnostic")
  public String name() {
    return name;
  }

  /**
   * The lockdep pseudo-lock held while the work function runs.
   *
   * @return the map, of class {@code "(work_completion)(<name>)"}
   */
  @KernelSymbol("work_struct.lockdep_map")
  public LockdepMap depMap() {
    return dep;
  }

  @Override
  public String toString() {
    return "work " + name;
  }
}
