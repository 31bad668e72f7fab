package dev.medialife.v4l2.vb2;

import static dev.medialife.v4l2.vb2.Vb2Queue.MEMORY_MMAP;
import static dev.medialife.v4l2.vb2.Vb2Queue.TYPE_VIDEO_CAPTURE;
import static dev.medialife.v4l2.vb2.Vb2Queue.TYPE_VIDEO_OUTPUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.testing.Sanitized;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The videobuf2 pieces mem2mem needs: output timestamps and the copied mark, the hold-capture
 * flag honoured only with the subsystem flag, the MMAP cookie, start_streaming_called, the queued
 * count and done list, and the LAST buffer forced before start_streaming.
 */
@Sanitized
@Timeout(30)
class Vb2M2mSupportTest {
  private final FakeDriver drv = new FakeDriver();

  private Vb2Queue output() {
    Vb2Queue q = new Vb2Queue(TYPE_VIDEO_OUTPUT, Vb2Queue.IO_MMAP, drv, null, 0);
    assertEquals(2, q.reqbufs(TYPE_VIDEO_OUTPUT, MEMORY_MMAP, 2));
    return q;
  }

  private static V4l2Buffer out(int index, long ts, int flags) {
    V4l2Buffer b = new V4l2Buffer(index, TYPE_VIDEO_OUTPUT, MEMORY_MMAP);
    b.timestamp = ts;
    b.flags = flags;
    return b;
  }

  @Test
  void outputQbufTakesTheTimestampAndTheHoldFlagOnlyWhenSupported() {
    Vb2Queue q = output();
    q.setTimestampFlags(V4l2Buffer.FLAG_TIMESTAMP_COPY | 0x1);
    assertEquals(V4l2Buffer.FLAG_TIMESTAMP_COPY, q.timestampFlags());
    assertEquals(0, q.subsystemFlags());
    assertEquals(0, q.qbuf(out(0, 42, V4l2Buffer.FLAG_M2M_HOLD_CAPTURE_BUF)));
    Vb2Buffer vb = Objects.requireNonNull(q.buffer(0));
    assertEquals(42, vb.timestamp());
    assertTrue(vb.copiedTimestamp());
    assertEquals(0, vb.flags() & V4l2Buffer.FLAG_M2M_HOLD_CAPTURE_BUF, "not supported: dropped");
    q.setSubsystemFlags(Vb2Queue.FL_SUPPORTS_M2M_HOLD_CAPTURE_BUF);
    assertEquals(Vb2Queue.FL_SUPPORTS_M2M_HOLD_CAPTURE_BUF, q.subsystemFlags());
    q.setTimestampFlags(0);
    assertEquals(0, q.qbuf(out(1, 43, V4l2Buffer.FLAG_M2M_HOLD_CAPTURE_BUF)));
    Vb2Buffer vb1 = Objects.requireNonNull(q.buffer(1));
    assertFalse(vb1.copiedTimestamp());
    assertEquals(
        V4l2Buffer.FLAG_M2M_HOLD_CAPTURE_BUF, vb1.flags() & V4l2Buffer.FLAG_M2M_HOLD_CAPTURE_BUF);
    V4l2Buffer qb = new V4l2Buffer(1, TYPE_VIDEO_OUTPUT, MEMORY_MMAP);
    assertEquals(0, q.querybuf(qb));
    assertEquals(43, qb.timestamp);
    assertEquals(1 << 12, qb.offset);
    assertEquals(2, q.queuedCount());
    assertFalse(q.startStreamingCalled());
    assertEquals(0, q.streamon(TYPE_VIDEO_OUTPUT));
    assertTrue(q.startStreamingCalled());
    assertFalse(q.hasDone());
    drv.complete(Vb2Buffer.State.DONE);
    assertTrue(q.hasDone());
    vb.setHeld(true);
    assertTrue(vb.isHeld());
    vb.setCopiedTimestamp(false);
    assertFalse(vb.copiedTimestamp());
    vb.setTimestamp(7);
    assertEquals(7, vb.timestamp());
    assertEquals(0, q.streamoff(TYPE_VIDEO_OUTPUT));
    q.queueRelease();
  }

  @Test
  void aLastBufferIsForcedOnlyBeforeStartStreaming() {
    Vb2Queue q = FakeDriver.capture(drv, null, 2);
    assertEquals(3, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 3));
    assertFalse(q.forceLastBufDone(), "nothing queued");
    assertEquals(0, q.streamon(TYPE_VIDEO_CAPTURE));
    assertEquals(0, q.qbuf(new V4l2Buffer(0, TYPE_VIDEO_CAPTURE, MEMORY_MMAP)));
    assertFalse(q.startStreamingCalled());
    assertTrue(q.forceLastBufDone());
    assertFalse(q.forceLastBufDone(), "the only queued buffer is done already");
    V4l2Buffer b = new V4l2Buffer(0, TYPE_VIDEO_CAPTURE, MEMORY_MMAP);
    assertEquals(0, q.dqbuf(b, true));
    assertTrue((b.flags & V4l2Buffer.FLAG_LAST) != 0);
    assertEquals(0, b.bytesused);
    assertTrue(q.lastBufferDequeued());
    q.clearLastBufferDequeued();
    assertEquals(0, q.qbuf(new V4l2Buffer(1, TYPE_VIDEO_CAPTURE, MEMORY_MMAP)));
    assertEquals(0, q.qbuf(new V4l2Buffer(2, TYPE_VIDEO_CAPTURE, MEMORY_MMAP)));
    assertTrue(q.startStreamingCalled());
    assertFalse(q.forceLastBufDone(), "streaming has started");
    q.queueRelease();
  }

  @Test
  void theDescriptorCopiesTheNewFields() {
    V4l2Buffer b = new V4l2Buffer(3, TYPE_VIDEO_OUTPUT, MEMORY_MMAP);
    b.timestamp = 99;
    b.requestFd = 5;
    b.offset = 4096;
    V4l2Buffer c = b.copy();
    assertEquals(99, c.timestamp);
    assertEquals(5, c.requestFd);
    assertEquals(4096, c.offset);
  }
}
