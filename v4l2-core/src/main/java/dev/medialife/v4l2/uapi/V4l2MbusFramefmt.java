package dev.medialife.v4l2.uapi;

import dev.medialife.kernel.meta.KernelSymbol;

/**
 * {@code struct v4l2_mbus_framefmt}: a frame format on a media bus (size, bus code, field and
 * colorspace; the encoding fields and the flags are not modelled).
 */
@KernelSymbol("v4l2_mbus_framefmt")
public final class V4l2MbusFramefmt {
  /** {@code sizeof(struct v4l2_mbus_framefmt)}: five u32, four u16 and ten reserved u16. */
  public static final int SIZE = 48;

  /** {@code width}. */
  public int width;

  /** {@code height}. */
  public int height;

  /** {@code code}: MEDIA_BUS_FMT_*. */
  public int code;

  /** {@code field}: V4L2_FIELD_*. */
  public int field;

  /** {@code colorspace}: V4L2_COLORSPACE_*. */
  public int colorspace;

  /** An all-zero format. */
  @KernelSymbol("v4l2_mbus_framefmt")
  public V4l2MbusFramefmt() {}

  /**
   * Overwrites this format with {@code o} (a struct assignment).
   *
   * @param o the source
   */
  @KernelSymbol("v4l2_mbus_framefmt")
  public void set(V4l2MbusFramefmt o) {
    width = o.width;
    height = o.height;
    code = o.code;
    field = o.field;
    colorspace = o.colorspace;
  }
}
