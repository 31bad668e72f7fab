package dev.medialife.v4l2.vb2;

import static dev.medialife.v4l2.vb2.Vb2Queue.MEMORY_MMAP;
import static dev.medialife.v4l2.vb2.Vb2Queue.TYPE_VIDEO_CAPTURE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.FileOperations;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Non-blocking streaming: states, flags, poll, cancel, start failures and the invariant. */
@Sanitized
@Timeout(30)
class Vb2StreamingTest {
  private static final int READABLE = FileOperations.POLLIN | FileOperations.POLLRDNORM;

  private final FakeDriver drv = new FakeDriver();

  private static V4l2Buffer cap(int index) {
    return new V4l2Buffer(index, TYPE_VIDEO_CAPTURE, MEMORY_MMAP);
  }

  private static Vb2Buffer vb(Vb2Queue q, int index) {
    return Objects.requireNonNull(q.buffer(index));
  }

  private Vb2Queue streaming(int n) {
    Vb2Queue q = FakeDriver.capture(drv, null, 0);
    assertEquals(n, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, n));
    for (int i = 0; i < n; i++) {
      assertEquals(0, q.qbuf(cap(i)));
    }
    assertEquals(0, q.streamon(TYPE_VIDEO_CAPTURE));
    return q;
  }

  private static int querybufFlags(Vb2Queue q, int index) {
    V4l2Buffer b = cap(index);
    assertEquals(0, q.querybuf(b));
    return b.flags;
  }

  @Test
  void buffersGoThroughEveryStateAndComeBackOnce() {
    Vb2Queue q = FakeDriver.capture(drv, null, 0);
    assertEquals(3, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 3));
    assertNull(q.buffer(3));
    assertSame(q, vb(q, 0).queue());
    assertEquals(0, querybufFlags(q, 0));
    assertEquals(FileOperations.POLLERR, q.pollMask());
    assertEquals(0, q.qbuf(cap(0)));
    assertEquals(Vb2Buffer.State.QUEUED, vb(q, 0).state());
    assertEquals(V4l2Buffer.FLAG_QUEUED, querybufFlags(q, 0));
    assertEquals(0, q.streamon(TYPE_VIDEO_CAPTURE));
    assertTrue(q.isStreaming());
    assertEquals(1, drv.startCount.get());
    assertEquals(Vb2Buffer.State.ACTIVE, vb(q, 0).state());
    assertEquals(V4l2Buffer.FLAG_QUEUED, querybufFlags(q, 0));
    assertEquals(1, q.ownedByDriver());
    // QBUF after start_streaming goes straight to the driver.
    assertEquals(0, q.qbuf(cap(1)));
    assertEquals(0, q.qbuf(cap(2)));
    assertEquals(3, drv.hw.size());
    assertEquals(0, q.pollMask());
    assertEquals(-Errno.EAGAIN, q.dqbuf(cap(0), true));

    drv.complete(Vb2Buffer.State.DONE, 4096, 7);
    assertEquals(V4l2Buffer.FLAG_DONE, querybufFlags(q, 0));
    drv.complete(Vb2Buffer.State.ERROR);
    assertEquals(V4l2Buffer.FLAG_DONE | V4l2Buffer.FLAG_ERROR, querybufFlags(q, 1));
    assertEquals(READABLE, q.pollMask());

    V4l2Buffer b = cap(99);
    assertEquals(0, q.dqbuf(b, true));
    assertEquals(0, b.index);
    assertEquals(V4l2Buffer.FLAG_DONE, b.flags);
    assertEquals(4096, b.bytesused);
    assertEquals(7, b.sequence);
    assertEquals(MEMORY_MMAP, b.memory);
    assertEquals(Vb2Buffer.State.DEQUEUED, vb(q, 0).state());
    assertEquals(0, q.dqbuf(b, true));
    assertEquals(1, b.index);
    assertEquals(V4l2Buffer.FLAG_DONE | V4l2Buffer.FLAG_ERROR, b.flags);
    assertEquals(0, q.pollMask());

    // Requeue buffer 0; then STREAMOFF returns the two the driver holds.
    assertEquals(0, q.qbuf(cap(0)));
    assertEquals(0, q.streamoff(TYPE_VIDEO_CAPTURE));
    assertEquals(1, drv.stopped.get());
    assertFalse(q.isStreaming());
    assertEquals(0, q.ownedByDriver());
    assertEquals(4, q.queuedTotal());
    assertEquals(2, q.dequeuedTotal());
    assertEquals(2, q.cancelledTotal());
    for (int i = 0; i < 3; i++) {
      assertEquals(Vb2Buffer.State.DEQUEUED, vb(q, i).state());
    }
    // Every buffer can be queued again after the cancel.
    assertEquals(0, q.qbuf(cap(2)));
    q.queueRelease();
    assertEquals(5, q.queuedTotal());
    assertEquals(3, q.cancelledTotal());
    assertEquals(0, q.numBuffers());
  }

  @Test
  void streamoffReturnsBuffersQueuedDoneAndOwned() {
    Vb2Queue q = streaming(4);
    drv.complete(Vb2Buffer.State.DONE);
    assertEquals(0, q.streamoff(TYPE_VIDEO_CAPTURE));
    assertEquals(4, q.cancelledTotal());
    assertEquals(0, q.dequeuedTotal());
    assertTrue(drv.hw.isEmpty());
    // A streamoff of a stopped queue does not call stop_streaming again.
    assertEquals(0, q.streamoff(TYPE_VIDEO_CAPTURE));
    assertEquals(1, drv.stopped.get());
    // REQBUFS with queued buffers cancels and reallocates.
    assertEquals(0, q.qbuf(cap(1)));
    assertEquals(2, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 2));
    assertEquals(5, q.cancelledTotal());
    assertEquals(2, q.numBuffers());
    q.queueRelease();
  }

  @Test
  void minQueuedBuffersDefersStartStreamingToQbuf() {
    Vb2Queue q = FakeDriver.capture(drv, null, 2);
    assertEquals(3, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 3));
    assertEquals(0, q.streamon(TYPE_VIDEO_CAPTURE));
    assertEquals(0, q.qbuf(cap(0)));
    assertTrue(q.isStreaming());
    assertEquals(0, drv.started.get());
    assertEquals(Vb2Buffer.State.QUEUED, vb(q, 0).state());
    assertEquals(0, q.qbuf(cap(1)));
    assertEquals(1, drv.started.get());
    assertEquals(2, drv.startCount.get());
    assertEquals(2, q.ownedByDriver());
    // Streamoff without start is harmless too: a second queue that never reached min.
    q.queueRelease();
    assertEquals(1, drv.stopped.get());
  }

  @Test
  void startStreamingFailureReturnsBuffersToQueued() {
    Vb2Queue q = FakeDriver.capture(drv, null, 0);
    assertEquals(2, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 2));
    assertEquals(0, q.qbuf(cap(0)));
    assertEquals(0, q.qbuf(cap(1)));
    drv.startError = -Errno.EIO;
    assertEquals(-Errno.EIO, q.streamon(TYPE_VIDEO_CAPTURE));
    assertFalse(q.isStreaming());
    assertEquals(0, q.ownedByDriver());
    assertEquals(Vb2Buffer.State.QUEUED, vb(q, 0).state());
    assertEquals(Vb2Buffer.State.QUEUED, vb(q, 1).state());
    assertEquals(V4l2Buffer.FLAG_QUEUED, querybufFlags(q, 1));
    assertEquals(-Errno.EINVAL, q.dqbuf(cap(0), true));
    drv.startError = 0;
    assertEquals(0, q.streamon(TYPE_VIDEO_CAPTURE));
    assertEquals(2, drv.startCount.get());
    q.queueRelease();
    assertEquals(2, q.cancelledTotal());
  }

  @Test
  void startStreamingFailureAtQbufIsReturnedByQbuf() {
    Vb2Queue q = FakeDriver.capture(drv, null, 1);
    assertEquals(2, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 2));
    drv.startError = -Errno.ENOSPC;
    // Not enough queued: streamon succeeds without calling the driver.
    assertEquals(0, q.streamon(TYPE_VIDEO_CAPTURE));
    assertEquals(-Errno.ENOSPC, q.qbuf(cap(0)));
    // vb2_core_qbuf: the error means the buffer was not queued, so it is DEQUEUED again.
    assertEquals(Vb2Buffer.State.DEQUEUED, vb(q, 0).state());
    assertEquals(0, q.queuedCount());
    assertEquals(0, q.queuedTotal());
    assertEquals(0, querybufFlags(q, 0));
    drv.startError = 0;
    assertEquals(0, q.qbuf(cap(1)));
    assertEquals(1, drv.startCount.get());
    assertEquals(0, q.qbuf(cap(0)));
    q.queueRelease();
    assertEquals(2, q.cancelledTotal());
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void aDriverCompletingBuffersInAFailedStartIsWarnedAndDqbufRefusesThem() {
    // au0828 after a disconnect in the model's old form: buf_queue completed the buffer with
    // ERROR, then start_streaming failed. vb2_start_streaming warns (done list not empty); the
    // failing QBUF gives the buffer back as DEQUEUED; DQBUF must not return it as if queued.
    Vb2Queue q = FakeDriver.capture(drv, null, 1);
    assertEquals(2, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 2));
    assertEquals(0, q.streamon(TYPE_VIDEO_CAPTURE));
    drv.completeOnQueue = Vb2Buffer.State.ERROR;
    drv.startError = -Errno.ENODEV;
    assertEquals(-Errno.ENODEV, q.qbuf(cap(0)));
    assertEquals(Vb2Buffer.State.DEQUEUED, vb(q, 0).state());
    assertEquals(0, q.ownedByDriver());
    assertEquals(0, q.queuedCount());
    assertEquals(0, q.queuedTotal());
    V4l2Buffer b = cap(0);
    assertEquals(-Errno.EINVAL, q.dqbuf(b, true));
    assertEquals(-Errno.EAGAIN, q.dqbuf(b, true));
    assertEquals(0, q.dequeuedTotal());
    q.queueRelease();
    assertEquals(0, q.cancelledTotal());
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void aDriverKeepingBuffersOnStartFailureIsWarnedAndOverridden() {
    Vb2Queue q = FakeDriver.capture(drv, null, 0);
    assertEquals(1, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 1));
    assertEquals(0, q.qbuf(cap(0)));
    drv.startError = -Errno.EIO;
    drv.returnOnStartFailure = false;
    assertEquals(-Errno.EIO, q.streamon(TYPE_VIDEO_CAPTURE));
    assertEquals(Vb2Buffer.State.QUEUED, vb(q, 0).state());
    assertEquals(0, q.ownedByDriver());
    drv.hw.clear();
    q.queueRelease();
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void aDriverKeepingBuffersOnStopIsWarnedAndTheyComeBackAsError() {
    Vb2Queue q = streaming(2);
    drv.returnOnStop = false;
    assertEquals(0, q.streamoff(TYPE_VIDEO_CAPTURE));
    assertEquals(0, q.ownedByDriver());
    assertEquals(2, q.cancelledTotal());
    assertEquals(Vb2Buffer.State.DEQUEUED, vb(q, 0).state());
    // The hardware completing them late is a double completion: warned and ignored.
    drv.complete(Vb2Buffer.State.DONE);
    assertEquals(Vb2Buffer.State.DEQUEUED, vb(q, 1).state());
    q.queueRelease();
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void completingTwiceIsWarnedAndIgnored() {
    Vb2Queue q = streaming(2);
    Vb2Buffer done = drv.complete(Vb2Buffer.State.DONE);
    done.bufferDone(Vb2Buffer.State.DONE);
    V4l2Buffer b = cap(0);
    assertEquals(0, q.dqbuf(b, true));
    assertEquals(-Errno.EAGAIN, q.dqbuf(b, true));
    assertEquals(1, q.dequeuedTotal());
    q.queueRelease();
    assertEquals(1, q.cancelledTotal());
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void aBadCompletionStateBecomesError() {
    Vb2Queue q = streaming(2);
    drv.complete(Vb2Buffer.State.ACTIVE);
    drv.complete(Vb2Buffer.State.DEQUEUED);
    V4l2Buffer b = cap(0);
    assertEquals(0, q.dqbuf(b, true));
    assertEquals(V4l2Buffer.FLAG_DONE | V4l2Buffer.FLAG_ERROR, b.flags);
    assertEquals(0, q.dqbuf(b, true));
    assertEquals(V4l2Buffer.FLAG_DONE | V4l2Buffer.FLAG_ERROR, b.flags);
    q.queueRelease();
  }

  @Test
  void queueErrorGivesEioBeforeDoneBuffersAndPollErr() {
    Vb2Queue q = streaming(3);
    drv.complete(Vb2Buffer.State.DONE);
    q.queueError();
    assertTrue(q.hasError());
    assertEquals(FileOperations.POLLERR, q.pollMask());
    assertEquals(-Errno.EIO, q.dqbuf(cap(0), true));
    assertEquals(-Errno.EIO, q.dqbuf(cap(0), false));
    V4l2Buffer b = cap(0);
    assertEquals(0, q.querybuf(b));
    assertEquals(V4l2Buffer.FLAG_DONE, b.flags);
    // The disconnect pattern: in-flight buffers come back as ERROR.
    drv.drain(Vb2Buffer.State.ERROR);
    assertEquals(-Errno.EIO, q.qbuf(cap(0)));
    assertEquals(0, q.streamoff(TYPE_VIDEO_CAPTURE));
    assertFalse(q.hasError());
    assertEquals(3, q.cancelledTotal());
    assertEquals(0, q.qbuf(cap(0)));
    q.queueRelease();
  }

  @Test
  void theLastBufferGivesEpipeUntilCleared() {
    Vb2Queue q = streaming(3);
    Vb2Buffer last = Objects.requireNonNull(drv.hw.peek());
    last.setFlags(V4l2Buffer.FLAG_LAST);
    assertEquals(V4l2Buffer.FLAG_LAST, last.flags());
    drv.complete(Vb2Buffer.State.DONE, 0, 1);
    V4l2Buffer b = cap(0);
    assertEquals(0, q.dqbuf(b, true));
    assertEquals(V4l2Buffer.FLAG_LAST | V4l2Buffer.FLAG_DONE, b.flags);
    assertEquals(0, b.bytesused);
    assertEquals(READABLE, q.pollMask());
    assertEquals(-Errno.EPIPE, q.dqbuf(b, true));
    assertEquals(-Errno.EPIPE, q.dqbuf(b, false));
    q.clearLastBufferDequeued();
    assertEquals(0, q.pollMask());
    assertEquals(-Errno.EAGAIN, q.dqbuf(b, true));
    q.queueRelease();
  }

  @Test
  void anOutputQueueTakesBytesusedAndPollsWritable() {
    Vb2Queue q =
        new Vb2Queue(Vb2Queue.TYPE_VIDEO_OUTPUT, Vb2Queue.IO_MMAP, drv, null, 0);
    assertEquals(2, q.reqbufs(Vb2Queue.TYPE_VIDEO_OUTPUT, MEMORY_MMAP, 2));
    V4l2Buffer b = new V4l2Buffer(0, Vb2Queue.TYPE_VIDEO_OUTPUT, MEMORY_MMAP);
    b.bytesused = 1234;
    assertEquals(0, q.qbuf(b));
    assertEquals(1234, vb(q, 0).bytesused());
    assertEquals(0, q.streamon(Vb2Queue.TYPE_VIDEO_OUTPUT));
    assertEquals(0, q.pollMask());
    Vb2Buffer vb = Objects.requireNonNull(drv.hw.peek());
    vb.setFlags(V4l2Buffer.FLAG_LAST);
    vb.bufferDone(Vb2Buffer.State.DONE);
    drv.hw.clear();
    assertEquals(FileOperations.POLLOUT | FileOperations.POLLWRNORM, q.pollMask());
    assertEquals(0, q.dqbuf(b, true));
    assertEquals(1234, b.bytesused);
    // On output the last buffer does not make poll readable.
    assertEquals(0, q.pollMask());
    q.queueRelease();
    assertEquals(1, q.dequeuedTotal());
  }

  @Test
  void theInvariantArithmetic() {
    assertTrue(Vb2Queue.accounted(5, 2, 2, 1));
    assertFalse(Vb2Queue.accounted(5, 2, 2, 0));
    Vb2Queue q = FakeDriver.capture(drv, null, 0);
    assertNull(q.lock());
    assertEquals("vb2_queue.done_wq", q.doneWq().name());
    assertEquals("vb2_queue type 1", q.toString());
    assertEquals(1, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 1));
    assertEquals("vb2_buffer 0 DEQUEUED", vb(q, 0).toString());
    assertEquals(0, vb(q, 0).index());
    q.queueRelease();
  }
}
