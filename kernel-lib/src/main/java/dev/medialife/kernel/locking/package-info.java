/**
 * Locking with a lockdep-like validator: {@link dev.medialife.kernel.locking.Mutex} (sleeping,
 * non-recursive; interruptible and uninterruptible), {@link dev.medialife.kernel.locking.SpinLock}
 * (atomic context: no sleeping while held), {@link dev.medialife.kernel.locking.LockClass lock
 * classes}, and {@link dev.medialife.kernel.locking.Lockdep}, which records lock order between
 * classes and reports possible circular locking, recursive locking, unlock by a non-owner, sleeping
 * in atomic context, locks held at the return to userspace and failed {@code lockdep_assert_held}.
 *
 * <p>Other sleeping primitives (wait queues, completions, workqueue flushes) call {@link
 * dev.medialife.kernel.locking.Lockdep#mightSleep} so that the atomic-context rule covers them
 * too.
 */
@NullMarked
package dev.medialife.kernel.locking;

import org.jspecify.annotations.NullMarked;
