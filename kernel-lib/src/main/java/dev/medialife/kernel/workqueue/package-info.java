/**
 * Deferred work: workqueues, work items and delayed work, ported from kernel/workqueue.c.
 *
 * <p>A {@link dev.medialife.kernel.workqueue.Work} is a function to run later in process context;
 * {@link dev.medialife.kernel.workqueue.Workqueue#queue} puts it on a {@link
 * dev.medialife.kernel.workqueue.Workqueue}, whose worker threads ({@code kworker/<wq>:<n>}) run
 * it. The kernel's guarantees hold: queueing a pending item does nothing and returns false; an item
 * never runs concurrently with itself; {@code flush} waits for the instance pending or running when
 * it was called; {@code cancel_work_sync} removes a pending instance and waits for a running one. A
 * {@link dev.medialife.kernel.workqueue.DelayedWork} arms a timer on the workqueue's clock that
 * queues the work when it fires; with a {@link dev.medialife.kernel.time.ManualClock} the advancing
 * thread also waits for that work to finish, so a test that advances past a watchdog's deadline
 * sees the watchdog's effects as soon as {@code advance} returns.
 *
 * <p>Lockdep sees work the way the kernel's does: each work item and each workqueue has a
 * pseudo-lock that the worker holds while the work function runs and that flushes and cancels take
 * and drop in the caller. A flush under a lock that the work function also takes is therefore a
 * reported circular dependency, and a work item that flushes or cancel-syncs itself, or a worker
 * that flushes its own workqueue, is reported as recursive locking and returns instead of hanging.
 */
@NullMarked
package dev.medialife.kernel.workqueue;

import org.jspecify.annotations.NullMarked;
