package dev.medialife.v4l2.vb2;

import static dev.medialife.v4l2.vb2.Vb2Queue.MEMORY_MMAP;
import static dev.medialife.v4l2.vb2.Vb2Queue.TYPE_VIDEO_CAPTURE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Blocking DQBUF and poll sleepers: what wakes them and what they return. */
@Sanitized
@Timeout(60)
class Vb2DqbufSleepTest {
  private static final int READABLE = FileOperations.POLLIN | FileOperations.POLLRDNORM;

  private final FakeDriver drv = new FakeDriver();

  private static V4l2Buffer cap(int index) {
    return new V4l2Buffer(index, TYPE_VIDEO_CAPTURE, MEMORY_MMAP);
  }

  private Vb2Queue streaming(@Nullable Mutex lock, int n) {
    Vb2Queue q = FakeDriver.capture(drv, lock, 0);
    assertEquals(n, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, n));
    for (int i = 0; i < n; i++) {
      assertEquals(0, q.qbuf(cap(i)));
    }
    assertEquals(0, q.streamon(TYPE_VIDEO_CAPTURE));
    return q;
  }

  /** A task blocked in DQBUF; its result lands in {@code ret}. */
  private static Thread dqbufSleeper(Vb2Queue q, AtomicInteger ret, V4l2Buffer b) {
    return Sync.start("dqbuf", () -> ret.set(q.dqbuf(b, false)));
  }

  private static void awaitSleepers(Vb2Queue q, int n) {
    Sync.until(() -> q.doneWq().waiters() == n, n + " sleepers on done_wq");
  }

  @Test
  void aCompletionWakesTheSleeperWithTheBuffer() {
    Vb2Queue q = streaming(null, 2);
    AtomicInteger ret = new AtomicInteger(1);
    V4l2Buffer b = cap(9);
    Thread t = dqbufSleeper(q, ret, b);
    awaitSleepers(q, 1);
    drv.complete(Vb2Buffer.State.DONE, 10, 3);
    Sync.join(t);
    assertEquals(0, ret.get());
    assertEquals(0, b.index);
    assertEquals(3, b.sequence);
    q.queueRelease();
    assertEquals(1, q.dequeuedTotal());
    assertEquals(1, q.cancelledTotal());
  }

  @Test
  void aSecondDqbufWhileOneSleepsGetsEbusyFirst() {
    Vb2Queue q = streaming(null, 2);
    AtomicInteger ret = new AtomicInteger(1);
    Thread t = dqbufSleeper(q, ret, cap(0));
    awaitSleepers(q, 1);
    assertEquals(-Errno.EBUSY, q.dqbuf(cap(0), false));
    assertEquals(-Errno.EBUSY, q.dqbuf(cap(0), true));
    q.queueError();
    Sync.join(t);
    assertEquals(-Errno.EIO, ret.get());
    // Once nobody sleeps, the error check is next in line.
    assertEquals(-Errno.EIO, q.dqbuf(cap(0), true));
    q.queueRelease();
    assertEquals(2, q.cancelledTotal());
  }

  @Test
  void queueErrorWakesADqbufSleeperAndAPollSleeper() {
    Vb2Queue q = streaming(null, 3);
    PollNode node = new PollNode(q, "video0");
    Task app = new Task(node.kernel, "app");
    int fd = app.open(node.path, File.O_RDWR);
    assertTrue(fd >= 0);
    assertEquals(0, app.poll(fd, READABLE, 0));
    AtomicInteger dq = new AtomicInteger(1);
    AtomicInteger mask = new AtomicInteger(-1);
    Thread t1 = dqbufSleeper(q, dq, cap(0));
    Thread t2 = Sync.start("poll", () -> mask.set(app.poll(fd, READABLE, -1)));
    awaitSleepers(q, 2);
    q.queueError();
    Sync.join(t1);
    Sync.join(t2);
    assertEquals(-Errno.EIO, dq.get());
    assertEquals(FileOperations.POLLERR, mask.get());
    // The disconnect pattern: in-flight buffers come back as ERROR, then the cancel.
    drv.drain(Vb2Buffer.State.ERROR);
    assertEquals(0, app.close(fd));
    q.queueRelease();
    node.remove();
    assertEquals(3, q.queuedTotal());
    assertEquals(3, q.cancelledTotal());
    assertEquals(0, q.dequeuedTotal());
  }

  @Test
  void aPollSleeperWakesReadableOnACompletion() {
    Vb2Queue q = streaming(null, 2);
    PollNode node = new PollNode(q, "video1");
    Task app = new Task(node.kernel, "app");
    int fd = app.open(node.path, File.O_RDWR);
    AtomicInteger mask = new AtomicInteger(-1);
    Thread t = Sync.start("poll", () -> mask.set(app.poll(fd, READABLE, -1)));
    awaitSleepers(q, 1);
    drv.complete(Vb2Buffer.State.DONE);
    Sync.join(t);
    assertEquals(READABLE, mask.get());
    assertEquals(0, q.dqbuf(cap(0), true));
    assertEquals(0, app.close(fd));
    q.queueRelease();
    node.remove();
    assertEquals(1, q.dequeuedTotal());
    assertEquals(1, q.cancelledTotal());
  }

  @Test
  void streamoffWakesTheSleeperWithEinval() {
    Vb2Queue q = streaming(null, 2);
    AtomicInteger ret = new AtomicInteger(1);
    Thread t = dqbufSleeper(q, ret, cap(0));
    awaitSleepers(q, 1);
    assertEquals(0, q.streamoff(TYPE_VIDEO_CAPTURE));
    Sync.join(t);
    assertEquals(-Errno.EINVAL, ret.get());
    assertEquals(2, q.cancelledTotal());
    q.queueRelease();
  }

  @Test
  void aSignalEndsTheSleepWithErestartsys() {
    Vb2Queue q = streaming(null, 1);
    AtomicInteger ret = new AtomicInteger(1);
    Thread t = dqbufSleeper(q, ret, cap(0));
    awaitSleepers(q, 1);
    t.interrupt();
    Sync.join(t);
    assertEquals(-Errno.ERESTARTSYS, ret.get());
    // The sleeper flag is cleared: the next DQBUF is not refused with EBUSY.
    assertEquals(-Errno.EAGAIN, q.dqbuf(cap(0), true));
    q.queueRelease();
    assertEquals(1, q.cancelledTotal());
  }

  @Test
  void theQueueLockIsDroppedWhileSleepingAndRetakenAfter() {
    Mutex lock = new Mutex("vb2_queue.lock");
    Vb2Queue q = streaming(lock, 2);
    assertSame(lock, q.lock());
    AtomicInteger ret = new AtomicInteger(1);
    AtomicBoolean heldAfter = new AtomicBoolean();
    Thread t =
        Sync.start(
            "dqbuf",
            () -> {
              lock.lock();
              ret.set(q.dqbuf(cap(0), false));
              heldAfter.set(lock.isHeldByCurrentThread());
              lock.unlock();
            });
    awaitSleepers(q, 1);
    Sync.until(lock::tryLock, "the queue lock to be free while DQBUF sleeps");
    drv.complete(Vb2Buffer.State.DONE);
    lock.unlock();
    Sync.join(t);
    assertEquals(0, ret.get());
    assertTrue(heldAfter.get());
    lock.lock();
    q.queueRelease();
    lock.unlock();
  }

  @Test
  void reqbufsIsBusyWhileADqbufHasNotLeftItsSleep() {
    Mutex lock = new Mutex("vb2_queue.lock");
    Vb2Queue q = streaming(lock, 2);
    AtomicInteger ret = new AtomicInteger(1);
    Thread t =
        Sync.start(
            "dqbuf",
            () -> {
              lock.lock();
              ret.set(q.dqbuf(cap(0), false));
              lock.unlock();
            });
    awaitSleepers(q, 1);
    Sync.until(lock::tryLock, "the queue lock");
    assertEquals(0, q.streamoff(TYPE_VIDEO_CAPTURE));
    // The woken sleeper waits for the lock we hold, still marked as waiting in DQBUF.
    assertEquals(-Errno.EBUSY, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 2));
    // Freeing (count 0) is allowed: the sleeper touches no buffer when it wakes.
    assertEquals(0, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 0));
    lock.unlock();
    Sync.join(t);
    assertEquals(-Errno.EINVAL, ret.get());
    assertEquals(0, q.numBuffers());
  }
}
