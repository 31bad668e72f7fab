package dev.medialife.hw.imx8m;

import dev.medialife.kernel.meta.KernelSymbol;

/**
 * The three i.MX8M SoCs whose VPU block the model simulates, with the device-tree facts of their
 * decoder cores ({@code imx8mq.dtsi}, {@code imx8mm.dtsi}, {@code imx8mp.dtsi}): compatibles,
 * register windows, GIC SPI numbers and the block controller.
 *
 * <p>What differs between them, for the sharing fix:
 *
 * <ul>
 *   <li><b>i.MX8MQ</b>: G1 and G2 reach memory through one AXI-to-AXI bridge (the VPUMIX "ADB").
 *       Two decodes at the same moment fault the bus, and the bridge has no reset or clock bit of
 *       its own: it follows the OR of the two cores' bits, so the cores can only be reset and
 *       ungated together.
 *   <li><b>i.MX8MM</b>: independent cores with their own compatibles; no shared-bus fault, and
 *       the block controller may reset one core alone.
 *   <li><b>i.MX8MP</b>: G1 reuses the 8MM compatible, G2 the 8MQ one. Its cores are independent
 *       too (the model has no bus fault here): only the G2 compatible is in the Hantro driver's
 *       shared table, so G2 finds only itself and gets a private scheduler.
 * </ul>
 *
 * @see Imx8mBoard
 */
@KernelSymbol({"imx8mq.dtsi", "imx8mm.dtsi", "imx8mp.dtsi"})
public enum Imx8mSoc {
  /** i.MX8M Quad: shared bus, joint reset only. */
  IMX8MQ(
      "fsl,imx8mq",
      "NXP i.MX8MQ EVK",
      "nxp,imx8mq-vpu-g1",
      "nxp,imx8mq-vpu-g2",
      "fsl,imx8mq-vpu-blk-ctrl",
      0x38320000,
      true),
  /** i.MX8M Mini: independent cores. */
  IMX8MM(
      "fsl,imx8mm",
      "NXP i.MX8MM EVK",
      "nxp,imx8mm-vpu-g1",
      "nxp,imx8mm-vpu-g2",
      "fsl,imx8mm-vpu-blk-ctrl",
      0x38330000,
      false),
  /** i.MX8M Plus: independent cores, mixed compatibles. */
  IMX8MP(
      "fsl,imx8mp",
      "NXP i.MX8MP EVK",
      "nxp,imx8mm-vpu-g1",
      "nxp,imx8mq-vpu-g2",
      "fsl,imx8mp-vpu-blk-ctrl",
      0x38330000,
      false);

  /** Base address of the G1 core's registers on all three SoCs. */
  public static final int G1_BASE = 0x38300000;

  /** Base address of the G2 core's registers on all three SoCs. */
  public static final int G2_BASE = 0x38310000;

  /** GIC SPI of the G1 core on all three SoCs. */
  public static final int G1_SPI = 7;

  /** GIC SPI of the G2 core on all three SoCs. */
  public static final int G2_SPI = 8;

  /** Size of the block controller's register window. */
  public static final int BLK_CTRL_SIZE = 0x100;

  private final String compatible;
  private final String model;
  private final String g1Compatible;
  private final String g2Compatible;
  private final String blkCtrlCompatible;
  private final int blkCtrlBase;
  private final boolean sharedBus;

  Imx8mSoc(
      String compatible,
      String model,
      String g1Compatible,
      String g2Compatible,
      String blkCtrlCompatible,
      int blkCtrlBase,
      boolean sharedBus) {
    this.compatible = compatible;
    this.model = model;
    this.g1Compatible = g1Compatible;
    this.g2Compatible = g2Compatible;
    this.blkCtrlCompatible = blkCtrlCompatible;
    this.blkCtrlBase = blkCtrlBase;
    this.sharedBus = sharedBus;
  }

  /**
   * The SoC compatible of the root node.
   *
   * @return e.g. "fsl,imx8mq"
   */
  public String compatible() {
    return compatible;
  }

  /**
   * The board model string of the root node.
   *
   * @return the model
   */
  public String model() {
    return model;
  }

  /**
   * The compatible of a core's node.
   *
   * @param kind the core
   * @return e.g. "nxp,imx8mq-vpu-g1"
   */
  public String coreCompatible(VpuCore.Kind kind) {
    return kind == VpuCore.Kind.G1 ? g1Compatible : g2Compatible;
  }

  /**
   * The compatible of the VPU block controller node.
   *
   * @return e.g. "fsl,imx8mq-vpu-blk-ctrl"
   */
  public String blkCtrlCompatible() {
    return blkCtrlCompatible;
  }

  /**
   * The block controller's base address.
   *
   * @return the address
   */
  public int blkCtrlBase() {
    return blkCtrlBase;
  }

  /**
   * Whether G1 and G2 share the bus bridge that faults on concurrent decodes, and can be reset
   * and ungated only together (i.MX8MQ).
   *
   * @return true on i.MX8MQ
   */
  public boolean sharedBus() {
    return sharedBus;
  }

  /**
   * A short lower-case name, for device and thread names.
   *
   * @return e.g. "imx8mq"
   */
  public String shortName() {
    return compatible.substring(compatible.indexOf(',') + 1);
  }
}
