package dev.medialife.m2m;

import static dev.medialife.m2m.M2mBed.CAP;
import static dev.medialife.m2m.M2mBed.OUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.kernel.trace.TraceEvent;
import dev.medialife.kernel.trace.TraceRecorder;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Buffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scenarios 6–14, 16 and 17 of the reference (§9, mem2mem scheduler). */
@Sanitized
@Timeout(60)
class M2mSchedulerTest {
  private final M2mBed bed = new M2mBed();
  private final M2mBed.Node g1 = bed.node("G1", false);

  @AfterEach
  void tearDown() {
    bed.stop();
    assertTrue(bed.dev.put());
  }

  private M2mBed.TCtx ctx(String name, int bufs) {
    return bed.new TCtx(name, g1).open().stream(bufs);
  }

  private static void pair(M2mBed.TCtx c, int i) {
    assertEquals(0, c.qOut(i));
    assertEquals(0, c.qCap(i));
  }

  private static long count(List<V4l2M2mCtx> q, V4l2M2mCtx c) {
    return q.stream().filter(c::equals).count();
  }

  @Test
  void scenario6ReadinessGate() {
    M2mBed.TCtx a = ctx("A", 2);
    assertEquals(0, a.qOut(0));
    assertTrue(bed.runs.isEmpty(), "no capture buffer: no job");
    assertTrue(bed.dev.jobQueue().isEmpty());
    assertEquals(0, a.qCap(0));
    assertEquals(List.of("A"), bed.runs);
    assertSame(a.m2m(), bed.dev.currCtx());
    assertSame(a, bed.dev.getCurrPriv());
    assertEquals(V4l2M2mCtx.TRANS_QUEUED | V4l2M2mCtx.TRANS_RUNNING, a.m2m().jobFlags());
    g1.completeNext();
    bed.flushWork();
    assertNull(bed.dev.currCtx());
    assertNull(bed.dev.getCurrPriv());
    int[] err = new int[1];
    V4l2Buffer cap = a.dq(CAP, err);
    assertNotNull(cap);
    assertEquals(1000L, cap.timestamp, "timestamp copied from the source");
    assertNotNull(a.dq(OUT, err));
    assertEquals(1, bed.dev.jobsRun());
    assertEquals(1, bed.dev.jobsFinished());
    a.release();
  }

  @Test
  void scenario7OneEntryPerContextAndRequeueAtTheTail() {
    M2mBed.TCtx a = ctx("A", 5);
    for (int i = 0; i < 5; i++) {
      pair(a, i);
      a.locked(
          () -> {
            a.m2m().trySchedule();
            return 0;
          });
      assertEquals(1, count(bed.dev.jobQueue(), a.m2m()), "on the queue at most once");
    }
    for (int i = 0; i < 5; i++) {
      g1.completeNext();
      bed.flushWork();
      assertTrue(count(bed.dev.jobQueue(), a.m2m()) <= 1);
    }
    assertEquals(5, bed.runs.size());
    assertEquals(5, bed.dev.jobsQueued());
    assertTrue(bed.dev.jobQueue().isEmpty());
    a.release();
  }

  @Test
  void scenario8RoundRobin() {
    M2mBed.TCtx a = ctx("A", 4);
    M2mBed.TCtx b = ctx("B", 4);
    for (int i = 0; i < 4; i++) {
      pair(a, i);
      pair(b, i);
    }
    for (int i = 0; i < 8; i++) {
      g1.completeNext();
      bed.flushWork();
    }
    assertEquals(List.of("A", "B", "A", "B", "A", "B", "A", "B"), bed.runs);
    assertEquals(0, bed.overlaps.get(), "never two jobs in flight");
    a.release();
    b.release();
  }

  @Test
  void scenario9FinishFromTheWrongContextChangesNothing() {
    M2mBed.TCtx a = ctx("A", 1);
    M2mBed.TCtx b = ctx("B", 1);
    pair(a, 0);
    pair(b, 0);
    bed.dev.jobFinish(b.m2m());
    bed.flushWork();
    assertSame(a.m2m(), bed.dev.currCtx());
    assertEquals(List.of(a.m2m(), b.m2m()), bed.dev.jobQueue());
    assertEquals(List.of("A"), bed.runs);
    assertEquals(0, bed.dev.jobsFinished());
    g1.completeNext();
    bed.flushWork();
    g1.completeNext();
    a.release();
    b.release();
  }

  @Test
  void scenario10NextJobStartsFromJobWorkNeverInsideTheFinish() {
    TraceRecorder.global().clear();
    M2mBed.TCtx a = ctx("A", 1);
    M2mBed.TCtx b = ctx("B", 1);
    pair(a, 0);
    pair(b, 0);
    assertEquals(List.of("A"), bed.runs);
    g1.completeNext();
    bed.flushWork();
    assertEquals(List.of("A", "B"), bed.runs);
    assertEquals(0, bed.runsInsideFinish.get(), "device_run was called inside job_finish");
    assertEquals(1, bed.runsFromJobWork.get(), "B's device_run came from job_work");
    g1.completeNext();
    bed.flushWork();
    List<String> events =
        TraceRecorder.global().snapshot().stream()
            .filter(e -> V4l2M2mDev.TRACE_CATEGORY.equals(e.category()))
            .map(TraceEvent::name)
            .toList();
    assertEquals(
        List.of("queued", "started", "queued", "finished", "started", "finished"), events);
    a.release();
    b.release();
  }

