package dev.medialife.v4l2;

import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.v4l2.uapi.V4l2SubdevFormat;
import dev.medialife.v4l2.uapi.V4l2SubdevMbusCodeEnum;
import org.jspecify.annotations.Nullable;

/**
 * A sub-device driver's pad operations ({@code struct v4l2_subdev_pad_ops}), the ones the node's
 * format ioctls reach. Each is optional: a missing one makes {@code v4l2_subdev_call} answer
 * {@code -ENOIOCTLCMD} before any argument check, which the ioctl path turns into {@code
 * -ENOTTY}. The core checks {@code which}, {@code pad} and the state before calling them (the
 * {@code v4l2_subdev_call_wrappers}), so an operation sees only a valid pad and, for TRY, a state
 * with pad formats; for ACTIVE the state is the sub-device's active state, null if it has none.
 */
@KernelSymbol("v4l2_subdev_pad_ops")
public final class V4l2SubdevPadOps {
  /** {@code get_fmt} and {@code set_fmt}. */
  @FunctionalInterface
  @KernelSymbol("v4l2_subdev_pad_ops.get_fmt")
  public interface FmtOp {
    /**
     * Reads or applies a pad format.
     *
     * @param sd the sub-device
     * @param state the TRY state of the file, or the active state (null if none)
     * @param format the argument, adjusted in place by set_fmt
     * @return 0 or a negative errno
     */
    @KernelSymbol({"v4l2_subdev_pad_ops.get_fmt", "v4l2_subdev_pad_ops.set_fmt"})
    int call(V4l2Subdev sd, @Nullable V4l2SubdevState state, V4l2SubdevFormat format);
  }

  /** {@code enum_mbus_code}. */
  @FunctionalInterface
  @KernelSymbol("v4l2_subdev_pad_ops.enum_mbus_code")
  public interface MbusCodeOp {
    /**
     * Fills {@code code.code} for {@code code.index}, or {@code -EINVAL} past the last.
     *
     * @param sd the sub-device
     * @param state the TRY state of the file, or the active state (null if none)
     * @param code the argument
     * @return 0 or a negative errno
     */
    @KernelSymbol("v4l2_subdev_pad_ops.enum_mbus_code")
    int call(V4l2Subdev sd, @Nullable V4l2SubdevState state, V4l2SubdevMbusCodeEnum code);
  }

  private final @Nullable FmtOp getFmt;
  private final @Nullable FmtOp setFmt;
  private final @Nullable MbusCodeOp enumMbusCode;

  /**
   * A table; any entry may be null.
   *
   * @param getFmt {@code get_fmt}
   * @param setFmt {@code set_fmt}
   * @param enumMbusCode {@code enum_mbus_code}
   */
  @KernelSymbol("v4l2_subdev_pad_ops")
  public V4l2SubdevPadOps(
      @Nullable FmtOp getFmt, @Nullable FmtOp setFmt, @Nullable MbusCodeOp enumMbusCode) {
    this.getFmt = getFmt;
    this.setFmt = setFmt;
    this.enumMbusCode = enumMbusCode;
  }

  /**
   * The get_fmt entry.
   *
   * @return the operation, or null
   */
  @KernelSymbol("v4l2_subdev_pad_ops.get_fmt")
  public @Nullable FmtOp getFmt() {
    return getFmt;
  }

  /**
   * The set_fmt entry.
   *
   * @return the operation, or null
   */
  @KernelSymbol("v4l2_subdev_pad_ops.set_fmt")
  public @Nullable FmtOp setFmt() {
    return setFmt;
  }

  /**
   * The enum_mbus_code entry.
   *
   * @return the operation, or null
   */
  @KernelSymbol("v4l2_subdev_pad_ops.enum_mbus_code")
  public @Nullable MbusCodeOp enumMbusCode() {
    return enumMbusCode;
  }
}
