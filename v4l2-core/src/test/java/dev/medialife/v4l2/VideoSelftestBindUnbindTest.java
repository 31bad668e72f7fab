package dev.medialife.v4l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.Videodev2;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kernel's manual selftest video_device_test (tools/testing/selftests/media_tests) as a
 * stress test: a task keeps /dev/video0 open and loops VIDIOC_QUERYCAP while another thread
 * unbinds and rebinds the driver; and the open/QUERYCAP/close variant. Every call gives 0 or a
 * documented errno, and no sanitizer report appears.
 */
@Sanitized
@Timeout(120)
class VideoSelftestBindUnbindTest {
  private static final int IOCTLS = 2_000;
  private static final int CYCLES = 20;
  private static final String DEV = "vdrv0";

  private final V4l2Bed bed = new V4l2Bed();

  private Thread binder(CountDownLatch start, AtomicReference<@Nullable String> failure) {
    return Sync.start(
        "bind_unbind",
        () -> {
          Sync.await(start, "the task's first call");
          for (int i = 0; i < CYCLES; i++) {
            int u = bed.bus.unbind(V4l2Bed.DRIVER, DEV);
            int b = bed.bus.bind(V4l2Bed.DRIVER, DEV);
            if (u != 0 || b != 0) {
              failure.compareAndSet(null, "cycle " + i + ": unbind " + u + ", bind " + b);
            }
          }
        });
  }

  private static String describe(Map<Integer, Integer> results) {
    StringBuilder sb = new StringBuilder();
    results.forEach((r, n) -> sb.append(Errno.describe(r)).append('x').append(n).append(' '));
    return sb.toString();
  }

  @Test
  void videoDeviceTestKeepsTheFdOpenAcrossBindUnbind() {
    bed.registerDriver();
    Device d = bed.addDevice(DEV);
    String path = V4l2Bed.priv(d).path();
    Task t = new Task(bed.kernel, "video_device_test");
    int fd = t.open(path, File.O_RDWR);
    assertTrue(fd >= 0);
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<@Nullable String> failure = new AtomicReference<>();
    Map<Integer, Integer> results = new ConcurrentHashMap<>();
    Thread binder = binder(start, failure);
    for (int i = 0; i < IOCTLS; i++) {
      V4l2Capability cap = new V4l2Capability();
      int r = t.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, cap);
      results.merge(r, 1, Integer::sum);
      if (r == 0) {
        assertEquals(V4l2Bed.DRIVER, cap.driver);
      }
      if (i == 0) {
        assertEquals(0, r, "before removal the ioctl succeeds");
        start.countDown();
      }
    }
    Sync.join(binder);
    assertNull(failure.get());
    assertTrue(
        results.keySet().stream().allMatch(r -> r == 0 || r == -Errno.ENODEV),
        "only 0 and ENODEV are documented: " + describe(results));
    assertEquals(-Errno.ENODEV, t.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, new V4l2Capability()));
    assertEquals(CYCLES - 1, bed.v4l2Releases.get(), "all but the first, held by the fd");
    assertEquals(0, t.close(fd));
    assertEquals(CYCLES, bed.v4l2Releases.get());
    d.unregister();
    assertEquals(CYCLES + 1, bed.v4l2Releases.get());
    assertEquals(CYCLES + 1, bed.vdevReleases.get());
    assertEquals(0, bed.module.refcount());
  }

  @Test
  void openQuerycapCloseLoopAcrossBindUnbind() {
    bed.registerDriver();
    Device d = bed.addDevice(DEV);
    String path = V4l2Bed.priv(d).path();
    Task t = new Task(bed.kernel, "video_device_open");
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<@Nullable String> failure = new AtomicReference<>();
    Map<Integer, Integer> opens = new ConcurrentHashMap<>();
    Map<Integer, Integer> ioctls = new ConcurrentHashMap<>();
    Thread binder = binder(start, failure);
    for (int i = 0; i < IOCTLS; i++) {
      int fd = t.open(path, File.O_RDWR);
      if (fd < 0) {
        opens.merge(fd, 1, Integer::sum);
      } else {
        ioctls.merge(
            t.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, new V4l2Capability()), 1, Integer::sum);
        assertEquals(0, t.close(fd));
      }
      if (i == 0) {
        assertTrue(fd >= 0);
        start.countDown();
      }
    }
    Sync.join(binder);
    assertNull(failure.get());
    assertTrue(
        opens.keySet().stream()
            .allMatch(r -> r == -Errno.ENODEV || r == -Errno.ENOENT || r == -Errno.ENXIO),
        "open gives an fd, ENODEV, ENOENT or ENXIO: " + describe(opens));
    assertTrue(
        ioctls.keySet().stream().allMatch(r -> r == 0 || r == -Errno.ENODEV),
        "QUERYCAP gives 0 or ENODEV: " + describe(ioctls));
    assertTrue(t.fds().isEmpty());
    assertEquals(CYCLES, bed.v4l2Releases.get());
    d.unregister();
    assertEquals(CYCLES + 1, bed.v4l2Releases.get());
    assertNull(VideoSubsystem.of(bed.kernel).lookup(0));
  }
}
