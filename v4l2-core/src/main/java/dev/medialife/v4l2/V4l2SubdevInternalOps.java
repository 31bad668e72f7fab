package dev.medialife.v4l2;

import dev.medialife.driver.File;
import dev.medialife.kernel.meta.KernelSymbol;

/**
 * A sub-device driver's internal operations ({@code struct v4l2_subdev_internal_ops}), called by
 * the core only. Every operation is optional; the defaults do nothing and succeed.
 */
@KernelSymbol("v4l2_subdev_internal_ops")
public interface V4l2SubdevInternalOps {
  /**
   * Optional. Called by {@link V4l2Device#registerSubdev} once the sub-device is registered; an
   * error undoes the registration.
   *
   * @param sd the sub-device
   * @return 0 or a negative errno
   */
  @KernelSymbol("v4l2_subdev_internal_ops.registered")
  default int registered(V4l2Subdev sd) {
    return 0;
  }

  /**
   * Optional. Called by {@link V4l2Device#unregisterSubdev} after the sub-device left the list.
   *
   * @param sd the sub-device
   */
  @KernelSymbol("v4l2_subdev_internal_ops.unregistered")
  default void unregistered(V4l2Subdev sd) {}

  /**
   * Optional. Called when the sub-device node is opened.
   *
   * @param sd the sub-device
   * @param file the new file
   * @return 0 or a negative errno, which fails the open
   */
  @KernelSymbol("v4l2_subdev_internal_ops.open")
  default int open(V4l2Subdev sd, File file) {
    return 0;
  }

  /**
   * Optional. Called at the last close of a file of the sub-device node.
   *
   * @param sd the sub-device
   * @param file the file
   */
  @KernelSymbol("v4l2_subdev_internal_ops.close")
  default void close(V4l2Subdev sd, File file) {}

  /**
   * Optional. Called when the last reference to the sub-device (its entity's) goes: the driver
   * frees its memory here.
   *
   * @param sd the sub-device
   */
  @KernelSymbol("v4l2_subdev_internal_ops.release")
  default void release(V4l2Subdev sd) {}

  /**
   * Optional. Initialises a new state, the active one or a file's TRY one, with the lock held
   * ({@code init_state}, 6.8 and later; {@code pad->init_cfg} before). An error other than
   * {@code -ENOIOCTLCMD} fails the allocation: the open, or {@link V4l2Subdev#initFinalize()}.
   *
   * @param sd the sub-device
   * @param state the new state
   * @return 0 or a negative errno
   */
  @KernelSymbol("v4l2_subdev_internal_ops.init_state")
  default int initState(V4l2Subdev sd, V4l2SubdevState state) {
    return 0;
  }
}
