package dev.medialife.v4l2.vb2;

import static dev.medialife.v4l2.vb2.Vb2Queue.MEMORY_DMABUF;
import static dev.medialife.v4l2.vb2.Vb2Queue.MEMORY_MMAP;
import static dev.medialife.v4l2.vb2.Vb2Queue.MEMORY_USERPTR;
import static dev.medialife.v4l2.vb2.Vb2Queue.TYPE_VIDEO_CAPTURE;
import static dev.medialife.v4l2.vb2.Vb2Queue.TYPE_VIDEO_OUTPUT;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** Table-driven malformed calls: each gives the documented errno and changes nothing. */
@Sanitized
@Timeout(30)
class Vb2MalformedTest {
  private record Case(String name, IntSupplier call, int expected) {}

  private static void run(List<Case> cases) {
    List<Executable> checks = new ArrayList<>();
    for (Case c : cases) {
      checks.add(() -> assertEquals(c.expected(), c.call().getAsInt(), c.name()));
    }
    assertAll(checks);
  }

  private static V4l2Buffer buf(int index, int type, int memory) {
    return new V4l2Buffer(index, type, memory);
  }

  @Test
  void malformedCallsGiveTheDocumentedErrno() {
    FakeDriver drv = new FakeDriver();
    Vb2Queue q = FakeDriver.capture(drv, null, 0);
    int einval = -Errno.EINVAL;
    run(
        List.of(
            new Case("streamon without buffers", () -> q.streamon(TYPE_VIDEO_CAPTURE), einval),
            new Case("reqbufs memory 0", () -> q.reqbufs(TYPE_VIDEO_CAPTURE, 0, 2), einval),
            new Case("reqbufs memory OVERLAY", () -> q.reqbufs(TYPE_VIDEO_CAPTURE, 3, 2), einval),
            new Case("reqbufs memory 99", () -> q.reqbufs(TYPE_VIDEO_CAPTURE, 99, 2), einval),
            new Case(
                "reqbufs unsupported DMABUF",
                () -> q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_DMABUF, 2),
                einval),
            new Case("reqbufs wrong type", () -> q.reqbufs(TYPE_VIDEO_OUTPUT, MEMORY_MMAP, 2), einval),
            new Case(
                "reqbufs huge unsigned count",
                () -> q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, -1),
                Vb2Queue.MAX_FRAME),
            new Case(
                "reqbufs INT_MAX",
                () -> q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, Integer.MAX_VALUE),
                Vb2Queue.MAX_FRAME),
            new Case("reqbufs 4", () -> q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 4), 4),
            new Case("querybuf index 4", () -> q.querybuf(buf(4, TYPE_VIDEO_CAPTURE, 1)), einval),
            new Case("querybuf index -1", () -> q.querybuf(buf(-1, TYPE_VIDEO_CAPTURE, 1)), einval),
            new Case("querybuf wrong type", () -> q.querybuf(buf(0, TYPE_VIDEO_OUTPUT, 1)), einval),
            new Case("qbuf index 4", () -> q.qbuf(buf(4, TYPE_VIDEO_CAPTURE, 1)), einval),
            new Case("qbuf index MAX", () -> q.qbuf(buf(Integer.MAX_VALUE, 1, 1)), einval),
            new Case("qbuf wrong type", () -> q.qbuf(buf(0, TYPE_VIDEO_OUTPUT, 1)), einval),
            new Case(
                "qbuf wrong memory", () -> q.qbuf(buf(0, TYPE_VIDEO_CAPTURE, MEMORY_USERPTR)), einval),
            new Case("qbuf", () -> q.qbuf(buf(0, TYPE_VIDEO_CAPTURE, MEMORY_MMAP)), 0),
            new Case("qbuf twice", () -> q.qbuf(buf(0, TYPE_VIDEO_CAPTURE, MEMORY_MMAP)), einval),
            new Case("dqbuf wrong type", () -> q.dqbuf(buf(0, TYPE_VIDEO_OUTPUT, 1), true), einval),
            new Case("dqbuf not streaming", () -> q.dqbuf(buf(0, TYPE_VIDEO_CAPTURE, 1), false), einval),
            new Case("streamon wrong type", () -> q.streamon(TYPE_VIDEO_OUTPUT), einval),
            new Case("streamoff wrong type", () -> q.streamoff(TYPE_VIDEO_OUTPUT), einval),
            new Case("streamon", () -> q.streamon(TYPE_VIDEO_CAPTURE), 0),
            new Case("streamon again", () -> q.streamon(TYPE_VIDEO_CAPTURE), 0),
            new Case(
                "reqbufs while streaming",
                () -> q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 2),
                -Errno.EBUSY),
            new Case(
                "reqbufs 0 while streaming",
                () -> q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 0),
                -Errno.EBUSY)));
    assertEquals(List.of(Vb2Queue.MAX_FRAME, Vb2Queue.MAX_FRAME, 4), drv.setupCalls);
    assertEquals(4, q.numBuffers());
    assertEquals(1, drv.started.get());
    assertEquals(1, q.queuedTotal());
    q.queueRelease();
    assertEquals(1, q.cancelledTotal());
    assertEquals(0, q.numBuffers());
  }

  @Test
  void queueSetupErrorsAndRefusals() {
    FakeDriver drv = new FakeDriver();
    Vb2Queue q = FakeDriver.capture(drv, null, 0);
    drv.setup = n -> -Errno.EINVAL;
    assertEquals(-Errno.EINVAL, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 3));
    drv.setup = n -> 0;
    assertEquals(-Errno.ENOMEM, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 3));
    drv.setup = n -> 1000;
    assertEquals(Vb2Queue.MAX_FRAME, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_USERPTR, 3));
    drv.setup = n -> 2;
    assertEquals(2, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 3));
    assertEquals(2, q.numBuffers());
    assertEquals(0, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 0));
    assertEquals(0, q.numBuffers());
    assertEquals(0, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 0));
  }

  @Test
  void minQueuedBuffersRaisesTheRequest() {
    FakeDriver drv = new FakeDriver();
    Vb2Queue q = FakeDriver.capture(drv, null, 3);
    assertEquals(4, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 1));
    assertEquals(List.of(4), drv.setupCalls);
    q.queueRelease();
  }

  @Test
  void outputTypesAndTypeIsOutput() {
    for (int t : new int[] {2, 3, 5, 7, 8, 10, 12, 14}) {
      assertEquals(true, Vb2Queue.typeIsOutput(t), "type " + t);
    }
    for (int t : new int[] {0, 1, 4, 6, 9, 11, 13}) {
      assertEquals(false, Vb2Queue.typeIsOutput(t), "type " + t);
    }
    Vb2Queue q =
        new Vb2Queue(
            Vb2Queue.TYPE_VIDEO_OUTPUT_MPLANE, Vb2Queue.IO_DMABUF, new FakeDriver(), null, 0);
    assertEquals(Vb2Queue.TYPE_VIDEO_OUTPUT_MPLANE, q.type());
    assertEquals(-Errno.EINVAL, q.reqbufs(Vb2Queue.TYPE_VIDEO_OUTPUT_MPLANE, MEMORY_MMAP, 1));
    assertEquals(1, q.reqbufs(Vb2Queue.TYPE_VIDEO_OUTPUT_MPLANE, MEMORY_DMABUF, 1));
    q.queueRelease();
  }
}
