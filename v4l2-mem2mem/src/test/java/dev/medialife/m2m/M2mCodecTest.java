package dev.medialife.m2m;

import static dev.medialife.m2m.M2mBed.CAP;
import static dev.medialife.m2m.M2mBed.OUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.FileOperations;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenarios 15 (hold capture), 18 (poll) and 19 (decoder STOP), the stateless FLUSH, the draining
 * helpers, and table-driven bad input to the buffer helpers: exact errnos and nothing lost.
 */
@Sanitized
@Timeout(60)
class M2mCodecTest {
  private static final int READABLE = FileOperations.POLLIN | FileOperations.POLLRDNORM;
  private static final int WRITABLE = FileOperations.POLLOUT | FileOperations.POLLWRNORM;

  private final M2mBed bed = new M2mBed(false, false);
  private final M2mBed.Node g1 = bed.node("G1", false);

  @AfterEach
  void tearDown() {
    bed.stop();
    assertTrue(bed.dev.put());
  }

  private static int poll(M2mBed.TCtx c) {
    return c.m2m().poll(fileless(), null);
  }

  /** Poll without a table never touches the file, so the tests pass none. */
  @SuppressWarnings("NullAway")
  private static dev.medialife.driver.File fileless() {
    return null;
  }

  @Test
  void scenario15HoldCaptureKeepsTheDestinationUntilTheTimestampChanges() {
    M2mBed.TCtx a = bed.new TCtx("A", g1).open();
    a.out.setSubsystemFlags(Vb2Queue.FL_SUPPORTS_M2M_HOLD_CAPTURE_BUF);
    a.stream(3);
    // Two slices of frame 1000 (the first holds the capture buffer), then frame 2000.
    assertEquals(0, a.qbuf(OUT, 0, 1000, V4l2Buffer.FLAG_M2M_HOLD_CAPTURE_BUF));
    assertEquals(0, a.qbuf(OUT, 1, 1000, 0));
    assertEquals(0, a.qCap(0));
    assertEquals(0, a.qCap(1));
    assertTrue(a.m2m().newFrame());
    g1.completeNext();
    Vb2Buffer held = a.cap.buffer(0);
    assertNotNull(held);
    assertTrue(held.isHeld(), "the destination stays held");
    assertSame(held, a.m2m().capQ().nextBuf());
    assertEquals(Vb2Buffer.State.DONE, java.util.Objects.requireNonNull(a.out.buffer(0)).state());
    assertEquals(Vb2Buffer.State.ACTIVE, held.state());
    assertFalse(a.m2m().newFrame(), "the re-queued job is another slice of the same frame");
    bed.flushWork();
    g1.completeNext();
    assertFalse(held.isHeld());
    assertEquals(Vb2Buffer.State.DONE, held.state(), "the second slice completes the frame");
    bed.flushWork();
    // Frame 3000 holds buffer 1; frame 4000 then releases it during try_queue, before its job.
    assertEquals(0, a.qbuf(OUT, 2, 3000, V4l2Buffer.FLAG_M2M_HOLD_CAPTURE_BUF));
    g1.completeNext();
    Vb2Buffer held1 = a.cap.buffer(1);
    assertNotNull(held1);
    assertTrue(held1.isHeld());
    bed.flushWork();
    int[] err = new int[1];
    assertNotNull(a.dq(OUT, err));
    assertNotNull(a.dq(OUT, err));
    assertNotNull(a.dq(OUT, err));
    assertEquals(0, a.qbuf(OUT, 0, 4000, 0));
    assertEquals(Vb2Buffer.State.DONE, held1.state(), "returned DONE by try_queue");
    assertEquals(3, bed.runs.size(), "no job for the held buffer alone");
    a.release();
  }

