package dev.medialife.v4l2.uapi;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.KernelSymbol;

/**
 * An {@code int} argument: of STREAMON and STREAMOFF (the buffer type), G_INPUT and S_INPUT (the
 * input index).
 */
@KernelSymbol("int")
public final class V4l2Int implements IoctlArg<V4l2Int> {
  /** {@code sizeof(int)}, as in the command number. */
  public static final int SIZE = 4;

  /** The value. */
  public int value;

  /** An all-zero struct. */
  @KernelSymbol("int")
  public V4l2Int() {}

  /**
   * An argument with a value.
   *
   * @param value the value
   */
  @KernelSymbol("int")
  public V4l2Int(int value) {
    this.value = value;
  }

  @Override
  @KernelSymbol("copy_from_user")
  public V4l2Int copy() {
    V4l2Int c = new V4l2Int();
    c.copyFrom(this);
    return c;
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(V4l2Int o) {
    value = o.value;
  }
}
