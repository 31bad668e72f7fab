package dev.medialife.kernel.workqueue;

import static dev.medialife.kernel.workqueue.WorkPool.LOCK;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.locking.LockClass;
import dev.medialife.kernel.locking.Lockdep;
import dev.medialife.kernel.locking.LockdepMap;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.time.ManualClock;
import dev.medialife.kernel.trace.TraceEvent;
import dev.medialife.kernel.trace.TraceRecorder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import org.jspecify.annotations.Nullable;

/**
 * A workqueue ({@code struct workqueue_struct}): a FIFO of work items and up to {@code maxActive}
 * worker threads that run them.
 *
 * <p>Workers are daemon threads named {@code kworker/<name>:<n>}, started on demand up to {@code
 * maxActive} and kept until {@link #destroy()}. An ordered workqueue ({@link #allocOrdered}) has
 * one worker and runs items strictly in queueing order. {@link #flush()} waits for every item
 * queued before it was called; {@link #drain()} repeats that until the workqueue is empty, allowing
 * only the workqueue's own work functions to queue more meanwhile; {@link #destroy()} drains, then
 * stops and joins the workers. A work function that throws is reported with {@code WARN} and the
 * worker carries on with the next item. Each run is traced on the global {@link TraceRecorder} as a
 * BEGIN/END pair in category "workqueue" on the worker's track (the kernel's {@code
 * workqueue_execute_start/end} tracepoints).
 *
 * <p>Delayed work arms a timer on this workqueue's clock (given at allocation, else the installed
 * clock at the time of queueing). When the timer fires it queues the work; on a {@link ManualClock}
 * the timer callback then also waits until that work has run, so that {@code advance()} returns
 * with due delayed work done, unless the advancing thread is a worker of this workqueue, where
 * waiting could deadlock.
 *
 * <p>Implementation notes. All state is guarded by {@code WorkPool.LOCK}. A worker takes the first
 * item on the list that is not running elsewhere (an item queued again while it runs waits for its
 * running instance, the kernel's non-reentrancy), so an ordered workqueue stays strictly FIFO.
 * Flush accounting gives every instance put on the list a number from {@code lastSeq}, kept in
 * {@code inflight} while it is listed or running; {@link #flush()} waits until no number at or
 * below the last one assigned at its start is in flight (the kernel's flush colours). Lockdep:
 * workers hold the workqueue's pseudo-lock {@code (wq_completion)<name>} and then the item's while
 * the work function runs; flushes take and drop them in the caller. Reports, lockdep calls and work
 * functions run with {@code WorkPool.LOCK} released.
 */
@KernelSymbol("workqueue_struct")
public final class Workqueue {
  /** The default {@code maxActive}: the kernel's WQ_DFL_ACTIVE. */
  @KernelSymbol("WQ_DFL_ACTIVE")
  public static final int DFL_ACTIVE = 256;

  /** The largest {@code maxActive}: the kernel's WQ_MAX_ACTIVE. */
  @KernelSymbol("WQ_MAX_ACTIVE")
  public static final int MAX_ACTIVE = 512;

  private static final String TRACE_CATEGORY = "workqueue";

  private final String name;
  private final int maxActive;
  private final @Nullable KernelClock clock;
  private final boolean permanent;
  private final LockdepMap dep;

  /** Signalled when an item is listed or becomes runnable, and on destroy. */
  private final Condition moreWork = LOCK.newCondition();

  /** Signalled whenever a number leaves {@link #inflight}. */
  private final Condition flushDone = LOCK.newCondition();

  @GuardedBy("WorkPool.LOCK")
  private final ArrayDeque<Work> worklist = new ArrayDeque<>();

  @GuardedBy("WorkPool.LOCK")
  private final List<Worker> workers = new ArrayList<>();

  @GuardedBy("WorkPool.LOCK")
  private final TreeSet<Long> inflight = new TreeSet<>();

  @GuardedBy("WorkPool.LOCK")
  private int busy;

  @GuardedBy("WorkPool.LOCK")
  private int nextWorkerId;

  @GuardedBy("WorkPool.LOCK")
  private long lastSeq;

  @GuardedBy("WorkPool.LOCK")
  private int draining;

  @GuardedBy("WorkPool.LOCK")
  private boolean destroying;

  @GuardedBy("WorkPool.LOCK")
  private boolean destroyed;

  private Workqueue(String name, int maxActive, @Nullable KernelClock clock, boolean permanent) {
    this.name = name;
    this.maxActive = maxActive;
    this.clock = clock;
    this.permanent = permanent;
    String depName = "(wq_completion)" + name;
    this.dep = new LockdepMap(depName, LockClass.of(depName), false);
  }

