package dev.medialife.hw.imx8m;

import dev.medialife.driver.io.MmioRegion;
import dev.medialife.driver.irq.IrqChip;
import dev.medialife.driver.of.DeviceTree;
import dev.medialife.driver.of.OfNode;
import dev.medialife.driver.of.PlatformBus;
import dev.medialife.driver.of.PlatformResource;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.trace.TraceRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * One simulated i.MX8M board: the VPU part of its device tree, the interrupt controller (the GIC,
 * lines numbered by SPI), the G1 and G2 cores, their {@link SharedBus} and the {@link BlkCtrl}.
 *
 * <p>The tree has a root node (the SoC compatible in {@code soc-compatible}, the board in {@code
 * model}), a {@code soc} node without a compatible, and below it, in this order, the G1 node
 * {@code video-codec@38300000}, the G2 node {@code video-codec@38310000} and the block controller
 * {@code blk-ctrl@...}. Each device node carries {@code reg} (base address), {@code reg-size},
 * {@code interrupts} (GIC SPI, cores only), and {@code power-domains} (the blk-ctrl domain index,
 * cores only), as the SoC's dtsi says. {@link #populate} creates their platform devices.
 *
 * <p>Resources: {@link #populate} gives each platform device its resource table ({@link
 * #resources}: the register window, and for a core its GIC line), so drivers find their hardware
 * with {@code platform_get_resource} and {@code platform_get_irq} like any platform driver.
 *
 * <p>Close the board to stop the cores' threads.
 */
@JavaOnly("simulated board: the i.MX8M VPU block and its device tree")
public final class Imx8mBoard implements AutoCloseable {
  /** Lines of the simulated GIC (SPIs 0..127). */
  public static final int GIC_LINES = 128;

  /** The default decode time of a frame on the kernel clock. */
  public static final Duration DEFAULT_DECODE_TIME = Duration.ofMillis(10);

  private final Imx8mSoc soc;
  private final IrqChip gic;
  private final SharedBus bus;
  private final VpuCore g1;
  private final VpuCore g2;
  private final BlkCtrl blkCtrl;
  private final DeviceTree tree;
  private final OfNode g1Node;
  private final OfNode g2Node;
  private final OfNode blkCtrlNode;
  private final Map<OfNode, MmioRegion> regions;

  /** Builds a board. */
  public static final class Builder {
    private final Imx8mSoc soc;
    private @Nullable KernelClock clock;
    private @Nullable TraceRecorder trace;
    private Duration decodeTime = DEFAULT_DECODE_TIME;

    private Builder(Imx8mSoc soc) {
      this.soc = soc;
    }

    /**
     * The clock decodes are timed on; default the installed clock ({@link KernelClock#system()}
     * at build time).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(KernelClock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Where decode and interrupt events go; default {@link TraceRecorder#global()}.
     *
     * @param trace the recorder
     * @return this builder
     */
    public Builder trace(TraceRecorder trace) {
      this.trace = trace;
      return this;
    }

    /**
     * How long each decode takes on the clock; default {@link #DEFAULT_DECODE_TIME}.
     *
     * @param decodeTime the duration, not negative
     * @return this builder
     */
    public Builder decodeTime(Duration decodeTime) {
      if (decodeTime.isNegative()) {
        throw new IllegalArgumentException("negative decode time " + decodeTime);
      }
      this.decodeTime = decodeTime;
      return this;
    }

    /**
     * Builds the board; the cores' threads start.
     *
     * @return the board
     */
    public Imx8mBoard build() {
      KernelClock c = clock;
      TraceRecorder t = trace;
      return new Imx8mBoard(soc, c != null ? c : KernelClock.system(),
          t != null ? t : TraceRecorder.global(), decodeTime);
    }
  }

  /**
   * Starts a board of a SoC.
   *
   * @param soc the SoC
   * @return a builder
   */
  public static Builder builder(Imx8mSoc soc) {
    return new Builder(soc);
  }

  private Imx8mBoard(Imx8mSoc soc, KernelClock clock, TraceRecorder trace, Duration decodeTime) {
    this.soc = soc;
    this.gic = new IrqChip(soc.shortName() + "-gic", GIC_LINES);
    this.bus = new SharedBus(soc.sharedBus());
    String s = soc.shortName();
    this.g1 = new VpuCore(VpuCore.Kind.G1, s, clock, gic, Imx8mSoc.G1_SPI, bus, trace, decodeTime);
    this.g2 = new VpuCore(VpuCore.Kind.G2, s, clock, gic, Imx8mSoc.G2_SPI, bus, trace, decodeTime);
    this.blkCtrl = new BlkCtrl(soc, g1, g2, bus);
    this.tree =
        OfNode.builder("")
            .property("model", soc.model())
            .property("soc-compatible", soc.compatible())
            .child(
                OfNode.builder("soc")
                    .unitAddress("0")
                    .child(coreNode(VpuCore.Kind.G1, Imx8mSoc.G1_BASE, Imx8mSoc.G1_SPI))
                    .child(coreNode(VpuCore.Kind.G2, Imx8mSoc.G2_BASE, Imx8mSoc.G2_SPI))
                    .child(
                        OfNode.builder("blk-ctrl")
                            .unitAddress(Integer.toHexString(soc.blkCtrlBase()))
                            .compatible(soc.blkCtrlCompatible())
                            .property("reg", soc.blkCtrlBase())
                            .property("reg-size", Imx8mSoc.BLK_CTRL_SIZE)
                            .property("power-domain-names", "bus,g1,g2")))
            .buildTree();
    OfNode socNode = tree.root().children().get(0);
    this.g1Node = socNode.children().get(0);
    this.g2Node = socNode.children().get(1);
    this.blkCtrlNode = socNode.children().get(2);
    this.regions =
        Map.of(
            g1Node, new MmioRegion(g1Node.fullName(), VpuRegs.WINDOW_SIZE, g1),
            g2Node, new MmioRegion(g2Node.fullName(), VpuRegs.WINDOW_SIZE, g2),
            blkCtrlNode, new MmioRegion(blkCtrlNode.fullName(), Imx8mSoc.BLK_CTRL_SIZE, blkCtrl));
  }

  private OfNode.Builder coreNode(VpuCore.Kind kind, int base, int spi) {
    return OfNode.builder("video-codec")
        .unitAddress(Integer.toHexString(base))
        .compatible(soc.coreCompatible(kind))
        .property("reg", base)
        .property("reg-size", VpuRegs.WINDOW_SIZE)
        .property("interrupts", spi)
        .property("interrupt-names", kind.lower())
        .property("power-domains", kind == VpuCore.Kind.G1 ? 0 : 1);
  }

  /**
   * The SoC.
   *
   * @return the SoC
   */
  public Imx8mSoc soc() {
    return soc;
  }

  /**
   * The device tree.
   *
   * @return the tree
   */
  public DeviceTree deviceTree() {
    return tree;
  }

  /**
   * The interrupt controller the cores raise their lines on.
   *
   * @return the GIC
   */
  public IrqChip irqChip() {
    return gic;
  }

  /**
   * A core.
   *
   * @param kind which
   * @return the core
   */
  public VpuCore core(VpuCore.Kind kind) {
    return kind == VpuCore.Kind.G1 ? g1 : g2;
  }

  /**
   * A core's device-tree node.
   *
   * @param kind which
   * @return the node
   */
  public OfNode coreNode(VpuCore.Kind kind) {
    return kind == VpuCore.Kind.G1 ? g1Node : g2Node;
  }

  /**
   * The block controller's node.
   *
   * @return the node
   */
  public OfNode blkCtrlNode() {
    return blkCtrlNode;
  }

  /**
   * The block controller.
   *
   * @return the blk-ctrl
   */
  public BlkCtrl blkCtrl() {
    return blkCtrl;
  }

  /**
   * The bus the cores share (or not).
   *
   * @return the bus
   */
  public SharedBus bus() {
    return bus;
  }

  /**
   * Creates the platform devices of the tree's device nodes on a platform bus, each with its
   * {@linkplain #resources resources}.
   *
   * <p>Context: process context; may probe drivers.
   *
   * @param platform the platform bus
   * @return the number of devices created, or a negative errno
   */
  @KernelSymbol("of_platform_populate")
  public int populate(PlatformBus platform) {
    return platform.populate(tree, this::resources);
  }

  /**
   * The resources of a node of this board, as {@code of_platform_populate} derives them from its
   * {@code reg} and {@code interrupts}: the register window (a core's or the blk-ctrl's), then the
   * core's line on {@link #irqChip()} named after its {@code interrupt-names}.
   *
   * @param node the node
   * @return the resources; empty for a node without registers or from another tree
   */
  @KernelSymbol("of_device_alloc")
  public List<PlatformResource> resources(OfNode node) {
    MmioRegion region = regions.get(node);
    if (region == null) {
      return List.of();
    }
    OptionalInt spi = node.propertyReadU32("interrupts");
    if (spi.isEmpty()) {
      return List.of(PlatformResource.mem(region));
    }
    String name = node.propertyReadString("interrupt-names");
    return List.of(PlatformResource.mem(region),
        PlatformResource.irq(name == null ? "" : name, gic, spi.getAsInt()));
  }

  /** Stops the cores' threads. A decode in flight never completes afterwards. */
  @Override
  public void close() {
    g1.shutdown();
    g2.shutdown();
  }

  @Override
  public String toString() {
    return soc.model() + " (" + bus + ")";
  }
}
