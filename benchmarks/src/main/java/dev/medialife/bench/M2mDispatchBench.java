package dev.medialife.bench;

import dev.medialife.kernel.locking.Mutex;
import dev.medialife.m2m.V4l2M2mCtx;
import dev.medialife.m2m.V4l2M2mDev;
import dev.medialife.m2m.V4l2M2mOps;
import dev.medialife.v4l2.vb2.Vb2Buffer;
import dev.medialife.v4l2.vb2.Vb2Ops;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Trivial jobs through one mem2mem scheduler shared by two nodes (Hantro's G1 and G2 pattern: the
 * second node holds its own reference on the scheduler), against a single-thread {@code
 * ExecutorService} that runs the same number of equally trivial tasks handed to it by the same
 * two producer threads.
 *
 * <p>Each context belongs to one node (even contexts to the first, odd to the second) and is
 * "always buffered": its readiness is a count of pending jobs, checked by {@code job_ready}. A
 * producer adds a job to a context and calls {@code v4l2_m2m_try_schedule}; {@code device_run}
 * takes the job and calls {@code v4l2_m2m_job_finish} at once, which re-queues the context if it
 * has more and defers the next run to {@code job_work} on the system workqueue, as the kernel
 * does. One invocation is {@value #JOBS} jobs (half from each producer); the score is the time per
 * job.
 *
 * <p>Targets: the scheduler at least as fast as the executor; the cost per job at 10,000 contexts
 * at most 1.2× the cost at one context.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class M2mDispatchBench {
  /** Jobs per invocation. */
  public static final int JOBS = 20_000;

  private static final int PRODUCERS = 2;
  private static final long TIMEOUT_SECONDS = 60;

  private static final Vb2Ops NOOPS =
      new Vb2Ops() {
        @Override
        public int queueSetup(Vb2Queue q, int numBuffers) {
          return numBuffers;
        }

        @Override
        public void bufQueue(Vb2Buffer vb) {}

        @Override
        public int startStreaming(Vb2Queue q, int count) {
          return 0;
        }

        @Override
        public void stopStreaming(Vb2Queue q) {}
      };

  /** One context: its pending jobs and the node it belongs to. */
  static final class Ctx {
    final AtomicInteger pending = new AtomicInteger();
    final int node;
    @Nullable V4l2M2mCtx m2m;

    Ctx(int node) {
      this.node = node;
    }

    V4l2M2mCtx m2m() {
      V4l2M2mCtx c = m2m;
      if (c == null) {
        throw new IllegalStateException("context not initialised");
      }
      return c;
    }
  }

  /** The scheduler, its contexts, the producers and the peer executor. */
  @State(Scope.Benchmark)
  public static class Sched {
    /** How many contexts share the scheduler. */
    @Param({"1", "100", "10000"})
    public int contexts;

    private Sanitizing sanitizing = Sanitizing.off();
    private @Nullable V4l2M2mDev dev;
    private final List<Ctx> ctxs = new ArrayList<>();
    private final AtomicLongArray perNode = new AtomicLongArray(2);
    private volatile CountDownLatch done = new CountDownLatch(0);
    private final ExecutorService producers = Executors.newFixedThreadPool(PRODUCERS, r -> {
      Thread t = new Thread(r, "producer");
      t.setDaemon(true);
      return t;
    });
    private final ExecutorService single = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "executor-peer");
      t.setDaemon(true);
      return t;
    });

    /** A scheduler with two node references and {@link #contexts} streaming contexts. */
    @Setup(Level.Trial)
    public void setUp() {
      sanitizing = Sanitizing.off();
      V4l2M2mDev d =
          V4l2M2mDev.init(
                  V4l2M2mOps.builder()
                      .deviceRun(this::deviceRun)
                      .jobReady(p -> ((Ctx) p).pending.get() > 0 ? 1 : 0)
                      .build())
              .dev();
      if (d == null) {
        throw new IllegalStateException("v4l2_m2m_init failed");
      }
      d.get(); // the second node's reference
      dev = d;
      for (int i = 0; i < contexts; i++) {
        Ctx c = new Ctx(i % 2);
        Mutex lock = new Mutex("bench.m2m.q" + i);
        V4l2M2mCtx m =
            V4l2M2mCtx.ctxInit(
                    d,
                    c,
                    (p, q) -> {
                      q.src = new Vb2Queue(Vb2Queue.TYPE_VIDEO_OUTPUT, Vb2Queue.IO_MMAP, NOOPS,
                          lock, 0);
                      q.dst = new Vb2Queue(Vb2Queue.TYPE_VIDEO_CAPTURE, Vb2Queue.IO_MMAP, NOOPS,
                          lock, 0);
                      return 0;
                    })
                .ctx();
        if (m == null) {
          throw new IllegalStateException("v4l2_m2m_ctx_init failed");
        }
        for (Vb2Queue q : List.of(m.outQ().queue(), m.capQ().queue())) {
          check(q.reqbufs(q.type(), Vb2Queue.MEMORY_MMAP, 1), "REQBUFS");
          check(q.streamon(q.type()), "STREAMON");
        }
        m.outQ().setBuffered(true);
        m.capQ().setBuffered(true);
        c.m2m = m;
        ctxs.add(c);
      }
    }

    private static void check(int ret, String what) {
      if (ret < 0) {
        throw new IllegalStateException(what + " failed: " + ret);
      }
    }

    private void deviceRun(Object priv) {
      Ctx c = (Ctx) priv;
      c.pending.decrementAndGet();
      perNode.incrementAndGet(c.node);
      dev().jobFinish(c.m2m());
      done.countDown();
    }

    private V4l2M2mDev dev() {
      V4l2M2mDev d = dev;
      if (d == null) {
        throw new IllegalStateException("no scheduler");
      }
      return d;
    }

    /** Every context released, both node references dropped, threads stopped. */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
      V4l2M2mDev d = dev();
      d.jobWork().flush();
      for (Ctx c : ctxs) {
        c.m2m().ctxRelease();
      }
      ctxs.clear();
      d.jobWork().flush();
      d.put();
      d.put();
      dev = null;
      producers.shutdownNow();
      single.shutdownNow();
      producers.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      single.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      sanitizing.restore();
    }

    /** Runs {@link #JOBS} jobs from both producers through the scheduler or the executor. */
    void run(boolean scheduler) throws Exception {
      CountDownLatch latch = new CountDownLatch(JOBS);
      done = latch;
      List<Future<?>> fs = new ArrayList<>();
      for (int p = 0; p < PRODUCERS; p++) {
        int producer = p;
        fs.add(producers.submit(() -> produce(producer, scheduler, latch)));
      }
      for (Future<?> f : fs) {
        try {
          f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          throw new IllegalStateException("producer failed", e);
        }
      }
      if (!latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            latch.getCount() + " jobs never ran; queue " + dev().jobQueue().size());
      }
    }

    private void produce(int producer, boolean scheduler, CountDownLatch latch) {
      int n = ctxs.size();
      for (int i = 0; i < JOBS / PRODUCERS; i++) {
        Ctx c = ctxs.get((producer + PRODUCERS * i) % n);
        c.pending.incrementAndGet();
        if (scheduler) {
          c.m2m().trySchedule();
        } else {
          single.execute(
              () -> {
                c.pending.decrementAndGet();
                perNode.incrementAndGet(c.node);
                latch.countDown();
              });
        }
      }
    }
  }

  /**
   * {@value #JOBS} trivial jobs through the shared mem2mem scheduler.
   *
   * @param s the scheduler
   * @throws Exception if a job never runs
   */
  @Benchmark
  @OperationsPerInvocation(JOBS)
  public void m2mScheduler(Sched s) throws Exception {
    s.run(true);
  }

  /**
   * The same jobs as tasks of a single-thread executor.
   *
   * @param s the producers and the executor
   * @throws Exception if a task never runs
   */
  @Benchmark
  @OperationsPerInvocation(JOBS)
  public void singleThreadExecutor(Sched s) throws Exception {
    s.run(false);
  }
}
