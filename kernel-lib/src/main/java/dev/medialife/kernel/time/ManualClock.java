package dev.medialife.kernel.time;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.meta.JavaOnly;
import java.time.Duration;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * A clock whose time moves only when a test says so: the model's answer to "the 2 s watchdog must
 * be testable without waiting 2 s".
 *
 * <p>Time starts at 0 (or a chosen origin) and stays put until {@link #advance(Duration)} or {@link
 * #advanceNanos(long)} moves it forward. Advancing runs every timer that falls due, in deadline
 * order and first-armed-first for equal deadlines, synchronously on the advancing thread, before
 * the call returns. While a timer runs, {@link #nanoTime()} reads that timer's deadline, so timers
 * that callbacks arm relative to "now" land where they would on a real clock; those that fall
 * inside the advanced window run in the same call. A timer armed with a deadline that has already
 * passed runs at the next advance, even an advance by zero.
 *
 * <p>Implementation notes: the timer heap and the current time are guarded by this object's
 * monitor; {@code now} is also volatile so that {@link #nanoTime()} is one load. Callbacks run with
 * no lock held, one timer at a time per advancing thread: each step pops the earliest due timer
 * under the monitor, sets the time to its deadline, releases the monitor, then runs it. A callback
 * may therefore arm or cancel timers, read the time, or block until another thread finishes
 * something (delayed work does), without deadlocking the clock. Two threads advancing at once each
 * run the timers they pop; time never moves backwards.
 */
@JavaOnly("test clock: the kernel's time cannot be stopped")
public final class ManualClock implements KernelClock {
  @GuardedBy("this")
  private final PriorityQueue<ManualTimer> timers = new PriorityQueue<>();

  @GuardedBy("this")
  private long armed;

  private volatile long now;

  /** Creates a manual clock at time 0. */
  public ManualClock() {
    this(0);
  }

  /**
   * Creates a manual clock at a given time.
   *
   * @param startNanos the initial time
   */
  public ManualClock(long startNanos) {
    this.now = startNanos;
  }

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public synchronized Timer schedule(long deadlineNanos, Runnable callback) {
    ManualTimer t = new ManualTimer(this, deadlineNanos, armed++, callback);
    timers.add(t);
    return t;
  }

  /**
   * Moves time forward by {@code delta} and runs every timer that becomes due.
   *
   * <p>Context: any thread but a timer callback of this clock that expects to return quickly; runs
   * callbacks on the calling thread, with no lock held.
   *
   * @param delta how far to move, not negative
   * @return the number of timer callbacks run
   * @throws IllegalArgumentException if {@code delta} is negative
   */
  public int advance(Duration delta) {
    return advanceNanos(delta.toNanos());
  }

  /**
   * Moves time forward by {@code deltaNanos} nanoseconds and runs every timer that becomes due,
   * including timers armed by those callbacks inside the window.
   *
   * <p>Context: as {@link #advance(Duration)}.
   *
   * @param deltaNanos how far to move, not negative; the end time saturates at {@link
   *     Long#MAX_VALUE}
   * @return the number of timer callbacks run
   * @throws IllegalArgumentException if {@code deltaNanos} is negative
   */
  public int advanceNanos(long deltaNanos) {
    if (deltaNanos < 0) {
      throw new IllegalArgumentException("time cannot move backwards: " + deltaNanos);
    }
    long target;
    synchronized (this) {
      target = KernelClock.deadline(now, deltaNanos);
    }
    int fired = 0;
    for (ManualTimer t = next(target); t != null; t = next(target)) {
      t.run();
      fired++;
    }
    return fired;
  }

  /**
   * Pops the earliest timer due by {@code target} and moves time to its deadline; when none is due,
   * moves time to {@code target} and returns null.
   */
  private synchronized @Nullable ManualTimer next(long target) {
    ManualTimer t = timers.peek();
    if (t != null && t.deadline <= target) {
      timers.poll();
      if (t.deadline > now) {
        now = t.deadline;
      }
      return t;
    }
    if (target > now) {
      now = target;
    }
    return null;
  }

  /**
   * The number of armed timers that have neither fired nor been cancelled.
   *
   * @return the count
   */
  public synchronized int pendingTimers() {
    return timers.size();
  }

  /**
   * The deadline of the earliest pending timer.
   *
   * @return the deadline, or {@link Long#MAX_VALUE} when no timer is pending
   */
  public synchronized long nextDeadline() {
    ManualTimer t = timers.peek();
    return t == null ? Long.MAX_VALUE : t.deadline;
  }

  private synchronized boolean cancel(ManualTimer t) {
    return timers.remove(t);
  }

  private synchronized boolean isPending(ManualTimer t) {
    return timers.contains(t);
  }

  @Override
  public String toString() {
    return "ManualClock[" + now + " ns]";
  }

  /**
   * A timer on a manual clock. It is pending exactly while it sits in the clock's heap, so its
   * state lives there, under the clock's monitor.
   */
  private static final class ManualTimer implements Timer, Comparable<ManualTimer> {
    private final ManualClock clock;
    private final long deadline;
    private final long sequence;
    private final Runnable callback;

    ManualTimer(ManualClock clock, long deadline, long sequence, Runnable callback) {
      this.clock = clock;
      this.deadline = deadline;
      this.sequence = sequence;
      this.callback = callback;
    }

    /** Deadline order, then arming order: first armed, first run. */
    @Override
    public int compareTo(ManualTimer o) {
      int c = Long.compare(deadline, o.deadline);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }

    void run() {
      TimerCallbacks.run(callback);
    }

    @Override
    public boolean cancel() {
      return clock.cancel(this);
    }

    @Override
    public boolean pending() {
      return clock.isPending(this);
    }

    @Override
    public long deadlineNanos() {
      return deadline;
    }

    @Override
    public String toString() {
      return "timer@" + deadline + (pending() ? " (pending)" : "");
    }
  }
}
