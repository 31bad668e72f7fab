package dev.medialife.v4l2;

import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.PollTable;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * A video device driver's file operations ({@code struct v4l2_file_operations}). The core's
 * wrappers ({@code v4l2_open}, {@code v4l2_ioctl}…) call them only while the node is registered.
 * Every operation is optional; the defaults are what the core does when the pointer is NULL,
 * except ioctl, whose default is the standard dispatcher {@link V4l2Ioctl#videoIoctl2}.
 */
@KernelSymbol("v4l2_file_operations")
public interface V4l2FileOperations {
  /**
   * Optional. Opens a file; typically {@link V4l2Fh#open} plus the driver's per-open state.
   *
   * @param file the new file
   * @return 0 or a negative errno
   */
  @KernelSymbol("v4l2_file_operations.open")
  default int open(File file) {
    return 0;
  }

  /**
   * Optional. Releases a file at its last close; runs even after unregistration.
   *
   * @param file the file
   * @return ignored
   */
  @KernelSymbol("v4l2_file_operations.release")
  default int release(File file) {
    return 0;
  }

  /**
   * Optional. Handles an ioctl on a registered node; the default is {@code video_ioctl2}: the
   * device lock, the registration re-check and the dispatch to the ioctl ops.
   *
   * @param file the file
   * @param cmd the command
   * @param arg the copied-in argument, or null
   * @return 0 or a negative errno
   */
  @KernelSymbol("v4l2_file_operations.unlocked_ioctl")
  default int unlockedIoctl(File file, int cmd, @Nullable IoctlArg<?> arg) {
    return V4l2Ioctl.videoIoctl2(file, cmd, arg);
  }

  /**
   * Optional. Polls a registered node; should register the file handle's wait queue.
   *
   * @param file the file
   * @param table the poll table
   * @return the ready mask
   */
  @KernelSymbol("v4l2_file_operations.poll")
  default int poll(File file, PollTable table) {
    return FileOperations.DEFAULT_POLLMASK;
  }

  /**
   * Optional. Reads from a registered node.
   *
   * @param file the file
   * @param buf the destination
   * @return bytes read or a negative errno
   */
  @KernelSymbol("v4l2_file_operations.read")
  default int read(File file, byte[] buf) {
    return -Errno.EINVAL;
  }
}
