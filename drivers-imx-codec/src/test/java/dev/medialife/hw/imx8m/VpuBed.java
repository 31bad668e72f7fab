package dev.medialife.hw.imx8m;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.medialife.driver.Devres;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.io.IoMem;
import dev.medialife.driver.irq.IrqChip;
import dev.medialife.driver.irq.IrqReturn;
import dev.medialife.driver.io.MmioRegion;
import dev.medialife.driver.of.Of;
import dev.medialife.driver.of.OfDeviceId;
import dev.medialife.driver.of.PlatformBus;
import dev.medialife.driver.of.PlatformDevice;
import dev.medialife.driver.of.PlatformDriver;
import dev.medialife.driver.of.PlatformResource;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.kernel.time.ManualClock;
import dev.medialife.kernel.trace.TraceRecorder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A test bed: one board on a manual clock, its devices populated on a platform bus, and a minimal
 * driver bound to both cores that does what a Hantro driver does with the hardware — map the
 * registers, request the IRQ, and in the handler read the interrupt register, acknowledge it by
 * writing 0 and hand the status to the test. Tests touch the cores only through {@link #regs} and
 * the statuses the handler saw.
 */
final class VpuBed implements AutoCloseable {
  static final Duration DECODE = Duration.ofMillis(10);

  final ManualClock clock = new ManualClock();
  final TraceRecorder trace = new TraceRecorder(1024, clock);
  final Imx8mBoard board;
  final Kernel kernel = new Kernel();
  final PlatformBus platform;
  final PlatformDriver driver;
  final Map<VpuCore.Kind, IoMem> regs = new EnumMap<>(VpuCore.Kind.class);
  final Map<VpuCore.Kind, PlatformDevice> devices = new EnumMap<>(VpuCore.Kind.class);
  private final Map<VpuCore.Kind, LinkedBlockingQueue<Integer>> irqs =
      new EnumMap<>(VpuCore.Kind.class);
  final AtomicInteger unclaimed = new AtomicInteger();

  VpuBed(Imx8mSoc soc) {
    board = Imx8mBoard.builder(soc).clock(clock).trace(trace).decodeTime(DECODE).build();
    PlatformBus pb = PlatformBus.register(kernel);
    assertNotNull(pb);
    platform = pb;
    for (VpuCore.Kind k : VpuCore.Kind.values()) {
      irqs.put(k, new LinkedBlockingQueue<>());
    }
    driver =
        new PlatformDriver(
            "test-vpu",
            null,
            List.of(
                new OfDeviceId(soc.coreCompatible(VpuCore.Kind.G1), VpuCore.Kind.G1),
                new OfDeviceId(soc.coreCompatible(VpuCore.Kind.G2), VpuCore.Kind.G2)),
            false,
            this::probe);
    assertEquals(0, platform.driverRegister(driver));
    assertEquals(3, board.populate(platform)); // G1, G2, blk-ctrl
    assertEquals(2, regs.size(), "both cores probed");
  }

  private int probe(PlatformDevice pdev) {
    var node = pdev.ofNode();
    if (node == null) {
      return -Errno.ENODEV;
    }
    VpuCore.Kind kind =
        node.isCompatible(board.soc().coreCompatible(VpuCore.Kind.G1)) > 0
            ? VpuCore.Kind.G1
            : VpuCore.Kind.G2;
    PlatformDevice.Mapping mapped = pdev.devmIoremapResource(0);
    int irq = pdev.getIrq(0);
    IrqChip chip = pdev.getIrqChip(0);
    IoMem base = mapped.base();
    if (base == null || chip == null) {
      return base == null ? mapped.error() : irq;
    }
    Allocation priv = Devres.kzalloc(pdev.device(), "test_vpu", pdev.name());
    if (priv == null) {
      return -Errno.ENOMEM;
    }
    LinkedBlockingQueue<Integer> seen = queue(kind);
    int ret =
        chip
            .devmRequestIrq(
                pdev.device(),
                irq,
                (line, devId) -> {
                  int status = base.readl(VpuRegs.REG_INTERRUPT);
                  if ((status & VpuRegs.INT_DEC_IRQ) == 0) {
                    unclaimed.incrementAndGet();
                    return IrqReturn.IRQ_NONE;
                  }
                  base.writel(VpuRegs.REG_INTERRUPT, 0);
                  seen.add(status);
                  return IrqReturn.IRQ_HANDLED;
                },
                0,
                pdev.name(),
                priv);
    if (ret != 0) {
      return ret;
    }
    regs.put(kind, base);
    devices.put(kind, pdev);
    return 0;
  }

  private LinkedBlockingQueue<Integer> queue(VpuCore.Kind kind) {
    LinkedBlockingQueue<Integer> q = irqs.get(kind);
    assertNotNull(q);
    return q;
  }

  PlatformDevice device(VpuCore.Kind kind) {
    PlatformDevice d = devices.get(kind);
    assertNotNull(d);
    return d;
  }

  IoMem regs(VpuCore.Kind kind) {
    IoMem m = regs.get(kind);
    assertNotNull(m);
    return m;
  }

  /** Programs and starts a decode as a driver would. */
  void start(VpuCore.Kind kind, int mode, int src, int dst) {
    IoMem m = regs(kind);
    m.writel(kind.modeReg(), kind.modeValue(mode));
    m.writel(kind.srcReg(), src);
    m.writel(kind.dstReg(), dst);
    m.writel(VpuRegs.REG_INTERRUPT, VpuRegs.INT_DEC_E);
  }

  static int defaultMode(VpuCore.Kind kind) {
    return kind == VpuCore.Kind.G1 ? VpuRegs.G1_MODE_H264 : VpuRegs.G2_MODE_HEVC;
  }

  /** Waits for the next interrupt the handler acknowledged on a core; returns the status read. */
  int awaitIrq(VpuCore.Kind kind) {
    try {
      Integer s = queue(kind).poll(Sync.TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertNotNull(s, "no interrupt from " + kind);
      return s;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** An interrupt the handler acknowledged, if any is queued now. */
  @Nullable Integer polledIrq(VpuCore.Kind kind) {
    return queue(kind).poll();
  }

  /** The blk-ctrl's register window, from its platform device's resources. */
  MmioRegion blkCtrlWindow() {
    PlatformDevice blk = Of.findDeviceByNode(board.blkCtrlNode());
    assertNotNull(blk);
    PlatformResource r = blk.getResource(PlatformResource.IORESOURCE_MEM, 0);
    blk.put();
    assertNotNull(r);
    MmioRegion w = r.region();
    assertNotNull(w);
    return w;
  }

  VpuCore core(VpuCore.Kind kind) {
    return board.core(kind);
  }

  @Override
  public void close() {
    platform.depopulate(board.deviceTree());
    platform.driverUnregister(driver);
    board.close();
  }
}
