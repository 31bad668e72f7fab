package dev.medialife.m2m;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.debug.SanitizerConfig;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.locking.Lockdep;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.v4l2.vb2.Vb2Buffer;
import dev.medialife.v4l2.vb2.Vb2Ops;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jetbrains.lincheck.datastructures.verifier.EpsilonVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Lincheck model check of the scheduler core: try_schedule, the job-work step, job_finish and a
 * streamoff-style cancel of two always-ready contexts, from several threads in every interleaving
 * the bounded search explores (small bounds: the lockdep-instrumented core is slow to model-check). job_abort finishes the job at once, so a cancel of a running job
 * never blocks. Checked as invariants (results are not linearizable by nature): device_run is
 * never called while another job is unfinished, and after every part no context is on the queue
 * twice, at most one runs and it is curr_ctx at the head.
 */
class SchedulerLincheckTest {

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

  /** Two contexts that are always ready (buffered queues) on one scheduler. */
  public static final class SchedulerModel {
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean overlap;
    private final V4l2M2mDev dev;
    private final V4l2M2mCtx[] ctx = new V4l2M2mCtx[2];

    public SchedulerModel() {
      V4l2M2mDev d =
          V4l2M2mDev.init(
                  V4l2M2mOps.builder()
                      .deviceRun(
                          p -> {
                            if (inFlight.incrementAndGet() > 1) {
                              overlap = true;
                            }
                          })
                      .jobAbort(p -> finish((V4l2M2mCtx) ((Object[]) p)[0]))
                      .build())
              .dev();
      assertNotNull(d);
      dev = d;
      dev.setJobWorkKick(() -> {});
      for (int i = 0; i < ctx.length; i++) {
        Mutex lock = new Mutex("lincheck.q" + i);
        Object[] priv = new Object[1];
        V4l2M2mCtx c =
            V4l2M2mCtx.ctxInit(
                    dev,
                    priv,
                    (p, q) -> {
                      q.src = new Vb2Queue(M2mBed.OUT, Vb2Queue.IO_MMAP, NOOPS, lock, 0);
                      q.dst = new Vb2Queue(M2mBed.CAP, Vb2Queue.IO_MMAP, NOOPS, lock, 0);
                      return 0;
                    })
                .ctx();
        assertNotNull(c);
        priv[0] = c;
        for (Vb2Queue q : List.of(c.outQ().queue(), c.capQ().queue())) {
          q.reqbufs(q.type(), Vb2Queue.MEMORY_MMAP, 1);
          q.streamon(q.type());
        }
        c.outQ().setBuffered(true);
        c.capQ().setBuffered(true);
        ctx[i] = c;
      }
    }

    private void finish(V4l2M2mCtx c) {
      if (c.equals(dev.currCtx())) {
        inFlight.decrementAndGet();
      }
      dev.jobFinish(c);
    }

    @Operation
    public void schedule(int i) {
      ctx[Math.floorMod(i, 2)].trySchedule();
    }

    @Operation
    public void work() {
      dev.tryRun();
    }

    @Operation
    public void irq() {
      V4l2M2mCtx c = dev.currCtx();
      if (c != null) {
        finish(c);
      }
    }

    @Operation
    public void streamoff(int i) {
      V4l2M2mCtx c = ctx[Math.floorMod(i, 2)];
      dev.cancelJob(c);
      dev.streamoffReset(c, c.outQ());
    }

    @Validate
    public void invariants() {
      if (overlap) {
        throw new IllegalStateException("device_run while another job was in flight");
      }
      List<V4l2M2mCtx> q = dev.jobQueue();
      Set<V4l2M2mCtx> seen = new HashSet<>(q);
      if (seen.size() != q.size()) {
        throw new IllegalStateException("a context is queued twice: " + q);
      }
      int running = 0;
      for (V4l2M2mCtx c : ctx) {
        if ((c.jobFlags() & V4l2M2mCtx.TRANS_RUNNING) != 0) {
          running++;
        }
      }
      V4l2M2mCtx cur = dev.currCtx();
      if (running > 1 || (cur != null && !cur.equals(q.get(0)))) {
        throw new IllegalStateException("running " + running + ", curr " + cur + ", queue " + q);
      }
    }
  }

  @Test
  @Timeout(300)
  void schedulerInvariantsHoldInEveryExploredInterleaving() {
    // Lockdep on, stack capture off: stacks carry thread names and frames that differ between
    // Lincheck's replays of one interleaving, which it would report as non-determinism.
    Lockdep.reset();
    SanitizerConfig saved = Sanitizers.configure(new SanitizerConfig(true, true, true, false));
    try (SanitizerScope scope = SanitizerScope.open("m2m scheduler lincheck")) {
      new ModelCheckingOptions()
          .iterations(3)
          .invocationsPerIteration(60)
          .threads(2)
          .actorsPerThread(2)
          .actorsBefore(0)
          .actorsAfter(0)
          .verifier(EpsilonVerifier.class)
          .check(SchedulerModel.class);
      assertTrue(scope.reports().isEmpty(), "reports: " + scope.reports());
    } finally {
      Sanitizers.configure(saved);
    }
  }
}
