package dev.medialife.drivers.hantro;

import static dev.medialife.drivers.hantro.HantroBed.G1;
import static dev.medialife.drivers.hantro.HantroBed.G2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.hw.imx8m.Imx8mSoc;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.m2m.V4l2M2mDev;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The two patch switches of the series, before and after. */
@Sanitized
@Timeout(60)
class HantroSwitchTest {

  @AfterEach
  void resetSwitches() {
    PatchSwitch.resetAll();
  }

  /** Shared scheduler off: each core schedules alone, the decodes overlap and the bus faults. */
  @Test
  void withoutTheSharedSchedulerTheCoresDecodeAtOnceAndTheBusFaults() {
    PatchSwitch.HANTRO_SHARED_SCHEDULER.set(false);
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      V4l2M2mDev a = bed.m2m(G1);
      V4l2M2mDev b = bed.m2m(G2);
      assertNotSame(a, b);
      int n = 6;
      HantroBed.Session g1 = bed.session(G1, HantroCodec.H264, n);
      HantroBed.Session g2 = bed.session(G2, HantroCodec.HEVC, n);
      for (int i = 0; i < n; i++) {
        g1.queue(i);
        g2.queue(i);
      }
      for (int i = 1; i <= n; i++) {
        int want = i;
        bed.awaitDecoding(G1);
        bed.awaitDecoding(G2);
        bed.clock.advance(HantroBed.DECODE);
        Sync.until(() -> a.jobsFinished() == want && b.jobsFinished() == want, "round " + want);
      }
      HantroMetrics m = bed.driver.metrics();
      assertTrue(m.overlaps() > 0, m.toString());
      assertTrue(m.busErrors() > 0, m.toString());
      assertTrue(m.corruptedFrames() > 0, m.toString());
      // Every round both cores decode at once: each start while the other decodes is an overlap.
      assertTrue(bed.board.bus().overlaps() >= n);
      assertEquals(n, bed.core(G2).corruptedFrames(), "every G2 frame overlapped a G1 frame");
      assertEquals(bed.core(G2).corruptedFrames(), m.corruptedFrames(), "the driver saw each");
      assertEquals(bed.core(G2).busErrors(), m.busErrors());
      for (int i = 0; i < n; i++) {
        int flags = g2.dqCap();
        assertTrue(flags >= 0 && (flags & V4l2Buffer.FLAG_ERROR) != 0, "a corrupted G2 frame");
        flags = g1.dqCap();
        assertTrue(flags >= 0 && (flags & V4l2Buffer.FLAG_ERROR) == 0, "G1 decodes fine");
        assertTrue(g1.dqOut() >= 0);
        assertTrue(g2.dqOut() >= 0);
      }
      HantroMetrics.Snapshot s = m.snapshot();
      assertEquals(n, s.jobs().get("imx8mq-vpu-g2"));
      assertEquals(m.busErrors(), s.busErrors());
      // The G2 warnings are rate-limited: 2 per corrupted frame, a burst of 10 per 5 s.
      bed.clock.advance(java.time.Duration.ofSeconds(5));
      g1.queue(0);
      g2.queue(0);
      bed.awaitDecoding(G1);
      bed.awaitDecoding(G2);
      bed.clock.advance(HantroBed.DECODE);
      Sync.until(() -> a.jobsFinished() == n + 1 && b.jobsFinished() == n + 1, "one more round");
      assertEquals(n + 1, bed.core(G2).corruptedFrames());
      g1.close();
      g2.close();
    }
  }

  /** The same load with the switch on: no overlap, no fault. */
  @Test
  void withTheSharedSchedulerTheSameLoadIsClean() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      HantroBed.Session g1 = bed.session(G1, HantroCodec.H264, 3);
      HantroBed.Session g2 = bed.session(G2, HantroCodec.HEVC, 3);
      for (int i = 0; i < 3; i++) {
        g1.queue(i);
        g2.queue(i);
      }
      for (int i = 0; i < 6; i++) {
        bed.completeOne();
      }
      HantroMetrics m = bed.driver.metrics();
      assertEquals(0, m.overlaps());
      assertEquals(0, m.busErrors());
      assertEquals(0, m.corruptedFrames());
      assertEquals(0, bed.board.bus().overlaps());
      g1.close();
      g2.close();
    }
  }

  /**
   * M2M kref off: removing G1 while G2 decodes frees the scheduler G2 still uses; G2's interrupt
   * is the use-after-free. (G2's own remove, when the bed closes, then frees it a second time: the
   * double free is the same bug seen at the last put.)
   */
  @Test
  @ExpectReports({ReportKind.USE_AFTER_FREE, ReportKind.DOUBLE_FREE})
  void withoutTheKrefRemovingG1WhileG2DecodesIsAUseAfterFree() {
    PatchSwitch.M2M_KREF.set(false);
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      V4l2M2mDev m2m = bed.m2m(G2);
      HantroBed.Session g2 = bed.session(G2, HantroCodec.HEVC, 1);
      g2.queue(0);
      bed.awaitDecoding(G2);
      assertEquals(0, bed.unbind(G1));
      assertFalse(m2m.mem().isLive(), "G1's put freed the shared scheduler");
      bed.clock.advance(HantroBed.DECODE);
      Sync.until(() -> !SanitizerScope.current().reports(ReportKind.USE_AFTER_FREE).isEmpty(),
          "G2's interrupt touches the freed scheduler");
      Sync.until(() -> bed.board.irqChip().delivered(Imx8mSoc.G2_SPI) == 1, "the handler ran");
      assertTrue(SanitizerScope.current().reports().stream()
          .allMatch(r -> r.kind() == ReportKind.USE_AFTER_FREE), "only use-after-free so far");
      g2.close();
    }
  }

  /** The same with the kref: G2 finishes its job and nothing is reported. */
  @Test
  void withTheKrefRemovingG1WhileG2DecodesIsSafe() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      V4l2M2mDev m2m = bed.m2m(G2);
      HantroBed.Session g2 = bed.session(G2, HantroCodec.HEVC, 1);
      g2.queue(0);
      bed.awaitDecoding(G2);
      assertEquals(0, bed.unbind(G1));
      assertTrue(m2m.mem().isLive());
      bed.completeOne();
      int flags = g2.dqCap();
      assertTrue(flags >= 0 && (flags & V4l2Buffer.FLAG_ERROR) == 0);
      g2.close();
      assertTrue(SanitizerScope.current().reports().isEmpty());
    }
  }
}
