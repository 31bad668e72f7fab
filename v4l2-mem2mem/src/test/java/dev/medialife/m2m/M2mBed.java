package dev.medialife.m2m;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.irq.IrqChip;
import dev.medialife.driver.irq.IrqReturn;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.kernel.workqueue.Work;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Buffer;
import dev.medialife.v4l2.vb2.Vb2Ops;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A vim2m-like test driver: each "hardware node" has a simulated core on its own thread that,
 * once programmed by {@code device_run}, completes the job by raising its IRQ; the IRQ handler
 * completes the buffers and finishes the job. In manual mode the core waits for the test's {@link
 * Node#completeNext()}; in auto mode it completes at once. A shared busy counter detects two jobs
 * in flight at once across every node of one scheduler.
 */
final class M2mBed {
  static final int OUT = Vb2Queue.TYPE_VIDEO_OUTPUT;
  static final int CAP = Vb2Queue.TYPE_VIDEO_CAPTURE;
  static final int MMAP = Vb2Queue.MEMORY_MMAP;

  /** How a context's job ends in the IRQ handler. */
  enum Finish {
    /** {@code v4l2_m2m_buf_done_and_job_finish}. */
    BUF_DONE_AND_JOB_FINISH,
    /** Complete the buffers by hand, then {@code v4l2_m2m_job_finish}. */
    JOB_FINISH
  }

  final V4l2M2mDev dev;
  final AtomicInteger busy = new AtomicInteger();
  final AtomicInteger overlaps = new AtomicInteger();
  final AtomicInteger aborts = new AtomicInteger();
  /** The thread inside a finish call (the IRQ handler), or null. */
  final AtomicReference<@Nullable Thread> inFinish = new AtomicReference<>();
  final AtomicInteger runsInsideFinish = new AtomicInteger();
  final AtomicInteger runsFromJobWork = new AtomicInteger();

  /** The device_run sequence, by context name. */
  final List<String> runs = Collections.synchronizedList(new ArrayList<>());

  /** job_ready's answer; null means "always ready". */
  volatile @Nullable Boolean ready;

  /** Whether job_abort asks the hardware to complete at once. */
  volatile boolean abortCompletes = true;

  final List<Node> nodes = new ArrayList<>();

  M2mBed(boolean withReady, boolean withAbort) {
    V4l2M2mOps.Builder b = V4l2M2mOps.builder().deviceRun(this::deviceRun);
    if (withReady) {
      b.jobReady(p -> Boolean.FALSE.equals(ready) ? 0 : 1);
    }
    if (withAbort) {
      b.jobAbort(this::jobAbort);
    }
    V4l2M2mDev d = V4l2M2mDev.init(b.build()).dev();
    assertNotNull(d);
    dev = d;
  }

  M2mBed() {
    this(true, true);
  }

  private void deviceRun(Object priv) {
    TCtx c = (TCtx) priv;
    runs.add(c.name);
    if (Thread.currentThread().equals(inFinish.get())) {
      runsInsideFinish.incrementAndGet();
    }
    if (Objects.equals(Work.current(), dev.jobWork())) {
      runsFromJobWork.incrementAndGet();
    }
    if (busy.incrementAndGet() > 1) {
      overlaps.incrementAndGet();
    }
    Vb2Buffer src = c.m2m().outQ().nextBuf();
    Vb2Buffer dst = c.m2m().capQ().nextBuf();
    if (src != null && dst != null) {
      V4l2M2mCtx.bufCopyMetadata(src, dst);
    }
    c.node.program(c);
  }

  private void jobAbort(Object priv) {
    aborts.incrementAndGet();
    TCtx c = (TCtx) priv;
    if (abortCompletes) {
      c.node.go.release();
    }
  }

  Node node(String name, boolean auto) {
    Node n = new Node(name, auto);
    nodes.add(n);
    return n;
  }

  void stop() {
    for (Node n : nodes) {
      n.stop();
    }
  }

  /** Waits until job_work has run the next try_run. */
  void flushWork() {
    dev.jobWork().flush();
  }

  /** One hardware node: a core thread, an IRQ line, and its handler. */
  final class Node {
    final String name;
    final IrqChip chip;
    final boolean auto;
    final BlockingQueue<TCtx> programmed = new LinkedBlockingQueue<>();
    final Semaphore go = new Semaphore(0);
    final Semaphore irqDone = new Semaphore(0);
    final Allocation cookie;
    final Thread core;
    volatile @Nullable TCtx current;

    Node(String name, boolean auto) {
      this.name = name;
      this.auto = auto;
      this.chip = new IrqChip(name + "-irqchip", 1);
      Allocation a = Kmem.kzalloc("test_core", name);
      assertNotNull(a);
      cookie = a;
      assertEquals(0, chip.requestIrq(0, (irq, id) -> irq(), 0, name, a));
      core = new Thread(this::loop, name + "-core");
      core.setDaemon(true);
      core.start();
    }

    void program(TCtx c) {
      current = c;
      programmed.add(c);
    }

