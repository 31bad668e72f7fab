package dev.medialife.m2m;

import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.PollTable;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.wait.WaitQueueHead;
import dev.medialife.v4l2.V4l2Fh;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A mem2mem context, one per open file handle ({@code struct v4l2_m2m_ctx}): the output (source)
 * and capture (destination) queues with their ready lists, the job flags the scheduler keeps, the
 * {@code finished} wait queue, and the draining state of stateful codecs.
 *
 * <p>A context holds no reference on its scheduler, even with the kref patch.
 *
 * <p>Implementation notes: {@code jobFlags} is written only under the scheduler's {@code
 * job_spinlock} and is volatile so that a cancel or suspend may wait for TRANS_RUNNING to clear
 * without it. The draining fields are changed under the context's {@code q_lock} by the ioctl
 * paths and read by the scheduler, so they are volatile too.
 */
@KernelSymbol("v4l2_m2m_ctx")
public final class V4l2M2mCtx {
  /** {@code TRANS_QUEUED}: the context is on the job queue. */
  @KernelSymbol("TRANS_QUEUED")
  public static final int TRANS_QUEUED = 1;

  /** {@code TRANS_RUNNING}: the context's job is on the hardware. */
  @KernelSymbol("TRANS_RUNNING")
  public static final int TRANS_RUNNING = 1 << 1;

  /** {@code TRANS_ABORT}: the context is being cancelled and must not be queued. */
  @KernelSymbol("TRANS_ABORT")
  public static final int TRANS_ABORT = 1 << 2;

  /** {@code DST_QUEUE_OFF_BASE}: MMAP offsets at or above it belong to the capture queue. */
  @KernelSymbol("DST_QUEUE_OFF_BASE")
  public static final int DST_QUEUE_OFF_BASE = 1 << 30;

  /** {@code V4L2_ENC_CMD_START} and {@code V4L2_DEC_CMD_START}. */
  @KernelSymbol({"V4L2_ENC_CMD_START", "V4L2_DEC_CMD_START"})
  public static final int CMD_START = 0;

  /** {@code V4L2_ENC_CMD_STOP} and {@code V4L2_DEC_CMD_STOP}. */
  @KernelSymbol({"V4L2_ENC_CMD_STOP", "V4L2_DEC_CMD_STOP"})
  public static final int CMD_STOP = 1;

  /** {@code V4L2_DEC_CMD_FLUSH}: the only command of a stateless decoder. */
  @KernelSymbol("V4L2_DEC_CMD_FLUSH")
  public static final int DEC_CMD_FLUSH = 4;

  private static final AtomicInteger IDS = new AtomicInteger();

  /**
   * A context or an error, as {@code v4l2_m2m_ctx_init} returns an {@code ERR_PTR}.
   *
   * @param ctx the context, null on error
   * @param error 0, or a negative errno
   */
  @KernelSymbol("ERR_PTR")
  public record Result(@Nullable V4l2M2mCtx ctx, int error) {}

  /** The two queues a driver's {@code queue_init} fills in. */
  @JavaOnly("the src_vq/dst_vq out-parameters of queue_init")
  public static final class Queues {
    /** The output (source) queue. */
    public @Nullable Vb2Queue src;

    /** The capture (destination) queue. */
    public @Nullable Vb2Queue dst;

    Queues() {}
  }

  /** The driver's {@code queue_init}. */
  @FunctionalInterface
  @KernelSymbol("queue_init")
  public interface QueueInit {
    /**
     * Creates the two vb2 queues of a new context; both must use the same lock.
     *
     * @param priv the driver data
     * @param vqs where to put the source and destination queues
     * @return 0 or a negative errno, which {@code ctx_init} propagates
     */
    @KernelSymbol("queue_init")
    int init(Object priv, Queues vqs);
  }

  private final int id;
  private final V4l2M2mDev m2mDev;
  private final Object priv;
  private final Allocation mem;
  private final V4l2M2mQueueCtx outQ;
  private final V4l2M2mQueueCtx capQ;
  private final @Nullable Mutex qLock;
  private final WaitQueueHead finished = new WaitQueueHead("v4l2_m2m_ctx.finished");

