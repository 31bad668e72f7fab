package dev.medialife.v4l2.vb2;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.KernelSymbol;

/**
 * The user's buffer descriptor ({@code struct v4l2_buffer}) passed to QUERYBUF, QBUF and DQBUF:
 * the caller fills {@code index}, {@code type} and {@code memory}; the core fills the rest.
 */
@KernelSymbol("v4l2_buffer")
public final class V4l2Buffer implements IoctlArg<V4l2Buffer> {
  /** {@code sizeof(struct v4l2_buffer)} on 64-bit, as in the QUERYBUF, QBUF and DQBUF numbers. */
  public static final int SIZE = 88;

  /** {@code V4L2_BUF_FLAG_MAPPED}. */
  @KernelSymbol("V4L2_BUF_FLAG_MAPPED")
  public static final int FLAG_MAPPED = 0x1;

  /** {@code V4L2_BUF_FLAG_QUEUED}: the buffer is on the queue (queued or owned by the driver). */
  @KernelSymbol("V4L2_BUF_FLAG_QUEUED")
  public static final int FLAG_QUEUED = 0x2;

  /** {@code V4L2_BUF_FLAG_DONE}: the buffer is completed and waits to be dequeued. */
  @KernelSymbol("V4L2_BUF_FLAG_DONE")
  public static final int FLAG_DONE = 0x4;

  /** {@code V4L2_BUF_FLAG_ERROR}: the buffer was completed with an error. */
  @KernelSymbol("V4L2_BUF_FLAG_ERROR")
  public static final int FLAG_ERROR = 0x40;

  /** {@code V4L2_BUF_FLAG_LAST}: the last buffer of the stream; DQBUF then gives -EPIPE. */
  @KernelSymbol("V4L2_BUF_FLAG_LAST")
  public static final int FLAG_LAST = 0x100000;

  /** {@code V4L2_BUF_FLAG_IN_REQUEST}: the buffer was queued into a request. */
  @KernelSymbol("V4L2_BUF_FLAG_IN_REQUEST")
  public static final int FLAG_IN_REQUEST = 0x80;

  /**
   * {@code V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF}: on an output buffer of a stateless decoder, the
   * capture buffer is kept for the next slice of the same frame.
   */
  @KernelSymbol("V4L2_BUF_FLAG_M2M_HOLD_CAPTURE_BUF")
  public static final int FLAG_M2M_HOLD_CAPTURE_BUF = 0x200;

  /** {@code V4L2_BUF_FLAG_TIMESTAMP_MASK}: the timestamp-type bits. */
  @KernelSymbol("V4L2_BUF_FLAG_TIMESTAMP_MASK")
  public static final int FLAG_TIMESTAMP_MASK = 0xe000;

  /** {@code V4L2_BUF_FLAG_TIMESTAMP_COPY}: capture timestamps are copied from output buffers. */
  @KernelSymbol("V4L2_BUF_FLAG_TIMESTAMP_COPY")
  public static final int FLAG_TIMESTAMP_COPY = 0x4000;

  /** {@code V4L2_BUF_FLAG_REQUEST_FD}: {@link #requestFd} is valid. */
  @KernelSymbol("V4L2_BUF_FLAG_REQUEST_FD")
  public static final int FLAG_REQUEST_FD = 0x800000;

  /** The buffer index. */
  public int index;

  /** The buffer type, a {@code V4L2_BUF_TYPE_*} value. */
  public int type;

  /** The memory type, a {@code V4L2_MEMORY_*} value. */
  public int memory;

  /** The {@code V4L2_BUF_FLAG_*} flags. */
  public int flags;

  /** The payload in bytes. */
  public int bytesused;

  /** The frame sequence number. */
  public int sequence;

  /** The timestamp in nanoseconds ({@code struct timeval timestamp}, kept as one number). */
  public long timestamp;

  /** The MMAP cookie ({@code m.offset}) QUERYBUF reports for an MMAP buffer. */
  public int offset;

  /** The request file descriptor, valid with {@link #FLAG_REQUEST_FD}. */
  public int requestFd;

  /**
   * A descriptor for a buffer.
   *
   * @param index the buffer index
   * @param type the buffer type
   * @param memory the memory type
   */
  @KernelSymbol("v4l2_buffer")
  public V4l2Buffer(int index, int type, int memory) {
    this.index = index;
    this.type = type;
    this.memory = memory;
  }

  @Override
  @KernelSymbol("copy_from_user")
  public V4l2Buffer copy() {
    V4l2Buffer c = new V4l2Buffer(index, type, memory);
    c.copyFrom(this);
    return c;
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(V4l2Buffer o) {
    index = o.index;
    type = o.type;
    memory = o.memory;
    flags = o.flags;
    bytesused = o.bytesused;
    sequence = o.sequence;
    timestamp = o.timestamp;
    requestFd = o.requestFd;
    offset = o.offset;
  }
}
