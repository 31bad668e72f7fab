package dev.medialife.v4l2.uapi;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.KernelSymbol;

/** {@code struct v4l2_capability}, the argument of VIDIOC_QUERYCAP. */
@KernelSymbol("v4l2_capability")
public final class V4l2Capability implements IoctlArg<V4l2Capability> {
  /** {@code sizeof(struct v4l2_capability)}: 16 + 32 + 32 + 4 * 3 + 4 * 3 reserved. */
  public static final int SIZE = 104;

  /** {@code driver[16]}. */
  public String driver = "";

  /** {@code card[32]}. */
  public String card = "";

  /** {@code bus_info[32]}. */
  public String busInfo = "";

  /** {@code version}: the kernel's version code. */
  public int version;

  /** {@code capabilities}: of the whole physical device. */
  public int capabilities;

  /** {@code device_caps}: of this node. */
  public int deviceCaps;

  /** An all-zero struct. */
  @KernelSymbol("v4l2_capability")
  public V4l2Capability() {}

  @Override
  @KernelSymbol("copy_from_user")
  public V4l2Capability copy() {
    V4l2Capability c = new V4l2Capability();
    c.copyFrom(this);
    return c;
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(V4l2Capability o) {
    driver = o.driver;
    card = o.card;
    busInfo = o.busInfo;
    version = o.version;
    capabilities = o.capabilities;
    deviceCaps = o.deviceCaps;
  }
}