  /** The lazily created system workqueue. */
  private static final class SystemWq {
    static final Workqueue WQ = new Workqueue("events", DFL_ACTIVE, null, true);
  }

  /**
   * Allocates a workqueue whose delayed work uses the installed clock.
   *
   * @param name the name, used for worker threads, lockdep and reports
   * @param maxActive how many of its items may run at once; 0 selects {@link #DFL_ACTIVE}; values
   *     outside 1..{@link #MAX_ACTIVE} are reported and clamped
   * @return the workqueue
   */
  @KernelSymbol("alloc_workqueue")
  public static Workqueue alloc(String name, int maxActive) {
    return new Workqueue(name, clampMaxActive(name, maxActive), null, false);
  }

  /**
   * Allocates a workqueue whose delayed work uses a given clock.
   *
   * @param name the name
   * @param maxActive as for {@link #alloc(String, int)}
   * @param clock the clock for delayed work timers
   * @return the workqueue
   */
  @KernelSymbol("alloc_workqueue")
  public static Workqueue alloc(String name, int maxActive, KernelClock clock) {
    return new Workqueue(name, clampMaxActive(name, maxActive), clock, false);
  }

  /**
   * Allocates an ordered workqueue: one item at a time, in queueing order.
   *
   * @param name the name
   * @return the workqueue
   */
  @KernelSymbol("alloc_ordered_workqueue")
  public static Workqueue allocOrdered(String name) {
    return new Workqueue(name, 1, null, false);
  }

  /**
   * Allocates an ordered workqueue whose delayed work uses a given clock.
   *
   * @param name the name
   * @param clock the clock for delayed work timers
   * @return the workqueue
   */
  @KernelSymbol("alloc_ordered_workqueue")
  public static Workqueue allocOrdered(String name, KernelClock clock) {
    return new Workqueue(name, 1, clock, false);
  }

  /**
   * The system workqueue ({@code system_wq}, named "events"), created on first use and never
   * destroyed; {@link Work#schedule()} and {@link DelayedWork#schedule(long)} queue on it.
   *
   * @return the system workqueue
   */
  @KernelSymbol("system_wq")
  public static Workqueue system() {
    return SystemWq.WQ;
  }

  private static int clampMaxActive(String name, int maxActive) {
    if (maxActive == 0) {
      return DFL_ACTIVE;
    }
    if (maxActive < 1 || maxActive > MAX_ACTIVE) {
      Warn.warn(
          "workqueue: max_active "
              + maxActive
              + " requested for "
              + name
              + " is out of range, clamping between 1 and "
              + MAX_ACTIVE);
      return Math.max(1, Math.min(maxActive, MAX_ACTIVE));
    }
    return maxActive;
  }

  /**
   * Queues a work item. An item that is pending, or being cancel-synced, is left alone. Queueing on
   * a destroyed workqueue, or on a draining one from outside its own work functions, is reported
   * and refused.
   *
   * <p>Context: any context; does not sleep.
   *
   * @param work the item
   * @return true if queued, false if it was already pending or the queueing was refused
   */
  @KernelSymbol("queue_work")
  public boolean queue(Work work) {
    if (work.pending) {
      // Already pending: nothing to do, and no lock taken (the kernel's test_and_set_bit of
      // WORK_STRUCT_PENDING fails before queue_work takes the pool lock). A mem2mem scheduler
      // kicks its job_work after every job, mostly while it is still pending.
      return false;
    }
    String refused;
    LOCK.lock();
    try {
      if (work.pending || work.canceling > 0) {
        return false;
      }
      refused = refuseLocked("queue_work");
      if (refused == null) {
        work.pending = true;
        work.seq++;
        insertLocked(work);
        return true;
      }
    } finally {
      LOCK.unlock();
    }
    Warn.warn(refused);
    return false;
  }

  /**
   * Queues delayed work after {@code delayNanos} on this workqueue's clock.
   *
   * <p>Context: any context; does not sleep.
   *
   * @param dwork the delayed work
   * @param delayNanos the delay in nanoseconds (the model's jiffies); 0 or less queues at once
   * @return true if queued (or its timer armed), false if it was already pending or refused
   */
  @KernelSymbol("queue_delayed_work")
  public boolean queueDelayed(DelayedWork dwork, long delayNanos) {
    Work work = dwork.work();
    if (delayNanos <= 0) {
      return queue(work);
    }
    String refused;
    LOCK.lock();
    try {
      if (work.pending || work.canceling > 0) {
        return false;
      }
      refused = refuseLocked("queue_delayed_work");
      if (refused == null) {
        work.pending = true;
        work.seq++;
        armLocked(work, delayNanos);
        return true;
      }
    } finally {
      LOCK.unlock();
    }
    Warn.warn(refused);
    return false;
  }

