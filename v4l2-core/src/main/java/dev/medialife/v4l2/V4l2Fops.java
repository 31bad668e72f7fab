package dev.medialife.v4l2;

import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.PollTable;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * The core's file operations of every video node ({@code v4l2_fops}): the registration checks
 * around the driver's {@link V4l2FileOperations}, and the node reference each open file holds.
 */
@KernelSymbol("v4l2_fops")
final class V4l2Fops implements FileOperations {
  /** {@code EPOLLERR | EPOLLHUP | EPOLLPRI}: what poll gives on an unregistered node. */
  static final int POLL_GONE = POLLERR | POLLHUP | POLLPRI;

  final VideoDevice vdev;

  V4l2Fops(VideoDevice vdev) {
    this.vdev = vdev;
  }

  @Override
  @KernelSymbol("v4l2_open")
  public int open(File file) {
    VideoSubsystem s = VideoSubsystem.of(vdev.device().kernel());
    s.videodevLock.lock();
    try {
      if (!vdev.mem().check("v4l2_open") || !vdev.isRegistered()) {
        return -Errno.ENODEV;
      }
      vdev.get();
    } finally {
      s.videodevLock.unlock();
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
    if (vdev.mem().check("v4l2_release")) {
      vdev.fops().release(file);
    }
    vdev.put();
    return 0;
  }

  @Override
  @KernelSymbol("v4l2_ioctl")
  public int ioctl(File file, int cmd, @Nullable IoctlArg<?> arg) {
    if (!vdev.mem().check("v4l2_ioctl") || !vdev.isRegistered()) {
      return -Errno.ENODEV;
    }
    return vdev.fops().unlockedIoctl(file, cmd, arg);
  }

  @Override
  @KernelSymbol("v4l2_poll")
  public int poll(File file, PollTable table) {
    if (!vdev.mem().check("v4l2_poll") || !vdev.isRegistered()) {
      return POLL_GONE;
    }
    return vdev.fops().poll(file, table);
  }

  @Override
  @KernelSymbol("v4l2_read")
  public int read(File file, byte[] buf) {
    if (!vdev.mem().check("v4l2_read") || !vdev.isRegistered()) {
      return -Errno.ENODEV;
    }
    return vdev.fops().read(file, buf);
  }

  @Override
  public String toString() {
    return "v4l2_fops of " + vdev;
  }
}
