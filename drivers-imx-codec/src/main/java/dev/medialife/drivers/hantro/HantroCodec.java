package dev.medialife.drivers.hantro;

import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.v4l2.uapi.Videodev2;

/**
 * The coded formats the decoder cores accept (the {@code hantro_fmt} entries of a variant's
 * {@code dec_fmts} with a codec mode): the V4L2 fourcc, the core generation that decodes it, the
 * mode value the core is programmed with, and the largest frame.
 */
@KernelSymbol("hantro_fmt")
public enum HantroCodec {
  /** H.264 slices on G1. */
  H264(Videodev2.fourcc('S', '2', '6', '4'), Core.G1, 0x0, 4096, 2304),
  /** MPEG-2 slices on G1. */
  MPEG2(Videodev2.fourcc('M', 'G', '2', 'S'), Core.G1, 0x5, 1920, 1088),
  /** VP8 frames on G1. */
  VP8(Videodev2.fourcc('V', 'P', '8', 'F'), Core.G1, 0xa, 3840, 2160),
  /** HEVC slices on G2. */
  HEVC(Videodev2.fourcc('S', '2', '6', '5'), Core.G2, 0xc, 4096, 2304),
  /** VP9 frames on G2. */
  VP9(Videodev2.fourcc('V', 'P', '9', 'F'), Core.G2, 0xd, 4096, 2304);

  /** The decoded (capture) format every core writes: NV12. */
  @KernelSymbol("V4L2_PIX_FMT_NV12")
  public static final int NV12 = Videodev2.fourcc('N', 'V', '1', '2');

  /** The smallest frame side ({@code FMT_MIN_WIDTH}). */
  @KernelSymbol("FMT_MIN_WIDTH")
  public static final int MIN_SIDE = 48;

  /** Frame sizes step by macroblocks ({@code MB_DIM}). */
  @KernelSymbol("MB_DIM")
  public static final int MB_DIM = 16;

  /** The decoder generation a register programming belongs to. */
  public enum Core {
    /** Hantro G1: mode in {@code G1_REG_DEC_CTRL0} bits 31..28. */
    G1,
    /** Hantro G2: mode in software register 3 bits 31..27. */
    G2
  }

  private final int fourcc;
  private final Core core;
  private final int mode;
  private final int maxWidth;
  private final int maxHeight;

  HantroCodec(int fourcc, Core core, int mode, int maxWidth, int maxHeight) {
    this.fourcc = fourcc;
    this.core = core;
    this.mode = mode;
    this.maxWidth = maxWidth;
    this.maxHeight = maxHeight;
  }

  /**
   * The V4L2 pixel format.
   *
   * @return the fourcc
   */
  @KernelSymbol("hantro_fmt.fourcc")
  public int fourcc() {
    return fourcc;
  }

  /**
   * The core generation that decodes it.
   *
   * @return G1 or G2
   */
  @KernelSymbol("hantro_fmt.codec_mode")
  public Core core() {
    return core;
  }

  /**
   * The hardware mode value.
   *
   * @return the mode
   */
  @KernelSymbol("hantro_fmt.codec_mode")
  public int mode() {
    return mode;
  }

  /**
   * The largest width.
   *
   * @return pixels
   */
  @KernelSymbol("hantro_fmt.frmsize")
  public int maxWidth() {
    return maxWidth;
  }

  /**
   * The largest height.
   *
   * @return pixels
   */
  @KernelSymbol("hantro_fmt.frmsize")
  public int maxHeight() {
    return maxHeight;
  }
}
