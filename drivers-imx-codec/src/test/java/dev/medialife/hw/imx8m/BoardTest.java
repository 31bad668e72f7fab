package dev.medialife.hw.imx8m;

import static dev.medialife.hw.imx8m.VpuCore.Kind.G1;
import static dev.medialife.hw.imx8m.VpuCore.Kind.G2;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_E;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_IRQ;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_RDY;
import static dev.medialife.hw.imx8m.VpuRegs.REG_INTERRUPT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.io.IoMem;
import dev.medialife.driver.io.MmioRegion;
import dev.medialife.driver.of.Of;
import dev.medialife.driver.of.OfDeviceId;
import dev.medialife.driver.of.OfNode;
import dev.medialife.driver.of.PlatformResource;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.trace.TraceRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three SoCs: their device trees, independent cores on i.MX8MM and i.MX8MP, and the block
 * controller's joint reset and clock gating.
 */
@Sanitized
@Timeout(30)
class BoardTest {
  private static final String Q_G1 = "nxp,imx8mq-vpu-g1";
  private static final String Q_G2 = "nxp,imx8mq-vpu-g2";
  private static final String M_G1 = "nxp,imx8mm-vpu-g1";
  private static final String M_G2 = "nxp,imx8mm-vpu-g2";

  @ParameterizedTest
  @EnumSource(Imx8mSoc.class)
  void theDeviceTreeDescribesTheVpuAsTheDtsiDoes(Imx8mSoc soc) {
    try (Imx8mBoard board = Imx8mBoard.builder(soc).build()) {
      OfNode root = board.deviceTree().root();
      assertEquals(soc.model(), root.propertyReadString("model"));
      assertEquals(soc.compatible(), root.propertyReadString("soc-compatible"));
      assertTrue(root.compatible().isEmpty(), "the root is not a platform device");
      OfNode g1 = board.coreNode(G1);
      OfNode g2 = board.coreNode(G2);
      OfNode blk = board.blkCtrlNode();
      assertEquals("video-codec@38300000", g1.fullName());
      assertEquals("video-codec@38310000", g2.fullName());
      assertEquals(0x38300000, g1.propertyReadU32("reg").orElseThrow());
      assertEquals(0x38310000, g2.propertyReadU32("reg").orElseThrow());
      assertEquals(0x10000, g1.propertyReadU32("reg-size").orElseThrow());
      assertEquals(0x10000, g2.propertyReadU32("reg-size").orElseThrow());
      assertEquals(7, g1.propertyReadU32("interrupts").orElseThrow());
      assertEquals(8, g2.propertyReadU32("interrupts").orElseThrow());
      assertEquals(0, g1.propertyReadU32("power-domains").orElseThrow());
      assertEquals(1, g2.propertyReadU32("power-domains").orElseThrow());
      assertEquals("g1", g1.propertyReadString("interrupt-names"));
      assertEquals(0x100, blk.propertyReadU32("reg-size").orElseThrow());
      assertEquals(soc.blkCtrlBase(), blk.propertyReadU32("reg").orElseThrow());
      assertEquals(List.of(soc.blkCtrlCompatible()), blk.compatible());
      // Tree order, as of_find_matching_node walks it: G1 before G2.
      List<OfNode> all = board.deviceTree().allNodes();
      assertTrue(all.indexOf(g1) < all.indexOf(g2));
      List<PlatformResource> g1Res = board.resources(g1);
      assertEquals(2, g1Res.size());
      assertEquals(PlatformResource.IORESOURCE_IRQ, g1Res.get(1).type());
      assertEquals(7, g1Res.get(1).line());
      assertEquals("g1", g1Res.get(1).name());
      assertEquals(board.irqChip(), g1Res.get(1).chip());
      List<PlatformResource> g2Res = board.resources(g2);
      assertEquals(8, g2Res.get(1).line());
      assertEquals(1, board.resources(blk).size(), "blk-ctrl: registers, no interrupt");
      assertTrue(board.resources(root).isEmpty());
      MmioRegion r = g2Res.get(0).region();
      assertNotNull(r);
      assertEquals(PlatformResource.IORESOURCE_MEM, g2Res.get(0).type());
      assertEquals(VpuRegs.WINDOW_SIZE, r.size());
      assertEquals(board.core(G2), r.hw());
      MmioRegion b = board.resources(blk).get(0).region();
      assertNotNull(b);
      assertEquals(board.blkCtrl(), b.hw());
      assertEquals(soc, board.soc());
      assertEquals(soc.sharedBus(), board.bus().isShared());
      assertTrue(board.toString().contains(soc.model()));
    }
  }

