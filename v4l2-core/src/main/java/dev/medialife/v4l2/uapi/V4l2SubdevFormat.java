package dev.medialife.v4l2.uapi;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.KernelSymbol;

/** {@code struct v4l2_subdev_format}, the argument of VIDIOC_SUBDEV_G_FMT and S_FMT. */
@KernelSymbol("v4l2_subdev_format")
public final class V4l2SubdevFormat implements IoctlArg<V4l2SubdevFormat> {
  /** {@code sizeof(struct v4l2_subdev_format)}: which, pad, the format, stream, 7 reserved. */
  public static final int SIZE = 8 + V4l2MbusFramefmt.SIZE + 4 + 28;

  /** {@code which}: V4L2_SUBDEV_FORMAT_TRY or _ACTIVE. */
  public int which;

  /** {@code pad}: the pad index. */
  public int pad;

  /** {@code format}. */
  public final V4l2MbusFramefmt format = new V4l2MbusFramefmt();

  /** {@code stream}: the stream of a routing sub-device; reset to 0 for other clients. */
  public int stream;

  /** An all-zero struct. */
  @KernelSymbol("v4l2_subdev_format")
  public V4l2SubdevFormat() {}

  @Override
  @KernelSymbol("copy_from_user")
  public V4l2SubdevFormat copy() {
    V4l2SubdevFormat c = new V4l2SubdevFormat();
    c.copyFrom(this);
    return c;
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(V4l2SubdevFormat o) {
    which = o.which;
    pad = o.pad;
    format.set(o.format);
    stream = o.stream;
  }
}