  /**
   * Queues delayed work after {@code delayNanos}, replacing a pending instance's timer or list
   * position: whatever its state, the work will run {@code delayNanos} from now (once).
   *
   * <p>Context: any context; does not sleep.
   *
   * @param dwork the delayed work
   * @param delayNanos the new delay; 0 or less queues at once
   * @return true if it was pending (its timer was modified), false if it was idle and is now queued
   *     or the queueing was refused. While a cancel-sync of it is in progress nothing is queued and
   *     true is returned, as the kernel turns that case's -ENOENT into true.
   */
  @KernelSymbol("mod_delayed_work")
  public boolean modDelayed(DelayedWork dwork, long delayNanos) {
    Work work = dwork.work();
    String refused;
    LOCK.lock();
    try {
      if (work.canceling > 0) {
        return true;
      }
      refused = refuseLocked("mod_delayed_work");
      if (refused == null) {
        boolean was = work.grabPendingLocked();
        work.pending = true;
        work.seq++;
        if (delayNanos <= 0) {
          insertLocked(work);
        } else {
          armLocked(work, delayNanos);
        }
        return was;
      }
    } finally {
      LOCK.unlock();
    }
    Warn.warn(refused);
    return false;
  }

  /** Why queueing here must be refused, or null to accept. */
  @GuardedBy("WorkPool.LOCK")
  private @Nullable String refuseLocked(String op) {
    if (destroyed) {
      return op + ": workqueue " + name + " is destroyed";
    }
    if (draining > 0 && !Worker.isWorkerOf(this)) {
      return op + ": workqueue " + name + " is draining; only its own work may queue";
    }
    return null;
  }

  /** Puts a pending instance on the list ({@code insert_work}) and makes sure a worker sees it. */
  @GuardedBy("WorkPool.LOCK")
  private void insertLocked(Work work) {
    work.wq = this;
    work.onList = true;
    work.pendingWqSeq = ++lastSeq;
    inflight.add(work.pendingWqSeq);
    worklist.addLast(work);
    if (workers.size() - busy < worklist.size() && workers.size() < maxActive) {
      Worker w = new Worker(this, "kworker/" + name + ":" + nextWorkerId++);
      workers.add(w);
      w.start();
    }
    if (work.runner == null) {
      moreWork.signal();
    }
    // Otherwise it was queued again while it runs: no worker may take it before the running
    // instance ends, and the worker that ends it takes it or passes the wake-up on (next). Waking
    // an idle worker now would only have it find nothing; the kernel, too, wakes no idle worker
    // while one of the pool's workers runs, and that worker takes the next item without sleeping.
  }

  /** Takes a pending instance off the list, for a cancel. */
  @GuardedBy("WorkPool.LOCK")
  void unlinkLocked(Work work) {
    worklist.remove(work);
    inflight.remove(work.pendingWqSeq);
    flushDone.signalAll();
  }

  /** Arms the timer of a delayed instance that was just made pending. */
  @GuardedBy("WorkPool.LOCK")
  private void armLocked(Work work, long delayNanos) {
    KernelClock clk = clock();
    long instance = work.seq;
    boolean synchronous = clk instanceof ManualClock;
    work.wq = this;
    work.timer =
        clk.schedule(
            KernelClock.deadline(clk.nanoTime(), delayNanos),
            () -> timerFired(work, instance, synchronous));
  }

  /**
   * The delayed work timer callback ({@code delayed_work_timer_fn}): queues the instance it was
   * armed for, if that instance is still the armed one. On a manual clock it then waits for the
   * instance to finish, so that advancing the clock runs due delayed work.
   */
  private void timerFired(Work work, long instance, boolean synchronous) {
    String refused;
    LOCK.lock();
    try {
      if (work.timer == null || work.seq != instance) {
        return;
      }
      work.timer = null;
      refused = queueFromTimerLocked(work, "delayed_work_timer_fn");
      if (refused == null && synchronous && !Worker.isWorkerOf(this)) {
        while (work.finished < instance) {
          work.flushed.awaitUninterruptibly();
        }
      }
    } finally {
      LOCK.unlock();
    }
    if (refused != null) {
      Warn.warn(refused);
    }
  }