    private void loop() {
      try {
        while (true) {
          programmed.take();
          if (!auto) {
            // The test, or job_abort, decides when the job completes.
            go.acquire();
          }
          chip.raise(0);
          irqDone.release();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private int irq() {
      TCtx c = current;
      if (c == null) {
        return IrqReturn.IRQ_NONE;
      }
      current = null;
      busy.decrementAndGet();
      inFinish.set(Thread.currentThread());
      try {
        if (c.finish == Finish.BUF_DONE_AND_JOB_FINISH) {
          dev.bufDoneAndJobFinish(c.m2m(), c.state);
        } else {
          Vb2Buffer src = c.m2m().outQ().bufRemove();
          Vb2Buffer dst = c.m2m().capQ().bufRemove();
          if (src != null) {
            src.bufferDone(c.state);
          }
          if (dst != null) {
            dst.bufferDone(c.state);
          }
          dev.jobFinish(c.m2m());
        }
      } finally {
        inFinish.set(null);
      }
      return IrqReturn.IRQ_HANDLED;
    }

    /** Lets the core complete its programmed job and waits until the IRQ handler returned. */
    void completeNext() {
      go.release();
      awaitIrq();
    }

    /** Waits until the IRQ handler of one completion returned. */
    void awaitIrq() {
      try {
        assertTrue(irqDone.tryAcquire(Sync.TIMEOUT_SECONDS, TimeUnit.SECONDS), "no IRQ");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    void stop() {
      core.interrupt();
      try {
        core.join(TimeUnit.SECONDS.toMillis(Sync.TIMEOUT_SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      chip.freeIrq(0, cookie);
      Kmem.kfree(cookie);
    }
  }

  /** The driver's per-open context (the ops' {@code priv}). */
  final class TCtx implements Vb2Ops {
    final String name;
    final Node node;
    final Mutex lock;
    final Vb2Queue out;
    final Vb2Queue cap;
    volatile Finish finish = Finish.BUF_DONE_AND_JOB_FINISH;
    volatile Vb2Buffer.State state = Vb2Buffer.State.DONE;
    final AtomicInteger stops = new AtomicInteger();
    private @Nullable V4l2M2mCtx m2m;

    TCtx(String name, Node node) {
      this(name, node, new Mutex(name + ".lock"));
    }

    TCtx(String name, Node node, Mutex lock) {
      this(name, node, lock, 0);
    }

    TCtx(String name, Node node, Mutex lock, int capMinQueued) {
      this.name = name;
      this.node = node;
      this.lock = lock;
      this.out = new Vb2Queue(OUT, Vb2Queue.IO_MMAP, this, lock, 0);
      this.cap = new Vb2Queue(CAP, Vb2Queue.IO_MMAP, this, lock, capMinQueued);
      out.setTimestampFlags(V4l2Buffer.FLAG_TIMESTAMP_COPY);
      cap.setTimestampFlags(V4l2Buffer.FLAG_TIMESTAMP_COPY);
    }

    void finishBy(Finish f) {
      finish = f;
    }

    V4l2M2mCtx m2m() {
      V4l2M2mCtx c = m2m;
      assertNotNull(c, name + " is not open");
      return c;
    }

    /** The driver's open: v4l2_m2m_ctx_init with this as priv. */
    TCtx open() {
      V4l2M2mCtx.Result r =
          V4l2M2mCtx.ctxInit(
              dev,
              this,
              (priv, vqs) -> {
                vqs.src = out;
                vqs.dst = cap;
                return 0;
              });
      assertEquals(0, r.error());
      V4l2M2mCtx c = r.ctx();
      assertNotNull(c);
      c.setOwner(node.name);
      m2m = c;
      return this;
    }

    /** REQBUFS n on both queues, then STREAMON on both (under the queue lock). */
    TCtx stream(int n) {
      locked(
          () -> {
            for (int type : new int[] {OUT, CAP}) {
              V4l2M2mCtx c = m2m();
              dev.medialife.v4l2.uapi.V4l2Requestbuffers p =
                  new dev.medialife.v4l2.uapi.V4l2Requestbuffers();
              p.type = type;
              p.memory = MMAP;
              p.count = n;
              assertEquals(0, c.reqbufs(this, p));
              assertEquals(n, p.count);
            }
            assertEquals(0, m2m().streamon(OUT));
            assertEquals(0, m2m().streamon(CAP));
            return 0;
          });
      return this;
    }

    int locked(java.util.function.IntSupplier body) {
      lock.lock();
      try {
        return body.getAsInt();
      } finally {
        lock.unlock();
      }
    }

    int qbuf(int type, int index, long ts, int flags) {
      V4l2Buffer b = new V4l2Buffer(index, type, MMAP);
      b.timestamp = ts;
      b.flags = flags;
      b.bytesused = 10;
      return locked(() -> m2m().qbuf(b));
    }

    int qOut(int index) {
      return qbuf(OUT, index, 1000L + index, 0);
    }

    int qCap(int index) {
      return qbuf(CAP, index, 0, 0);
    }

    /** DQBUF non-blocking; the descriptor, or null with the errno in {@code err[0]}. */
    @Nullable V4l2Buffer dq(int type, int[] err) {
      V4l2Buffer b = new V4l2Buffer(0, type, MMAP);
      err[0] = locked(() -> m2m().dqbuf(b, true));
      return err[0] == 0 ? b : null;
    }

    int streamoff(int type) {
      return locked(() -> m2m().streamoff(type));
    }

    void release() {
      locked(
          () -> {
            m2m().ctxRelease();
            return 0;
          });
    }

    @Override
    public int queueSetup(Vb2Queue q, int numBuffers) {
      return numBuffers;
    }

    @Override
    public void bufQueue(Vb2Buffer vb) {
      m2m().bufQueue(vb);
    }

    @Override
    public int startStreaming(Vb2Queue q, int count) {
      m2m().updateStartStreamingState(q);
      return 0;
    }

    @Override
    public void stopStreaming(Vb2Queue q) {
      stops.incrementAndGet();
      V4l2M2mQueueCtx side = Vb2Queue.typeIsOutput(q.type()) ? m2m().outQ() : m2m().capQ();
      for (Vb2Buffer vb = side.bufRemove(); vb != null; vb = side.bufRemove()) {
        vb.bufferDone(Vb2Buffer.State.ERROR);
      }
      m2m().updateStopStreamingState(q);
    }
  }
}
