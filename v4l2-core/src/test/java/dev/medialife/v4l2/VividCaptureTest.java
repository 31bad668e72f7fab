package dev.medialife.v4l2;

import static dev.medialife.v4l2.VividBed.CAP;
import static dev.medialife.v4l2.VividBed.MMAP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The vivid-like driver through a task's system calls: streaming with the vb2 ioctl helpers, the
 * queue owner rules, non-blocking DQBUF, and scenario 39 of the reference with videobuf2 (a DQBUF
 * sleeper and a poll sleeper across the USB disconnect pattern).
 */
@Sanitized
@Timeout(60)
class VividCaptureTest {
  private static final int READABLE = FileOperations.POLLIN | FileOperations.POLLRDNORM;

  private final VividBed bed = new VividBed();

  static V4l2Requestbuffers req(int count, int type, int memory) {
    V4l2Requestbuffers r = new V4l2Requestbuffers();
    r.count = count;
    r.type = type;
    r.memory = memory;
    return r;
  }

  static V4l2Buffer buf(int index) {
    return new V4l2Buffer(index, CAP, MMAP);
  }

  static int reqbufs(Task t, int fd, int count) {
    V4l2Requestbuffers r = req(count, CAP, MMAP);
    int ret = t.ioctl(fd, Videodev2.VIDIOC_REQBUFS, r);
    return ret == 0 ? r.count : ret;
  }