  /** Written under the scheduler's job_spinlock. */
  volatile int jobFlags;

  /** Written under the scheduler's job_spinlock by try_queue. */
  volatile boolean newFrame;

  private volatile boolean isDraining;
  private volatile @Nullable Vb2Buffer lastSrcBuf;
  private volatile boolean nextBufLast;
  private volatile boolean hasStopped;
  private volatile boolean ignoreCapStreaming;
  private volatile String owner = "";

  private V4l2M2mCtx(
      V4l2M2mDev m2mDev, Object priv, Allocation mem, Vb2Queue src, Vb2Queue dst) {
    this.id = IDS.incrementAndGet();
    this.m2mDev = m2mDev;
    this.priv = priv;
    this.mem = mem;
    this.outQ = new V4l2M2mQueueCtx(src, "out");
    this.capQ = new V4l2M2mQueueCtx(dst, "cap");
    this.qLock = src.lock();
  }

  /**
   * Creates a context ({@code v4l2_m2m_ctx_init}) and lets the driver create its queues.
   *
   * <p>Context: process context (open); may sleep.
   *
   * @param m2mDev the scheduler
   * @param priv the driver data passed to the ops
   * @param queueInit the driver's queue_init
   * @return the context, or -ENOMEM, the error of queue_init, or -EINVAL (with a WARN) when the
   *     two queues do not share one lock or queue_init left one out
   */
  @KernelSymbol("v4l2_m2m_ctx_init")
  public static Result ctxInit(V4l2M2mDev m2mDev, Object priv, QueueInit queueInit) {
    if (!m2mDev.mem().check("v4l2_m2m_ctx_init")) {
      return new Result(null, -Errno.EINVAL);
    }
    Allocation a = Kmem.kzalloc("v4l2_m2m_ctx", "v4l2_m2m_ctx");
    if (a == null) {
      return new Result(null, -Errno.ENOMEM);
    }
    Queues vqs = new Queues();
    int ret = queueInit.init(priv, vqs);
    if (ret != 0) {
      Kmem.kfree(a, "v4l2_m2m_ctx_init");
      return new Result(null, ret);
    }
    Vb2Queue src = vqs.src;
    Vb2Queue dst = vqs.dst;
    if (src == null || dst == null) {
      Warn.warn("v4l2_m2m_ctx_init: queue_init did not set both queues");
      Kmem.kfree(a, "v4l2_m2m_ctx_init");
      return new Result(null, -Errno.EINVAL);
    }
    if (!Objects.equals(src.lock(), dst.lock())) {
      Warn.warn("v4l2_m2m_ctx_init: the output and capture queues use different locks");
      Kmem.kfree(a, "v4l2_m2m_ctx_init");
      return new Result(null, -Errno.EINVAL);
    }
    return new Result(new V4l2M2mCtx(m2mDev, priv, a, src, dst), 0);
  }

  /**
   * Releases the context ({@code v4l2_m2m_ctx_release}): cancels its job (waiting for a running
   * one), releases the capture then the output vb2 queue (every buffer comes back and is freed),
   * and frees the context.
   *
   * <p>Context: process context (release); may sleep.
   */
  @KernelSymbol("v4l2_m2m_ctx_release")
  public void ctxRelease() {
    m2mDev.cancelJob(this);
    capQ.queue().queueRelease();
    outQ.queue().queueRelease();
    Kmem.kfree(mem, "v4l2_m2m_ctx_release");
  }

  /**
   * The context's id in trace events.
   *
   * @return a number unique in this JVM
   */
  @JavaOnly("diagnostic id")
  public int id() {
    return id;
  }

  /**
   * The label of the hardware node that owns this context (for example "G1"), used in trace
   * events; empty by default.
   *
   * @return the label
   */
  @JavaOnly("trace label of the owning node")
  public String owner() {
    return owner;
  }

  /**
   * Sets the owner label.
   *
   * @param label the label
   */
  @JavaOnly("trace label of the owning node")
  public void setOwner(String label) {
    owner = label;
  }

  /**
   * The scheduler.
   *
   * @return {@code m2m_ctx->m2m_dev}
   */
  @KernelSymbol("v4l2_m2m_ctx.m2m_dev")
  public V4l2M2mDev m2mDev() {
    return m2mDev;
  }

