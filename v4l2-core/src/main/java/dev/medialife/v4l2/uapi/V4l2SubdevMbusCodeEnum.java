package dev.medialife.v4l2.uapi;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.KernelSymbol;

/** {@code struct v4l2_subdev_mbus_code_enum}, the argument of VIDIOC_SUBDEV_ENUM_MBUS_CODE. */
@KernelSymbol("v4l2_subdev_mbus_code_enum")
public final class V4l2SubdevMbusCodeEnum implements IoctlArg<V4l2SubdevMbusCodeEnum> {
  /** {@code sizeof(struct v4l2_subdev_mbus_code_enum)}: six u32 and 6 reserved. */
  public static final int SIZE = 48;

  /** {@code pad}. */
  public int pad;

  /** {@code index}: the enumeration index. */
  public int index;

  /** {@code code}: filled by the driver. */
  public int code;

  /** {@code which}: V4L2_SUBDEV_FORMAT_TRY or _ACTIVE. */
  public int which;

  /** {@code flags}: V4L2_SUBDEV_MBUS_CODE_*, filled by the driver. */
  public int flags;

  /** {@code stream}. */
  public int stream;

  /** An all-zero struct. */
  @KernelSymbol("v4l2_subdev_mbus_code_enum")
  public V4l2SubdevMbusCodeEnum() {}

  @Override
  @KernelSymbol("copy_from_user")
  public V4l2SubdevMbusCodeEnum copy() {
    V4l2SubdevMbusCodeEnum c = new V4l2SubdevMbusCodeEnum();
    c.copyFrom(this);
    return c;
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(V4l2SubdevMbusCodeEnum o) {
    pad = o.pad;
    index = o.index;
    code = o.code;
    which = o.which;
    flags = o.flags;
    stream = o.stream;
  }
}
