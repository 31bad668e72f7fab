package dev.medialife.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kernel's manual selftests tools/testing/selftests/media_tests run as stress tests with the
 * media lifetime rules: media_device_test (an fd kept open, DEVICE_INFO in a loop) and
 * media_device_open / open_loop_test (open, DEVICE_INFO, close in a loop), each while another
 * thread unbinds and rebinds the owning driver through sysfs. They pass when every call gives a
 * documented result and no sanitizer report appears.
 */
@Sanitized
@Timeout(120)
class MediaSelftestBindUnbindTest {
  private static final int IOCTLS = 2_000;
  private static final int CYCLES = 20;
  private static final String DEV = "mcdrv0";

  private final LifetimeBed bed = new LifetimeBed();

  /** Unbinds and rebinds {@value #CYCLES} times once {@code start} opens; records failures. */
  private Thread binder(CountDownLatch start, AtomicReference<@Nullable String> failure) {
    return Sync.start(
        "bind_unbind",
        () -> {
          Sync.await(start, "the task's first call");
          for (int i = 0; i < CYCLES; i++) {
            int u = bed.bus.unbind(LifetimeBed.DRIVER, DEV);
            int b = bed.bus.bind(LifetimeBed.DRIVER, DEV);
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
  void mediaDeviceTestKeepsTheFdOpenAcrossBindUnbind() {
    bed.registerDriver();
    Device d = bed.addDevice(DEV);
    String path = LifetimeBed.priv(d).path();
    Task t = new Task(bed.kernel, "media_device_test");
    int fd = t.open(path, File.O_RDWR);
    assertTrue(fd >= 0);
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<@Nullable String> failure = new AtomicReference<>();
    Map<Integer, Integer> results = new ConcurrentHashMap<>();
    Thread binder = binder(start, failure);
    for (int i = 0; i < IOCTLS; i++) {
      MediaDeviceInfo info = new MediaDeviceInfo();
      int r = t.ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, info);
      results.merge(r, 1, Integer::sum);
      if (r == 0) {
        assertEquals(DEV, info.model);
      }
      if (i == 0) {
        assertEquals(0, r, "before removal the ioctl succeeds");
        start.countDown();
      }
    }
    Sync.join(binder);
    assertNull(failure.get());
    assertTrue(
        results.keySet().stream().allMatch(r -> r == 0 || r == -Errno.EIO),
        "only 0 and EIO are documented: " + describe(results));
    assertEquals(IOCTLS, results.values().stream().mapToInt(Integer::intValue).sum());
    // The fd is on the first instance, long unregistered.
    assertEquals(-Errno.EIO, t.ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, new MediaDeviceInfo()));
    assertEquals(
        CYCLES - 1, bed.releases.get(), "every unbound instance but the first, held by the fd");
    assertEquals(0, t.close(fd));
    assertEquals(CYCLES, bed.releases.get(), "the first goes at the last close");
    LifetimeBed.removeDevice(d);
    assertEquals(CYCLES + 1, bed.releases.get());
    assertEquals(0, bed.module.refcount());
  }

  @Test
  void openLoopTestReopensTheNodeAcrossBindUnbind() {
    bed.registerDriver();
    Device d = bed.addDevice(DEV);
    String path = LifetimeBed.priv(d).path();
    Task t = new Task(bed.kernel, "media_device_open");
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<@Nullable String> failure = new AtomicReference<>();
    Map<Integer, Integer> opens = new ConcurrentHashMap<>();
    Map<Integer, Integer> ioctls = new ConcurrentHashMap<>();
    int opened = 0;
    Thread binder = binder(start, failure);
    for (int i = 0; i < IOCTLS; i++) {
      int fd = t.open(path, File.O_RDWR);
      if (fd < 0) {
        opens.merge(fd, 1, Integer::sum);
      } else {
        opened++;
        MediaDeviceInfo info = new MediaDeviceInfo();
        int r = t.ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, info);
        ioctls.merge(r, 1, Integer::sum);
        assertEquals(0, t.close(fd));
      }
      if (i == 0) {
        assertTrue(fd >= 0, "before removal the open succeeds");
        start.countDown();
      }
    }
    Sync.join(binder);
    assertNull(failure.get());
    assertTrue(opened >= 1);
    assertTrue(
        opens.keySet().stream().allMatch(r -> r == -Errno.ENXIO || r == -Errno.ENOENT),
        "open gives an fd, ENXIO or ENOENT: " + describe(opens));
    assertTrue(
        ioctls.keySet().stream().allMatch(r -> r == 0 || r == -Errno.EIO),
        "DEVICE_INFO gives 0 or EIO: " + describe(ioctls));
    assertTrue(ioctls.getOrDefault(0, 0) >= 1);
    assertTrue(t.fds().isEmpty());
    assertEquals(CYCLES, bed.releases.get(), "no file is open: every unbound instance is gone");
    LifetimeBed.removeDevice(d);
    assertEquals(CYCLES + 1, bed.releases.get());
    assertFalse(MediaSubsystem.of(bed.kernel).minorInUse(0));
  }
}