  /**
   * The driver data.
   *
   * @return {@code m2m_ctx->priv}
   */
  @KernelSymbol("v4l2_m2m_ctx.priv")
  public Object priv() {
    return priv;
  }

  /**
   * The context's memory.
   *
   * @return the allocation
   */
  @JavaOnly("model memory")
  public Allocation mem() {
    return mem;
  }

  /**
   * The output (source) side.
   *
   * @return {@code out_q_ctx}
   */
  @KernelSymbol("v4l2_m2m_ctx.out_q_ctx")
  public V4l2M2mQueueCtx outQ() {
    return outQ;
  }

  /**
   * The capture (destination) side.
   *
   * @return {@code cap_q_ctx}
   */
  @KernelSymbol("v4l2_m2m_ctx.cap_q_ctx")
  public V4l2M2mQueueCtx capQ() {
    return capQ;
  }

  /**
   * The lock both queues use.
   *
   * @return {@code m2m_ctx->q_lock}, or null
   */
  @KernelSymbol("v4l2_m2m_ctx.q_lock")
  public @Nullable Mutex qLock() {
    return qLock;
  }

  /**
   * The wait queue signalled when a job of this context ends.
   *
   * @return {@code m2m_ctx->finished}
   */
  @KernelSymbol("v4l2_m2m_ctx.finished")
  public WaitQueueHead finished() {
    return finished;
  }

  /**
   * The job flags.
   *
   * @return TRANS_* bits
   */
  @KernelSymbol("v4l2_m2m_ctx.job_flags")
  public int jobFlags() {
    return jobFlags;
  }

  /**
   * Whether the last queued job starts a new frame (false: another slice of a held frame).
   *
   * @return {@code m2m_ctx->new_frame}
   */
  @KernelSymbol("v4l2_m2m_ctx.new_frame")
  public boolean newFrame() {
    return newFrame;
  }

  /**
   * Whether only the output queue must stream for jobs to be queued (6.8+).
   *
   * @return {@code ignore_cap_streaming}
   */
  @KernelSymbol("v4l2_m2m_ctx.ignore_cap_streaming")
  public boolean ignoreCapStreaming() {
    return ignoreCapStreaming;
  }

  /**
   * Sets {@code ignore_cap_streaming}.
   *
   * @param ignore the new value
   */
  @KernelSymbol("v4l2_m2m_ctx.ignore_cap_streaming")
  public void setIgnoreCapStreaming(boolean ignore) {
    ignoreCapStreaming = ignore;
  }

  /**
   * Whether a STOP is draining the context.
   *
   * @return {@code is_draining}
   */
  @KernelSymbol("v4l2_m2m_ctx.is_draining")
  public boolean isDraining() {
    return isDraining;
  }

  /**
   * Whether draining completed ({@code v4l2_m2m_has_stopped}).
   *
   * @return {@code has_stopped}
   */
  @KernelSymbol("v4l2_m2m_has_stopped")
  public boolean hasStopped() {
    return hasStopped;
  }

  /**
   * Whether the next capture buffer must be flagged LAST ({@code v4l2_m2m_dst_buf_is_last}).
   *
   * @return {@code next_buf_last}
   */
  @KernelSymbol("v4l2_m2m_dst_buf_is_last")
  public boolean dstBufIsLast() {
    return isDraining && nextBufLast;
  }

  /**
   * Whether a source buffer is the last one before a STOP ({@code
   * v4l2_m2m_is_last_draining_src_buf}).
   *
   * @param vb the source buffer
   * @return true if draining and it is the recorded last source buffer
   */
  @KernelSymbol("v4l2_m2m_is_last_draining_src_buf")
  public boolean isLastDrainingSrcBuf(Vb2Buffer vb) {
    return isDraining && vb.equals(lastSrcBuf);
  }

  /**
   * Ends draining ({@code v4l2_m2m_mark_stopped}): stopped, no longer draining.
   */
  @KernelSymbol("v4l2_m2m_mark_stopped")
  public void markStopped() {
    nextBufLast = false;
    isDraining = false;
    hasStopped = true;
  }

