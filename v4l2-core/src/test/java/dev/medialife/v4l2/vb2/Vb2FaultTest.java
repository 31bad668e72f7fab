package dev.medialife.v4l2.vb2;

import static dev.medialife.v4l2.vb2.Vb2Queue.MEMORY_MMAP;
import static dev.medialife.v4l2.vb2.Vb2Queue.TYPE_VIDEO_CAPTURE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.fault.FaultInjection;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.Sanitized;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Allocation failures at REQBUFS: -ENOMEM or fewer buffers, and never a leak. */
@Sanitized
@Timeout(30)
class Vb2FaultTest {
  private final FakeDriver drv = new FakeDriver();

  @Test
  void theFirstAllocationFailingGivesEnomemAndNoBuffers() {
    Vb2Queue q = FakeDriver.capture(drv, null, 0);
    FaultInjection.failPointAt(Kmem.FAULT_POINT, 1);
    assertEquals(-Errno.ENOMEM, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 4));
    assertEquals(0, q.numBuffers());
    assertEquals(-Errno.EINVAL, q.streamon(TYPE_VIDEO_CAPTURE));
    assertEquals(List.of(Kmem.FAULT_POINT), FaultInjection.injected());
  }

  @Test
  void aLaterFailureGivesFewerBuffersWhenTheDriverAccepts() {
    Vb2Queue q = FakeDriver.capture(drv, null, 0);
    FaultInjection.failPointAt(Kmem.FAULT_POINT, 3);
    assertEquals(2, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 4));
    assertEquals(List.of(4, 2), drv.setupCalls);
    assertEquals(2, q.numBuffers());
    q.queueRelease();
  }

  @Test
  void aDriverInsistingOnMoreBuffersGetsEnomem() {
    Vb2Queue q = FakeDriver.capture(drv, null, 0);
    drv.setup = n -> 4;
    FaultInjection.failPointAt(Kmem.FAULT_POINT, 3);
    assertEquals(-Errno.ENOMEM, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 4));
    assertEquals(0, q.numBuffers());
  }

  @Test
  void aDriverRefusingTheLowerCountGivesItsError() {
    Vb2Queue q = FakeDriver.capture(drv, null, 0);
    drv.setup = n -> n == 4 ? 4 : -Errno.EINVAL;
    FaultInjection.failPointAt(Kmem.FAULT_POINT, 2);
    assertEquals(-Errno.EINVAL, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 4));
    assertEquals(0, q.numBuffers());
  }

  @Test
  void fewerThanTheMinimumAllocationGivesEnomem() {
    Vb2Queue q = FakeDriver.capture(drv, null, 2);
    FaultInjection.failPointAt(Kmem.FAULT_POINT, 3);
    assertEquals(-Errno.ENOMEM, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 5));
    assertEquals(List.of(5), drv.setupCalls);
    assertEquals(0, q.numBuffers());
  }

  @Test
  void everyFailurePointOfReqbufsIsClean() {
    for (int n = 1; n <= 4; n++) {
      FaultInjection.reset();
      Vb2Queue q = FakeDriver.capture(drv, null, 1);
      FaultInjection.failNth(n);
      int ret = q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 3);
      int expected = n <= 2 ? -Errno.ENOMEM : n - 1;
      assertEquals(expected, ret, "failing allocation " + n);
      assertEquals(Math.max(0, ret), q.numBuffers());
      q.queueRelease();
    }
  }
}
