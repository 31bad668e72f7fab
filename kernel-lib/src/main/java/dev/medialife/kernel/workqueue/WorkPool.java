package dev.medialife.kernel.workqueue;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The one lock of the model's workqueue subsystem (the kernel has one spinlock per worker pool).
 *
 * <p>Implementation notes: {@link #LOCK} guards every work item's state, every workqueue's list,
 * workers and flush accounting, and the work-to-workqueue association. A single lock makes a work
 * item's move between workqueues, its timer firing, and a cancel racing with both simple atomic
 * transitions, where the kernel needs the PENDING-bit ownership protocol of {@code
 * try_to_grab_pending}. It is a leaf lock towards the rest of the model: work functions, timer
 * callbacks, lockdep calls and reports never run under it. It only nests outside a clock's own
 * lock, when timers are armed or cancelled.
 */
final class WorkPool {
  /** Guards all workqueue state; see the class comment. */
  static final ReentrantLock LOCK = new ReentrantLock();

  private WorkPool() {}
}