  @Test
  void compatiblesPerSoc() {
    assertEquals(List.of(Q_G1, Q_G2), compatibles(Imx8mSoc.IMX8MQ));
    assertEquals(List.of(M_G1, M_G2), compatibles(Imx8mSoc.IMX8MM));
    assertEquals(List.of(M_G1, Q_G2), compatibles(Imx8mSoc.IMX8MP), "8MP: 8MM G1, 8MQ G2");
    assertEquals("fsl,imx8mq-vpu-blk-ctrl", Imx8mSoc.IMX8MQ.blkCtrlCompatible());
    assertEquals(0x38320000, Imx8mSoc.IMX8MQ.blkCtrlBase());
    assertEquals("fsl,imx8mp-vpu-blk-ctrl", Imx8mSoc.IMX8MP.blkCtrlCompatible());
    assertTrue(Imx8mSoc.IMX8MQ.sharedBus());
    assertFalse(Imx8mSoc.IMX8MM.sharedBus());
    assertFalse(Imx8mSoc.IMX8MP.sharedBus());
    assertEquals("imx8mp", Imx8mSoc.IMX8MP.shortName());
  }

  private static List<String> compatibles(Imx8mSoc soc) {
    try (Imx8mBoard board = Imx8mBoard.builder(soc).build()) {
      List<String> out = new ArrayList<>();
      for (VpuCore.Kind k : VpuCore.Kind.values()) {
        out.addAll(board.coreNode(k).compatible());
      }
      return out;
    }
  }

  @Test
  void hantrosSharedTableFindsBothCoresOnlyOnTheImx8mq() {
    // The table of the fix: both 8MQ compatibles.
    List<OfDeviceId> shared = List.of(new OfDeviceId(Q_G1, null), new OfDeviceId(Q_G2, null));
    for (Imx8mSoc soc : Imx8mSoc.values()) {
      try (Imx8mBoard board = Imx8mBoard.builder(soc).build()) {
        List<String> found = new ArrayList<>();
        for (OfNode n = Of.findMatchingNode(board.deviceTree(), null, shared); n != null;
            n = Of.findMatchingNode(board.deviceTree(), n, shared)) {
          found.add(n.fullName());
        }
        List<String> expected =
            switch (soc) {
              case IMX8MQ -> List.of("video-codec@38300000", "video-codec@38310000");
              case IMX8MM -> List.of();
              case IMX8MP -> List.of("video-codec@38310000"); // G2 finds only itself
            };
        assertEquals(expected, found, soc.toString());
      }
    }
  }

  @Test
  void populateCreatesOnePlatformDevicePerNode() {
    try (VpuBed bed = new VpuBed(Imx8mSoc.IMX8MQ)) {
      List<String> names = new ArrayList<>();
      for (Device d : bed.platform.bus().devices()) {
        names.add(d.name());
      }
      assertEquals(
          List.of("38300000.video-codec", "38310000.video-codec", "38320000.blk-ctrl"), names);
      assertEquals(bed.board.coreNode(G1), bed.device(G1).ofNode());
    }
  }

