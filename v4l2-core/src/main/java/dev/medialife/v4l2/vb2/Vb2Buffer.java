package dev.medialife.v4l2.vb2;

import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;

/**
 * One buffer of a {@link Vb2Queue} ({@code struct vb2_buffer} with {@code struct
 * vb2_v4l2_buffer}), allocated at REQBUFS and freed with the queue's buffers. Its state is changed
 * only by the queue, under the queue's done lock.
 */
@KernelSymbol({"vb2_buffer", "vb2_v4l2_buffer"})
public final class Vb2Buffer {
  /** Buffer states ({@code enum vb2_buffer_state}). */
  @KernelSymbol("vb2_buffer_state")
  public enum State {
    /** Owned by user space: not on the queue. */
    DEQUEUED,
    /** Queued by QBUF, not yet given to the driver. */
    QUEUED,
    /** Owned by the driver. */
    ACTIVE,
    /** Completed, on the done list. */
    DONE,
    /** Completed with an error, on the done list. */
    ERROR
  }

  private final Vb2Queue queue;
  private final int index;
  final Allocation mem;

  /** Written under the queue's done lock. */
  volatile State state = State.DEQUEUED;

  private volatile int flags;
  private volatile int bytesused;
  private volatile int sequence;
  private volatile long timestamp;
  private volatile boolean held;
  private volatile boolean copiedTimestamp;

  Vb2Buffer(Vb2Queue queue, int index, Allocation mem) {
    this.queue = queue;
    this.index = index;
    this.mem = mem;
  }

  /**
   * The queue this buffer belongs to.
   *
   * @return {@code vb->vb2_queue}
   */
  @KernelSymbol("vb2_buffer.vb2_queue")
  public Vb2Queue queue() {
    return queue;
  }

  /**
   * The buffer's index in its queue.
   *
   * @return {@code vb->index}
   */
  @KernelSymbol("vb2_buffer.index")
  public int index() {
    return index;
  }

  /**
   * The buffer's current state.
   *
   * @return {@code vb->state}
   */
  @KernelSymbol("vb2_buffer.state")
  public State state() {
    return state;
  }

  /**
   * The driver-set buffer flags (for example {@link V4l2Buffer#FLAG_LAST}).
   *
   * @return the flags
   */
  @KernelSymbol("vb2_v4l2_buffer.flags")
  public int flags() {
    return flags;
  }

  /**
   * Sets driver flags before completion, for example {@link V4l2Buffer#FLAG_LAST} on the last
   * buffer of a stream.
   *
   * @param flags the flags
   */
  @KernelSymbol("vb2_v4l2_buffer.flags")
  public void setFlags(int flags) {
    this.flags = flags;
  }

  /**
   * The payload.
   *
   * @return bytes used
   */
  @KernelSymbol("vb2_get_plane_payload")
  public int bytesused() {
    return bytesused;
  }

  /**
   * Sets the payload (the driver for capture, QBUF for output).
   *
   * @param bytes bytes used
   */
  @KernelSymbol("vb2_set_plane_payload")
  public void setBytesused(int bytes) {
    this.bytesused = bytes;
  }

  /**
   * The frame sequence number.
   *
   * @return the sequence
   */
  @KernelSymbol("vb2_v4l2_buffer.sequence")
  public int sequence() {
    return sequence;
  }

  /**
   * Sets the frame sequence number.
   *
   * @param sequence the sequence
   */
  @KernelSymbol("vb2_v4l2_buffer.sequence")
  public void setSequence(int sequence) {
    this.sequence = sequence;
  }

  /**
   * The timestamp in nanoseconds: set by QBUF on an output buffer, by the driver (or the m2m
   * metadata copy) on a capture buffer.
   *
   * @return {@code vb->timestamp}
   */
  @KernelSymbol("vb2_buffer.timestamp")
  public long timestamp() {
    return timestamp;
  }

  /**
   * Sets the timestamp.
   *
   * @param ns the timestamp in nanoseconds
   */
  @KernelSymbol("vb2_buffer.timestamp")
  public void setTimestamp(long ns) {
    this.timestamp = ns;
  }

  /**
   * Whether the timestamp was copied from an output buffer (QBUF on a {@link
   * V4l2Buffer#FLAG_TIMESTAMP_COPY} output queue, or the m2m metadata copy).
   *
   * @return {@code vb->copied_timestamp}
   */
  @KernelSymbol("vb2_buffer.copied_timestamp")
  public boolean copiedTimestamp() {
    return copiedTimestamp;
  }

  /**
   * Sets whether the timestamp was copied.
   *
   * @param copied the new value
   */
  @KernelSymbol("vb2_buffer.copied_timestamp")
  public void setCopiedTimestamp(boolean copied) {
    this.copiedTimestamp = copied;
  }

  /**
   * Whether an m2m stateless decoder holds this capture buffer for the next slice of a frame.
   *
   * @return {@code vbuf->is_held}
   */
  @KernelSymbol("vb2_v4l2_buffer.is_held")
  public boolean isHeld() {
    return held;
  }

  /**
   * Marks the buffer held or not.
   *
   * @param held whether it is held
   */
  @KernelSymbol("vb2_v4l2_buffer.is_held")
  public void setHeld(boolean held) {
    this.held = held;
  }

  /**
   * Gives a buffer the driver owns back to the core ({@code vb2_buffer_done}). {@link State#DONE}
   * and {@link State#ERROR} put it on the done list and wake DQBUF and poll sleepers; {@link
   * State#QUEUED} is only for a failing {@code start_streaming}. Completing a buffer the driver
   * does not own (twice, or never queued) is reported and ignored.
   *
   * <p>Context: any context; does not sleep.
   *
   * @param state DONE, ERROR or QUEUED; anything else is reported and becomes ERROR
   */
  @KernelSymbol("vb2_buffer_done")
  public void bufferDone(State state) {
    queue.bufferDone(this, state);
  }

  @Override
  @JavaOnly("diagnostic")
  public String toString() {
    return "vb2_buffer " + index + " " + state;
  }
}
