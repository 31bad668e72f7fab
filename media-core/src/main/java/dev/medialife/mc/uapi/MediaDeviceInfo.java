package dev.medialife.mc.uapi;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.KernelSymbol;

/** {@code struct media_device_info}, the argument of MEDIA_IOC_DEVICE_INFO. */
@KernelSymbol("media_device_info")
public final class MediaDeviceInfo implements IoctlArg<MediaDeviceInfo> {
  /** {@code sizeof(struct media_device_info)}. */
  public static final int SIZE = 256;

  /** {@code driver[16]}. */
  public String driver = "";

  /** {@code model[32]}. */
  public String model = "";

  /** {@code serial[40]}. */
  public String serial = "";

  /** {@code bus_info[32]}. */
  public String busInfo = "";

  /** {@code media_version}. */
  public int mediaVersion;

  /** {@code hw_revision}. */
  public int hwRevision;

  /** {@code driver_version}. */
  public int driverVersion;

  /** An all-zero struct. */
  @KernelSymbol("media_device_info")
  public MediaDeviceInfo() {}

  @Override
  @KernelSymbol("copy_from_user")
  public MediaDeviceInfo copy() {
    MediaDeviceInfo c = new MediaDeviceInfo();
    c.copyFrom(this);
    return c;
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(MediaDeviceInfo o) {
    driver = o.driver;
    model = o.model;
    serial = o.serial;
    busInfo = o.busInfo;
    mediaVersion = o.mediaVersion;
    hwRevision = o.hwRevision;
    driverVersion = o.driverVersion;
  }
}
