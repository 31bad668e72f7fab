package dev.medialife.v4l2.uapi;

import dev.medialife.kernel.meta.KernelSymbol;

/** {@code enum v4l2_priority}: the access priority of a file handle. */
@KernelSymbol("v4l2_priority")
public enum V4l2Priority {
  /** {@code V4L2_PRIORITY_UNSET}: not counted. */
  UNSET(0),
  /** {@code V4L2_PRIORITY_BACKGROUND}. */
  BACKGROUND(1),
  /** {@code V4L2_PRIORITY_INTERACTIVE}, the default. */
  INTERACTIVE(2),
  /** {@code V4L2_PRIORITY_RECORD}: exclusive. */
  RECORD(3);

  /** {@code V4L2_PRIORITY_DEFAULT}. */
  @KernelSymbol("V4L2_PRIORITY_DEFAULT")
  public static final V4l2Priority DEFAULT = INTERACTIVE;

  private final int value;

  V4l2Priority(int value) {
    this.value = value;
  }

  /**
   * The uapi value.
   *
   * @return 0 to 3
   */
  @KernelSymbol("v4l2_priority")
  public int value() {
    return value;
  }

  /**
   * Whether a file handle with this priority is counted ({@code prio_is_valid}).
   *
   * @return true for BACKGROUND, INTERACTIVE and RECORD
   */
  @KernelSymbol("prio_is_valid")
  public boolean isValid() {
    return this != UNSET;
  }
}