  @ParameterizedTest
  @EnumSource(value = Imx8mSoc.class, names = {"IMX8MM", "IMX8MP"})
  void independentCoresDecodeConcurrentlyWithoutAFault(Imx8mSoc soc) {
    try (VpuBed bed = new VpuBed(soc)) {
      bed.start(G1, VpuRegs.G1_MODE_H264, 1, 2);
      bed.start(G2, VpuRegs.G2_MODE_HEVC, 3, 4);
      assertTrue(bed.board.bus().isBusy(G1) && bed.board.bus().isBusy(G2));
      bed.clock.advance(VpuBed.DECODE);
      assertEquals(INT_DEC_IRQ | INT_DEC_RDY, bed.awaitIrq(G1));
      assertEquals(INT_DEC_IRQ | INT_DEC_RDY, bed.awaitIrq(G2));
      assertEquals(1, bed.board.bus().overlaps(), "the overlap is seen, but harmless");
      assertEquals(0, bed.core(G2).busErrors());
      assertEquals(0, bed.core(G2).corruptedFrames());
      assertEquals(1, bed.core(G2).jobsDecoded());
      assertEquals(1, bed.core(G1).jobsDecoded());
    }
  }

  @Test
  void theBlkCtrlPowerNotifierResetsBothCoresTogether() {
    try (VpuBed bed = new VpuBed(Imx8mSoc.IMX8MQ)) {
      BlkCtrl blk = bed.board.blkCtrl();
      bed.start(G1, VpuRegs.G1_MODE_H264, 0x11, 0x22);
      bed.start(G2, VpuRegs.G2_MODE_VP9, 0x33, 0x44);
      blk.powerOnNotifier();
      assertEquals(1, blk.jointResets());
      for (VpuCore.Kind k : VpuCore.Kind.values()) {
        VpuCore core = bed.core(k);
        assertFalse(core.isDecoding(), k + " cut short");
        assertFalse(core.inReset());
        assertFalse(core.clockGated());
        assertEquals(VpuCore.Outcome.RESET, core.frames().get(0).outcome());
        IoMem regs = bed.regs(k);
        assertEquals(0, regs.readl(REG_INTERRUPT), "registers back to reset values");
        assertEquals(0, regs.readl(k.srcReg()));
        assertFalse(bed.board.bus().isBusy(k));
      }
      bed.clock.advance(VpuBed.DECODE);
      assertNull(bed.polledIrq(G1), "a reset decode never interrupts");
      assertEquals(0, bed.board.irqChip().delivered(Imx8mSoc.G1_SPI));
      assertEquals(0, bed.board.irqChip().delivered(Imx8mSoc.G2_SPI));
      // Both cores work again.
      bed.start(G1, VpuRegs.G1_MODE_H264, 1, 2);
      bed.clock.advance(VpuBed.DECODE);
      assertEquals(INT_DEC_IRQ | INT_DEC_RDY, bed.awaitIrq(G1));
    }
  }

  @Test
  void theImx8mqOffersNoPerCoreReset() {
    try (VpuBed bed = new VpuBed(Imx8mSoc.IMX8MQ)) {
      assertEquals(-Errno.ENOTSUPP, bed.board.blkCtrl().resetCore(G1));
      assertEquals(-Errno.ENOTSUPP, bed.board.blkCtrl().resetCore(G2));
      assertEquals(0, bed.board.blkCtrl().jointResets());
    }
  }

  @ParameterizedTest
  @EnumSource(value = Imx8mSoc.class, names = {"IMX8MM", "IMX8MP"})
  void independentSocsResetOneCoreAlone(Imx8mSoc soc) {
    try (VpuBed bed = new VpuBed(soc)) {
      bed.start(G1, VpuRegs.G1_MODE_H264, 1, 2);
      bed.start(G2, VpuRegs.G2_MODE_HEVC, 3, 4);
      assertEquals(0, bed.board.blkCtrl().resetCore(G2));
      assertFalse(bed.core(G2).isDecoding());
      assertTrue(bed.core(G1).isDecoding(), "G1 untouched");
      assertFalse(bed.board.bus().isHung());
      bed.clock.advance(VpuBed.DECODE);
      assertEquals(INT_DEC_IRQ | INT_DEC_RDY, bed.awaitIrq(G1));
      assertEquals(0, bed.board.blkCtrl().splitAccesses());
      assertEquals(0, bed.board.blkCtrl().resetCore(G1));
    }
  }