  @Test
  void statelessFlushReleasesAHeldBuffer() {
    M2mBed.TCtx a = bed.new TCtx("A", g1).open();
    a.out.setSubsystemFlags(Vb2Queue.FL_SUPPORTS_M2M_HOLD_CAPTURE_BUF);
    a.stream(2);
    assertEquals(-Errno.EINVAL, a.m2m().statelessDecoderCmd(V4l2M2mCtx.CMD_STOP));
    assertEquals(0, a.qbuf(OUT, 0, 1000, V4l2Buffer.FLAG_M2M_HOLD_CAPTURE_BUF));
    assertEquals(0, a.qCap(0));
    g1.completeNext();
    bed.flushWork();
    // A pending output buffer with HOLD: FLUSH clears its flag.
    assertEquals(0, a.qbuf(OUT, 1, 1000, V4l2Buffer.FLAG_M2M_HOLD_CAPTURE_BUF));
    Vb2Buffer pending = a.out.buffer(1);
    assertNotNull(pending);
    assertEquals(0, a.m2m().statelessDecoderCmd(V4l2M2mCtx.DEC_CMD_FLUSH));
    assertEquals(0, pending.flags() & V4l2Buffer.FLAG_M2M_HOLD_CAPTURE_BUF);
    Vb2Buffer held = a.cap.buffer(0);
    assertNotNull(held);
    assertTrue(held.isHeld());
    g1.completeNext();
    bed.flushWork();
    assertEquals(Vb2Buffer.State.DONE, held.state());
    // Nothing pending and a held capture buffer: FLUSH returns it.
    assertEquals(0, a.qCap(1));
    int[] err = new int[1];
    assertNotNull(a.dq(OUT, err));
    assertEquals(0, a.qbuf(OUT, 0, 5000, V4l2Buffer.FLAG_M2M_HOLD_CAPTURE_BUF));
    g1.completeNext();
    bed.flushWork();
    Vb2Buffer held1 = a.cap.buffer(1);
    assertNotNull(held1);
    assertTrue(held1.isHeld());
    assertEquals(0, a.m2m().statelessDecoderCmd(V4l2M2mCtx.DEC_CMD_FLUSH));
    assertFalse(held1.isHeld());
    assertEquals(Vb2Buffer.State.DONE, held1.state());
    assertEquals(0, a.m2m().statelessDecoderCmd(V4l2M2mCtx.DEC_CMD_FLUSH), "nothing to do");
    a.release();
  }

  @Test
  void scenario18Poll() {
    M2mBed.TCtx a = bed.new TCtx("A", g1).open();
    assertEquals(FileOperations.POLLERR, poll(a), "neither queue streaming");
    a.stream(2);
    assertEquals(FileOperations.POLLERR, poll(a), "streaming but nothing queued");
    assertEquals(0, a.qOut(0));
    assertEquals(0, poll(a));
    assertEquals(0, a.qCap(0));
    g1.completeNext();
    bed.flushWork();
    assertEquals(READABLE | WRITABLE, poll(a), "a capture and an output buffer done");
    int[] err = new int[1];
    assertNotNull(a.dq(OUT, err));
    assertEquals(READABLE, poll(a));
    // STOP with no source pending: the next capture buffer is completed LAST at once.
    assertNotNull(a.dq(CAP, err));
    assertEquals(0, a.qCap(0));
    assertEquals(0, a.m2m().codecCmd(V4l2M2mCtx.CMD_STOP));
    assertTrue(a.m2m().hasStopped());
    V4l2Buffer last = a.dq(CAP, err);
    assertNotNull(last);
    assertTrue((last.flags & V4l2Buffer.FLAG_LAST) != 0);
    assertEquals(READABLE, poll(a), "the last capture buffer was dequeued");
    assertNull(a.dq(CAP, err));
    assertEquals(-Errno.EPIPE, err[0]);
    a.release();
  }