  /**
   * Moves a delayed instance whose timer was just disarmed onto the list, or drops it when this
   * workqueue refuses work.
   *
   * @return why it was dropped, or null when queued
   */
  @GuardedBy("WorkPool.LOCK")
  @Nullable String queueFromTimerLocked(Work work, String op) {
    String refused = refuseLocked(op);
    if (refused != null) {
      work.dropLocked();
    } else {
      insertLocked(work);
    }
    return refused;
  }

  /**
   * The worker thread's loop ({@code worker_thread}): take the first runnable item, run it, repeat;
   * exit once destroyed and idle.
   */
  void workerLoop(Worker me) {
    for (Work work = next(me, null); work != null; work = next(me, work)) {
      execute(me, work);
    }
  }

  /**
   * Completes the run of {@code done}, if any, then sleeps until an item is runnable and starts it.
   *
   * @return the item to run, or null when the workqueue is destroyed and the worker must exit
   */
  private @Nullable Work next(Worker me, @Nullable Work done) {
    LOCK.lock();
    try {
      if (done != null) {
        completeLocked(me, done);
      }
      for (; ; ) {
        Work work = pickLocked(me);
        if (work != null) {
          if (hasRunnableLocked()) {
            moreWork.signal(); // more than this worker can take: pass the wake-up on
          }
          return work;
        }
        if (destroyed) {
          workers.remove(me);
          return null;
        }
        moreWork.awaitUninterruptibly();
      }
    } finally {
      LOCK.unlock();
    }
  }

  /** Picks and starts the first listed item that is not running elsewhere. */
  @GuardedBy("WorkPool.LOCK")
  private @Nullable Work pickLocked(Worker me) {
    for (Iterator<Work> it = worklist.iterator(); it.hasNext(); ) {
      Work work = it.next();
      if (work.runner == null) {
        it.remove();
        work.onList = false;
        work.pending = false;
        work.runner = me;
        work.runningOn = this;
        work.runSeq = work.seq;
        work.runWqSeq = work.pendingWqSeq;
        me.current = work;
        busy++;
        return work;
      }
    }
    return null;
  }