  @Test
  void aSplitResetThroughTheRegistersHangsTheImx8mqBusUntilAJointReset() {
    try (VpuBed bed = new VpuBed(Imx8mSoc.IMX8MQ)) {
      MmioRegion r = bed.blkCtrlWindow();
      IoMem blk = IoMem.ioremap(bed.device(G1).device(), r);
      assertEquals(BlkCtrl.G1_BIT | BlkCtrl.G2_BIT, blk.readl(BlkCtrl.BLK_SFT_RSTN));
      assertEquals(0xffffffff, blk.readl(BlkCtrl.BLK_FUSE0));
      bed.start(G1, VpuRegs.G1_MODE_H264, 1, 2);
      // Reset G2 alone: the old per-core rst_mask.
      blk.writel(BlkCtrl.BLK_SFT_RSTN, BlkCtrl.G1_BIT);
      assertTrue(bed.core(G2).inReset());
      assertTrue(bed.board.bus().isHung());
      assertEquals(1, bed.board.blkCtrl().splitAccesses());
      bed.clock.advance(Duration.ofSeconds(3));
      assertTrue(bed.core(G1).isDecoding(), "G1's decode never completes on a hung bridge");
      assertNull(bed.polledIrq(G1));
      // A start on the core held in reset is ignored.
      bed.start(G2, VpuRegs.G2_MODE_HEVC, 1, 2);
      assertFalse(bed.core(G2).isDecoding());
      assertEquals(1, bed.core(G2).ignoredStarts());
      // Gating one clock is split too.
      blk.writel(BlkCtrl.BLK_CLK_EN, BlkCtrl.G2_BIT);
      assertTrue(bed.core(G1).clockGated());
      assertEquals(2, bed.board.blkCtrl().splitAccesses());

      bed.board.blkCtrl().powerOnNotifier();
      assertFalse(bed.board.bus().isHung());
      assertEquals(BlkCtrl.G1_BIT | BlkCtrl.G2_BIT, blk.readl(BlkCtrl.BLK_CLK_EN));
      bed.start(G2, VpuRegs.G2_MODE_HEVC, 1, 2);
      bed.clock.advance(VpuBed.DECODE);
      assertEquals(INT_DEC_IRQ | INT_DEC_RDY, bed.awaitIrq(G2));
      blk.writel(BlkCtrl.BLK_FUSE0 + 4, 7);
      assertEquals(7, blk.readl(BlkCtrl.BLK_FUSE0 + 4));
      assertTrue(bed.board.blkCtrl().toString().contains("imx8mq"));
      blk.iounmap();
    }
  }

  @Test
  void aStartOnAGatedCoreIsIgnored() {
    try (VpuBed bed = new VpuBed(Imx8mSoc.IMX8MM)) {
      MmioRegion r = bed.blkCtrlWindow();
      IoMem blk = IoMem.ioremap(bed.device(G1).device(), r);
      blk.writel(BlkCtrl.BLK_CLK_EN, BlkCtrl.G2_BIT); // 8MM: gating G1 alone is fine
      assertFalse(bed.board.bus().isHung());
      bed.start(G1, VpuRegs.G1_MODE_H264, 1, 2);
      assertFalse(bed.core(G1).isDecoding());
      assertEquals(0, bed.regs(G1).readl(REG_INTERRUPT) & INT_DEC_E, "not enabled");
      assertEquals(1, bed.core(G1).ignoredStarts());
      blk.iounmap();
    }
  }

  @Test
  void theBuilderDefaultsAndChecks() {
    assertThrows(IllegalArgumentException.class,
        () -> Imx8mBoard.builder(Imx8mSoc.IMX8MQ).decodeTime(Duration.ofMillis(-1)));
    TraceRecorder trace = new TraceRecorder(16);
    try (Imx8mBoard board =
        Imx8mBoard.builder(Imx8mSoc.IMX8MM).clock(KernelClock.real()).trace(trace).build()) {
      VpuCore g1 = board.core(G1);
      assertEquals("imx8mm-vpu-g1", g1.name());
      assertEquals(G1, g1.kind());
      assertEquals(Imx8mSoc.G1_SPI, g1.irq());
      assertEquals("imx8mm-vpu-g1 (irq 7)", g1.toString());
      assertEquals("imx8mm-gic", board.irqChip().name());
      assertTrue(board.bus().toString().contains("independent"));
    }
  }
}
