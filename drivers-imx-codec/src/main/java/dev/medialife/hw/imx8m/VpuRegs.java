package dev.medialife.hw.imx8m;

import dev.medialife.kernel.meta.KernelSymbol;

/**
 * The register map of the simulated Hantro decoder cores, as a driver programs it. Offsets and bit
 * positions follow the Linux Hantro headers ({@code hantro_g1_regs.h}, {@code hantro_g2_regs.h}):
 * a software register {@code n} sits at byte offset {@code 4 * n} ({@code G1_SWREG}/{@code
 * G2_SWREG}), and both generations keep the interrupt/status register at {@code swreg1} with the
 * same bit layout.
 *
 * <p>The model implements only the registers a decode needs: the interrupt/status register, the
 * configuration register (accepted and read back), the decoding mode, one source (bitstream) and
 * one destination (picture) address. Every other offset inside the 64 KiB window is plain storage.
 *
 * <p>A decode is programmed as:
 *
 * <ol>
 *   <li>write the mode ({@link #G1_REG_DEC_CTRL0} with {@link #g1DecMode}, or {@link
 *       #G2_REG_DEC_MODE} with {@link #g2DecMode});
 *   <li>write the source and destination addresses (or buffer ids: the model only records them);
 *   <li>write {@link #INT_DEC_E} to the interrupt register: the core starts.
 * </ol>
 *
 * <p>When the core finishes it clears {@link #INT_DEC_E}, sets {@link #INT_DEC_IRQ} and one or
 * more cause bits ({@link #INT_DEC_RDY}, {@link #INT_DEC_BUS}, {@link #INT_DEC_TIMEOUT}, {@link
 * #INT_DEC_ERROR}, {@link #INT_DEC_ABORT}) and raises its IRQ line unless {@link #INT_DEC_IRQ_DIS}
 * is set. The handler reads the register and writes 0 to acknowledge, as {@code hantro_g1_irq}
 * and {@code hantro_g2_irq} do. Writing {@link #INT_DEC_ABORT_E} stops a running decode.
 */
@KernelSymbol({"hantro_g1_regs.h", "hantro_g2_regs.h"})
public final class VpuRegs {
  private VpuRegs() {}

  /** Size of each core's register window ({@code reg = <base 0x10000>}). */
  public static final int WINDOW_SIZE = 0x10000;

  /** Hardware id register, read-only: product id in bits 31..16 ({@code G2_REG_VERSION}). */
  @KernelSymbol({"G1_SWREG(0)", "G2_REG_VERSION"})
  public static final int REG_VERSION = 0x000;

  /** Product id of the G1 core in {@link #REG_VERSION} bits 31..16 ("0x6731"). */
  public static final int G1_PRODUCT_ID = 0x6731;

  /** Product id of the G2 core in {@link #REG_VERSION} bits 31..16 ("0x6732"). */
  public static final int G2_PRODUCT_ID = 0x6732;

  /** Interrupt and status register of both cores. */
  @KernelSymbol({"G1_REG_INTERRUPT", "G2_REG_INTERRUPT"})
  public static final int REG_INTERRUPT = 0x004;

  /** Set by the driver to start a decode; the core clears it when the decode ends. */
  @KernelSymbol({"G1_REG_INTERRUPT_DEC_E", "G2_REG_INTERRUPT_DEC_E"})
  public static final int INT_DEC_E = 1 << 0;

  /** Set by the driver to keep the core from raising its line (status bits are still set). */
  @KernelSymbol({"G1_REG_INTERRUPT_DEC_IRQ_DIS", "G2_REG_INTERRUPT_DEC_IRQ_DIS"})
  public static final int INT_DEC_IRQ_DIS = 1 << 4;

  /** Set by the driver to abort a running decode ({@code hantro_g2_check_idle}). */
  @KernelSymbol("G2_REG_INTERRUPT_DEC_ABORT_E")
  public static final int INT_DEC_ABORT_E = 1 << 5;

  /** An interrupt is asserted: one of the cause bits below is set. */
  @KernelSymbol({"G1_REG_INTERRUPT_DEC_IRQ", "G2_REG_INTERRUPT_DEC_IRQ"})
  public static final int INT_DEC_IRQ = 1 << 8;

  /** The decode was aborted by {@link #INT_DEC_ABORT_E}. */
  @KernelSymbol("G2_REG_INTERRUPT_DEC_ABORT_INT")
  public static final int INT_DEC_ABORT = 1 << 11;

