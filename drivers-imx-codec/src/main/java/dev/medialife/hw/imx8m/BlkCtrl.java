package dev.medialife.hw.imx8m;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.driver.io.RegisterFile;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.KernelSymbol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VPU block controller ({@code imx8m-blk-ctrl}, "vpu_blk_ctrl"): the soft-reset and
 * clock-enable bits of the two decoder cores, and the fuse registers that enable them.
 *
 * <p>Registers (as {@code imx8m-blk-ctrl.c} uses them): {@link #BLK_SFT_RSTN} (a 0 bit holds the
 * core in reset), {@link #BLK_CLK_EN} (a 0 bit gates its clock), G2 on bit 0 and G1 on bit 1, and
 * three fuse registers at 0x8, 0xc and 0x10. The board starts with both cores out of reset and
 * ungated, as the power-domain notifier leaves them.
 *
 * <p><b>Why there is no per-core reset on the i.MX8MQ.</b> There the bridge that carries both
 * cores' bus traffic (the VPUMIX ADB) has no reset or clock bit of its own: its inputs are the OR
 * of the two cores' bits. Resetting or gating one core while the other stays up therefore resets
 * the core but not the bridge, which is left with transactions nobody will answer, and the system
 * can hang. The fix in the series ("pmdomain: imx8m-blk-ctrl: Remove separate rst and clk mask
 * for 8mq vpu", upstream 3de4996649) drops the per-core masks, so only the power notifier touches
 * the bits, and it always resets and ungates both cores together. The model offers the same:
 * {@link #powerOnNotifier()} for both, and {@link #resetCore} answers {@code -ENOTSUPP} on the
 * i.MX8MQ. A driver that writes a split pattern to the registers anyway hangs the simulated bus
 * ({@link SharedBus#isHung()}), counted in {@link #splitAccesses()}, until a joint reset.
 */
@KernelSymbol("imx8m_blk_ctrl")
public final class BlkCtrl implements RegisterFile {
  private static final Logger LOG = LoggerFactory.getLogger(BlkCtrl.class);

  /** Soft reset register: a 0 bit holds that core in reset. */
  @KernelSymbol("BLK_SFT_RSTN")
  public static final int BLK_SFT_RSTN = 0x0;

  /** Clock enable register: a 0 bit gates that core's clock. */
  @KernelSymbol("BLK_CLK_EN")
  public static final int BLK_CLK_EN = 0x4;

  /** First of the three fuse registers that enable the cores (0x8, 0xc, 0x10). */
  public static final int BLK_FUSE0 = 0x8;

  /** The G2 bit in {@link #BLK_SFT_RSTN} and {@link #BLK_CLK_EN}. */
  public static final int G2_BIT = 1 << 0;

  /** The G1 bit in {@link #BLK_SFT_RSTN} and {@link #BLK_CLK_EN}. */
  public static final int G1_BIT = 1 << 1;

  private static final int BOTH = G1_BIT | G2_BIT;

  private final Imx8mSoc soc;
  private final VpuCore g1;
  private final VpuCore g2;
  private final SharedBus bus;

  @GuardedBy("this")
  private final int[] regs = new int[Imx8mSoc.BLK_CTRL_SIZE / 4];

  @GuardedBy("this")
  private long jointResets;

  @GuardedBy("this")
  private long splitAccesses;

  BlkCtrl(Imx8mSoc soc, VpuCore g1, VpuCore g2, SharedBus bus) {
    this.soc = soc;
    this.g1 = g1;
    this.g2 = g2;
    this.bus = bus;
    synchronized (this) {
      regs[BLK_SFT_RSTN >>> 2] = BOTH;
      regs[BLK_CLK_EN >>> 2] = BOTH;
      for (int r = BLK_FUSE0; r <= BLK_FUSE0 + 8; r += 4) {
        regs[r >>> 2] = 0xffffffff;
      }
    }
  }

  @Override
  public synchronized int read(int offset) {
    return regs[offset >>> 2];
  }

  @Override
  public synchronized void write(int offset, int value) {
    if (offset == BLK_SFT_RSTN) {
      int v = value & BOTH;
      checkSplitLocked("reset", v);
      if (v == 0) {
        jointResets++;
        bus.unhang(); // the bridge's reset input is the OR of the cores' bits: now asserted
      }
      g1.setReset((v & G1_BIT) == 0);
      g2.setReset((v & G2_BIT) == 0);
      regs[BLK_SFT_RSTN >>> 2] = v;
    } else if (offset == BLK_CLK_EN) {
      int v = value & BOTH;
      checkSplitLocked("clock gating", v);
      g1.setClockGated((v & G1_BIT) == 0);
      g2.setClockGated((v & G2_BIT) == 0);
      regs[BLK_CLK_EN >>> 2] = v;
    } else {
      regs[offset >>> 2] = value;
    }
  }

  @GuardedBy("this")
  private void checkSplitLocked(String what, int v) {
    if (soc.sharedBus() && v != 0 && v != BOTH) {
      splitAccesses++;
      bus.hang();
      LOG.error("{} vpu blk-ctrl: {} of one core alone: the VPUMIX bridge hangs", soc, what);
    }
  }

  /**
   * The power-domain notifier of the VPU block: resets both cores together (both reset bits
   * cleared, then set) and ungates both clocks, as {@code imx8mq_vpu_power_notifier} does after
   * the series. Clears a hung bridge.
   *
   * <p>Context: process context (a power-domain transition).
   */
  @KernelSymbol("imx8mq_vpu_power_notifier")
  public void powerOnNotifier() {
    write(BLK_SFT_RSTN, 0);
    write(BLK_SFT_RSTN, BOTH);
    write(BLK_CLK_EN, BOTH);
  }

  /**
   * Resets one core alone, as the per-core {@code rst_mask} of a power domain would.
   *
   * <p>Context: process context.
   *
   * @param kind the core
   * @return 0, or {@code -ENOTSUPP} on the i.MX8MQ, whose cores can only be reset together
   */
  @KernelSymbol("imx8m_blk_ctrl_power_on")
  public int resetCore(VpuCore.Kind kind) {
    if (soc.sharedBus()) {
      return -Errno.ENOTSUPP;
    }
    int bit = kind == VpuCore.Kind.G1 ? G1_BIT : G2_BIT;
    synchronized (this) {
      int v = regs[BLK_SFT_RSTN >>> 2];
      write(BLK_SFT_RSTN, v & ~bit);
      write(BLK_SFT_RSTN, v | bit);
    }
    return 0;
  }

  /**
   * How many times both cores were put in reset together.
   *
   * @return the count
   */
  public synchronized long jointResets() {
    return jointResets;
  }

  /**
   * Register writes that reset or gated one core alone on the i.MX8MQ (each hangs the bridge).
   *
   * @return the count
   */
  public synchronized long splitAccesses() {
    return splitAccesses;
  }

  @Override
  public String toString() {
    return soc.shortName() + " vpu blk-ctrl";
  }
}
