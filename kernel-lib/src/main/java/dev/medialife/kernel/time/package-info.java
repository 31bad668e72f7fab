/**
 * Time for the model: an injectable kernel clock and one-shot timers.
 *
 * <p>{@link dev.medialife.kernel.time.KernelClock} stands for {@code ktime_get()} plus the timer
 * wheel ({@code timer_list}, {@code hrtimer}). Two clocks exist: the real one, backed by {@link
 * System#nanoTime()} and a single daemon timer thread, and {@link
 * dev.medialife.kernel.time.ManualClock}, whose time moves only when a test advances it and whose
 * timers then run synchronously on the advancing thread, so a two-second driver watchdog is tested
 * in microseconds. Timed waits, workqueues and the trace recorder use the globally installed clock
 * ({@link dev.medialife.kernel.time.KernelClock#system()}) unless they were given one explicitly.
 *
 * <p>Time is in nanoseconds everywhere: the model's "jiffies" are nanoseconds, so a timeout that
 * the kernel would express as {@code msecs_to_jiffies(2000)} is {@code KernelClock.msecs(2000)}.
 */
@NullMarked
package dev.medialife.kernel.time;

import org.jspecify.annotations.NullMarked;
