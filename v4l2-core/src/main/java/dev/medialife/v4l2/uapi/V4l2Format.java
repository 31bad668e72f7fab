package dev.medialife.v4l2.uapi;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.KernelSymbol;

/**
 * {@code struct v4l2_format}, simplified to its single-planar {@code fmt.pix} member: the
 * argument of G_FMT, S_FMT and TRY_FMT.
 */
@KernelSymbol("v4l2_format")
public final class V4l2Format implements IoctlArg<V4l2Format> {
  /** {@code sizeof(struct v4l2_format)}, as in the command number. */
  public static final int SIZE = 208;

  /** {@code type}: a {@code V4L2_BUF_TYPE_*} value. */
  public int type;

  /** {@code fmt.pix.width}. */
  public int width;

  /** {@code fmt.pix.height}. */
  public int height;

  /** {@code fmt.pix.pixelformat}: a fourcc. */
  public int pixelformat;

  /** {@code fmt.pix.bytesperline}. */
  public int bytesperline;

  /** {@code fmt.pix.sizeimage}. */
  public int sizeimage;

  /** An all-zero struct. */
  @KernelSymbol("v4l2_format")
  public V4l2Format() {}

  @Override
  @KernelSymbol("copy_from_user")
  public V4l2Format copy() {
    V4l2Format c = new V4l2Format();
    c.copyFrom(this);
    return c;
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(V4l2Format o) {
    type = o.type;
    width = o.width;
    height = o.height;
    pixelformat = o.pixelformat;
    bytesperline = o.bytesperline;
    sizeimage = o.sizeimage;
  }
}
