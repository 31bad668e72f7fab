package dev.medialife.hw.imx8m;

import static dev.medialife.hw.imx8m.VpuCore.Kind.G1;
import static dev.medialife.hw.imx8m.VpuCore.Kind.G2;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_ABORT;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_ABORT_E;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_BUS;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_E;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_ERROR;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_IRQ;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_IRQ_DIS;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_RDY;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_TIMEOUT;
import static dev.medialife.hw.imx8m.VpuRegs.REG_INTERRUPT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.io.IoMem;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.kernel.trace.TraceEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The decoder cores of an i.MX8MQ, driven only through mapped registers and an IRQ handler, with
 * decode time on a manual clock: completion, status bits, acknowledging, the shared-bus fault,
 * the hang knob, spurious interrupts, aborts and accesses after unmap.
 */
@Sanitized
@Timeout(30)
class VpuCoreTest {
  private final VpuBed bed = new VpuBed(Imx8mSoc.IMX8MQ);

  @AfterEach
  void tearDown() {
    bed.close();
  }

  @Test
  void aDecodeCompletesAfterItsTimeOnTheKernelClockAndRaisesTheIrq() {
    IoMem g1 = bed.regs(G1);
    bed.start(G1, VpuRegs.G1_MODE_VP8, 0x1000, 0x2000);
    assertTrue(bed.core(G1).isDecoding());
    assertEquals(INT_DEC_E, g1.readl(REG_INTERRUPT), "decoder enabled, no cause yet");
    assertTrue(bed.board.bus().isBusy(G1));

    bed.clock.advance(VpuBed.DECODE.minusNanos(1));
    assertTrue(bed.core(G1).isDecoding(), "not done one nanosecond early");
    assertNull(bed.polledIrq(G1));

    bed.clock.advance(Duration.ofNanos(1));
    int status = bed.awaitIrq(G1);
    assertEquals(INT_DEC_IRQ | INT_DEC_RDY, status, "ready, decoder no longer enabled");
    assertEquals(0, g1.readl(REG_INTERRUPT), "the handler acknowledged by writing 0");
    assertFalse(bed.core(G1).isDecoding());
    assertFalse(bed.board.bus().isBusy(G1));
    // The chip counts the delivery once the handler has returned, on the core's thread.
    Sync.until(() -> bed.board.irqChip().delivered(Imx8mSoc.G1_SPI) == 1, "delivery counted");

    List<VpuCore.Frame> frames = bed.core(G1).frames();
    assertEquals(
        List.of(new VpuCore.Frame(1, VpuRegs.G1_MODE_VP8, 0x1000, 0x2000, 0,
            VpuBed.DECODE.toNanos(), VpuCore.Outcome.DONE)),
        frames);
    assertFalse(frames.get(0).corrupted());
    assertEquals(1, bed.core(G1).jobsDecoded());
    assertEquals(0, bed.core(G1).busErrors());
    assertEquals(0, bed.board.bus().overlaps());
  }

  @Test
  void decodeAndIrqAreTraced() {
    bed.start(G2, VpuRegs.G2_MODE_VP9, 1, 2);
    bed.clock.advance(VpuBed.DECODE);
    bed.awaitIrq(G2);
    List<TraceEvent> ev = bed.trace.snapshot();
    String track = bed.core(G2).name();
    assertEquals("imx8mq-vpu-g2", track);
    assertEquals(3, ev.size(), ev.toString());
    assertEquals(TraceEvent.Phase.BEGIN, ev.get(0).phase());
    assertEquals("decode", ev.get(0).name());
    assertEquals(track, ev.get(0).track());
    assertEquals(0L, ev.get(0).timestampNanos());
    assertEquals(TraceEvent.Phase.END, ev.get(1).phase());
    assertEquals("DONE", ev.get(1).args().get("outcome"));
    assertEquals(VpuBed.DECODE.toNanos(), ev.get(1).timestampNanos());
    assertEquals(TraceEvent.Phase.INSTANT, ev.get(2).phase());
    assertEquals("irq", ev.get(2).name());
    assertEquals(Imx8mSoc.G2_SPI, ev.get(2).args().get("irq"));
  }

