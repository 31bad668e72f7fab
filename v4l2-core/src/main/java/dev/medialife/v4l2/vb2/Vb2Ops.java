package dev.medialife.v4l2.vb2;

import dev.medialife.kernel.meta.KernelSymbol;

/**
 * The driver's queue operations ({@code struct vb2_ops}). The core calls them without any lock of
 * its own held, so a driver may complete buffers from inside them.
 */
@KernelSymbol("vb2_ops")
public interface Vb2Ops {
  /**
   * Negotiates the number of buffers at REQBUFS; called again with the number actually allocated
   * when fewer could be allocated.
   *
   * @param q the queue
   * @param numBuffers the number the core proposes
   * @return the number the driver accepts (it may lower or raise it), or a negative errno
   */
  @KernelSymbol("vb2_ops.queue_setup")
  int queueSetup(Vb2Queue q, int numBuffers);

  /**
   * Gives a buffer to the driver, which owns it (state ACTIVE) until it calls {@link
   * Vb2Buffer#bufferDone}.
   *
   * @param vb the buffer
   */
  @KernelSymbol("vb2_ops.buf_queue")
  void bufQueue(Vb2Buffer vb);

  /**
   * Starts streaming. On failure the driver must give every buffer it owns back with {@link
   * Vb2Buffer.State#QUEUED}; the core warns and does it if the driver does not.
   *
   * @param q the queue
   * @param count the number of buffers already given to the driver
   * @return 0 or a negative errno
   */
  @KernelSymbol("vb2_ops.start_streaming")
  int startStreaming(Vb2Queue q, int count);

  /**
   * Stops streaming: the driver must give every buffer it owns back, as DONE or ERROR, before it
   * returns.
   *
   * @param q the queue
   */
  @KernelSymbol("vb2_ops.stop_streaming")
  void stopStreaming(Vb2Queue q);
}
