package dev.medialife.drivers.hantro;

import static dev.medialife.drivers.hantro.HantroBed.G1;
import static dev.medialife.drivers.hantro.HantroBed.G2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.irq.IrqChip;
import dev.medialife.hw.imx8m.Imx8mSoc;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.kernel.workqueue.Workqueue;
import dev.medialife.m2m.V4l2M2mCtx;
import dev.medialife.m2m.V4l2M2mDev;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Jobs on the shared scheduler of an i.MX8MQ: mutual exclusion in readiness order (scenario 22),
 * unbinding G2 under a G1 job (23), the watchdog (25), the spurious IRQ and the IRQ/watchdog race
 * (26), and decoding through the syscall façade on both cores at once.
 */
@Sanitized
@Timeout(60)
class HantroSchedulingTest {

  private static boolean done(int flags) {
    return flags >= 0 && (flags & V4l2Buffer.FLAG_ERROR) == 0;
  }

  private static boolean error(int flags) {
    return flags >= 0 && (flags & V4l2Buffer.FLAG_ERROR) != 0;
  }

  /** Scenario 22. */
  @Test
  void h264OnG1AndHevcOnG2NeverOverlapAndRunInReadinessOrder() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      int n = 6;
      HantroBed.Session g1 = bed.session(G1, HantroCodec.H264, n);
      HantroBed.Session g2 = bed.session(G2, HantroCodec.HEVC, n);
      for (int i = 0; i < n; i++) {
        g1.queue(i); // G1 becomes ready first and runs at once
      }
      for (int i = 0; i < n; i++) {
        g2.queue(i);
      }
      for (int j = 0; j < 2 * n; j++) {
        bed.completeOne();
      }
      List<String> order = new ArrayList<>();
      for (HantroMetrics.Interval i : bed.driver.metrics().busyIntervals()) {
        order.add(i.core());
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        expected.add("imx8mq-vpu-g1");
        expected.add("imx8mq-vpu-g2");
      }
      assertEquals(expected, order, "readiness FIFO: G1 first, then alternation");
      List<HantroMetrics.Interval> all = bed.driver.metrics().busyIntervals();
      for (int i = 1; i < all.size(); i++) {
        assertTrue(all.get(i).startNanos() >= all.get(i - 1).endNanos(), "no two jobs at once");
      }
      assertEquals(0, bed.driver.metrics().overlaps());
      assertEquals(0, bed.board.bus().overlaps());
      assertEquals(0, bed.driver.metrics().busErrors());
      assertEquals(0, bed.core(G2).busErrors());
      assertEquals(n, bed.driver.metrics().jobs("imx8mq-vpu-g1"));
      assertEquals(n, bed.driver.metrics().jobs("imx8mq-vpu-g2"));
      for (int i = 0; i < n; i++) {
        assertTrue(done(g1.dqCap()));
        assertTrue(done(g1.dqOut()));
        assertTrue(done(g2.dqCap()));
        assertTrue(done(g2.dqOut()));
      }
      g1.close();
      g2.close();
    }
  }

  /** Scenario 23. */
  @Test
  void unbindingG2WhileAG1JobRunsLeavesTheSchedulerAndG1Alone() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      V4l2M2mDev m2m = bed.m2m(G1);
      HantroBed.Session g1 = bed.session(G1, HantroCodec.VP8, 2);
      g1.queue(0);
      g1.queue(1);
      bed.awaitDecoding(G1);
      assertEquals(0, bed.unbind(G2));
      assertEquals(1, m2m.refcount(), "G1's reference keeps the scheduler");
      assertTrue(m2m.mem().isLive());
      bed.completeOne();
      assertTrue(done(g1.dqCap()), "the running G1 job completed normally");
      bed.awaitDecoding(G1);
      assertEquals(2, bed.driver.metrics().jobs("imx8mq-vpu-g1"), "the next job started");
      bed.completeOne();
      assertTrue(done(g1.dqCap()));
      assertEquals(0, bed.board.bus().overlaps());
      assertEquals(0, bed.driver.metrics().overlaps());
      g1.close();
    }
  }

  /** Scenario 25. */
  @Test
  void theWatchdogEndsAHungG1JobInErrorAndTheQueuedG2JobThenRuns() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      bed.core(G1).setHang(true);
      HantroBed.Session g1 = bed.session(G1, HantroCodec.H264, 1);
      HantroBed.Session g2 = bed.session(G2, HantroCodec.VP9, 1);
      long t0 = bed.clock.nanoTime();
      g1.queue(0);
      g2.queue(0);
      bed.awaitDecoding(G1);
      assertTrue(bed.vpu(G1).watchdogPending());
      bed.clock.advance(Duration.ofMillis(1999));
      assertFalse(bed.core(G2).isDecoding(), "G2 waits for the hung G1 job");
      bed.clock.advance(Duration.ofMillis(1));
      bed.awaitDecoding(G2);
      assertEquals(1, bed.driver.metrics().watchdogTimeouts());
      assertFalse(bed.core(G1).isDecoding(), "the codec was reset");
      assertTrue(error(g1.dqCap()), "destination returned in ERROR");
      assertTrue(error(g1.dqOut()), "source returned in ERROR");
      bed.completeOne();
      HantroMetrics.Interval g2Job = bed.driver.metrics().busyIntervals("imx8mq-vpu-g2").get(0);
      assertTrue(g2Job.startNanos() - t0 >= HantroDev.WATCHDOG_NANOS, "G2 waited for the timeout");
      assertTrue(done(g2.dqCap()));
      g1.close();
      g2.close();
    }
  }

  /** Scenario 26, first half. */
  @Test
  void aSpuriousG1InterruptDuringAG2JobChangesNothing() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      V4l2M2mDev m2m = bed.m2m(G2);
      HantroBed.Session g2 = bed.session(G2, HantroCodec.HEVC, 1);
      g2.queue(0);
      bed.awaitDecoding(G2);
      V4l2M2mCtx running = m2m.currCtx();
      assertNotNull(running);
      IrqChip gic = bed.board.irqChip();
      long before = gic.delivered(Imx8mSoc.G1_SPI) + gic.spurious(Imx8mSoc.G1_SPI);
      bed.core(G1).injectSpuriousIrq();
      Sync.until(() -> gic.delivered(Imx8mSoc.G1_SPI) + gic.spurious(Imx8mSoc.G1_SPI) > before,
          "the G1 interrupt handled");
      assertSame(running, m2m.currCtx(), "the G2 job stays current");
      assertEquals(0, m2m.jobsFinished());
      assertFalse(bed.vpu(G1).watchdogPending());
      assertTrue(bed.vpu(G2).watchdogPending());
      bed.completeOne();
      assertTrue(done(g2.dqCap()));
      assertEquals(1, m2m.jobsFinished());
      g2.close();
    }
  }

  /** Scenario 26, second half. */
  @Test
  void whenTheInterruptAndTheWatchdogBothFireTheJobFinishesOnce() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      V4l2M2mDev m2m = bed.m2m(G1);
      bed.core(G1).setDecodeTime(Duration.ofNanos(HantroDev.WATCHDOG_NANOS));
      HantroBed.Session g1 = bed.session(G1, HantroCodec.MPEG2, 2);
      g1.queue(0);
      bed.awaitDecoding(G1);
      bed.core(G1).setDecodeTime(HantroBed.DECODE);
      bed.clock.advance(Duration.ofNanos(HantroDev.WATCHDOG_NANOS)); // both deadlines at once
      Sync.until(() -> m2m.jobsFinished() == 1, "the job finished");
      Sync.until(() -> !bed.core(G1).isDecoding(), "the core idle");
      bed.settle(m2m);
      Workqueue.system().flush();
      assertEquals(1, m2m.jobsFinished(), "finished exactly once");
      assertEquals(1, bed.finished());
      int flags = g1.dqCap();
      assertTrue(flags >= 0, "one destination came back: " + flags);
      assertEquals(-Errno.EAGAIN, g1.dqCap(), "and only one");
      g1.queue(1);
      bed.completeOne();
      assertTrue(done(g1.dqCap()), "the next job runs normally");
      g1.close();
    }
  }

  /** Decoding end to end through the syscall façade on both cores at once. */
  @Test
  void bothCoresDecodeThroughTheSyscalls() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      HantroBed.Session g1 = bed.session(G1, HantroCodec.H264, 3);
      HantroBed.Session g2 = bed.session(G2, HantroCodec.HEVC, 3);
      Thread a = Sync.start("g1-app", () -> {
        for (int i = 0; i < 3; i++) {
          g1.queue(i);
        }
      });
      Thread b = Sync.start("g2-app", () -> {
        for (int i = 0; i < 3; i++) {
          g2.queue(i);
        }
      });
      Sync.join(a);
      Sync.join(b);
      for (int i = 0; i < 6; i++) {
        bed.completeOne();
      }
      for (int i = 0; i < 3; i++) {
        assertTrue(done(g1.dqCap()));
        assertTrue(done(g1.dqOut()));
        assertTrue(done(g2.dqCap()));
        assertTrue(done(g2.dqOut()));
      }
      assertEquals(-Errno.EAGAIN, g1.dqCap());
      V4l2Buffer qb = new V4l2Buffer(1, dev.medialife.v4l2.vb2.Vb2Queue.TYPE_VIDEO_CAPTURE,
          dev.medialife.v4l2.vb2.Vb2Queue.MEMORY_MMAP);
      assertEquals(0, g1.task.ioctl(g1.fd, dev.medialife.v4l2.uapi.Videodev2.VIDIOC_QUERYBUF, qb));
      assertEquals(1, qb.index);
      assertEquals(3, bed.core(G1).jobsDecoded());
      assertEquals(3, bed.core(G2).jobsDecoded());
      assertEquals(0, bed.board.bus().overlaps());
      assertEquals(0,
          g1.task.ioctl(g1.fd, dev.medialife.v4l2.uapi.Videodev2.VIDIOC_STREAMOFF,
              HantroBed.type(dev.medialife.v4l2.vb2.Vb2Queue.TYPE_VIDEO_OUTPUT)));
      g1.close();
      g2.close();
    }
  }
}