  @ParameterizedTest
  @EnumSource(VpuCore.Kind.class)
  void concurrentG1AndG2FaultTheBusAndCorruptTheG2Frame(VpuCore.Kind first) {
    VpuCore.Kind second = first.other();
    bed.start(first, VpuBed.defaultMode(first), 0x10, 0x20);
    bed.start(second, VpuBed.defaultMode(second), 0x30, 0x40);
    assertEquals(1, bed.board.bus().overlaps());

    bed.clock.advance(VpuBed.DECODE);
    int g1 = bed.awaitIrq(G1);
    int g2 = bed.awaitIrq(G2);
    assertEquals(INT_DEC_IRQ | INT_DEC_RDY, g1, "G1 is not hurt");
    assertEquals(INT_DEC_IRQ | INT_DEC_BUS | INT_DEC_TIMEOUT, g2,
        "G2: bus error detected, frame decode timed out, not ready");
    assertEquals(1, bed.core(G2).busErrors());
    assertEquals(1, bed.core(G2).corruptedFrames());
    assertTrue(bed.core(G2).frames().get(0).corrupted());
    assertEquals(VpuCore.Outcome.BUS_ERROR, bed.core(G2).frames().get(0).outcome());
    assertEquals(0, bed.core(G2).jobsDecoded());
    assertEquals(1, bed.core(G1).jobsDecoded());
    assertEquals(0, bed.core(G1).busErrors());
    assertEquals(1, bed.board.bus().overlaps());

    // The fault belonged to that frame only: the next G2 decode alone is good.
    bed.start(G2, VpuRegs.G2_MODE_HEVC, 0x50, 0x60);
    bed.clock.advance(VpuBed.DECODE);
    assertEquals(INT_DEC_IRQ | INT_DEC_RDY, bed.awaitIrq(G2));
    assertEquals(1, bed.board.bus().overlaps());
  }

  @Test
  void sequentialDecodesNeverOverlap() {
    for (int i = 0; i < 3; i++) {
      for (VpuCore.Kind k : VpuCore.Kind.values()) {
        bed.start(k, VpuBed.defaultMode(k), i, i + 100);
        bed.clock.advance(VpuBed.DECODE);
        assertEquals(INT_DEC_IRQ | INT_DEC_RDY, bed.awaitIrq(k));
      }
    }
    assertEquals(0, bed.board.bus().overlaps());
    assertEquals(3, bed.core(G1).jobsDecoded());
    assertEquals(3, bed.core(G2).jobsDecoded());
    // Busy intervals on the kernel clock alternate and never intersect.
    List<VpuCore.Frame> g1 = bed.core(G1).frames();
    List<VpuCore.Frame> g2 = bed.core(G2).frames();
    for (int i = 0; i < 3; i++) {
      assertTrue(g1.get(i).endNanos() <= g2.get(i).startNanos());
      assertEquals(VpuBed.DECODE.toNanos(), g2.get(i).endNanos() - g2.get(i).startNanos());
      if (i > 0) {
        assertTrue(g2.get(i - 1).endNanos() <= g1.get(i).startNanos());
      }
      assertEquals(i + 1, g1.get(i).seq());
    }
  }

