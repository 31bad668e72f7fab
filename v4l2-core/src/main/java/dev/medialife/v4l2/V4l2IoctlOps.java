package dev.medialife.v4l2;

import dev.medialife.driver.File;
import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.v4l2.uapi.V4l2Capability;
import org.jspecify.annotations.Nullable;

/**
 * A driver's ioctl handlers ({@code struct v4l2_ioctl_ops}), called by {@link
 * V4l2Ioctl#videoIoctl2} with the device lock held and the node registered. Every handler is
 * optional: the default answers {@code -ENOTTY}, as a NULL pointer does.
 */
@KernelSymbol("v4l2_ioctl_ops")
public interface V4l2IoctlOps {
  /**
   * VIDIOC_QUERYCAP: fills driver, card and bus_info. The core has set version, capabilities and
   * device_caps before the call; a driver must not change device_caps.
   *
   * @param file the file
   * @param fh the file handle, or null when the node does not use v4l2_fh
   * @param cap the struct to fill
   * @return 0 or a negative errno
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_querycap")
  default int querycap(File file, @Nullable V4l2Fh fh, V4l2Capability cap) {
    return -Errno.ENOTTY;
  }

  /**
   * Every command the core does not know ({@code vidioc_default}).
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param validPrio whether the handle passes the priority check
   * @param cmd the command
   * @param arg the argument, or null
   * @return 0 or a negative errno; {@code -ENOTTY} for a command the driver does not know
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_default")
  default int defaultIoctl(
      File file, @Nullable V4l2Fh fh, boolean validPrio, int cmd, @Nullable IoctlArg<?> arg) {
    return -Errno.ENOTTY;
  }
}