  /** {@code v4l2_m2m_clear_state}: no draining state at all. */
  @KernelSymbol("v4l2_m2m_clear_state")
  public void clearState() {
    nextBufLast = false;
    isDraining = false;
    hasStopped = false;
  }

  /**
   * Completes a capture buffer as the last one ({@code v4l2_m2m_last_buffer_done}): flagged LAST,
   * DONE, and the context stopped.
   *
   * @param vb a capture buffer the driver owns
   */
  @KernelSymbol("v4l2_m2m_last_buffer_done")
  public void lastBufferDone(Vb2Buffer vb) {
    vb.setFlags(vb.flags() | V4l2Buffer.FLAG_LAST);
    vb.bufferDone(Vb2Buffer.State.DONE);
    markStopped();
  }

  /**
   * Hands a buffer from the driver's vb2 {@code buf_queue} to the ready list of its direction
   * ({@code v4l2_m2m_buf_queue}).
   *
   * @param vb the buffer
   */
  @KernelSymbol("v4l2_m2m_buf_queue")
  public void bufQueue(Vb2Buffer vb) {
    (Vb2Queue.typeIsOutput(vb.queue().type()) ? outQ : capQ).add(vb);
  }

  /**
   * Copies the timestamp (and its copied mark) of a source buffer to a destination buffer ({@code
   * v4l2_m2m_buf_copy_metadata}), as a codec does in {@code device_run}.
   *
   * @param src the source buffer
   * @param dst the destination buffer
   */
  @KernelSymbol("v4l2_m2m_buf_copy_metadata")
  public static void bufCopyMetadata(Vb2Buffer src, Vb2Buffer dst) {
    dst.setTimestamp(src.timestamp());
    dst.setCopiedTimestamp(src.copiedTimestamp());
  }

  /**
   * The vb2 queue of a buffer type ({@code v4l2_m2m_get_vq}).
   *
   * @param type a buffer type
   * @return the output queue for an output type, else the capture queue
   */
  @KernelSymbol("v4l2_m2m_get_vq")
  public Vb2Queue getVq(int type) {
    return (Vb2Queue.typeIsOutput(type) ? outQ : capQ).queue();
  }

  /**
   * Queues this context's job if it is ready, then starts the head job if none runs ({@code
   * v4l2_m2m_try_schedule}); may therefore start another context's job.
   *
   * <p>Context: process context; {@code device_run} may be called.
   */
  @KernelSymbol("v4l2_m2m_try_schedule")
  public void trySchedule() {
    m2mDev.tryQueue(this);
    m2mDev.tryRun();
  }

  /**
   * REQBUFS ({@code v4l2_m2m_reqbufs}); on success the queue's owner becomes {@code owner} when
   * buffers were allocated, and nobody when they were freed.
   *
   * @param owner the file's private data
   * @param p the request
   * @return 0 or the vb2 error
   */
  @KernelSymbol("v4l2_m2m_reqbufs")
  public int reqbufs(@Nullable Object owner, V4l2Requestbuffers p) {
    Vb2Queue vq = getVq(p.type);
    int ret = vq.reqbufs(p.type, p.memory, p.count);
    if (ret < 0) {
      return ret;
    }
    p.count = ret;
    vq.setOwner(ret != 0 ? owner : null);
    return 0;
  }

  /**
   * QUERYBUF ({@code v4l2_m2m_querybuf}): an MMAP capture buffer's offset gets {@link
   * #DST_QUEUE_OFF_BASE} added.
   *
   * @param b the descriptor
   * @return 0 or the vb2 error
   */
  @KernelSymbol("v4l2_m2m_querybuf")
  public int querybuf(V4l2Buffer b) {
    Vb2Queue vq = getVq(b.type);
    int ret = vq.querybuf(b);
    if (ret == 0 && b.memory == Vb2Queue.MEMORY_MMAP && !Vb2Queue.typeIsOutput(vq.type())) {
      b.offset += DST_QUEUE_OFF_BASE;
    }
    return ret;
  }

