package dev.medialife.v4l2;

import dev.medialife.driver.DevT;
import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.PollTable;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * The core's file operations of every video node ({@code v4l2_fops}), one table per kernel: the
 * node is found by the file's minor in {@code video_devices[]} (never through the cdev, which may
 * outlive it), the registration checks wrap the driver's {@link V4l2FileOperations}, and each open
 * file holds a node reference, which keeps the slot.
 */
@KernelSymbol("v4l2_fops")
final class V4l2Fops implements FileOperations {
  /** {@code EPOLLERR | EPOLLHUP | EPOLLPRI}: what poll gives on an unregistered node. */
  static final int POLL_GONE = POLLERR | POLLHUP | POLLPRI;

  final VideoSubsystem subsys;

  V4l2Fops(VideoSubsystem subsys) {
    this.subsys = subsys;
  }

  /** {@code video_devdata}: the slot of the file's minor. */
  @Nullable VideoDevice devdata(File file) {
    return subsys.lookup(DevT.minor(file.devt()));
  }

  @Override
  @KernelSymbol("v4l2_open")
  public int open(File file) {
    VideoDevice vdev;
    subsys.videodevLock.lock();
    try {
      vdev = devdata(file);
      if (vdev == null || !vdev.isRegistered()) {
        return -Errno.ENODEV;
      }
      vdev.get();
    } finally {
      subsys.videodevLock.unlock();
    }
    RaceWindow.at(VideoDevice.WINDOW_OPEN);
    int ret = vdev.isRegistered() ? vdev.fops().open(file) : -Errno.ENODEV;
    if (ret != 0) {
      vdev.put();
    }
    return ret;
  }

  @Override
  @KernelSymbol("v4l2_release")
  public int release(File file) {
    VideoDevice vdev = devdata(file);
    if (vdev == null) {
      Warn.warn("v4l2_release of " + file + " without a video device");
      return 0;
    }
    // Always, as in the kernel: on freed memory KASAN reports and the call goes on.
    vdev.mem().check("v4l2_release");
    vdev.fops().release(file);
    vdev.put();
    return 0;
  }

  @Override
  @KernelSymbol("v4l2_ioctl")
  public int ioctl(File file, int cmd, @Nullable IoctlArg<?> arg) {
    VideoDevice vdev = devdata(file);
    if (vdev == null || !vdev.mem().check("v4l2_ioctl") || !vdev.isRegistered()) {
      return -Errno.ENODEV;
    }
    return vdev.fops().unlockedIoctl(file, cmd, arg);
  }

  @Override
  @KernelSymbol("v4l2_poll")
  public int poll(File file, PollTable table) {
    VideoDevice vdev = devdata(file);
    if (vdev == null || !vdev.mem().check("v4l2_poll") || !vdev.isRegistered()) {
      return POLL_GONE;
    }
    return vdev.fops().poll(file, table);
  }

  @Override
  @KernelSymbol("v4l2_read")
  public int read(File file, byte[] buf) {
    VideoDevice vdev = devdata(file);
    if (vdev == null || !vdev.mem().check("v4l2_read") || !vdev.isRegistered()) {
      return -Errno.ENODEV;
    }
    return vdev.fops().read(file, buf);
  }

  @Override
  public String toString() {
    return "v4l2_fops";
  }
}
