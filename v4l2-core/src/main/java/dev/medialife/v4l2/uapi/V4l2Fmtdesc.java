package dev.medialife.v4l2.uapi;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.KernelSymbol;

/** {@code struct v4l2_fmtdesc}, the argument of ENUM_FMT. */
@KernelSymbol("v4l2_fmtdesc")
public final class V4l2Fmtdesc implements IoctlArg<V4l2Fmtdesc> {
  /** {@code sizeof(struct v4l2_fmtdesc)}, as in the command number. */
  public static final int SIZE = 64;

  /** {@code index}: which format, from 0. */
  public int index;

  /** {@code type}: a {@code V4L2_BUF_TYPE_*} value. */
  public int type;

  /** {@code flags}. */
  public int flags;

  /** {@code description[32]}. */
  public String description = "";

  /** {@code pixelformat}: a fourcc. */
  public int pixelformat;

  /** An all-zero struct. */
  @KernelSymbol("v4l2_fmtdesc")
  public V4l2Fmtdesc() {}

  @Override
  @KernelSymbol("copy_from_user")
  public V4l2Fmtdesc copy() {
    V4l2Fmtdesc c = new V4l2Fmtdesc();
    c.copyFrom(this);
    return c;
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(V4l2Fmtdesc o) {
    index = o.index;
    type = o.type;
    flags = o.flags;
    description = o.description;
    pixelformat = o.pixelformat;
  }
}