  /**
   * QBUF ({@code v4l2_m2m_qbuf}). A capture buffer with a request fd is refused. After a
   * successful QBUF, a stopped context whose capture queue restarts gets its first capture buffer
   * back at once as an empty LAST buffer; otherwise the context is scheduled, unless the buffer
   * went into a request.
   *
   * @param b the descriptor
   * @return 0, -EPERM, or the vb2 error
   */
  @KernelSymbol("v4l2_m2m_qbuf")
  public int qbuf(V4l2Buffer b) {
    Vb2Queue vq = getVq(b.type);
    boolean capture = !Vb2Queue.typeIsOutput(vq.type());
    if (capture && (b.flags & V4l2Buffer.FLAG_REQUEST_FD) != 0) {
      return -Errno.EPERM;
    }
    int ret = vq.qbuf(b);
    if (ret != 0) {
      return ret;
    }
    if (capture
        && vq.isStreaming()
        && !vq.startStreamingCalled()
        && (hasStopped || dstBufIsLast())) {
      vq.forceLastBufDone();
    } else if ((b.flags & V4l2Buffer.FLAG_IN_REQUEST) == 0) {
      trySchedule();
    }
    return 0;
  }

  /**
   * DQBUF ({@code v4l2_m2m_dqbuf}).
   *
   * @param b the descriptor
   * @param nonblocking whether the file is O_NONBLOCK
   * @return 0 or the vb2 error
   */
  @KernelSymbol("v4l2_m2m_dqbuf")
  public int dqbuf(V4l2Buffer b, boolean nonblocking) {
    return getVq(b.type).dqbuf(b, nonblocking);
  }

  /**
   * STREAMON ({@code v4l2_m2m_streamon}): vb2 streamon, then scheduling.
   *
   * @param type the buffer type
   * @return 0 or the vb2 error
   */
  @KernelSymbol("v4l2_m2m_streamon")
  public int streamon(int type) {
    int ret = getVq(type).streamon(type);
    if (ret == 0) {
      trySchedule();
    }
    return ret;
  }

  /**
   * STREAMOFF ({@code v4l2_m2m_streamoff}): cancels the job (may wait), stops the vb2 queue, and
   * resets the job flags and that side's ready list. When vb2 refuses, its error is returned at
   * once and TRANS_ABORT stays set, so the context is not scheduled until a streamoff succeeds.
   *
   * @param type the buffer type
   * @return 0 or the vb2 error
   */
  @KernelSymbol("v4l2_m2m_streamoff")
  public int streamoff(int type) {
    m2mDev.cancelJob(this);
    Vb2Queue vq = getVq(type);
    int ret = vq.streamoff(type);
    if (ret != 0) {
      return ret;
    }
    m2mDev.streamoffReset(this, Vb2Queue.typeIsOutput(type) ? outQ : capQ);
    return 0;
  }

  /**
   * The draining part of STOP ({@code v4l2_update_last_buf_state}).
   *
   * @return 0, or -EBUSY when already draining
   */
  @KernelSymbol("v4l2_update_last_buf_state")
  private int updateLastBufState() {
    if (isDraining) {
      return -Errno.EBUSY;
    }
    if (hasStopped) {
      return 0;
    }
    lastSrcBuf = outQ.lastBuf();
    isDraining = true;
    if (lastSrcBuf != null) {
      return 0;
    }
    Vb2Buffer next = capQ.bufRemove();
    if (next == null) {
      nextBufLast = true;
      return 0;
    }
    lastBufferDone(next);
    return 0;
  }

  /**
   * ENCODER_CMD and DECODER_CMD of stateful codecs ({@code v4l2_m2m_encoder_cmd}, {@code
   * v4l2_m2m_decoder_cmd}): STOP starts draining, START restarts a stopped context.
   *
   * @param cmd {@link #CMD_STOP} or {@link #CMD_START}
   * @return 0, -EBUSY (STOP or START while draining), or -EINVAL for any other command
   */
  @KernelSymbol({"v4l2_m2m_encoder_cmd", "v4l2_m2m_decoder_cmd"})
  public int codecCmd(int cmd) {
    if (cmd != CMD_STOP && cmd != CMD_START) {
      return -Errno.EINVAL;
    }
    if (cmd == CMD_STOP) {
      return updateLastBufState();
    }
    if (isDraining) {
      return -Errno.EBUSY;
    }
    hasStopped = false;
    return 0;
  }