  @Test
  void theHangKnobKeepsTheCoreDecodingWithoutAnInterruptUntilAnAbort() {
    VpuCore g1 = bed.core(G1);
    g1.setHang(true);
    bed.start(G1, VpuRegs.G1_MODE_MPEG2, 1, 2);
    bed.clock.advance(Duration.ofSeconds(5)); // well past any watchdog
    assertTrue(g1.isDecoding());
    assertNull(bed.polledIrq(G1));
    assertEquals(0, bed.board.irqChip().delivered(Imx8mSoc.G1_SPI));
    IoMem regs = bed.regs(G1);
    assertEquals(INT_DEC_E, regs.readl(REG_INTERRUPT));
    regs.writel(REG_INTERRUPT, 0); // writing 0 does not stop a decode
    assertEquals(INT_DEC_E, regs.readl(REG_INTERRUPT));
    assertTrue(g1.isDecoding());

    regs.writel(REG_INTERRUPT, regs.readl(REG_INTERRUPT) | INT_DEC_ABORT_E);
    assertEquals(INT_DEC_IRQ | INT_DEC_ABORT, bed.awaitIrq(G1));
    assertFalse(g1.isDecoding());
    assertEquals(VpuCore.Outcome.ABORTED, g1.frames().get(0).outcome());
    assertEquals(0, g1.jobsDecoded());

    g1.setHang(false);
    bed.start(G1, VpuRegs.G1_MODE_MPEG2, 1, 2);
    bed.clock.advance(VpuBed.DECODE);
    assertEquals(INT_DEC_IRQ | INT_DEC_RDY, bed.awaitIrq(G1));
  }

  @Test
  void anAbortWithIrqDisabledStopsSilently() {
    bed.core(G2).setHang(true);
    bed.start(G2, VpuRegs.G2_MODE_HEVC, 1, 2);
    IoMem regs = bed.regs(G2);
    // As hantro_g2_check_idle: status | abort | irq-disable.
    regs.writel(REG_INTERRUPT, regs.readl(REG_INTERRUPT) | INT_DEC_ABORT_E | INT_DEC_IRQ_DIS);
    assertFalse(bed.core(G2).isDecoding());
    assertEquals(INT_DEC_IRQ | INT_DEC_ABORT | INT_DEC_IRQ_DIS, regs.readl(REG_INTERRUPT));
    assertNull(bed.polledIrq(G2));
    assertFalse(bed.board.bus().isBusy(G2));
    regs.writel(REG_INTERRUPT, INT_DEC_ABORT_E); // nothing to abort
    assertEquals(0, regs.readl(REG_INTERRUPT));
  }

  @Test
  void aSpuriousInterruptCarriesNoCauseAndIsUnclaimed() {
    bed.core(G1).injectSpuriousIrq();
    assertEquals(1, bed.unclaimed.get());
    assertEquals(1, bed.board.irqChip().spurious(Imx8mSoc.G1_SPI));
    assertEquals(0, bed.board.irqChip().delivered(Imx8mSoc.G1_SPI));
    assertEquals(1, bed.core(G1).spuriousInjected());
    assertNull(bed.polledIrq(G1));
    assertEquals(0, bed.regs(G1).readl(REG_INTERRUPT));
  }

  @Test
  void aSpuriousInterruptDuringADecodeLeavesTheDecodeRunning() {
    bed.start(G2, VpuRegs.G2_MODE_HEVC, 1, 2);
    bed.core(G2).injectSpuriousIrq();
    assertEquals(1, bed.unclaimed.get());
    assertTrue(bed.core(G2).isDecoding());
    bed.clock.advance(VpuBed.DECODE);
    assertEquals(INT_DEC_IRQ | INT_DEC_RDY, bed.awaitIrq(G2));
  }

  @Test
  void irqDisableSetsTheStatusWithoutRaisingTheLine() {
    IoMem g1 = bed.regs(G1);
    g1.writel(G1.modeReg(), G1.modeValue(VpuRegs.G1_MODE_H264));
    g1.writel(REG_INTERRUPT, INT_DEC_E | INT_DEC_IRQ_DIS);
    bed.clock.advance(VpuBed.DECODE);
    assertTrue(waitUntilIdle(bed.core(G1)));
    assertEquals(INT_DEC_IRQ | INT_DEC_RDY | INT_DEC_IRQ_DIS, g1.readl(REG_INTERRUPT));
    assertNull(bed.polledIrq(G1));
    assertEquals(0, bed.board.irqChip().delivered(Imx8mSoc.G1_SPI));
  }

  private static boolean waitUntilIdle(VpuCore core) {
    Sync.until(() -> !core.isDecoding(), core + " idle");
    return true;
  }

