package dev.medialife.m2m;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.fault.FaultInjection;
import dev.medialife.kernel.locking.SpinLock;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.ref.Kref;
import dev.medialife.kernel.trace.TraceRecorder;
import dev.medialife.kernel.workqueue.Work;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-hardware mem2mem job scheduler ({@code struct v4l2_m2m_dev}). Its maintainers call it a
 * scheduler, not a device wrapper, and plan to rename it {@code v4l2_m2m_sched}; the Java name
 * keeps the current kernel symbol so that one grep finds it.
 *
 * <p>It keeps a FIFO of ready contexts ({@code job_queue}) and runs at most one job at a time: the
 * running context ({@code curr_ctx}) stays at the head of the queue until its job finishes. A job
 * is started by {@link #tryRun()} outside the lock; a finish never starts the next job itself but
 * queues {@code job_work}, which runs {@code try_run} from the system workqueue.
 *
 * <p>Lifetime (the v7.0 kref patch, {@link PatchSwitch#M2M_KREF}, read at {@link #init}): several
 * hardware nodes may share one scheduler so that they never run jobs at the same time; each user
 * takes a reference with {@link #get()} and drops it with {@link #put()}, and the last put frees
 * it. Contexts hold no reference. With the switch off the scheduler is the pre-patch one: {@link
 * #get()} takes nothing and {@link #put()} frees at once, exactly as {@link #release()}, so a
 * second user touches freed memory, which KASAN reports at the next entry point.
 *
 * <p>Implementation notes. {@code jobSpinlock} protects {@code jobQueue}, {@code curr}, {@code
 * queueFlags}, every context's {@code job_flags} (written only under it; volatile so waiters may
 * read them without it) and the MC objects. Lock order: job lock, then a context's ready lock.
 * After every transition under the lock the invariants are checked and a violation is filed as a
 * WARNING report: at most one context is RUNNING and it is {@code curr_ctx} at the head of the
 * queue; no context is on the queue twice; QUEUED matches queue membership.
 */
@KernelSymbol("v4l2_m2m_dev")
public final class V4l2M2mDev {
  private static final Logger LOG = LoggerFactory.getLogger(V4l2M2mDev.class);

  /** The fault-injection point of the scheduler's allocation. */
  public static final String FAULT_INIT = "v4l2_m2m_init";

  /** {@code QUEUE_PAUSED}: do not start new jobs. */
  @KernelSymbol("QUEUE_PAUSED")
  public static final int QUEUE_PAUSED = 1;

  /** The trace category of scheduler events. */
  public static final String TRACE_CATEGORY = "v4l2-m2m";

  private static final AtomicInteger IDS = new AtomicInteger();

  /**
   * A scheduler or an error, as {@code v4l2_m2m_init} returns an {@code ERR_PTR}.
   *
   * @param dev the scheduler, null on error
   * @param error 0, or a negative errno
   */
  @KernelSymbol("ERR_PTR")
  public record Result(@Nullable V4l2M2mDev dev, int error) {}

  private final int id;
  private final V4l2M2mOps ops;
  private final V4l2M2mOps.DeviceRun deviceRun;
  private final Allocation mem;
  private final boolean krefPatch;
  private final Kref kref;

  /** Protects the job queue, curr_ctx, queue flags, every context's job flags, the MC objects. */
  private final SpinLock jobSpinlock;

  /* Guarded by jobSpinlock (a kernel SpinLock, which Error Prone cannot see). */
  private final ArrayDeque<V4l2M2mCtx> jobQueue = new ArrayDeque<>();

  /* Guarded by jobSpinlock (a kernel SpinLock, which Error Prone cannot see). */
  private @Nullable V4l2M2mCtx curr;

  /* Guarded by jobSpinlock (a kernel SpinLock, which Error Prone cannot see). */
  private int queueFlags;

  /* Guarded by jobSpinlock (a kernel SpinLock, which Error Prone cannot see). */
  private @Nullable V4l2M2mMc mc;

  private final Work jobWork;

  /**
   * How a finish defers the next {@code try_run}: {@code schedule_work(&job_work)}. Tests of the
   * package replace it to run the work step themselves (the Lincheck model has no worker threads).
   */
  private volatile Runnable kickJobWork;

  /*
   * Statistics, guarded by jobSpinlock: every change happens in a section that holds it anyway,
   * so they cost no atomic instruction of their own on the job path.
   */
  private long jobsQueued;
  private long jobsRun;
  private long jobsFinished;
  private long jobsCancelled;

  private V4l2M2mDev(V4l2M2mOps ops, V4l2M2mOps.DeviceRun deviceRun, Allocation mem) {
    this.id = IDS.incrementAndGet();
    this.ops = ops;
    this.deviceRun = deviceRun;
    this.mem = mem;
    this.krefPatch = PatchSwitch.M2M_KREF.enabled();
    this.kref = new Kref("v4l2_m2m_dev#" + id);
    this.jobSpinlock = new SpinLock("v4l2_m2m_dev.job_spinlock");
    this.jobWork = new Work("v4l2_m2m_dev.job_work", this::jobWorkFn);
    this.kickJobWork = jobWork::schedule;
  }

  /**
   * Creates a scheduler ({@code v4l2_m2m_init}): no job running, an empty queue, not paused, one
   * reference held by the caller.
   *
   * <p>Context: process context; may sleep.
   *
   * @param ops the driver callbacks; {@code device_run} is required
   * @return the scheduler, or -EINVAL (with a WARN) for null ops or a missing {@code device_run},
   *     -ENOMEM when the allocation fails
   */
  @KernelSymbol("v4l2_m2m_init")
  public static Result init(@Nullable V4l2M2mOps ops) {
    if (ops == null) {
      Warn.warn("v4l2_m2m_init: no ops");
      return new Result(null, -Errno.EINVAL);
    }
    V4l2M2mOps.DeviceRun run = ops.deviceRun();
    if (run == null) {
      Warn.warn("v4l2_m2m_init: ops without device_run");
      return new Result(null, -Errno.EINVAL);
    }
    if (FaultInjection.shouldFail(FAULT_INIT)) {
      return new Result(null, -Errno.ENOMEM);
    }
    Allocation a = Kmem.kzalloc("v4l2_m2m_dev", "v4l2_m2m_dev");
    if (a == null) {
      return new Result(null, -Errno.ENOMEM);
    }
    return new Result(new V4l2M2mDev(ops, run, a), 0);
  }

  /**
   * The scheduler's id in trace events and logs.
   *
   * @return a number unique in this JVM
   */
  @JavaOnly("diagnostic id")
  public int id() {
    return id;
  }

  /**
   * The driver callbacks.
   *
   * @return {@code m2m_dev->m2m_ops}
   */
  @KernelSymbol("v4l2_m2m_dev.m2m_ops")
  public V4l2M2mOps ops() {
    return ops;
  }

  /**
   * The memory of the scheduler, for liveness checks in tests and by users.
   *
   * @return the allocation
   */
  @JavaOnly("model memory")
  public Allocation mem() {
    return mem;
  }

  /**
   * Whether this scheduler was created with the kref patch.
   *
   * @return the {@link PatchSwitch#M2M_KREF} value at {@link #init}
   */
  @JavaOnly("patch switch as read at creation")
  public boolean krefPatch() {
    return krefPatch;
  }

  /**
   * Takes a reference ({@code v4l2_m2m_get}, a plain {@code kref_get}, not get-unless-zero). Before
   * the patch it takes nothing.
   *
   * <p>Context: any; the caller must already hold a reference.
   */
  @KernelSymbol("v4l2_m2m_get")
  public void get() {
    if (!mem.check("v4l2_m2m_get")) {
      return;
    }
    if (krefPatch) {
      kref.get();
    }
  }

  /**
   * Drops a reference ({@code v4l2_m2m_put}); the last one frees the scheduler through {@link
   * #release()}. Before the patch every put frees at once.
   *
   * <p>Context: process context.
   *
   * @return true if this put freed the scheduler
   */
  @KernelSymbol("v4l2_m2m_put")
  public boolean put() {
    if (!krefPatch) {
      release();
      return true;
    }
    return kref.put(this, V4l2M2mDev::release);
  }

  /**
   * Frees the scheduler ({@code v4l2_m2m_release}). It only frees: it neither flushes {@code
   * job_work} nor unregisters MC objects nor checks for live contexts. Users of {@link #get()}/
   * {@link #put()} must never call it directly.
   */
  @KernelSymbol("v4l2_m2m_release")
  public void release() {
    LOG.debug("v4l2_m2m_dev#{}: released", id);
    Kmem.kfree(mem, "v4l2_m2m_release");
  }

  /**
   * The reference count.
   *
   * @return {@code kref_read}; before the patch 1 while alive and 0 once freed
   */
  @KernelSymbol("kref_read")
  public int refcount() {
    if (!krefPatch) {
      return mem.isLive() ? 1 : 0;
    }
    return kref.read();
  }

  /**
   * The scheduler lock.
   *
   * @return {@code m2m_dev->job_spinlock}
   */
  @KernelSymbol("v4l2_m2m_dev.job_spinlock")
  public SpinLock jobSpinlock() {
    return jobSpinlock;
  }

  /**
   * The deferred work that starts the next job after a finish.
   *
   * @return {@code m2m_dev->job_work}
   */
  @KernelSymbol("v4l2_m2m_dev.job_work")
  public Work jobWork() {
    return jobWork;
  }

  private void jobWorkFn() {
    tryRun();
  }

  /**
   * The driver data of the running context ({@code v4l2_m2m_get_curr_priv}).
   *
   * @return the running context's {@code priv}, or null when no job runs
   */
  @KernelSymbol("v4l2_m2m_get_curr_priv")
  public @Nullable Object getCurrPriv() {
    if (!mem.check("v4l2_m2m_get_curr_priv")) {
      return null;
    }
    jobSpinlock.lock();
    try {
      V4l2M2mCtx c = curr;
      return c != null ? c.priv() : null;
    } finally {
      jobSpinlock.unlock();
    }
  }

  /**
   * The running context.
   *
   * @return {@code m2m_dev->curr_ctx}, or null
   */
  @KernelSymbol("v4l2_m2m_dev.curr_ctx")
  public @Nullable V4l2M2mCtx currCtx() {
    jobSpinlock.lock();
    try {
      return curr;
    } finally {
      jobSpinlock.unlock();
    }
  }

  /**
   * A snapshot of the job queue, head first (the running context, if any, is the head).
   *
   * @return the queued contexts
   */
  @KernelSymbol("v4l2_m2m_dev.job_queue")
  public List<V4l2M2mCtx> jobQueue() {
    jobSpinlock.lock();
    try {
      return List.copyOf(jobQueue);
    } finally {
      jobSpinlock.unlock();
    }
  }

  /**
   * The queue flags.
   *
   * @return {@code job_queue_flags}: {@link #QUEUE_PAUSED} or 0
   */
  @KernelSymbol("v4l2_m2m_dev.job_queue_flags")
  public int queueFlags() {
    jobSpinlock.lock();
    try {
      return queueFlags;
    } finally {
      jobSpinlock.unlock();
    }
  }

  /**
   * Jobs queued since creation.
   *
   * @return the count
   */
  @JavaOnly("scheduler statistics")
  public long jobsQueued() {
    jobSpinlock.lock();
    try {
      return jobsQueued;
    } finally {
      jobSpinlock.unlock();
    }
  }

  /**
   * Jobs started ({@code device_run} calls) since creation.
   *
   * @return the count
   */
  @JavaOnly("scheduler statistics")
  public long jobsRun() {
    jobSpinlock.lock();
    try {
      return jobsRun;
    } finally {
      jobSpinlock.unlock();
    }
  }

  /**
   * Jobs finished since creation.
   *
   * @return the count
   */
  @JavaOnly("scheduler statistics")
  public long jobsFinished() {
    jobSpinlock.lock();
    try {
      return jobsFinished;
    } finally {
      jobSpinlock.unlock();
    }
  }

  /**
   * Queued jobs removed by a cancel or a streamoff before they ran.
   *
   * @return the count
   */
  @JavaOnly("scheduler statistics")
  public long jobsCancelled() {
    jobSpinlock.lock();
    try {
      return jobsCancelled;
    } finally {
      jobSpinlock.unlock();
    }
  }

  private void trace(String event, V4l2M2mCtx ctx) {
    TraceRecorder t = TraceRecorder.global();
    if (!t.isEnabled()) {
      return; // tracing off: do not build the event's arguments
    }
    t.instant(
        TRACE_CATEGORY,
        event,
        "v4l2_m2m_dev#" + id,
        Map.of("sched", id, "ctx", ctx.id(), "owner", ctx.owner()));
  }

  /**
   * Checks the scheduler invariants, with {@code jobSpinlock} held; a violation is a WARNING.
   *
   * <p>That the running context is the head of the queue is checked after every transition. The
   * walk over the whole queue (no context twice, each with TRANS_QUEUED, at most one running) is a
   * debug check, like the kernel's {@code CONFIG_DEBUG_LIST}: it runs only with lockdep on (the
   * model's debug configuration, on in every test), because it costs time linear in the queue on
   * every transition, and with thousands of contexts it would dominate the cost of a job. Messages
   * are built only when a check fails.
   */
  private void checkInvariantsLocked() {
    jobSpinlock.assertHeld();
    V4l2M2mCtx c = curr;
    if (c != null && !c.equals(jobQueue.peekFirst())) {
      Warn.warn("v4l2-mem2mem invariant: curr_ctx is not the head of the job queue");
    }
    if (!Sanitizers.lockdep()) {
      return;
    }
    int running = 0;
    Set<V4l2M2mCtx> seen = new HashSet<>();
    for (V4l2M2mCtx q : jobQueue) {
      if (!seen.add(q)) {
        Warn.warn("v4l2-mem2mem invariant: " + q + " is on the job queue twice");
      }
      if ((q.jobFlags & V4l2M2mCtx.TRANS_QUEUED) == 0) {
        Warn.warn("v4l2-mem2mem invariant: " + q + " is on the job queue without TRANS_QUEUED");
      }
      if ((q.jobFlags & V4l2M2mCtx.TRANS_RUNNING) != 0) {
        running++;
      }
    }
    if (running > 1) {
      Warn.warn("v4l2-mem2mem invariant: " + running + " jobs running at once");
    }
  }

  /**
   * Queues a context's job if it is ready ({@code __v4l2_m2m_try_queue}), making the checks in the
   * kernel's order; see the package documentation.
   *
   * <p>Context: any context, including IRQ; does not sleep.
   *
   * @param ctx the context
   */
  @KernelSymbol("__v4l2_m2m_try_queue")
  void tryQueue(V4l2M2mCtx ctx) {
    if (!mem.check("__v4l2_m2m_try_queue")) {
      return;
    }
    if (!ctx.outQ().queue().isStreaming()
        || (!ctx.capQ().queue().isStreaming() && !ctx.ignoreCapStreaming())) {
      LOG.debug("{}: streaming needs to be on for both queues", ctx);
      return;
    }
    jobSpinlock.lock();
    try {
      tryQueueLocked(ctx);
    } finally {
      jobSpinlock.unlock();
    }
  }

  /** The checks of {@code __v4l2_m2m_try_queue} after the lock is taken; lock held. */
  private void tryQueueLocked(V4l2M2mCtx ctx) {
    jobSpinlock.assertHeld();
    if ((ctx.jobFlags & V4l2M2mCtx.TRANS_ABORT) != 0) {
      LOG.debug("{}: aborted", ctx);
      return;
    }
    if ((ctx.jobFlags & V4l2M2mCtx.TRANS_QUEUED) != 0) {
      LOG.debug("{}: already queued", ctx);
      return;
    }
    V4l2M2mQueueCtx out = ctx.outQ();
    V4l2M2mQueueCtx cap = ctx.capQ();
    Vb2Buffer src = out.nextBuf();
    Vb2Buffer dst = cap.nextBuf();
    if (src == null && !out.buffered()) {
      return;
    }
    if (dst == null && !cap.buffered()) {
      return;
    }
    ctx.newFrame = true;
    if (src != null
        && dst != null
        && dst.isHeld()
        && dst.copiedTimestamp()
        && dst.timestamp() != src.timestamp()) {
      // The held capture buffer belongs to a finished frame: give it back before the next job.
      dst.setHeld(false);
      cap.bufRemove();
      dst.bufferDone(Vb2Buffer.State.DONE);
      dst = cap.nextBuf();
      if (dst == null && !cap.buffered()) {
        return;
      }
    }
    if (src != null
        && dst != null
        && (out.queue().subsystemFlags() & Vb2Queue.FL_SUPPORTS_M2M_HOLD_CAPTURE_BUF) != 0) {
      ctx.newFrame = !dst.copiedTimestamp() || dst.timestamp() != src.timestamp();
    }
    if (ctx.hasStopped()) {
      return;
    }
    V4l2M2mOps.JobReady ready = ops.jobReady();
    if (ready != null && ready.ready(ctx.priv()) == 0) {
      return;
    }
    jobQueue.addLast(ctx);
    ctx.jobFlags |= V4l2M2mCtx.TRANS_QUEUED;
    jobsQueued++;
    trace("queued", ctx);
    checkInvariantsLocked();
  }

  /**
   * Starts the job at the head of the queue if none runs and the queue is not paused ({@code
   * v4l2_m2m_try_run}); {@code device_run} is called outside the lock.
   *
   * <p>Context: process context; {@code device_run} may sleep.
   */
  @KernelSymbol("v4l2_m2m_try_run")
  public void tryRun() {
    if (!mem.check("v4l2_m2m_try_run")) {
      return;
    }
    V4l2M2mCtx next;
    jobSpinlock.lock();
    try {
      if (curr != null) {
        LOG.debug("v4l2_m2m_dev#{}: another job is running", id);
        return;
      }
      next = jobQueue.peekFirst();
      if (next == null || (queueFlags & QUEUE_PAUSED) != 0) {
        return;
      }
      curr = next;
      next.jobFlags |= V4l2M2mCtx.TRANS_RUNNING;
      jobsRun++;
      checkInvariantsLocked();
    } finally {
      jobSpinlock.unlock();
    }
    trace("started", next);
    deviceRun.run(next.priv());
  }

  /**
   * The finish step with the lock held ({@code _v4l2_m2m_job_finish}).
   *
   * @return true if {@code ctx} was the running context and its job is now finished
   */
  private boolean jobFinishLocked(V4l2M2mCtx ctx) {
    jobSpinlock.assertHeld();
    V4l2M2mCtx c = curr;
    if (c == null || !c.equals(ctx)) {
      LOG.debug("v4l2_m2m_dev#{}: {} is not running, nothing to finish", id, ctx);
      return false;
    }
    jobQueue.remove(ctx);
    ctx.jobFlags &= ~(V4l2M2mCtx.TRANS_QUEUED | V4l2M2mCtx.TRANS_RUNNING);
    ctx.finished().wakeUpAll();
    curr = null;
    jobsFinished++;
    trace("finished", ctx);
    checkInvariantsLocked();
    return true;
  }

  /** Re-queues the context and defers the next {@code try_run} to {@code job_work}. */
  private void scheduleNextJob(V4l2M2mCtx ctx) {
    tryQueue(ctx);
    kickJobWork.run();
  }

  /** Replaces {@code schedule_work(&job_work)}; for the package's model checks only. */
  void setJobWorkKick(Runnable kick) {
    kickJobWork = kick;
  }

  /**
   * Finishes the running job of {@code ctx} ({@code v4l2_m2m_job_finish}). A context that is not
   * running changes nothing. The next job is started later from {@link #jobWork()}, never inside
   * this call, which may run in IRQ context.
   *
   * <p>Context: any context; does not sleep.
   *
   * @param ctx the context whose job ended
   */
  @KernelSymbol("v4l2_m2m_job_finish")
  public void jobFinish(V4l2M2mCtx ctx) {
    if (!mem.check("v4l2_m2m_job_finish")) {
      return;
    }
    Warn.on(
        (ctx.outQ().queue().subsystemFlags() & Vb2Queue.FL_SUPPORTS_M2M_HOLD_CAPTURE_BUF) != 0,
        "v4l2_m2m_job_finish on a hold-capture queue; use v4l2_m2m_buf_done_and_job_finish");
    boolean schedule;
    jobSpinlock.lock();
    try {
      schedule = jobFinishLocked(ctx);
    } finally {
      jobSpinlock.unlock();
    }
    if (schedule) {
      scheduleNextJob(ctx);
    }
  }

  /**
   * Completes the job's buffers and finishes it ({@code v4l2_m2m_buf_done_and_job_finish}): takes
   * the first ready source buffer, completes the first destination buffer unless the source asks to
   * hold it, then the source (capture before output, because the output may signal a request),
   * then finishes. When either buffer is missing it warns and does not finish: the scheduler stays
   * stalled on this job.
   *
   * <p>Context: any context; does not sleep.
   *
   * @param ctx the running context
   * @param state DONE or ERROR
   */
  @KernelSymbol("v4l2_m2m_buf_done_and_job_finish")
  public void bufDoneAndJobFinish(V4l2M2mCtx ctx, Vb2Buffer.State state) {
    if (!mem.check("v4l2_m2m_buf_done_and_job_finish")) {
      return;
    }
    boolean schedule = false;
    jobSpinlock.lock();
    try {
      Vb2Buffer src = ctx.outQ().bufRemove();
      Vb2Buffer dst = ctx.capQ().nextBuf();
      if (src == null || dst == null) {
        Warn.warn("v4l2_m2m_buf_done_and_job_finish: " + ctx + " has no source or destination");
        return;
      }
      V4l2M2mCtx c = curr;
      Warn.on(
          c == null || !c.equals(ctx),
          "v4l2-mem2mem invariant: buffers of " + ctx + " completed while it is not running");
      dst.setHeld((src.flags() & V4l2Buffer.FLAG_M2M_HOLD_CAPTURE_BUF) != 0);
      if (!dst.isHeld()) {
        ctx.capQ().bufRemove();
        dst.bufferDone(state);
      }
      src.bufferDone(state);
      schedule = jobFinishLocked(ctx);
    } finally {
      jobSpinlock.unlock();
    }
    if (schedule) {
      scheduleNextJob(ctx);
    }
  }

  /**
   * Cancels a context's job ({@code v4l2_m2m_cancel_job}): sets TRANS_ABORT (which stays), then
   * either waits uninterruptibly for the running job after calling {@code job_abort}, or removes a
   * queued job. Used by streamoff and context release.
   *
   * <p>Context: process context; may sleep (forever if the driver never finishes the job).
   *
   * @param ctx the context
   */
  @KernelSymbol("v4l2_m2m_cancel_job")
  void cancelJob(V4l2M2mCtx ctx) {
    if (!mem.check("v4l2_m2m_cancel_job")) {
      return;
    }
    boolean running;
    jobSpinlock.lock();
    try {
      ctx.jobFlags |= V4l2M2mCtx.TRANS_ABORT;
      running = (ctx.jobFlags & V4l2M2mCtx.TRANS_RUNNING) != 0;
      if (!running && (ctx.jobFlags & V4l2M2mCtx.TRANS_QUEUED) != 0) {
        jobQueue.remove(ctx);
        ctx.jobFlags &= ~(V4l2M2mCtx.TRANS_QUEUED | V4l2M2mCtx.TRANS_RUNNING);
        jobsCancelled++;
        trace("aborted", ctx);
        checkInvariantsLocked();
      }
    } finally {
      jobSpinlock.unlock();
    }
    if (running) {
      V4l2M2mOps.JobAbort abort = ops.jobAbort();
      if (abort != null) {
        abort.abort(ctx.priv());
      }
      trace("aborted", ctx);
      ctx.finished().waitEvent(() -> (ctx.jobFlags & V4l2M2mCtx.TRANS_RUNNING) == 0);
    }
  }

  /**
   * The scheduler part of {@code v4l2_m2m_streamoff} after a successful {@code vb2_streamoff}:
   * off the queue, job flags cleared, the ready list emptied, and (defensively) curr_ctx dropped.
   */
  void streamoffReset(V4l2M2mCtx ctx, V4l2M2mQueueCtx qctx) {
    jobSpinlock.lock();
    try {
      if ((ctx.jobFlags & V4l2M2mCtx.TRANS_QUEUED) != 0) {
        jobQueue.remove(ctx);
        jobsCancelled++;
      }
      ctx.jobFlags = 0;
      qctx.reset();
      V4l2M2mCtx c = curr;
      if (c != null && c.equals(ctx)) {
        curr = null;
        ctx.finished().wakeUpAll();
      }
      checkInvariantsLocked();
    } finally {
      jobSpinlock.unlock();
    }
  }

  /**
   * Pauses the scheduler ({@code v4l2_m2m_suspend}): no new job starts, and the call returns once
   * the running job, if any, has finished. Jobs may still be queued. With a shared scheduler this
   * pauses every node that uses it.
   *
   * <p>Context: process context; sleeps uninterruptibly.
   */
  @KernelSymbol("v4l2_m2m_suspend")
  public void suspend() {
    if (!mem.check("v4l2_m2m_suspend")) {
      return;
    }
    V4l2M2mCtx c;
    jobSpinlock.lock();
    try {
      queueFlags |= QUEUE_PAUSED;
      c = curr;
    } finally {
      jobSpinlock.unlock();
    }
    if (c != null) {
      V4l2M2mCtx running = c;
      running.finished().waitEvent(() -> (running.jobFlags & V4l2M2mCtx.TRANS_RUNNING) == 0);
    }
  }

  /**
   * Resumes the scheduler ({@code v4l2_m2m_resume}) and starts the next job.
   *
   * <p>Context: process context.
   */
  @KernelSymbol("v4l2_m2m_resume")
  public void resume() {
    if (!mem.check("v4l2_m2m_resume")) {
      return;
    }
    jobSpinlock.lock();
    try {
      queueFlags &= ~QUEUE_PAUSED;
    } finally {
      jobSpinlock.unlock();
    }
    tryRun();
  }

  /**
   * Creates the MC objects of an m2m video node ({@code v4l2_m2m_register_media_controller}): "&lt;vdev&gt;-source", "-proc" (with {@code function}) and
   * "-sink" entities, IMMUTABLE|ENABLED data links source:0 → proc:0 → proc:1 → sink:0, a V4L video
   * interface and interface links to source and sink. Call it after {@code
   * video_register_device} (the core makes no MC objects for VFL_DIR_M2M nodes). Errors unwind.
   *
   * <p>Context: process context; may sleep.
   *
   * @param vdev the registered video node
   * @param function the processing entity's function, e.g. {@code MEDIA_ENT_F_PROC_VIDEO_DECODER}
   * @return 0 (also when the node has no media device), -ENOMEM, the entity error, -EINVAL (with
   *     a WARN) for a node not registered yet, or -EBUSY (with a WARN, nothing overwritten) when
   *     this scheduler already holds the MC objects of a node
   */
  @KernelSymbol("v4l2_m2m_register_media_controller")
  public int registerMediaController(VideoDevice vdev, int function) {
    if (!mem.check("v4l2_m2m_register_media_controller")) {
      return -Errno.EINVAL;
    }
    return V4l2M2mMc.register(this, vdev, function);
  }

  /**
   * Removes the MC objects ({@code v4l2_m2m_unregister_media_controller}); call it before {@code
   * video_unregister_device}. Does nothing when none are registered.
   *
   * <p>Context: process context; may sleep.
   */
  @KernelSymbol("v4l2_m2m_unregister_media_controller")
  public void unregisterMediaController() {
    V4l2M2mMc m = takeMc();
    if (m != null) {
      m.unregister();
    }
  }

  /**
   * The MC objects this scheduler holds.
   *
   * @return the objects, or null when none are registered
   */
  @JavaOnly("accessor of the CONFIG_MEDIA_CONTROLLER fields")
  public @Nullable V4l2M2mMc mc() {
    return mcLocked();
  }

  /** The MC objects, under the lock; null when none are registered. */
  @Nullable V4l2M2mMc mcLocked() {
    jobSpinlock.lock();
    try {
      return mc;
    } finally {
      jobSpinlock.unlock();
    }
  }

  /**
   * Installs MC objects unless some are already there.
   *
   * @return true if installed
   */
  boolean setMcIfAbsent(V4l2M2mMc objs) {
    jobSpinlock.lock();
    try {
      if (mc != null) {
        return false;
      }
      mc = objs;
      return true;
    } finally {
      jobSpinlock.unlock();
    }
  }

  /**
   * Takes the MC objects away.
   *
   * @return the objects that were installed, or null
   */
  @Nullable V4l2M2mMc takeMc() {
    jobSpinlock.lock();
    try {
      V4l2M2mMc m = mc;
      mc = null;
      return m;
    } finally {
      jobSpinlock.unlock();
    }
  }

  @Override
  @JavaOnly("diagnostic")
  public String toString() {
    return "v4l2_m2m_dev#" + id;
  }
}
