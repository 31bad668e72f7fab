package dev.medialife.v4l2.uapi;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.KernelSymbol;

/**
 * {@code struct v4l2_requestbuffers}, the argument of REQBUFS: count in, the allocated count out.
 */
@KernelSymbol("v4l2_requestbuffers")
public final class V4l2Requestbuffers implements IoctlArg<V4l2Requestbuffers> {
  /** {@code sizeof(struct v4l2_requestbuffers)}, as in the command number. */
  public static final int SIZE = 20;

  /** {@code count}: requested, then allocated (unsigned). */
  public int count;

  /** {@code type}: a {@code V4L2_BUF_TYPE_*} value. */
  public int type;

  /** {@code memory}: a {@code V4L2_MEMORY_*} value. */
  public int memory;

  /** {@code capabilities}: {@code V4L2_BUF_CAP_*}, filled by the core. */
  public int capabilities;

  /** An all-zero struct. */
  @KernelSymbol("v4l2_requestbuffers")
  public V4l2Requestbuffers() {}

  @Override
  @KernelSymbol("copy_from_user")
  public V4l2Requestbuffers copy() {
    V4l2Requestbuffers c = new V4l2Requestbuffers();
    c.copyFrom(this);
    return c;
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(V4l2Requestbuffers o) {
    count = o.count;
    type = o.type;
    memory = o.memory;
    capabilities = o.capabilities;
  }
}