  @Test
  void scenario19DecoderStopTwiceAndStartWhileDraining() {
    M2mBed.TCtx a = bed.new TCtx("A", g1).open().stream(2);
    assertEquals(0, a.qOut(0));
    assertEquals(0, a.m2m().codecCmd(V4l2M2mCtx.CMD_STOP));
    assertTrue(a.m2m().isDraining());
    Vb2Buffer src = a.out.buffer(0);
    assertNotNull(src);
    assertTrue(a.m2m().isLastDrainingSrcBuf(src));
    assertEquals(-Errno.EBUSY, a.m2m().codecCmd(V4l2M2mCtx.CMD_STOP), "STOP while draining");
    assertEquals(-Errno.EBUSY, a.m2m().codecCmd(V4l2M2mCtx.CMD_START), "START while draining");
    assertEquals(-Errno.EINVAL, a.m2m().codecCmd(2));
    assertEquals(0, a.qCap(0));
    // The driver completes the drain: the capture buffer of the last source is LAST.
    g1.completeNext();
    bed.flushWork();
    Vb2Buffer dst = a.cap.buffer(0);
    assertNotNull(dst);
    a.m2m().markStopped();
    assertFalse(a.m2m().isDraining());
    assertTrue(a.m2m().hasStopped());
    assertEquals(0, a.m2m().codecCmd(V4l2M2mCtx.CMD_STOP), "STOP after the drain");
    assertEquals(0, a.qOut(1));
    assertEquals(0, a.qCap(1));
    assertEquals(1, bed.runs.size(), "a stopped context is not scheduled");
    assertEquals(0, a.m2m().codecCmd(V4l2M2mCtx.CMD_START));
    assertFalse(a.m2m().hasStopped());
    a.release();
  }

  @Test
  void outputStreamoffWhileDrainingCompletesOrFlagsTheNextCaptureBuffer() {
    // No capture buffer: STOP and then output streamoff leave "next buffer is last".
    M2mBed.TCtx a = bed.new TCtx("A", g1).open().stream(2);
    assertEquals(0, a.m2m().codecCmd(V4l2M2mCtx.CMD_STOP));
    assertTrue(a.m2m().dstBufIsLast());
    assertEquals(0, a.streamoff(OUT));
    assertTrue(a.m2m().isDraining());
    assertTrue(a.m2m().dstBufIsLast());
    assertEquals(0, a.streamoff(CAP));
    assertFalse(a.m2m().isDraining(), "stopping the capture queue clears the state");
    assertFalse(a.m2m().dstBufIsLast());
    a.release();
    // A source pending and a capture buffer that cannot run (ABORT left by a failed streamoff):
    // output streamoff completes the capture buffer as LAST.
    M2mBed.TCtx b = bed.new TCtx("B", g1).open().stream(2);
    assertEquals(0, b.qOut(0));
    assertEquals(0, b.m2m().codecCmd(V4l2M2mCtx.CMD_STOP));
    assertEquals(-Errno.EINVAL, b.streamoff(Vb2Queue.TYPE_VIDEO_OUTPUT_MPLANE));
    assertEquals(0, b.qCap(0));
    assertTrue(bed.runs.isEmpty());
    assertEquals(0, b.streamoff(OUT));
    assertTrue(b.m2m().hasStopped());
    int[] err = new int[1];
    V4l2Buffer last = b.dq(CAP, err);
    assertNotNull(last);
    assertTrue((last.flags & V4l2Buffer.FLAG_LAST) != 0);
    b.release();
  }

  @Test
  void aStoppedContextGetsItsFirstCaptureBufferBackAsLastAtQbuf() {
    M2mBed.TCtx c = bed.new TCtx("C", g1, new dev.medialife.kernel.locking.Mutex("C.lock"), 2);
    c.open().stream(3);
    assertEquals(0, c.m2m().codecCmd(V4l2M2mCtx.CMD_STOP));
    assertTrue(c.m2m().dstBufIsLast());
    assertEquals(0, c.qCap(0));
    int[] err = new int[1];
    V4l2Buffer last = c.dq(CAP, err);
    assertNotNull(last, "forced LAST before start_streaming");
    assertTrue((last.flags & V4l2Buffer.FLAG_LAST) != 0);
    assertEquals(0, last.bytesused);
    assertNull(c.dq(CAP, err));
    assertEquals(-Errno.EPIPE, err[0]);
    assertFalse(c.cap.forceLastBufDone(), "nothing queued");
    c.release();
  }