  /** The picture is decoded ("ready"). */
  @KernelSymbol({"G1_REG_INTERRUPT_DEC_RDY_INT", "G2_REG_INTERRUPT_DEC_RDY_INT"})
  public static final int INT_DEC_RDY = 1 << 12;

  /** A bus error happened during the decode ("bus error detected."). */
  @KernelSymbol({"G1_REG_INTERRUPT_DEC_BUS_INT", "G2_REG_INTERRUPT_DEC_BUS_INT"})
  public static final int INT_DEC_BUS = 1 << 13;

  /** The bitstream could not be decoded (here: an unsupported mode was programmed). */
  @KernelSymbol({"G1_REG_INTERRUPT_DEC_ERROR_INT", "G2_REG_INTERRUPT_DEC_ERROR_INT"})
  public static final int INT_DEC_ERROR = 1 << 16;

  /** The hardware frame timeout expired ("frame decode timed out."). */
  @KernelSymbol({"G1_REG_INTERRUPT_DEC_TIMEOUT", "G2_REG_INTERRUPT_DEC_TIMEOUT"})
  public static final int INT_DEC_TIMEOUT = 1 << 18;

  /** The cause bits a handler inspects; writing 0 to the register clears them. */
  public static final int INT_CAUSES =
      INT_DEC_IRQ | INT_DEC_ABORT | INT_DEC_RDY | INT_DEC_BUS | INT_DEC_ERROR | INT_DEC_TIMEOUT;

  /** G1 configuration register (bus/endianness setup), stored and read back. */
  @KernelSymbol("G1_REG_CONFIG")
  public static final int G1_REG_CONFIG = 0x008;

  /** G1 control register 0: the decoding mode is in bits 31..28. */
  @KernelSymbol("G1_REG_DEC_CTRL0")
  public static final int G1_REG_DEC_CTRL0 = 0x00c;

  /** G1 source (bitstream) address. */
  @KernelSymbol("G1_REG_ADDR_STR")
  public static final int G1_REG_ADDR_STR = 0x030;

  /** G1 destination (decoded picture) address. */
  @KernelSymbol("G1_REG_ADDR_DST")
  public static final int G1_REG_ADDR_DST = 0x04c;

  /** G1 mode: H.264. */
  public static final int G1_MODE_H264 = 0x0;

  /** G1 mode: MPEG-2. */
  public static final int G1_MODE_MPEG2 = 0x5;

  /** G1 mode: VP8. */
  public static final int G1_MODE_VP8 = 0xa;

  /** G2 register holding the decoding mode in bits 31..27 ({@code g2_mode}, swreg 3). */
  @KernelSymbol("g2_mode")
  public static final int G2_REG_DEC_MODE = 3 * 4;

  /** G2 configuration register (clock gating, bus width), stored and read back. */
  @KernelSymbol("G2_REG_CONFIG")
  public static final int G2_REG_CONFIG = 58 * 4;

  /** G2 destination (output luma) address, swreg 65. */
  @KernelSymbol("G2_OUT_LUMA_ADDR")
  public static final int G2_OUT_LUMA_ADDR = 65 * 4;

  /** G2 source (bitstream) address, swreg 169. */
  @KernelSymbol("G2_STREAM_ADDR")
  public static final int G2_STREAM_ADDR = 169 * 4;

  /** G2 mode: HEVC. */
  @KernelSymbol("HEVC_DEC_MODE")
  public static final int G2_MODE_HEVC = 0xc;

  /** G2 mode: VP9. */
  @KernelSymbol("VP9_DEC_MODE")
  public static final int G2_MODE_VP9 = 0xd;

  /**
   * The {@link #G1_REG_DEC_CTRL0} value selecting a G1 mode.
   *
   * @param mode a G1 mode, e.g. {@link #G1_MODE_H264}
   * @return the register value
   */
  @KernelSymbol("G1_REG_DEC_CTRL0_DEC_MODE")
  public static int g1DecMode(int mode) {
    return (mode & 0xf) << 28;
  }

  /**
   * The {@link #G2_REG_DEC_MODE} value selecting a G2 mode.
   *
   * @param mode a G2 mode, e.g. {@link #G2_MODE_HEVC}
   * @return the register value
   */
  @KernelSymbol("g2_mode")
  public static int g2DecMode(int mode) {
    return (mode & 0x1f) << 27;
  }
}
