package dev.medialife.m2m;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.fault.FaultSweep;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Creation, the kref switch (v4l2_m2m_get/put with {@link PatchSwitch#M2M_KREF} on and off), and
 * fault injection over v4l2_m2m_init and v4l2_m2m_ctx_init.
 */
@Sanitized
@Timeout(60)
class M2mLifetimeTest {
  private static final V4l2M2mOps OPS = V4l2M2mOps.builder().deviceRun(p -> {}).build();

  @Test
  @ExpectReports(ReportKind.WARNING)
  void initRejectsMissingOpsAndDeviceRun() {
    V4l2M2mDev.Result r = V4l2M2mDev.init(null);
    assertEquals(-Errno.EINVAL, r.error());
    assertNull(r.dev());
    r = V4l2M2mDev.init(V4l2M2mOps.builder().jobReady(p -> 1).jobAbort(p -> {}).build());
    assertEquals(-Errno.EINVAL, r.error());
    assertEquals(2, SanitizerScope.current().reports(ReportKind.WARNING).size());
  }

  @Test
  void freshSchedulerIsIdleWithOneReference() {
    V4l2M2mDev d = V4l2M2mDev.init(OPS).dev();
    assertNotNull(d);
    assertEquals(1, d.refcount());
    assertTrue(d.krefPatch());
    assertNull(d.currCtx());
    assertTrue(d.jobQueue().isEmpty());
    assertEquals(0, d.queueFlags());
    assertSame(OPS, d.ops());
    assertTrue(d.toString().startsWith("v4l2_m2m_dev#"));
    assertTrue(d.id() > 0);
    assertNotNull(d.jobSpinlock());
    assertNull(d.mc());
    d.unregisterMediaController();
    assertTrue(d.put());
    assertFalse(d.mem().isLive());
  }

  /** Two users share one scheduler, as two hardware nodes do. */
  private static V4l2M2mDev shared() {
    V4l2M2mDev d = V4l2M2mDev.init(OPS).dev();
    assertNotNull(d);
    d.get();
    return d;
  }

  @Test
  void withKrefTheFirstPutLeavesTheSchedulerAliveForTheSecondUser() {
    M2mBed bed = new M2mBed();
    M2mBed.Node g2 = bed.node("G2", false);
    V4l2M2mDev d = bed.dev;
    d.get();
    assertEquals(2, d.refcount());
    assertFalse(d.put(), "G1 removed: the scheduler stays");
    assertEquals(1, d.refcount());
    assertTrue(d.mem().isLive());
    M2mBed.TCtx c = bed.new TCtx("G2ctx", g2).open().stream(1);
    assertEquals(0, c.qOut(0));
    assertEquals(0, c.qCap(0));
    assertEquals(List.of("G2ctx"), bed.runs, "G2 keeps scheduling");
    g2.completeNext();
    bed.flushWork();
    c.release();
    bed.stop();
    assertTrue(d.put(), "the last put frees it");
    assertFalse(d.mem().isLive());
  }

  @Test
  @ExpectReports(ReportKind.USE_AFTER_FREE)
  void withoutKrefTheFirstPutFreesItAndTheSecondUserTouchesFreedMemory() {
    PatchSwitch.M2M_KREF.set(false);
    V4l2M2mDev d = shared();
    assertFalse(d.krefPatch());
    assertEquals(1, d.refcount(), "get took nothing");
    assertTrue(d.put(), "G1 removed: freed at once");
    assertEquals(0, d.refcount());
    assertEquals(0, SanitizerScope.current().reports().size());
    d.tryRun();
    List<Report> reports = SanitizerScope.current().reports();
    assertEquals(1, reports.size(), "exactly one report: " + reports);
    Report.UseAfterFree uaf = (Report.UseAfterFree) reports.get(0);
    assertEquals("v4l2_m2m_try_run", uaf.access());
    assertEquals("v4l2_m2m_release", uaf.freedBy());
  }

  @Test
  @ExpectReports(ReportKind.USE_AFTER_FREE)
  void everyEntryPointChecksTheSchedulerMemory() {
    V4l2M2mDev d = V4l2M2mDev.init(OPS).dev();
    assertNotNull(d);
    M2mBed bed = new M2mBed();
    M2mBed.Node n = bed.node("N", false);
    M2mBed.TCtx c = bed.new TCtx("C", n).open();
    bed.stop();
    assertTrue(d.put());
    d.get();
    assertNull(d.getCurrPriv());
    d.jobFinish(c.m2m());
    d.bufDoneAndJobFinish(c.m2m(), dev.medialife.v4l2.vb2.Vb2Buffer.State.DONE);
    d.suspend();
    d.resume();
    d.tryQueue(c.m2m());
    d.cancelJob(c.m2m());
    assertEquals(-Errno.EINVAL, V4l2M2mCtx.ctxInit(d, c, (p, q) -> 0).error());
    assertEquals(9, SanitizerScope.current().reports(ReportKind.USE_AFTER_FREE).size());
    c.release();
    assertTrue(bed.dev.put());
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void ctxInitChecksTheSharedLockAndPropagatesQueueInitErrors() {
    M2mBed bed = new M2mBed();
    M2mBed.Node n = bed.node("N", false);
    M2mBed.TCtx t = bed.new TCtx("T", n);
    assertEquals(
        -Errno.ENODEV, V4l2M2mCtx.ctxInit(bed.dev, t, (p, q) -> -Errno.ENODEV).error());
    Vb2Queue other = new Vb2Queue(M2mBed.CAP, Vb2Queue.IO_MMAP, t, new Mutex("other"), 0);
    V4l2M2mCtx.Result r =
        V4l2M2mCtx.ctxInit(
            bed.dev,
            t,
            (p, q) -> {
              q.src = t.out;
              q.dst = other;
              return 0;
            });
    assertEquals(-Errno.EINVAL, r.error(), "queues with different locks");
    assertEquals(
        -Errno.EINVAL,
        V4l2M2mCtx.ctxInit(bed.dev, t, (p, q) -> 0).error(),
        "queue_init left the queues unset");
    assertEquals(2, SanitizerScope.current().reports(ReportKind.WARNING).size());
    t.open();
    assertSame(t.lock, t.m2m().qLock());
    assertSame(bed.dev, t.m2m().m2mDev());
    assertSame(t.out, t.m2m().getVq(M2mBed.OUT));
    assertSame(t.cap, t.m2m().getVq(M2mBed.CAP));
    assertEquals("N", t.m2m().owner());
    assertTrue(t.m2m().toString().contains("(N)"));
    assertTrue(t.m2m().id() > 0);
    assertFalse(t.m2m().ignoreCapStreaming());
    t.m2m().outQ().setBuffered(true);
    assertTrue(t.m2m().outQ().buffered());
    assertTrue(t.m2m().outQ().toString().contains("0 ready"));
    bed.stop();
    t.release();
    assertTrue(bed.dev.put());
  }

  @Test
  void faultSweepOverInitAndCtxInit() {
    List<Integer> seen = new ArrayList<>();
    FaultSweep.Result r =
        FaultSweep.run(
            "v4l2_m2m_init+ctx_init",
            () -> {
              V4l2M2mDev.Result dr = V4l2M2mDev.init(OPS);
              V4l2M2mDev d = dr.dev();
              if (d == null) {
                return dr.error();
              }
              Mutex lock = new Mutex("swept");
              V4l2M2mCtx.Result cr =
                  V4l2M2mCtx.ctxInit(
                      d,
                      "priv",
                      (p, q) -> {
                        q.src = new Vb2Queue(M2mBed.OUT, Vb2Queue.IO_MMAP, NOOPS, lock, 0);
                        q.dst = new Vb2Queue(M2mBed.CAP, Vb2Queue.IO_MMAP, NOOPS, lock, 0);
                        return 0;
                      });
              V4l2M2mCtx c = cr.ctx();
              if (c == null) {
                d.put();
                return cr.error();
              }
              c.ctxRelease();
              d.put();
              return 0;
            },
            seen::add);
    assertTrue(r.allFailedCleanly(), r.steps().toString());
    assertEquals(
        List.of(V4l2M2mDev.FAULT_INIT, "kmalloc", "kmalloc"), r.points(), "points hit in order");
    for (FaultSweep.Step s : r.steps()) {
      assertEquals(-Errno.ENOMEM, s.result(), s.toString());
    }
    assertEquals(List.of(0), seen);
  }

  private static final dev.medialife.v4l2.vb2.Vb2Ops NOOPS =
      new dev.medialife.v4l2.vb2.Vb2Ops() {
        @Override
        public int queueSetup(Vb2Queue q, int numBuffers) {
          return numBuffers;
        }

        @Override
        public void bufQueue(dev.medialife.v4l2.vb2.Vb2Buffer vb) {}

        @Override
        public int startStreaming(Vb2Queue q, int count) {
          return 0;
        }

        @Override
        public void stopStreaming(Vb2Queue q) {}
      };
}