  @Test
  void badInputGetsExactErrnosAndNothingIsLost() {
    M2mBed.TCtx a = bed.new TCtx("A", g1).open().stream(2);
    record Case(String what, V4l2Buffer b, int errno) {}
    V4l2Buffer reqFd = new V4l2Buffer(0, CAP, M2mBed.MMAP);
    reqFd.flags = V4l2Buffer.FLAG_REQUEST_FD;
    List<Case> qbufs =
        List.of(
            new Case("bad index", new V4l2Buffer(7, OUT, M2mBed.MMAP), -Errno.EINVAL),
            new Case("negative index", new V4l2Buffer(-1, CAP, M2mBed.MMAP), -Errno.EINVAL),
            new Case("wrong type", new V4l2Buffer(0, 10, M2mBed.MMAP), -Errno.EINVAL),
            new Case("wrong memory", new V4l2Buffer(0, OUT, Vb2Queue.MEMORY_USERPTR),
                -Errno.EINVAL),
            new Case("capture with request fd", reqFd, -Errno.EPERM));
    for (Case c : qbufs) {
      assertEquals(c.errno(), a.locked(() -> a.m2m().qbuf(c.b())), c.what());
    }
    V4l2Buffer qb = new V4l2Buffer(9, CAP, M2mBed.MMAP);
    assertEquals(-Errno.EINVAL, a.m2m().querybuf(qb));
    V4l2Buffer capq = new V4l2Buffer(1, CAP, M2mBed.MMAP);
    assertEquals(0, a.m2m().querybuf(capq));
    assertEquals(V4l2M2mCtx.DST_QUEUE_OFF_BASE + (1 << 12), capq.offset);
    V4l2Buffer outq = new V4l2Buffer(1, OUT, M2mBed.MMAP);
    assertEquals(0, a.m2m().querybuf(outq));
    assertEquals(1 << 12, outq.offset);
    for (int cmd : new int[] {2, 3, 4, 99, -1}) {
      assertEquals(-Errno.EINVAL, a.m2m().codecCmd(cmd), "codec cmd " + cmd);
    }
    for (int cmd : new int[] {0, 1, 2, 99}) {
      assertEquals(-Errno.EINVAL, a.m2m().statelessDecoderCmd(cmd), "stateless cmd " + cmd);
    }
    assertEquals(-Errno.EINVAL, a.locked(() -> a.m2m().streamon(10)));
    dev.medialife.v4l2.uapi.V4l2Requestbuffers p = new dev.medialife.v4l2.uapi.V4l2Requestbuffers();
    p.type = OUT;
    p.memory = 99;
    p.count = 1;
    assertEquals(-Errno.EINVAL, a.locked(() -> a.m2m().reqbufs(a, p)));
    int[] err = new int[1];
    assertNull(a.dq(CAP, err));
    assertEquals(-Errno.EAGAIN, err[0]);
    // Two good jobs: every queued buffer comes back.
    assertEquals(0, a.qOut(0));
    assertEquals(0, a.qCap(0));
    assertEquals(0, a.qOut(1));
    assertEquals(0, a.qCap(1));
    g1.completeNext();
    bed.flushWork();
    g1.completeNext();
    bed.flushWork();
    assertEquals(2, bed.runs.size());
    assertEquals(0, a.streamoff(OUT));
    assertEquals(0, a.streamoff(CAP));
    for (Vb2Queue q : List.of(a.out, a.cap)) {
      assertEquals(q.queuedTotal(), q.dequeuedTotal() + q.cancelledTotal(), "nothing lost");
    }
    // REQBUFS 0 gives up the ownership.
    p.memory = M2mBed.MMAP;
    p.count = 0;
    assertEquals(0, a.locked(() -> a.m2m().reqbufs(a, p)));
    assertNull(a.out.owner());
    a.release();
  }
}