  /**
   * The stateless decoder's FLUSH ({@code v4l2_m2m_ioctl_stateless_decoder_cmd}): the last pending
   * output buffer, if any, loses its HOLD flag, or, with none pending, a held capture buffer
   * is returned DONE.
   *
   * @param cmd must be {@link #DEC_CMD_FLUSH}
   * @return 0 or -EINVAL
   */
  @KernelSymbol("v4l2_m2m_ioctl_stateless_decoder_cmd")
  public int statelessDecoderCmd(int cmd) {
    if (cmd != DEC_CMD_FLUSH) {
      return -Errno.EINVAL;
    }
    m2mDev.jobSpinlock().lock();
    try {
      Vb2Buffer out = outQ.lastBuf();
      Vb2Buffer cap = capQ.lastBuf();
      if (out != null) {
        out.setFlags(out.flags() & ~V4l2Buffer.FLAG_M2M_HOLD_CAPTURE_BUF);
      } else if (cap != null && cap.isHeld()) {
        cap.setHeld(false);
        capQ.bufRemove();
        cap.bufferDone(Vb2Buffer.State.DONE);
      }
    } finally {
      m2mDev.jobSpinlock().unlock();
    }
    return 0;
  }

  /**
   * {@code v4l2_m2m_update_start_streaming_state}: starting the output queue forgets the recorded
   * last source buffer.
   *
   * @param q the queue being started
   */
  @KernelSymbol("v4l2_m2m_update_start_streaming_state")
  public void updateStartStreamingState(Vb2Queue q) {
    if (Vb2Queue.typeIsOutput(q.type())) {
      lastSrcBuf = null;
    }
  }

  /**
   * {@code v4l2_m2m_update_stop_streaming_state}: stopping the output queue while draining
   * completes (or flags) the next capture buffer as LAST; stopping the capture queue clears the
   * draining state.
   *
   * @param q the queue being stopped
   */
  @KernelSymbol("v4l2_m2m_update_stop_streaming_state")
  public void updateStopStreamingState(Vb2Queue q) {
    if (!Vb2Queue.typeIsOutput(q.type())) {
      clearState();
      return;
    }
    if (isDraining) {
      lastSrcBuf = null;
      Vb2Buffer next = capQ.bufRemove();
      if (next == null) {
        nextBufLast = true;
      } else {
        lastBufferDone(next);
      }
    }
  }

  /**
   * Poll ({@code v4l2_m2m_poll}): waits on both done queues and the handle's; EPOLLERR when both
   * queues are dead, else writable for a done source buffer and readable for a done capture
   * buffer or once the last capture buffer was dequeued.
   *
   * @param file the file
   * @param wait the poll table, or null
   * @return a POLL* mask
   */
  @KernelSymbol({"v4l2_m2m_poll", "v4l2_m2m_poll_for_data"})
  public int poll(File file, @Nullable PollTable wait) {
    Vb2Queue src = outQ.queue();
    Vb2Queue dst = capQ.queue();
    if (wait != null) {
      wait.pollWait(file, src.doneWq());
      wait.pollWait(file, dst.doneWq());
      if (file.privateData(Object.class) instanceof V4l2Fh fh) {
        wait.pollWait(file, fh.waitQueue());
      }
    }
    boolean srcDead = !src.isStreaming() || src.hasError() || src.queuedCount() == 0;
    boolean dstDead =
        !dst.isStreaming()
            || dst.hasError()
            || (dst.queuedCount() == 0 && !dst.lastBufferDequeued());
    if (srcDead && dstDead) {
      return FileOperations.POLLERR;
    }
    int mask = 0;
    if (src.hasDone()) {
      mask |= FileOperations.POLLOUT | FileOperations.POLLWRNORM;
    }
    if (dst.hasDone() || dst.lastBufferDequeued()) {
      mask |= FileOperations.POLLIN | FileOperations.POLLRDNORM;
    }
    return mask;
  }

  @Override
  @JavaOnly("diagnostic")
  public String toString() {
    return "v4l2_m2m_ctx#" + id + (owner.isEmpty() ? "" : "(" + owner + ")");
  }
}
