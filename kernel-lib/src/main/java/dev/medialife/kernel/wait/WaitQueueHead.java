package dev.medialife.kernel.wait;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.locking.Lockdep;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.time.Timer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.StampedLock;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A wait queue head ({@code wait_queue_head_t}): tasks sleep on it until a condition holds, and the
 * code that makes the condition true wakes them.
 *
 * <p>The waker's side of the contract is the kernel's: first make the condition true, then call a
 * {@code wakeUp*} method. The waiter's side is a {@code waitEvent*} method given the condition as a
 * {@link BooleanSupplier}; the condition is evaluated on the waiting thread, with no lock of this
 * queue held, any number of times, and must have no side effect other than, for a condition that
 * returns true, consuming what it waited for (as {@link Completion} does). Waiters are either
 * non-exclusive (every wake-up wakes them all) or exclusive (a {@link #wakeUp()} wakes only one of
 * them), as with {@code prepare_to_wait} and {@code prepare_to_wait_exclusive}.
 *
 * <p>Implementation notes.
 *
 * <ul>
 *   <li>No lost wake-ups: a waiter puts its entry on the queue under {@code lock} <em>before</em>
 *       it evaluates the condition, and a waker takes {@code lock} after making the condition true.
 *       Either the waker's lock section follows the waiter's enqueue, and then it sees the entry
 *       and marks it woken, or it precedes it, and then the condition write happens-before the
 *       waiter's evaluation. The waiter parks only while its entry is neither woken nor expired;
 *       {@link LockSupport#unpark} after the volatile {@code woken} store makes a park that races
 *       with the wake-up return at once.
 *   <li>Wake-ups remove the entries they wake (the kernel's {@code autoremove_wake_function}); a
 *       woken waiter re-queues itself before evaluating the condition again. Non-exclusive entries
 *       go to the head and exclusive ones to the tail, so a wake-up walking from the head wakes
 *       every non-exclusive waiter and then the requested number of exclusive ones.
 *   <li>A woken waiter always evaluates the condition before it considers a signal or a timeout, so
 *       an exclusive wake-up is never swallowed by a waiter that then gives up.
 *   <li>Timeouts are a timer on the clock, as {@code schedule_timeout} arms one: its callback marks
 *       the entry expired and unparks the task. This is what makes timed waits work on a {@link
 *       dev.medialife.kernel.time.ManualClock}: the waiter wakes when a test advances the clock
 *       past its deadline. The timer is cancelled when the wait ends.
 *   <li>Lock order: {@code lock} is a leaf. No callback, condition or report runs under it.
 * </ul>
 */
@KernelSymbol({"wait_queue_head", "wait_queue_head_t"})
public final class WaitQueueHead {
  private final String name;
  private final @Nullable KernelClock clock;

  /**
   * The kernel's {@code wq_head->lock}: protects {@link #entries} and each entry's queue state. A
   * non-reentrant write lock with no owner field: taking it stores no reference into the queue
   * head, so a wake-up of one of thousands of idle queues dirties no GC card (docs/benchmarks.md).
   */
  private final Lock lock = new StampedLock().asWriteLock();

  @GuardedBy("lock")
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();

  /**
   * Creates an empty wait queue whose timed waits use the installed clock ({@link
   * KernelClock#system()}) at the time of each wait.
   *
   * @param name a name for diagnostics, by convention "struct.field"
   */
  @KernelSymbol({"init_waitqueue_head", "DECLARE_WAIT_QUEUE_HEAD"})
  public WaitQueueHead(String name) {
    this.name = name;
    this.clock = null;
  }

  /**
   * Creates an empty wait queue whose timed waits use a given clock.
   *
   * @param name a name for diagnostics
   * @param clock the clock for timeouts
   */
  @KernelSymbol("init_waitqueue_head")
  public WaitQueueHead(String name, KernelClock clock) {
    this.name = name;
    this.clock = clock;
  }

  /**
   * One sleeping task ({@code struct wait_queue_entry}); also the callback of its timeout timer
   * ({@code process_timeout}).
   */
  private static final class Entry implements Runnable {
    final Thread task;
    final boolean exclusive;
    final boolean interruptible;

    /** Whether the entry is on {@code entries}; read and written only under the queue's lock. */
    boolean queued;

    /** Set, under the queue's lock, by the wake-up that removed the entry. */
    volatile boolean woken;

    /** Set by the timeout timer. */
    volatile boolean expired;

    Entry(Thread task, boolean exclusive, boolean interruptible) {
      this.task = task;
      this.exclusive = exclusive;
      this.interruptible = interruptible;
    }

    /** The timeout timer fired: mark the entry expired and wake its task. */
    @Override
    public void run() {
      expired = true;
      LockSupport.unpark(task);
    }
  }

  /**
   * Sleeps until {@code condition} is true; a Java interrupt (a signal) does not end the wait and
   * is restored when the wait returns.
   *
   * <p>Context: process context; may sleep; must not hold a spinlock.
   *
   * @param condition the condition to wait for
   */
  @KernelSymbol("wait_event")
  public void waitEvent(BooleanSupplier condition) {
    Lockdep.mightSleep("wait_event");
    if (condition.getAsBoolean()) {
      return;
    }
    sleep(condition, false, false, KernelClock.MAX_SCHEDULE_TIMEOUT);
  }

  /**
   * Sleeps until {@code condition} is true or the task is interrupted.
   *
   * <p>Context: process context; may sleep; must not hold a spinlock.
   *
   * @param condition the condition to wait for
   * @return 0 when the condition became true, {@code -ERESTARTSYS} when interrupted first (the
   *     interrupt stays set, as a signal stays pending)
   */
  @KernelSymbol("wait_event_interruptible")
  public int waitEventInterruptible(BooleanSupplier condition) {
    Lockdep.mightSleep("wait_event_interruptible");
    if (condition.getAsBoolean()) {
      return 0;
    }
    return errorOrZero(sleep(condition, true, false, KernelClock.MAX_SCHEDULE_TIMEOUT));
  }

  /**
   * Like {@link #waitEventInterruptible}, but as an exclusive waiter: {@link #wakeUp()} and {@link
   * #wakeUpInterruptible()} wake only one exclusive waiter, so several consumers of one resource do
   * not all wake for a single unit (no thundering herd).
   *
   * <p>Context: process context; may sleep; must not hold a spinlock.
   *
   * @param condition the condition to wait for
   * @return 0, or {@code -ERESTARTSYS} when interrupted first
   */
  @KernelSymbol("wait_event_interruptible_exclusive")
  public int waitEventInterruptibleExclusive(BooleanSupplier condition) {
    Lockdep.mightSleep("wait_event_interruptible_exclusive");
    if (condition.getAsBoolean()) {
      return 0;
    }
    return errorOrZero(sleep(condition, true, true, KernelClock.MAX_SCHEDULE_TIMEOUT));
  }

  /**
   * Sleeps until {@code condition} is true or {@code timeoutNanos} have passed on the clock;
   * interrupts are ignored while sleeping and restored afterwards.
   *
   * <p>Context: process context; may sleep; must not hold a spinlock.
   *
   * @param condition the condition to wait for
   * @param timeoutNanos the timeout in nanoseconds (the model's jiffies), or {@link
   *     KernelClock#MAX_SCHEDULE_TIMEOUT}; a negative value is reported and treated as 0
   * @return 0 if the timeout elapsed with the condition false; otherwise the time left, at least 1
   *     (1 when the condition became true just as the time ran out; {@code timeoutNanos} itself, or
   *     1 for a zero timeout, when it was true at once)
   */
  @KernelSymbol("wait_event_timeout")
  public long waitEventTimeout(BooleanSupplier condition, long timeoutNanos) {
    Lockdep.mightSleep("wait_event_timeout");
    return timed(condition, false, timeoutNanos);
  }

  /**
   * Sleeps until {@code condition} is true, {@code timeoutNanos} have passed, or the task is
   * interrupted.
   *
   * <p>Context: process context; may sleep; must not hold a spinlock.
   *
   * @param condition the condition to wait for
   * @param timeoutNanos the timeout in nanoseconds, or {@link KernelClock#MAX_SCHEDULE_TIMEOUT}; a
   *     negative value is reported and treated as 0
   * @return {@code -ERESTARTSYS} if interrupted first, 0 if the time ran out with the condition
   *     false, else the time left, at least 1
   */
  @KernelSymbol("wait_event_interruptible_timeout")
  public long waitEventInterruptibleTimeout(BooleanSupplier condition, long timeoutNanos) {
    Lockdep.mightSleep("wait_event_interruptible_timeout");
    return timed(condition, true, timeoutNanos);
  }

  private long timed(BooleanSupplier condition, boolean interruptible, long timeoutNanos) {
    long timeout = checkTimeout(timeoutNanos);
    if (condition.getAsBoolean()) {
      return Math.max(timeout, 1);
    }
    if (timeout == 0) {
      return 0;
    }
    return sleep(condition, interruptible, false, timeout);
  }

  /**
   * Reports a negative timeout, as {@code schedule_timeout} does, and replaces it by 0.
   *
   * @param timeout a timeout from the caller
   * @return the timeout, or 0 if it was negative
   */
  static long checkTimeout(long timeout) {
    if (timeout < 0) {
      Warn.warn("schedule_timeout: wrong timeout value " + timeout);
      return 0;
    }
    return timeout;
  }

  private static int errorOrZero(long ret) {
    return ret < 0 ? (int) ret : 0;
  }

  /**
   * The sleeping loop behind every wait ({@code ___wait_event}): queue, evaluate, park, repeat. The
   * caller has already called {@code mightSleep} and found the condition false.
   *
   * @param condition the condition
   * @param interruptible whether an interrupt ends the wait
   * @param exclusive whether to wait as an exclusive waiter
   * @param timeout a positive timeout, or {@link KernelClock#MAX_SCHEDULE_TIMEOUT}
   * @return {@code -ERESTARTSYS}; 0 on timeout; the time left (at least 1) when the condition
   *     became true on a timed wait, {@link KernelClock#MAX_SCHEDULE_TIMEOUT} on an untimed one
   */
  long sleep(BooleanSupplier condition, boolean interruptible, boolean exclusive, long timeout) {
    KernelClock clk = clock();
    boolean timed = timeout != KernelClock.MAX_SCHEDULE_TIMEOUT;
    Entry e = new Entry(Thread.currentThread(), exclusive, interruptible);
    long deadline = timed ? KernelClock.deadline(clk.nanoTime(), timeout) : Long.MAX_VALUE;
    Timer timer = timed ? clk.schedule(deadline, e) : null;
    boolean swallowed = false;
    try {
      for (; ; ) {
        prepare(e);
        if (condition.getAsBoolean()) {
          return timed ? Math.max(1, deadline - clk.nanoTime()) : timeout;
        }
        if (interruptible && Thread.currentThread().isInterrupted()) {
          return -Errno.ERESTARTSYS;
        }
        if (e.expired) {
          return 0;
        }
        swallowed |= park(e);
      }
    } finally {
      finish(e);
      if (timer != null) {
        timer.cancel();
      }
      if (swallowed) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Parks until the entry is woken or expired, or, for an interruptible entry, the task is
   * interrupted. An uninterruptible entry clears interrupts so that park does not spin on them.
   *
   * @return true if an interrupt was cleared and must be restored
   */
  private boolean park(Entry e) {
    boolean swallowed = false;
    while (!e.woken && !e.expired) {
      if (e.interruptible) {
        if (Thread.currentThread().isInterrupted()) {
          break;
        }
      } else if (Thread.interrupted()) {
        swallowed = true;
        continue;
      }
      LockSupport.park(this);
    }
    return swallowed;
  }

  /** Puts the entry back on the queue if a wake-up took it off ({@code prepare_to_wait_event}). */
  private void prepare(Entry e) {
    lock.lock();
    try {
      if (!e.queued) {
        e.woken = false;
        if (e.exclusive) {
          entries.addLast(e);
        } else {
          entries.addFirst(e);
        }
        e.queued = true;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Takes the entry off the queue if it is still on it ({@code finish_wait}). */
  private void finish(Entry e) {
    lock.lock();
    try {
      if (e.queued) {
        entries.remove(e);
        e.queued = false;
      }
    } finally {
      lock.unlock();
    }
  }

  private KernelClock clock() {
    KernelClock c = clock;
    return c != null ? c : KernelClock.system();
  }

  /**
   * Wakes every non-exclusive waiter and one exclusive waiter.
   *
   * <p>Context: any context; does not sleep. Call it after making the condition true.
   *
   * @return the number of waiters woken
   */
  @KernelSymbol("wake_up")
  public int wakeUp() {
    return wake(false, 1);
  }

  /**
   * Wakes every non-exclusive waiter and up to {@code nr} exclusive waiters.
   *
   * <p>Context: any context; does not sleep.
   *
   * @param nr how many exclusive waiters to wake; 0 wakes them all
   * @return the number of waiters woken
   */
  @KernelSymbol("wake_up_nr")
  public int wakeUpNr(int nr) {
    return wake(false, nr);
  }

  /**
   * Wakes every waiter, exclusive or not.
   *
   * <p>Context: any context; does not sleep.
   *
   * @return the number of waiters woken
   */
  @KernelSymbol("wake_up_all")
  public int wakeUpAll() {
    return wake(false, 0);
  }

  /**
   * Wakes every non-exclusive interruptible waiter and one exclusive interruptible waiter;
   * uninterruptible waiters stay asleep.
   *
   * <p>Context: any context; does not sleep.
   *
   * @return the number of waiters woken
   */
  @KernelSymbol("wake_up_interruptible")
  public int wakeUpInterruptible() {
    return wake(true, 1);
  }

  /**
   * Wakes every interruptible waiter.
   *
   * <p>Context: any context; does not sleep.
   *
   * @return the number of waiters woken
   */
  @KernelSymbol("wake_up_interruptible_all")
  public int wakeUpInterruptibleAll() {
    return wake(true, 0);
  }

  private int wake(boolean interruptibleOnly, int nrExclusive) {
    int woken = 0;
    int exclusiveLeft = nrExclusive;
    lock.lock();
    try {
      for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
        Entry e = it.next();
        if (interruptibleOnly && !e.interruptible) {
          continue;
        }
        it.remove();
        e.queued = false;
        e.woken = true;
        LockSupport.unpark(e.task);
        woken++;
        if (e.exclusive && --exclusiveLeft == 0) {
          break;
        }
      }
    } finally {
      lock.unlock();
    }
    return woken;
  }

  /**
   * Whether any task is queued on this wait queue. A waker may use it to skip an empty wake-up only
   * when the condition store and this check are ordered, which the queue's lock does here.
   *
   * <p>Context: any context; does not sleep.
   *
   * @return true if at least one waiter is queued
   */
  @KernelSymbol({"waitqueue_active", "wq_has_sleeper"})
  public boolean active() {
    lock.lock();
    try {
      return !entries.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The number of queued waiters. A woken waiter is off the queue until it re-queues itself, so
   * tests use this to know that a thread has gone to sleep, never to count wake-ups.
   *
   * @return the count
   */
  @JavaOnly("diagnostic for tests")
  public int waiters() {
    lock.lock();
    try {
      return entries.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The queue's name.
   *
   * @return the name given at initialisation
   */
  @JavaOnly("diagnostic")
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return "wait_queue_head " + name;
  }
}
