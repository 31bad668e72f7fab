package dev.medialife.driver;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.KernelSymbol;

/**
 * A character device's file operations ({@code struct file_operations}). Every operation is
 * optional; the defaults are the kernel's answers when the pointer is NULL.
 */
@KernelSymbol("file_operations")
public interface FileOperations {
  /** Readable without blocking. */
  @KernelSymbol("EPOLLIN")
  int POLLIN = 0x0001;

  /** Urgent or priority data (V4L2 events). */
  @KernelSymbol("EPOLLPRI")
  int POLLPRI = 0x0002;

  /** Writable without blocking. */
  @KernelSymbol("EPOLLOUT")
  int POLLOUT = 0x0004;

  /** Error condition. */
  @KernelSymbol("EPOLLERR")
  int POLLERR = 0x0008;

  /** Hang-up: the device is gone. */
  @KernelSymbol("EPOLLHUP")
  int POLLHUP = 0x0010;

  /** Normal data readable. */
  @KernelSymbol("EPOLLRDNORM")
  int POLLRDNORM = 0x0040;

  /** Normal data writable. */
  @KernelSymbol("EPOLLWRNORM")
  int POLLWRNORM = 0x0100;

  /** What poll reports for a file without a poll operation. */
  @KernelSymbol("DEFAULT_POLLMASK")
  int DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

  /**
   * Optional. Opens the file; may set {@link File#setPrivateData}.
   *
   * <p>Context: process context; may sleep.
   *
   * @param file the new file
   * @return 0 or a negative errno, which fails the open
   */
  @KernelSymbol("file_operations.open")
  default int open(File file) {
    return 0;
  }

  /**
   * Optional. Releases the file at its last close; always called, even after the device is gone.
   *
   * <p>Context: process context; may sleep.
   *
   * @param file the file
   * @return ignored by the close path, as in the kernel
   */
  @KernelSymbol("file_operations.release")
  default int release(File file) {
    return 0;
  }

  /**
   * Optional. Handles an ioctl on a private copy of the argument; the copy goes back to the
   * caller only if this returns 0.
   *
   * <p>Context: process context; may sleep.
   *
   * @param file the file
   * @param cmd the command number
   * @param arg the copied-in argument, or null for commands without one
   * @return 0 or a non-negative value, or a negative errno; {@code -ENOIOCTLCMD} means "not mine"
   *     and reaches userspace as {@code -ENOTTY}
   */
  @KernelSymbol({"file_operations.unlocked_ioctl", "vfs_ioctl"})
  default int ioctl(File file, int cmd, @org.jspecify.annotations.Nullable IoctlArg<?> arg) {
    return -Errno.ENOIOCTLCMD;
  }

  /**
   * Optional. Reports readiness and registers the wait queues a sleeping poll waits on.
   *
   * <p>Context: process context; must not sleep.
   *
   * @param file the file
   * @param table where to register wait queues
   * @return a mask of POLL* bits
   */
  @KernelSymbol("file_operations.poll")
  default int poll(File file, PollTable table) {
    return DEFAULT_POLLMASK;
  }

  /**
   * Optional. Reads into {@code buf}.
   *
   * <p>Context: process context; may sleep.
   *
   * @param file the file
   * @param buf the destination
   * @return bytes read, or a negative errno
   */
  @KernelSymbol("file_operations.read")
  default int read(File file, byte[] buf) {
    return -Errno.EINVAL;
  }
}
