package dev.medialife.v4l2.uapi;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.KernelSymbol;

/** {@code struct v4l2_tuner}, the argument of G_TUNER. */
@KernelSymbol("v4l2_tuner")
public final class V4l2Tuner implements IoctlArg<V4l2Tuner> {
  /** {@code sizeof(struct v4l2_tuner)}, as in the command number. */
  public static final int SIZE = 84;

  /** {@code index}: which tuner. */
  public int index;

  /** {@code name[32]}. */
  public String name = "";

  /** {@code type}: {@code V4L2_TUNER_*}. */
  public int type;

  /** {@code rangelow}. */
  public int rangelow;

  /** {@code rangehigh}. */
  public int rangehigh;

  /** {@code signal}: the signal strength. */
  public int signal;

  /** An all-zero struct. */
  @KernelSymbol("v4l2_tuner")
  public V4l2Tuner() {}

  @Override
  @KernelSymbol("copy_from_user")
  public V4l2Tuner copy() {
    V4l2Tuner c = new V4l2Tuner();
    c.copyFrom(this);
    return c;
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(V4l2Tuner o) {
    index = o.index;
    name = o.name;
    type = o.type;
    rangelow = o.rangelow;
    rangehigh = o.rangehigh;
    signal = o.signal;
  }
}
