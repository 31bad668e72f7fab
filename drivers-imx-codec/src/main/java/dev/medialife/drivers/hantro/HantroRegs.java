package dev.medialife.drivers.hantro;

/**
 * The driver's copy of the decoder register map (hantro_g1_regs.h, hantro_g2_regs.h): the driver
 * knows the hardware only through these offsets and bits, as the kernel driver knows it through its
 * own headers. Address registers are single 32-bit words in the model.
 */
final class HantroRegs {
  private HantroRegs() {}

  /** {@code G1_REG_INTERRUPT} / {@code G2_REG_INTERRUPT}. */
  static final int INTERRUPT = 0x004;

  static final int INT_DEC_E = 1;
  static final int INT_DEC_IRQ_DIS = 1 << 4;
  static final int INT_DEC_ABORT_E = 1 << 5;
  static final int INT_DEC_IRQ = 1 << 8;
  static final int INT_DEC_ABORT_INT = 1 << 11;
  static final int INT_DEC_RDY_INT = 1 << 12;
  static final int INT_DEC_BUS_INT = 1 << 13;
  static final int INT_DEC_ERROR_INT = 1 << 16;
  static final int INT_DEC_LAST_SLICE_INT = 1 << 17;
  static final int INT_DEC_TIMEOUT = 1 << 18;

  /** {@code G1_REG_CONFIG}. */
  static final int G1_CONFIG = 0x008;

  /** {@code G1_REG_DEC_CTRL0}: the mode in bits 31..28. */
  static final int G1_DEC_CTRL0 = 0x00c;

  /** {@code G1_REG_ADDR_STR}. */
  static final int G1_ADDR_STR = 0x030;

  /** {@code G1_REG_ADDR_DST}. */
  static final int G1_ADDR_DST = 0x04c;

  /** {@code G1_REG_CONFIG_DEC_CLK_GATE_E}. */
  static final int G1_CONFIG_DEC_CLK_GATE_E = 1 << 10;

  /** Software register 3 of G2: the mode in bits 31..27. */
  static final int G2_DEC_MODE = 3 * 4;

  /** {@code G2_REG_CONFIG}. */
  static final int G2_CONFIG = 58 * 4;

  /** {@code G2_OUT_LUMA_ADDR}. */
  static final int G2_OUT_LUMA_ADDR = 65 * 4;

  /** {@code G2_STREAM_ADDR}. */
  static final int G2_STREAM_ADDR = 169 * 4;

  /** {@code G2_REG_CONFIG_DEC_CLK_GATE_E}. */
  static final int G2_CONFIG_DEC_CLK_GATE_E = 1 << 16;
}
