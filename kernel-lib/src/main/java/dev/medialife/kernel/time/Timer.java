package dev.medialife.kernel.time;

import dev.medialife.kernel.meta.KernelSymbol;

/**
 * A one-shot timer armed on a {@link KernelClock} (the kernel's {@code struct timer_list} or {@code
 * struct hrtimer} once started): its callback runs once when the clock reaches the deadline, unless
 * the timer is cancelled first.
 *
 * <p>A timer is armed by {@link KernelClock#schedule}; re-arming means scheduling a new one, as the
 * model has no need for {@code mod_timer}'s in-place update.
 */
@KernelSymbol({"timer_list", "hrtimer"})
public interface Timer {
  /**
   * Cancels the timer if its callback has not started yet.
   *
   * <p>Context: any context; does not sleep and does not wait for a callback that is already
   * running (that would be {@code timer_delete_sync}).
   *
   * @return true iff the timer was still pending and will now never run; false if it already ran,
   *     is running, or was cancelled before
   */
  @KernelSymbol({"timer_delete", "del_timer", "hrtimer_try_to_cancel"})
  boolean cancel();

  /**
   * Whether the timer is armed and has neither fired nor been cancelled.
   *
   * <p>Context: any context.
   *
   * @return true while pending
   */
  @KernelSymbol({"timer_pending", "hrtimer_is_queued"})
  boolean pending();

  /**
   * The clock time at which the callback is due.
   *
   * @return the deadline in nanoseconds of the timer's clock
   */
  @KernelSymbol({"timer_list.expires", "hrtimer_get_expires"})
  long deadlineNanos();
}
