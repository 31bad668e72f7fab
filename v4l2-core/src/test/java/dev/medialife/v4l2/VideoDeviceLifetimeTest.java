package dev.medialife.v4l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.Videodev2;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 39 of the reference without videobuf2 (a poll sleeper on a v4l2_fh node across
 * video_unregister_device; ENODEV for new opens and ioctls; the v4l2_device release only after
 * the last close and only with a release callback), the file operations on an unregistered node,
 * and the ioctl dispatcher's registration re-check under the device lock.
 */
@Sanitized
@Timeout(60)
class VideoDeviceLifetimeTest {
  private static final int PRI_IN = FileOperations.POLLIN | FileOperations.POLLPRI;
  private static final int GONE =
      FileOperations.POLLERR | FileOperations.POLLHUP | FileOperations.POLLPRI;

  private final V4l2Bed bed = new V4l2Bed();

  private static int querycap(Task t, int fd) {
    return t.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, new V4l2Capability());
  }

  @Test
  void querycapFillsTheCoreAndDriverFields() {
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    Task t = new Task(bed.kernel, "v4l2-ctl");
    int fd = t.open(p.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    V4l2Capability cap = new V4l2Capability();
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, cap));
    assertEquals(V4l2Bed.DRIVER, cap.driver);
    assertEquals("vdrv card", cap.card);
    assertEquals("vbus:vdrv0", cap.busInfo);
    assertEquals(V4l2Ioctl.LINUX_VERSION_CODE, cap.version);
    assertEquals(V4l2Bed.CAPS | Videodev2.V4L2_CAP_EXT_PIX_FORMAT, cap.deviceCaps);
    assertEquals(
        V4l2Bed.CAPS | Videodev2.V4L2_CAP_DEVICE_CAPS | Videodev2.V4L2_CAP_EXT_PIX_FORMAT,
        cap.capabilities);
    assertEquals(0x80685600, Videodev2.VIDIOC_QUERYCAP, "_IOR('V', 0, 104)");
    assertEquals(0, t.poll(fd, PRI_IN, 0), "registered: the driver's poll, nothing ready");
    assertEquals(0, t.read(fd, new byte[4]));
    assertEquals(0, t.close(fd));
    d.unregister();
  }

  @Test
  void scenario39PollSleeperWokenOpenAndIoctlGiveEnodevReleaseAtLastClose() {
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    String path = p.path();
    Task t = new Task(bed.kernel, "capture");
    int fd = t.open(path, File.O_RDWR);
    assertTrue(fd >= 0);
    AtomicInteger pollResult = new AtomicInteger(1);
    Task poller = new Task(bed.kernel, "poller");
    int pfd = poller.open(path, File.O_RDWR);
    assertTrue(pfd >= 0);
    Thread sleeper = Sync.start("poll", () -> pollResult.set(poller.poll(pfd, PRI_IN, -1)));
    Sync.until(
        () -> !sleeper.isAlive() || sleeper.getState() == Thread.State.WAITING
            || sleeper.getState() == Thread.State.TIMED_WAITING,
        "the poller to sleep");
    assertEquals(1, pollResult.get(), "still sleeping");

    // Inside unregistration, REGISTERED is clear but the node still exists.
    Task late = new Task(bed.kernel, "late");
    AtomicInteger lateOpen = new AtomicInteger(1);
    AtomicInteger lateIoctl = new AtomicInteger(1);
    AtomicInteger lateRead = new AtomicInteger(1);
    RaceWindow.arm(
        VideoDevice.WINDOW_UNREGISTER,
        () ->
            // From another thread: the unbinding one holds the device lock.
            Sync.join(
                Sync.start(
                    "late",
                    () -> {
                      lateOpen.set(late.open(path, File.O_RDWR));
                      lateIoctl.set(querycap(t, fd));
                      lateRead.set(t.read(fd, new byte[4]));
                    })));
    int calls = bed.driverIoctls.get();
    assertEquals(0, bed.bus.unbind(V4l2Bed.DRIVER, "vdrv0"));
    assertEquals(-Errno.ENODEV, lateOpen.get());
    assertEquals(-Errno.ENODEV, lateIoctl.get());
    assertEquals(-Errno.ENODEV, lateRead.get());
    Sync.join(sleeper);
    assertEquals(GONE, pollResult.get(), "the sleeper woke with ERR|HUP|PRI");
    assertEquals(GONE, t.poll(fd, PRI_IN, 0));
    assertEquals(-Errno.ENODEV, querycap(t, fd));
    assertEquals(-Errno.ENODEV, t.ioctl(fd, V4l2Bed.VIDIOC_PRIVATE, null));
    assertEquals(calls, bed.driverIoctls.get(), "nothing reached the driver");
    assertEquals(-Errno.ENOENT, late.open(path, File.O_RDWR), "the node is gone");

    // The open files keep the node, the v4l2_device and the driver's memory.
    assertEquals(0, bed.vdevReleases.get());
    assertEquals(0, bed.v4l2Releases.get());
    assertTrue(p.mem.isLive());
    assertEquals(1, p.v4l2.refcount(), "only the node's reference is left");
    assertEquals(0, poller.close(pfd));
    assertEquals(0, bed.v4l2Releases.get());
    assertEquals(0, t.close(fd));
    assertEquals(1, bed.vdevReleases.get());
    assertEquals(1, bed.v4l2Releases.get(), "released at the last close");
    assertFalse(p.mem.isLive());
    assertEquals(0, bed.module.refcount());
    d.unregister();
  }

  @Test
  void withoutAV4l2ReleaseTheCoreNeverPutsTheV4l2Device() {
    bed.v4l2Release = false;
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    Task t = new Task(bed.kernel, "capture");
    int fd = t.open(p.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    assertEquals(0, bed.bus.unbind(V4l2Bed.DRIVER, "vdrv0"));
    assertEquals(0, bed.vdevReleases.get());
    assertEquals(0, t.close(fd));
    assertEquals(1, bed.vdevReleases.get());
    assertEquals(0, bed.v4l2Releases.get());
    assertEquals(2, bed.v4l2RefsAtVdevRelease.get(), "initial and node references, never put");
    assertFalse(p.mem.isLive(), "the driver freed in the node's release");
    d.unregister();
  }

  @Test
  void openRacingUnregisterGetsEnodevAfterTakingTheReference() {
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    Task t = new Task(bed.kernel, "opener");
    CountDownLatch parked = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    RaceWindow.arm(
        VideoDevice.WINDOW_OPEN,
        () -> {
          parked.countDown();
          Sync.await(go, "the test to release the open");
        });
    AtomicInteger result = new AtomicInteger(1);
    Thread opener = Sync.start("open", () -> result.set(t.open(p.path(), File.O_RDWR)));
    Sync.await(parked, "open to pass the first check");
    assertEquals(0, bed.bus.unbind(V4l2Bed.DRIVER, "vdrv0"));
    assertEquals(0, bed.vdevReleases.get(), "the opener's reference keeps the node");
    go.countDown();
    Sync.join(opener);
    assertEquals(-Errno.ENODEV, result.get());
    assertEquals(0, p.vdev.fhCount(), "the driver's open never ran");
    assertEquals(1, bed.vdevReleases.get(), "the failed open put the last reference");
    assertEquals(1, bed.v4l2Releases.get());
    d.unregister();
  }

  @Test
  void ioctlParkedBeforeTheLockGetsEnodevAndNeverReachesTheDriver() {
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    Task t = new Task(bed.kernel, "app");
    int fd = t.open(p.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    CountDownLatch parked = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    RaceWindow.arm(
        VideoDevice.WINDOW_IOCTL_LOCK,
        () -> {
          parked.countDown();
          Sync.await(go, "the test to release the ioctl");
        });
    AtomicInteger result = new AtomicInteger(1);
    Thread caller = Sync.start("ioctl", () -> result.set(querycap(t, fd)));
    Sync.await(parked, "the ioctl to pass the first registration check");
    assertEquals(0, bed.bus.unbind(V4l2Bed.DRIVER, "vdrv0"));
    go.countDown();
    Sync.join(caller);
    assertEquals(-Errno.ENODEV, result.get());
    assertEquals(0, bed.driverIoctls.get(), "the driver's handler never ran");
    assertEquals(1, RaceWindow.passes(VideoDevice.WINDOW_IOCTL_LOCK));
    assertEquals(0, t.close(fd));
    assertEquals(1, bed.v4l2Releases.get());
    d.unregister();
  }

  @Test
  void ioctlBlockedOnTheDeviceLockDuringUnregisterGetsEnodev() {
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    Task t = new Task(bed.kernel, "app");
    int fd = t.open(p.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    Mutex lock = p.vdev.lock();
    assertNotNull(lock);
    CountDownLatch atLock = new CountDownLatch(1);
    RaceWindow.arm(VideoDevice.WINDOW_IOCTL_LOCK, atLock::countDown);
    AtomicInteger result = new AtomicInteger(1);
    lock.lock();
    Thread caller;
    try {
      caller = Sync.start("ioctl", () -> result.set(querycap(t, fd)));
      Sync.await(atLock, "the ioctl to reach the lock");
      Sync.until(() -> caller.getState() == Thread.State.WAITING, "the ioctl to block");
      assertEquals(0, bed.bus.unbind(V4l2Bed.DRIVER, "vdrv0"));
      assertEquals(1, result.get(), "still blocked on the lock");
    } finally {
      lock.unlock();
    }
    Sync.join(caller);
    assertEquals(-Errno.ENODEV, result.get());
    assertEquals(0, bed.driverIoctls.get());
    assertEquals(0, t.close(fd));
    assertEquals(1, bed.v4l2Releases.get());
    d.unregister();
  }

  @Test
  void aSignalWhileWaitingForTheDeviceLockGivesEintr() {
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    Task t = new Task(bed.kernel, "app");
    int fd = t.open(p.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    Mutex lock = p.vdev.lock();
    assertNotNull(lock);
    CountDownLatch atLock = new CountDownLatch(1);
    RaceWindow.arm(VideoDevice.WINDOW_IOCTL_LOCK, atLock::countDown);
    AtomicInteger result = new AtomicInteger(1);
    lock.lock();
    try {
      Thread caller = Sync.start("ioctl", () -> result.set(querycap(t, fd)));
      Sync.await(atLock, "the ioctl to reach the lock");
      Sync.until(() -> caller.getState() == Thread.State.WAITING, "the ioctl to block");
      t.kill();
      Sync.join(caller);
    } finally {
      lock.unlock();
    }
    assertEquals(-Errno.EINTR, result.get(), "-ERESTARTSYS reaches userspace as EINTR");
    assertEquals(0, bed.driverIoctls.get());
    assertEquals(0, querycap(t, fd));
    assertEquals(0, t.close(fd));
    d.unregister();
  }

  @Test
  void aNodeWithoutIoctlOpsOrFopsUsesTheDefaults() {
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    p.vdev.setIoctlOps(null);
    p.vdev.setLock(null);
    Task t = new Task(bed.kernel, "app");
    int fd = t.open(p.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    assertEquals(-Errno.ENOTTY, querycap(t, fd));
    p.vdev.setIoctlOps(new V4l2IoctlOps() {});
    assertEquals(-Errno.ENOTTY, querycap(t, fd));
    assertEquals(-Errno.ENOTTY, t.ioctl(fd, V4l2Bed.VIDIOC_PRIVATE, null));
    V4l2FileOperations bare = new V4l2FileOperations() {};
    p.vdev.setFops(bare);
    assertEquals(FileOperations.DEFAULT_POLLMASK, t.poll(fd, FileOperations.POLLIN, 0)
        | FileOperations.POLLOUT | FileOperations.POLLRDNORM | FileOperations.POLLWRNORM);
    assertEquals(-Errno.EINVAL, t.read(fd, new byte[1]));
    int fd2 = t.open(p.path(), File.O_RDWR);
    assertTrue(fd2 >= 0);
    assertEquals(0, t.close(fd2));
    p.vdev.setFops(bed.fops);
    assertEquals(0, t.close(fd));
    d.unregister();
  }
}
