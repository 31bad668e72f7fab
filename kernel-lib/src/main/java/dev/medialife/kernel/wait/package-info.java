/**
 * Sleeping until something happens: wait queues and completions.
 *
 * <p>{@link dev.medialife.kernel.wait.WaitQueueHead} ports {@code wait_queue_head_t} with the
 * {@code wait_event*} family (uninterruptible, interruptible, with timeout, exclusive) and the
 * {@code wake_up*} family. {@link dev.medialife.kernel.wait.Completion} ports {@code struct
 * completion}, built on a wait queue as the kernel's is built on a simple wait queue.
 *
 * <p>Two model conventions hold throughout. A Java interrupt is a pending signal: interruptible
 * waits return {@code -ERESTARTSYS} and leave the interrupt set, as a signal stays pending until
 * the return to userspace; uninterruptible waits ignore it while sleeping and restore it
 * afterwards. Timeouts are nanoseconds on a {@link dev.medialife.kernel.time.KernelClock} (the
 * model's jiffies) and follow the kernel's convention: 0 means the time ran out with the condition
 * still false, otherwise the remaining time is returned, at least 1. Every call that may sleep
 * first calls {@link dev.medialife.kernel.locking.Lockdep#mightSleep}, so sleeping under a spinlock
 * is reported.
 */
@NullMarked
package dev.medialife.kernel.wait;

import org.jspecify.annotations.NullMarked;
