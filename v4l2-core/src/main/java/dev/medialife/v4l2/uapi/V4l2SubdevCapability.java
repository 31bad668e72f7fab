package dev.medialife.v4l2.uapi;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.KernelSymbol;

/** {@code struct v4l2_subdev_capability}, the argument of VIDIOC_SUBDEV_QUERYCAP. */
@KernelSymbol("v4l2_subdev_capability")
public final class V4l2SubdevCapability implements IoctlArg<V4l2SubdevCapability> {
  /** {@code sizeof(struct v4l2_subdev_capability)}: two u32 and 14 reserved. */
  public static final int SIZE = 64;

  /** {@code version}: the kernel's version code. */
  public int version;

  /** {@code capabilities}: V4L2_SUBDEV_CAP_*. */
  public int capabilities;

  /** An all-zero struct. */
  @KernelSymbol("v4l2_subdev_capability")
  public V4l2SubdevCapability() {}

  @Override
  @KernelSymbol("copy_from_user")
  public V4l2SubdevCapability copy() {
    V4l2SubdevCapability c = new V4l2SubdevCapability();
    c.copyFrom(this);
    return c;
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(V4l2SubdevCapability o) {
    version = o.version;
    capabilities = o.capabilities;
  }
}