  @Test
  void anUnsupportedModeFailsAtOnceWithTheErrorBit() {
    bed.start(G1, VpuRegs.G2_MODE_HEVC, 1, 2); // HEVC is a G2 codec
    assertEquals(INT_DEC_IRQ | INT_DEC_ERROR, bed.awaitIrq(G1));
    assertEquals(VpuCore.Outcome.DECODE_ERROR, bed.core(G1).frames().get(0).outcome());
    assertEquals(0L, bed.core(G1).frames().get(0).endNanos(), "no decode time spent");
  }

  @Test
  void identificationAndPlainRegisters() {
    IoMem g1 = bed.regs(G1);
    IoMem g2 = bed.regs(G2);
    assertEquals(VpuRegs.G1_PRODUCT_ID, g1.readl(VpuRegs.REG_VERSION) >>> 16);
    assertEquals(VpuRegs.G2_PRODUCT_ID, g2.readl(VpuRegs.REG_VERSION) >>> 16);
    g1.writel(VpuRegs.REG_VERSION, 0);
    assertEquals(VpuRegs.G1_PRODUCT_ID, g1.readl(VpuRegs.REG_VERSION) >>> 16, "read-only");
    g1.writel(VpuRegs.G1_REG_CONFIG, 0x1234);
    g2.writel(VpuRegs.G2_REG_CONFIG, 0x10000);
    assertEquals(0x1234, g1.readl(VpuRegs.G1_REG_CONFIG));
    assertEquals(0x10000, g2.readl(VpuRegs.G2_REG_CONFIG));
    assertEquals(VpuRegs.g1DecMode(VpuRegs.G1_MODE_VP8), G1.modeValue(VpuRegs.G1_MODE_VP8));
    assertEquals(VpuRegs.g2DecMode(VpuRegs.G2_MODE_VP9), G2.modeValue(VpuRegs.G2_MODE_VP9));
    assertEquals(List.of(0, 5, 10), G1.modes());
    assertEquals(List.of(0xc, 0xd), G2.modes());
    assertEquals(G2, G1.other());
    assertEquals(VpuRegs.G1_REG_ADDR_STR, G1.srcReg());
    assertEquals(VpuRegs.G2_OUT_LUMA_ADDR, G2.dstReg());
  }

  @Test
  void aLongerDecodeTimeAppliesToLaterDecodes() {
    bed.core(G1).setDecodeTime(Duration.ofMillis(40));
    bed.start(G1, VpuRegs.G1_MODE_H264, 1, 2);
    bed.clock.advance(Duration.ofMillis(39));
    assertTrue(bed.core(G1).isDecoding());
    bed.clock.advance(Duration.ofMillis(1));
    bed.awaitIrq(G1);
    assertEquals(Duration.ofMillis(40).toNanos(), bed.core(G1).frames().get(0).endNanos());
    assertThrows(IllegalArgumentException.class,
        () -> bed.core(G1).setDecodeTime(Duration.ofMillis(-1)));
  }

  @Test
  @ExpectReports(ReportKind.HW_ACCESS_AFTER_REMOVE)
  void registerAccessAfterUnbindIsReportedByDriverCore(SanitizerScope scope) {
    IoMem g2 = bed.regs(G2);
    String dev = bed.device(G2).name();
    assertEquals("38310000.video-codec", dev);
    assertEquals(0, bed.platform.bus().unbind("test-vpu", dev));
    assertFalse(g2.isMapped());
    assertEquals(IoMem.DEAD_BUS, g2.readl(REG_INTERRUPT));
    g2.writel(REG_INTERRUPT, INT_DEC_E);
    assertFalse(bed.core(G2).isDecoding(), "the write never reached the core");
    List<Report.HardwareAccessAfterRemove> r =
        scope.reports(Report.HardwareAccessAfterRemove.class);
    assertEquals(2, r.size());
    assertEquals("video-codec@38310000", r.get(0).region());
    assertEquals("writel", r.get(1).access());
  }
}
