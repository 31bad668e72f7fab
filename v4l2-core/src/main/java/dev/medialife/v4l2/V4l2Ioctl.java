package dev.medialife.v4l2;

import dev.medialife.driver.BusType;
import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.Videodev2;
import org.jspecify.annotations.Nullable;

/**
 * The ioctl dispatcher of v4l2-ioctl.c ({@code video_ioctl2} and {@code __video_do_ioctl}): takes
 * the device lock interruptibly, re-checks registration under it, then runs the core's handler
 * for the commands it knows (VIDIOC_QUERYCAP) and the driver's {@code vidioc_default} for the
 * rest.
 */
@KernelSymbol("v4l2-ioctl.c")
public final class V4l2Ioctl {
  /** {@code LINUX_VERSION_CODE} of the modelled kernel: 6.12.0. */
  @KernelSymbol("LINUX_VERSION_CODE")
  public static final int LINUX_VERSION_CODE = (6 << 16) | (12 << 8);

  private V4l2Ioctl() {}

  /**
   * {@code video_ioctl2}: the default unlocked_ioctl of a V4L2 driver.
   *
   * <p>Context: process context; may sleep (the device lock).
   *
   * @param file the file
   * @param cmd the command
   * @param arg the copied-in argument, or null
   * @return the handler's result, {@code -ERESTARTSYS} when the lock wait is interrupted, {@code
   *     -ENODEV} when the node was unregistered meanwhile, {@code -ENOTTY} for an unknown command
   *     or one the driver does not handle, {@code -EFAULT} for a missing argument
   */
  @KernelSymbol({"video_ioctl2", "__video_do_ioctl"})
  public static int videoIoctl2(File file, int cmd, @Nullable IoctlArg<?> arg) {
    VideoDevice vdev = VideoDevice.devdata(file);
    V4l2Fh vfh = null;
    if (vdev.usesV4l2Fh() && file.privateData(Object.class) instanceof V4l2Fh fh) {
      vfh = fh;
    }
    Mutex lock = vdev.lock();
    RaceWindow.at(VideoDevice.WINDOW_IOCTL_LOCK);
    if (lock != null && lock.lockInterruptible() != 0) {
      return -Errno.ERESTARTSYS;
    }
    try {
      if (!vdev.isRegistered()) {
        return -Errno.ENODEV;
      }
      V4l2IoctlOps ops = vdev.ioctlOps();
      if (ops == null) {
        return -Errno.ENOTTY;
      }
      if (cmd == Videodev2.VIDIOC_QUERYCAP) {
        if (!(arg instanceof V4l2Capability cap)) {
          return -Errno.EFAULT;
        }
        return querycap(ops, file, vfh, vdev, cap);
      }
      boolean validPrio = vfh != null && vdev.prio().check(vfh.prio()) >= 0;
      return ops.defaultIoctl(file, vfh, validPrio, cmd, arg);
    } finally {
      if (lock != null) {
        lock.unlock();
      }
    }
  }

  /** {@code v4l_querycap}. */
  private static int querycap(
      V4l2IoctlOps ops, File file, @Nullable V4l2Fh fh, VideoDevice vdev, V4l2Capability cap) {
    int caps = vdev.deviceCaps();
    int need = caps | Videodev2.V4L2_CAP_DEVICE_CAPS;
    cap.version = LINUX_VERSION_CODE;
    cap.deviceCaps = caps;
    cap.capabilities = need;
    cap.busInfo = busInfo(vdev.devParent());
    int ret = ops.querycap(file, fh, cap);
    Warn.on(cap.deviceCaps != caps, vdev + ": the driver changed device_caps");
    Warn.on((cap.capabilities & need) != need, vdev + ": capabilities lack device_caps");
    cap.capabilities |= Videodev2.V4L2_CAP_EXT_PIX_FORMAT;
    cap.deviceCaps |= Videodev2.V4L2_CAP_EXT_PIX_FORMAT;
    return ret;
  }

  /** {@code media_set_bus_info}: "bus:device" of the parent, cut to 31 characters. */
  private static String busInfo(@Nullable Device parent) {
    if (parent == null) {
      return "";
    }
    BusType b = parent.bus();
    String s = (b == null ? "" : b.name() + ":") + parent.name();
    return s.length() > 31 ? s.substring(0, 31) : s;
  }
}
