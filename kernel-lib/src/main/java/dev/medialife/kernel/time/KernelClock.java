package dev.medialife.kernel.time;

import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's notion of time: a monotonic nanosecond clock ({@code ktime_get()}) and one-shot
 * timers on it ({@code timer_list}, {@code hrtimer}).
 *
 * <p>Everything in the model that needs time asks a {@code KernelClock} rather than {@link
 * System#nanoTime()}, so that a test can install a {@link ManualClock} and move time by hand. The
 * globally installed clock ({@link #system()}) is the {@linkplain #real() real clock} until {@link
 * #install} replaces it; timed waits, workqueues and the trace recorder that were not given a clock
 * explicitly look it up each time they need one.
 *
 * <p>Timer callbacks run in "timer context": on the real clock's timer thread, or synchronously on
 * the thread that advances a {@link ManualClock}. Like kernel timer callbacks they must be short
 * and must not sleep; a callback that throws is reported with {@code WARN} and the clock carries
 * on.
 *
 * <p>Implementation notes: the installed clock is one volatile reference (in the package-private
 * {@code Clocks} holder), so {@link #system()} is a single volatile read; {@link #install} swaps it
 * atomically and returns the previous clock for a later restore.
 */
@KernelSymbol({"ktime_get", "timer_list"})
public interface KernelClock {
  /** A timeout meaning "no timeout": waits given this value sleep until woken. */
  @KernelSymbol("MAX_SCHEDULE_TIMEOUT")
  long MAX_SCHEDULE_TIMEOUT = Long.MAX_VALUE;

  /**
   * The current monotonic time.
   *
   * <p>Context: any context.
   *
   * @return nanoseconds since this clock's origin (boot for the real clock, 0 for a manual clock)
   */
  @KernelSymbol({"ktime_get", "ktime_get_ns", "jiffies"})
  long nanoTime();

  /**
   * Arms a one-shot timer that runs {@code callback} once this clock reaches {@code deadlineNanos}.
   * A deadline that has already passed fires at the clock's next tick: at once on the real clock,
   * at the next {@code advance} on a manual clock.
   *
   * <p>Context: any context; does not sleep.
   *
   * @param deadlineNanos the absolute clock time at which the callback is due
   * @param callback the timer function; runs in timer context and must not sleep
   * @return the armed timer, which can be cancelled
   */
  @KernelSymbol({"timer_setup", "add_timer", "mod_timer", "hrtimer_start"})
  Timer schedule(long deadlineNanos, Runnable callback);

  /**
   * The real clock: {@link System#nanoTime()} and one daemon timer thread, shared by the whole
   * model.
   *
   * @return the real clock
   */
  @JavaOnly("the kernel has exactly one clock; the model can swap it")
  static KernelClock real() {
    return RealClock.INSTANCE;
  }

  /**
   * The clock currently installed for the whole model.
   *
   * <p>Context: any context.
   *
   * @return the installed clock, the real clock unless {@link #install} replaced it
   */
  @JavaOnly("the kernel has exactly one clock; the model can swap it")
  static KernelClock system() {
    return Clocks.installed();
  }

  /**
   * Installs a clock for the whole model: every timed wait, workqueue and trace recorder without an
   * explicit clock uses it from now on. Tests install a {@link ManualClock} and restore the
   * previous clock when they end.
   *
   * @param clock the new clock
   * @return the clock that was installed before, for restoring it
   */
  @JavaOnly("test harness: installs a manual clock")
  static KernelClock install(KernelClock clock) {
    return Clocks.swap(clock);
  }

  /**
   * Converts milliseconds to the model's timeout unit, nanoseconds (the model's jiffies are
   * nanoseconds).
   *
   * @param msecs a duration in milliseconds, at least 0
   * @return the same duration in nanoseconds, saturated at {@link #MAX_SCHEDULE_TIMEOUT}
   */
  @KernelSymbol("msecs_to_jiffies")
  static long msecs(long msecs) {
    return TimeUnit.MILLISECONDS.toNanos(msecs);
  }

  /**
   * The absolute deadline {@code timeout} nanoseconds after {@code now}, saturating instead of
   * overflowing, as the kernel's {@code ktime_add_safe} does.
   *
   * @param now a clock time
   * @param timeout a non-negative timeout
   * @return {@code now + timeout}, or {@link Long#MAX_VALUE} when that would overflow
   */
  @KernelSymbol("ktime_add_safe")
  static long deadline(long now, long timeout) {
    long d = now + timeout;
    return ((now ^ d) & (timeout ^ d)) < 0 ? Long.MAX_VALUE : d;
  }
}
