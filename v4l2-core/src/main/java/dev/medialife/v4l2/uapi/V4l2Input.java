package dev.medialife.v4l2.uapi;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.KernelSymbol;

/** {@code struct v4l2_input}, the argument of ENUMINPUT. */
@KernelSymbol("v4l2_input")
public final class V4l2Input implements IoctlArg<V4l2Input> {
  /** {@code sizeof(struct v4l2_input)}, as in the command number. */
  public static final int SIZE = 80;

  /** {@code index}: which input, from 0. */
  public int index;

  /** {@code name[32]}. */
  public String name = "";

  /** {@code type}: {@code V4L2_INPUT_TYPE_*}. */
  public int type;

  /** {@code audioset}. */
  public int audioset;

  /** {@code tuner}: the tuner index of a tuner input. */
  public int tuner;

  /** {@code status}: {@code V4L2_IN_ST_*}. */
  public int status;

  /** An all-zero struct. */
  @KernelSymbol("v4l2_input")
  public V4l2Input() {}

  @Override
  @KernelSymbol("copy_from_user")
  public V4l2Input copy() {
    V4l2Input c = new V4l2Input();
    c.copyFrom(this);
    return c;
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(V4l2Input o) {
    index = o.index;
    name = o.name;
    type = o.type;
    audioset = o.audioset;
    tuner = o.tuner;
    status = o.status;
  }
}