  static void streaming(Task t, int fd, int n) {
    assertEquals(n, reqbufs(t, fd, n));
    for (int i = 0; i < n; i++) {
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QBUF, buf(i)));
    }
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_STREAMON, new V4l2Int(CAP)));
  }

  @Test
  void streamsThroughTaskIoctlsAndReleasesTheQueueAtTheOwnersClose() {
    Device d = bed.addDevice("vivid0");
    VividBed.Priv p = VividBed.priv(d);
    Vb2Queue q = p.queue;
    Task t = new Task(bed.kernel, "capture");
    int fd = t.open(p.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    V4l2Capability cap = new V4l2Capability();
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, cap));
    assertEquals(VividBed.DRIVER, cap.driver);

    V4l2Requestbuffers r = req(4, CAP, MMAP);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_REQBUFS, r));
    assertEquals(4, r.count);
    assertEquals(Videodev2.V4L2_BUF_CAP_SUPPORTS_MMAP, r.capabilities);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QUERYBUF, buf(0)));
    assertSame(q, p.vdev.queue());
    for (int i = 0; i < 4; i++) {
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QBUF, buf(i)));
    }
    V4l2Buffer qb = buf(2);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QUERYBUF, qb));
    assertEquals(V4l2Buffer.FLAG_QUEUED, qb.flags);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_STREAMON, new V4l2Int(CAP)));

    // Frames arrive only when the test lets the hardware produce them: the DQBUFs block until then.
    p.frames(2);
    for (int seq = 0; seq < 2; seq++) {
      V4l2Buffer b = buf(-1);
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_DQBUF, b));
      assertEquals(seq, b.index);
      assertEquals(seq, b.sequence);
      assertEquals(640 * 480 * 2, b.bytesused);
      assertEquals(0, b.flags & V4l2Buffer.FLAG_ERROR);
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QBUF, buf(b.index)));
    }

    // A poll sleeper wakes readable on the next frame.
    AtomicInteger mask = new AtomicInteger(-1);
    Thread poller = Sync.start("poll", () -> mask.set(t.poll(fd, READABLE, -1)));
    Sync.until(() -> q.doneWq().waiters() == 1, "the poller on done_wq");
    p.frames(1);
    Sync.join(poller);
    assertEquals(READABLE, mask.get());
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_DQBUF, buf(-1)));

    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_STREAMOFF, new V4l2Int(CAP)));
    assertEquals(FileOperations.POLLERR, t.poll(fd, READABLE, 0), "not streaming: ERR");
    assertEquals(q.queuedTotal(), q.dequeuedTotal() + q.cancelledTotal());
    assertEquals(6, q.queuedTotal());
    assertEquals(3, q.dequeuedTotal());
    assertEquals(bed.buffersGiven.get(), bed.buffersDone.get() + bed.buffersError.get());

    // Restart and close while streaming: the owner's release cancels and frees the queue.
    streaming(t, fd, 3);
    assertEquals(0, t.close(fd));
    assertEquals(0, q.numBuffers());
    assertNull(q.owner());
    assertEquals(q.queuedTotal(), q.dequeuedTotal() + q.cancelledTotal());
    assertEquals(0, bed.v4l2Releases.get());
    d.unregister();
    assertEquals(1, bed.v4l2Releases.get());
  }

  @Test
  void onlyTheOwnerMayQueueDequeueAndStream() {
    Device d = bed.addDevice("vivid0");
    VividBed.Priv p = VividBed.priv(d);
    Task t = new Task(bed.kernel, "capture");
    int owner = t.open(p.path(), File.O_RDWR);
    int other = t.open(p.path(), File.O_RDWR);
    assertEquals(2, reqbufs(t, owner, 2));
    assertEquals(-Errno.EBUSY, reqbufs(t, other, 2));
    assertEquals(-Errno.EBUSY, t.ioctl(other, Videodev2.VIDIOC_QBUF, buf(0)));
    assertEquals(-Errno.EBUSY, t.ioctl(other, Videodev2.VIDIOC_DQBUF, buf(0)));
    assertEquals(-Errno.EBUSY, t.ioctl(other, Videodev2.VIDIOC_STREAMON, new V4l2Int(CAP)));
    assertEquals(-Errno.EBUSY, t.ioctl(other, Videodev2.VIDIOC_STREAMOFF, new V4l2Int(CAP)));
    assertEquals(0, t.ioctl(other, Videodev2.VIDIOC_QUERYBUF, buf(1)), "QUERYBUF is open to all");
    // Closing a file that is not the owner leaves the queue alone.
    assertEquals(0, t.close(other));
    assertEquals(2, p.queue.numBuffers());
    // REQBUFS 0 gives the ownership up; another file may then take it.
    assertEquals(0, reqbufs(t, owner, 0));
    assertNull(p.queue.owner());
    int next = t.open(p.path(), File.O_RDWR);
    assertEquals(2, reqbufs(t, next, 2));
    assertEquals(-Errno.EBUSY, reqbufs(t, owner, 2));
    assertEquals(0, t.close(next));
    assertEquals(0, p.queue.numBuffers());
    assertNull(p.queue.owner());
    assertEquals(0, t.close(owner));
    d.unregister();
    assertEquals(1, bed.v4l2Releases.get());
  }

  @Test
  void dqbufOnAnONonblockFileGivesEagainInsteadOfSleeping() {
    Device d = bed.addDevice("vivid0");
    VividBed.Priv p = VividBed.priv(d);
    Task t = new Task(bed.kernel, "capture");
    int fd = t.open(p.path(), File.O_RDWR | File.O_NONBLOCK);
    streaming(t, fd, 2);
    assertEquals(-Errno.EAGAIN, t.ioctl(fd, Videodev2.VIDIOC_DQBUF, buf(0)));
    assertEquals(0, t.poll(fd, READABLE, 0));
    p.frames(1);
    Sync.until(() -> t.poll(fd, READABLE, 0) == READABLE, "a done buffer");
    V4l2Buffer b = buf(-1);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_DQBUF, b));
    assertEquals(0, b.index);
    assertEquals(-Errno.EAGAIN, t.ioctl(fd, Videodev2.VIDIOC_DQBUF, buf(0)));
    assertEquals(0, t.close(fd));
    d.unregister();
    assertEquals(p.queue.queuedTotal(), p.queue.dequeuedTotal() + p.queue.cancelledTotal());
  }

  @Test
  void scenario39DqbufAndPollSleepersAcrossTheUsbDisconnect() {
    Device d = bed.addDevice("vivid0");
    VividBed.Priv p = VividBed.priv(d);
    Vb2Queue q = p.queue;
    String path = p.path();
    Task t = new Task(bed.kernel, "capture");
    int fd = t.open(path, File.O_RDWR);
    Task poller = new Task(bed.kernel, "poller");
    int pfd = poller.open(path, File.O_RDWR);
    assertTrue(fd >= 0 && pfd >= 0);
    streaming(t, fd, 3);
    p.frames(1);
    V4l2Buffer first = buf(-1);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_DQBUF, first));
    assertEquals(0, first.index);

    AtomicInteger dq = new AtomicInteger(1);
    AtomicInteger mask = new AtomicInteger(-1);
    V4l2Buffer slept = buf(-1);
    Thread dqSleeper = Sync.start("dqbuf", () -> dq.set(t.ioctl(fd, Videodev2.VIDIOC_DQBUF, slept)));
    Thread pollSleeper = Sync.start("poll", () -> mask.set(poller.poll(pfd, READABLE, -1)));
    Sync.until(() -> q.doneWq().waiters() == 2, "the DQBUF and poll sleepers on done_wq");
    assertEquals(1, dq.get());
    assertEquals(-1, mask.get());

    // The unplug: disconnected, vb2_queue_error, in-flight buffers back as ERROR, unregister.
    assertEquals(0, bed.bus.unbind(VividBed.DRIVER, "vivid0"));
    Sync.join(dqSleeper);
    Sync.join(pollSleeper);
    assertEquals(-Errno.EIO, dq.get(), "the sleeper inside DQBUF gets EIO from vb2");
    assertEquals(-1, slept.index, "nothing copied out on error");
    assertNotEquals(0, mask.get() & FileOperations.POLLERR, "poll wakes with ERR");
    assertEquals(2, bed.buffersError.get());

    // New system calls on the unregistered node.
    int again = new Task(bed.kernel, "late").open(path, File.O_RDWR);
    assertTrue(again == -Errno.ENODEV || again == -Errno.ENOENT, "open gave " + again);
    assertEquals(-Errno.ENODEV, t.ioctl(fd, Videodev2.VIDIOC_DQBUF, buf(0)));
    assertEquals(-Errno.ENODEV, t.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, new V4l2Capability()));
    assertEquals(
        FileOperations.POLLERR | FileOperations.POLLHUP | FileOperations.POLLPRI,
        poller.poll(pfd, READABLE | FileOperations.POLLPRI, 0));

    // The memory stays until the last close; the owner's close returns every buffer.
    assertEquals(0, poller.close(pfd));
    assertEquals(0, bed.v4l2Releases.get());
    assertEquals(3, q.numBuffers());
    assertEquals(0, t.close(fd));
    assertEquals(1, bed.v4l2Releases.get());
    assertEquals(0, q.numBuffers());
    assertEquals(3, q.queuedTotal());
    assertEquals(1, q.dequeuedTotal());
    assertEquals(2, q.cancelledTotal());
    assertEquals(3, bed.buffersGiven.get());
    assertEquals(1, bed.buffersDone.get());
    d.unregister();
  }
}
