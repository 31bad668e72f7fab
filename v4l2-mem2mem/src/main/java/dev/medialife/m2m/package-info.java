/**
 * The mem2mem framework (drivers/media/v4l2-core/v4l2-mem2mem.c): a job scheduler for devices
 * that read a buffer from memory, process it, and write the result to another buffer — codecs,
 * scalers, rotators.
 *
 * <h2>The scheduler</h2>
 *
 * <p>Every open file handle of an m2m node gets a {@link dev.medialife.m2m.V4l2M2mCtx} with an
 * output (source) and a capture (destination) vb2 queue. The driver's {@code buf_queue} hands each
 * buffer to the context's ready list. Whenever something may have made a context ready (QBUF,
 * STREAMON, a finished job), {@code try_schedule} first tries to queue the context: both queues
 * streaming, not aborted, not queued already, a source and a destination buffer ready (or the
 * queue marked buffered), not stopped by a drain, and the driver's optional {@code job_ready}
 * agreeing — in that order. A ready context is appended to the scheduler's FIFO. Then {@code
 * try_run} starts the head of the FIFO if nothing runs and the scheduler is not paused, calling
 * the driver's {@code device_run} outside the scheduler lock. The hardware later interrupts and
 * the driver calls {@code job_finish} (or {@code buf_done_and_job_finish}, which also completes the
 * buffers, capture first); the context leaves the FIFO, is re-queued at the tail if still ready,
 * and the next job starts from the scheduler's work item, never inside the finish. Contexts are
 * thus served round-robin and at most one job runs per scheduler.
 *
 * <h2>Sharing and the kref switch</h2>
 *
 * <p>A {@link dev.medialife.m2m.V4l2M2mDev} is a scheduler, not a device: several hardware nodes
 * that must never run at the same time (the Hantro G1 and G2 cores of an i.MX8MQ share a bus) can
 * use one. The v7.0 patch gave it a reference count: each node takes a reference with {@code
 * get()} and gives it back with {@code put()}; the last put frees it. The switch {@code
 * PatchSwitch.M2M_KREF}, read when a scheduler is created, turns the patch off to reproduce the
 * bug it fixes: {@code get()} takes nothing and {@code put()} frees at once, so when the first
 * node is removed the second one keeps using freed memory and the model's KASAN reports a
 * use-after-free at its next call.
 *
 * <h2>Checks</h2>
 *
 * <p>After every transition under the scheduler lock the invariants are verified — at most one
 * running job, no context twice on the queue, buffers completed only for the running context —
 * and a violation is a WARNING report. Queued, started, finished and aborted jobs are trace events
 * carrying the scheduler id and the owning node's label.
 */
@NullMarked
package dev.medialife.m2m;

import org.jspecify.annotations.NullMarked;