  /** Whether a listed item is not running anywhere, so that an idle worker could take it. */
  @GuardedBy("WorkPool.LOCK")
  private boolean hasRunnableLocked() {
    for (Work w : worklist) {
      if (w.runner == null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Ends a run: the instance is finished, flushers are told, a re-queued instance is runnable. One
   * re-queued on this workqueue is taken by the ending worker itself (or the wake-up passed on) in
   * {@link #next}; one moved to another workqueue wakes a worker there.
   */
  @GuardedBy("WorkPool.LOCK")
  private void completeLocked(Worker me, Work work) {
    busy--;
    me.current = null;
    work.runner = null;
    work.runningOn = null;
    work.finished = work.pending ? work.runSeq : work.seq;
    work.flushed.signalAll();
    inflight.remove(work.runWqSeq);
    flushDone.signalAll();
    Workqueue next = work.wq;
    if (work.onList && next != null && !equals(next)) {
      next.moreWork.signal();
    }
  }

  /** Runs one work function ({@code process_one_work}) with the lockdep pseudo-locks held. */
  private void execute(Worker me, Work work) {
    boolean lockdep = Sanitizers.lockdep();
    Lockdep.acquire(dep, 0, false);
    Lockdep.acquire(work.depMap(), 0, false);
    int held = lockdep ? Lockdep.heldLocks().size() : 0;
    TraceRecorder trace = TraceRecorder.global();
    trace.record(TRACE_CATEGORY, work.name(), TraceEvent.Phase.BEGIN, me.getName(), Map.of());
    try {
      work.run();
    } catch (RuntimeException | Error e) {
      Warn.warn("workqueue " + name + ": " + work + " threw " + e);
    } finally {
      if (lockdep && Lockdep.heldLocks().size() != held) {
        Warn.warn(
            "BUG: workqueue leaked lock or atomic: "
                + me.getName()
                + " last function: "
                + work.name()
                + ", held locks: "
                + Lockdep.heldLocks());
      }
      Lockdep.release(work.depMap());
      Lockdep.release(dep);
      trace.record(TRACE_CATEGORY, work.name(), TraceEvent.Phase.END, me.getName(), Map.of());
    }
  }

  /**
   * Waits until every work item queued before this call has finished. Items queued meanwhile, and
   * delayed work whose timer has not fired, are not waited for.
   *
   * <p>Context: process context; may sleep; not from a work function of this workqueue (reported:
   * recursive locking with lockdep on, a warning otherwise; it then returns at once).
   */
  @KernelSymbol({"flush_workqueue", "__flush_workqueue"})
  public void flush() {
    if (!flushCheck("flush_workqueue")) {
      return;
    }
    LOCK.lock();
    try {
      waitFlushedLocked(lastSeq);
    } finally {
      LOCK.unlock();
    }
  }

  @GuardedBy("WorkPool.LOCK")
  private void waitFlushedLocked(long target) {
    while (!inflight.isEmpty() && inflight.first() <= target) {
      flushDone.awaitUninterruptibly();
    }
  }

  /**
   * Flushes until the workqueue is empty; meanwhile only this workqueue's own work functions may
   * queue on it (chained work), anyone else's queueing is reported and refused.
   *
   * <p>Context: process context; may sleep; not from a work function of this workqueue.
   */
  @KernelSymbol("drain_workqueue")
  public void drain() {
    if (flushCheck("drain_workqueue")) {
      drainChecked();
    }
  }

  private void drainChecked() {
    LOCK.lock();
    try {
      draining++;
      try {
        while (!inflight.isEmpty()) {
          waitFlushedLocked(lastSeq);
        }
      } finally {
        draining--;
      }
    } finally {
      LOCK.unlock();
    }
  }

  /**
   * Drains the workqueue, then stops and joins its workers. Later queueing on it is reported and
   * refused, and delayed work whose timer fires later is reported and dropped. The system workqueue
   * cannot be destroyed, and a second destroy is reported.
   *
   * <p>Context: process context; may sleep; not from a work function of this workqueue.
   */
  @KernelSymbol("destroy_workqueue")
  public void destroy() {
    if (permanent) {
      Warn.warn("destroy_workqueue: " + name + " is a system workqueue");
      return;
    }
    if (!flushCheck("destroy_workqueue")) {
      return;
    }
    boolean twice;
    LOCK.lock();
    try {
      twice = destroying;
      destroying = true;
    } finally {
      LOCK.unlock();
    }
    if (twice) {
      Warn.warn("destroy_workqueue: " + name + " destroyed twice");
      return;
    }
    drainChecked();
    List<Worker> stopped;
    LOCK.lock();
    try {
      destroyed = true;
      moreWork.signalAll();
      stopped = List.copyOf(workers);
    } finally {
      LOCK.unlock();
    }
    boolean interrupted = false;
    for (Worker w : stopped) {
      for (; ; ) {
        try {
          w.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The caller-side checks of every flush of this workqueue: might_sleep, the lockdep pseudo-lock
   * cycle, and a worker of this workqueue waiting for itself.
   *
   * @return true if the caller may wait
   */
  private boolean flushCheck(String op) {
    Lockdep.mightSleep(op);
    if (!Lockdep.acquire(dep, 0, false)) {
      return false;
    }
    Lockdep.release(dep);
    if (Worker.isWorkerOf(this)) {
      Warn.warn(op + ": " + name + " called from its own worker would wait for itself");
      return false;
    }
    return true;
  }

  /**
   * The extra check of a flush of an item on an ordered workqueue: the caller takes the workqueue's
   * pseudo-lock too, so a worker of it waiting for an item queued behind itself is reported instead
   * of deadlocking.
   *
   * @return true if the caller may wait
   */
  boolean orderedFlushCheck(String op, Work work) {
    if (!Lockdep.acquire(dep, 0, false)) {
      return false;
    }
    Lockdep.release(dep);
    if (Worker.isWorkerOf(this)) {
      Warn.warn(op + ": " + work + " is queued behind the calling worker of ordered " + this);
      return false;
    }
    return true;
  }

  /**
   * The clock used by delayed work.
   *
   * @return the clock given at allocation, else the installed clock
   */
  @JavaOnly("the kernel's timers all use one clock")
  public KernelClock clock() {
    KernelClock c = clock;
    return c != null ? c : KernelClock.system();
  }

  /**
   * The workqueue's name.
   *
   * @return the name
   */
  @KernelSymbol("workqueue_struct.name")
  public String name() {
    return name;
  }

  /**
   * How many items may run at once.
   *
   * @return the (clamped) max_active
   */
  @KernelSymbol("workqueue_struct.max_active")
  public int maxActive() {
    return maxActive;
  }

  /**
   * The number of worker threads started so far.
   *
   * @return the count
   */
  @JavaOnly("diagnostic for tests")
  public int workers() {
    LOCK.lock();
    try {
      return workers.size();
    } finally {
      LOCK.unlock();
    }
  }

  /**
   * The lockdep pseudo-lock held by workers while a work function runs.
   *
   * @return the map, of class {@code "(wq_completion)<name>"}
   */
  @KernelSymbol("workqueue_struct.lockdep_map")
  public LockdepMap depMap() {
    return dep;
  }

  @Override
  public String toString() {
    return "workqueue " + name;
  }
}
