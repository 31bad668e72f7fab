package dev.medialife.drivers.hantro;

import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.m2m.V4l2M2mCtx;
import dev.medialife.m2m.V4l2M2mQueueCtx;
import dev.medialife.v4l2.V4l2Fh;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Buffer;
import dev.medialife.v4l2.vb2.Vb2Ops;
import dev.medialife.v4l2.vb2.Vb2Queue;
import org.jspecify.annotations.Nullable;

/**
 * One open file of a decoder node ({@code struct hantro_ctx}): the core that owns it ({@code
 * ctx->dev}, whatever scheduler runs its jobs), its mem2mem context with the coded (output) and
 * decoded (capture) queues, and the two formats.
 *
 * <p>The queues use the core's {@code vpu_mutex} as their lock, as Hantro does. The context is
 * the scheduler's {@code priv}: {@code device_run} receives it and programs {@link #dev}.
 */
@KernelSymbol("hantro_ctx")
final class HantroCtx implements Vb2Ops {
  final HantroDev dev;
  final Allocation mem;
  final V4l2Fh fh;
  final Vb2Queue out;
  final Vb2Queue cap;
  final V4l2Format srcFmt = new V4l2Format();
  final V4l2Format dstFmt = new V4l2Format();
  volatile HantroCodec codec;
  private volatile @Nullable V4l2M2mCtx m2m;

  HantroCtx(HantroDev dev, Allocation mem, V4l2Fh fh) {
    this.dev = dev;
    this.mem = mem;
    this.fh = fh;
    this.out = new Vb2Queue(Vb2Queue.TYPE_VIDEO_OUTPUT, Vb2Queue.IO_MMAP, this, dev.vpuMutex, 0);
    this.cap = new Vb2Queue(Vb2Queue.TYPE_VIDEO_CAPTURE, Vb2Queue.IO_MMAP, this, dev.vpuMutex, 0);
    out.setTimestampFlags(V4l2Buffer.FLAG_TIMESTAMP_COPY);
    cap.setTimestampFlags(V4l2Buffer.FLAG_TIMESTAMP_COPY);
    this.codec = dev.variant.codecs().get(0);
    resetFmts();
  }

  /** {@code hantro_reset_fmts}: the default coded format at the smallest size, NV12 to match. */
  @KernelSymbol("hantro_reset_fmts")
  void resetFmts() {
    srcFmt.type = Vb2Queue.TYPE_VIDEO_OUTPUT;
    srcFmt.pixelformat = codec.fourcc();
    srcFmt.width = HantroCodec.MIN_SIDE;
    srcFmt.height = HantroCodec.MIN_SIDE;
    srcFmt.bytesperline = 0;
    srcFmt.sizeimage = HantroCodec.MIN_SIDE * HantroCodec.MIN_SIDE * 3 / 2;
    rawFromCoded();
  }

  /** {@code hantro_reset_raw_fmt}: the decoded format follows the coded size. */
  void rawFromCoded() {
    dstFmt.type = Vb2Queue.TYPE_VIDEO_CAPTURE;
    dstFmt.pixelformat = HantroCodec.NV12;
    dstFmt.width = srcFmt.width;
    dstFmt.height = srcFmt.height;
    dstFmt.bytesperline = srcFmt.width;
    dstFmt.sizeimage = srcFmt.width * srcFmt.height * 3 / 2;
  }

  void setM2m(V4l2M2mCtx c) {
    m2m = c;
  }

  @Nullable V4l2M2mCtx m2mOrNull() {
    return m2m;
  }

  V4l2M2mCtx m2m() {
    V4l2M2mCtx c = m2m;
    if (c == null) {
      throw new IllegalStateException("hantro context used before v4l2_m2m_ctx_init");
    }
    return c;
  }

  @Override
  public int queueSetup(Vb2Queue q, int numBuffers) {
    return numBuffers;
  }

  @Override
  public void bufQueue(Vb2Buffer vb) {
    m2m().bufQueue(vb);
  }

  @Override
  public int startStreaming(Vb2Queue q, int count) {
    m2m().updateStartStreamingState(q);
    return 0;
  }

  /** {@code hantro_stop_streaming}: every buffer the driver holds goes back in ERROR. */
  @Override
  public void stopStreaming(Vb2Queue q) {
    V4l2M2mQueueCtx side = Vb2Queue.typeIsOutput(q.type()) ? m2m().outQ() : m2m().capQ();
    for (Vb2Buffer vb = side.bufRemove(); vb != null; vb = side.bufRemove()) {
      vb.bufferDone(Vb2Buffer.State.ERROR);
    }
    m2m().updateStopStreamingState(q);
  }

  @Override
  public String toString() {
    return "hantro ctx of " + dev.name();
  }
}