  @Test
  void scenario11CancelWaitsForTheRunningJob() {
    M2mBed.TCtx a = ctx("A", 2);
    pair(a, 0);
    pair(a, 1);
    assertEquals(0, a.streamoff(OUT), "job_abort makes the hardware finish");
    assertEquals(1, bed.aborts.get());
    assertEquals(1, bed.dev.jobsFinished(), "streamoff returned only after the finish");
    assertEquals(0, a.m2m().jobFlags());
    assertEquals(0, a.m2m().outQ().numRdy());
    g1.awaitIrq();
    bed.flushWork();
    assertEquals(List.of("A"), bed.runs);
    a.release();
  }

  @Test
  void scenario12CancelAQueuedJobDoesNotWait() {
    M2mBed.TCtx a = ctx("A", 1);
    M2mBed.TCtx b = ctx("B", 1);
    pair(a, 0);
    pair(b, 0);
    assertEquals(0, b.streamoff(OUT));
    assertEquals(0, bed.aborts.get());
    assertEquals(List.of(a.m2m()), bed.dev.jobQueue());
    assertSame(a.m2m(), bed.dev.currCtx());
    assertEquals(1, bed.dev.jobsCancelled());
    g1.completeNext();
    bed.flushWork();
    assertEquals(List.of("A"), bed.runs);
    a.release();
    b.release();
  }

  @Test
  void scenario13StreamoffFailureLeavesAbort() {
    M2mBed.TCtx a = ctx("A", 2);
    assertEquals(-Errno.EINVAL, a.streamoff(dev.medialife.v4l2.vb2.Vb2Queue.TYPE_VIDEO_OUTPUT_MPLANE));
    assertEquals(V4l2M2mCtx.TRANS_ABORT, a.m2m().jobFlags());
    pair(a, 0);
    assertTrue(bed.runs.isEmpty(), "an aborted context is never queued");
    assertTrue(bed.dev.jobQueue().isEmpty());
    assertEquals(0, a.streamoff(OUT));
    assertEquals(0, a.m2m().jobFlags());
    assertEquals(0, a.locked(() -> a.m2m().streamon(OUT)));
    assertEquals(0, a.qOut(1));
    assertEquals(List.of("A"), bed.runs);
    g1.completeNext();
    bed.flushWork();
    a.release();
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void scenario14BufDoneWithoutBuffersDoesNotFinish() {
    M2mBed.TCtx a = ctx("A", 1);
    M2mBed.TCtx b = ctx("B", 1);
    pair(a, 0);
    pair(b, 0);
    Vb2Buffer src = a.m2m().outQ().bufRemove();
    assertNotNull(src);
    bed.dev.bufDoneAndJobFinish(a.m2m(), Vb2Buffer.State.DONE);
    bed.flushWork();
    assertSame(a.m2m(), bed.dev.currCtx(), "the job is not finished");
    assertEquals(List.of("A"), bed.runs, "the scheduler is stalled");
    src.bufferDone(Vb2Buffer.State.DONE);
    Vb2Buffer dst = a.m2m().capQ().bufRemove();
    assertNotNull(dst);
    dst.bufferDone(Vb2Buffer.State.DONE);
    g1.current = null;
    bed.busy.decrementAndGet();
    bed.dev.jobFinish(a.m2m());
    bed.flushWork();
    assertEquals(List.of("A", "B"), bed.runs);
    g1.completeNext();
    bed.flushWork();
    a.release();
    b.release();
  }

  @Test
  void scenario16SuspendWaitsAndPausesUntilResume() {
    M2mBed.TCtx a = ctx("A", 1);
    M2mBed.TCtx b = ctx("B", 1);
    pair(a, 0);
    pair(b, 0);
    CountDownLatch suspended = new CountDownLatch(1);
    Thread t =
        Sync.start(
            "suspend",
            () -> {
              bed.dev.suspend();
              suspended.countDown();
            });
    Sync.until(() -> bed.dev.queueFlags() == V4l2M2mDev.QUEUE_PAUSED, "paused");
    assertEquals(1, suspended.getCount(), "suspend returned while A runs");
    g1.completeNext();
    Sync.await(suspended, "suspend");
    Sync.join(t);
    bed.flushWork();
    assertEquals(List.of("A"), bed.runs, "B does not start while paused");
    assertEquals(List.of(b.m2m()), bed.dev.jobQueue());
    bed.dev.resume();
    assertEquals(List.of("A", "B"), bed.runs);
    g1.completeNext();
    bed.dev.suspend();
    bed.dev.resume();
    a.release();
    b.release();
  }

  @Test
  void scenario17ReleaseWhileRunningWaitsAndOthersContinue() {
    bed.abortCompletes = false;
    M2mBed.TCtx a = ctx("A", 1);
    M2mBed.TCtx b = ctx("B", 1);
    pair(a, 0);
    pair(b, 0);
    CountDownLatch closed = new CountDownLatch(1);
    Thread t =
        Sync.start(
            "close",
            () -> {
              a.release();
              closed.countDown();
            });
    Sync.until(() -> bed.aborts.get() == 1, "job_abort called");
    assertEquals(1, closed.getCount(), "close returned while the job runs");
    g1.completeNext();
    Sync.await(closed, "close");
    Sync.join(t);
    assertFalse(a.m2m().mem().isLive(), "the context is freed");
    assertEquals(0, a.out.numBuffers());
    assertEquals(0, a.cap.numBuffers());
    bed.flushWork();
    assertEquals(List.of("A", "B"), bed.runs);
    g1.completeNext();
    b.release();
  }
}
