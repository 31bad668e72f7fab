package dev.medialife.it.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.allocator.MediaDeviceAllocator;
import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaDevnode;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * media_device_test.c (reference §8.1): a task opens /dev/mediaX, keeps the descriptor and issues
 * MEDIA_IOC_DEVICE_INFO in a loop while the operator unbinds the driver (a Hantro core) or pulls
 * the device out (the stick), then binds or plugs it back.
 *
 * <p>The program's ten-second sleeps become latches: the loop runs {@value #CALLS} calls before the
 * removal, keeps calling while the control thread removes the target (the calls race the removal;
 * on a Hantro core only between calls, see {@link Rig}),
 * runs {@value #CALLS} more once the removal returned and {@value #CALLS} more after the target is
 * back. Every call before the removal succeeds with the target's model and driver; from the first
 * EIO on, every call fails with EIO, the rebound device included (the descriptor belongs to the
 * old devnode); the devnode lives, with its minor, until the descriptor closes, and is freed then.
 */
@Sanitized
@Timeout(60)
class MediaDeviceTest {
  /** Calls in each quiet phase. */
  static final int CALLS = 200;

  /** Bound of the phase that races the removal. */
  static final int RACING_MAX = 1_000_000;

  /** One DEVICE_INFO result, and whether model and driver were the expected ones on success. */
  private record Call(int ret, boolean identity) {}

  @ParameterizedTest
  @EnumSource(Target.class)
  void deviceInfoOnAKeptDescriptorGivesEioFromTheRemovalOnAndTheDevnodeLivesUntilClose(
      Target target) throws Exception {
    try (Rig rig = Rig.boot(target)) {
      MediaDevice mdev = Rig.notNull(rig.mediaDevice(), "media device");
      MediaDevnode dn = Rig.notNull(mdev.devnode(), "devnode");
      String path = dn.path();
      Allocation devnodeMem = dn.device().mem();
      int minor = dn.minor();
      Task task = new Task(rig.kernel(), "media_device_test");
      int fd = task.open(path, File.O_RDWR);
      assertTrue(fd >= 0, "open " + path + ": " + Errno.describe(fd));

      KeptFdLoop.Phases<Call> phases = KeptFdLoop.run("media_device_test", rig, target, CALLS,
          RACING_MAX, (max, until) -> calls(rig, task, fd, max, until),
          () -> {
            assertEquals(-Errno.ENOENT, task.open(path, File.O_RDWR), "the node is gone");
          });

      List<Call> before = phases.before();
      assertTrue(before.stream().allMatch(c -> c.ret() == 0 && c.identity()),
          "before the removal every call succeeds with model " + target.model() + " and driver "
              + target.driver() + ": " + before);
      List<Call> racing = phases.racing();
      int firstEio = -1;
      for (int i = 0; i < racing.size(); i++) {
        Call c = racing.get(i);
        if (c.ret() == -Errno.EIO && firstEio < 0) {
          firstEio = i;
        }
        assertTrue((c.ret() == 0 && c.identity() && firstEio < 0) || c.ret() == -Errno.EIO,
            "while the removal runs: successes, then EIO only; call " + i + " gave "
                + Errno.describe(c.ret()));
      }
      for (List<Call> after : List.of(phases.after(), phases.restored())) {
        assertTrue(after.stream().allMatch(c -> c.ret() == -Errno.EIO),
            "after the removal, rebound or not, every call fails with EIO");
      }

      // The target is back under another number: the kept descriptor still pins the old minor.
      MediaDevice fresh = Rig.notNull(rig.mediaDevice(), "the new media device");
      assertNotSame(mdev, fresh);
      String freshPath = rig.mediaPath();
      assertNotEquals(path, freshPath, "the old minor is still held by the descriptor");
      assertTrue(devnodeMem.isLive(), "the devnode outlives the removal while the fd is open");
      assertEquals(minor, dn.minor());
      assertFalse(dn.isRegistered());
      if (target.hantro()) {
        // Mainline: the media device lives in hantro_dev, freed by devres at unbind; only the
        // separately allocated devnode is kept by the descriptor.
        assertFalse(mdev.mem().isLive(), "the driver's memory went at unbind");
      } else {
        assertEquals(1, MediaDeviceAllocator.instances(rig.kernel()),
            "the old instance left the allocator's list; the new one is on it");
        assertEquals(0, MediaDeviceAllocator.refcount(mdev));
      }
      assertDeviceInfo(rig, freshPath);

      assertEquals(0, task.close(fd));
      assertFalse(devnodeMem.isLive(), "the last close frees the devnode");
      assertEquals(-1, dn.minor(), "and its minor");
      assertFalse(mdev.mem().isLive());
      assertEquals(0, task.exit());
    }
  }

  /** A fresh media_device_open on the restored target succeeds with its identity. */
  static void assertDeviceInfo(Rig rig, String path) {
    Task t = new Task(rig.kernel(), "media_device_open");
    int fd = t.open(path, File.O_RDWR);
    assertTrue(fd >= 0, "open " + path + ": " + Errno.describe(fd));
    MediaDeviceInfo info = new MediaDeviceInfo();
    assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, info));
    assertEquals(rig.target.model(), info.model);
    assertEquals(rig.target.driver(), info.driver);
    assertEquals(0, t.close(fd));
  }

  /**
   * Issues DEVICE_INFO {@code max} times, or until {@code until} opens (checked before each call)
   * if it is given.
   */
  private static List<Call> calls(Rig rig, Task task, int fd, int max,
      @Nullable CountDownLatch until) {
    Target target = rig.target;
    List<Call> out = new ArrayList<>();
    for (int i = 0; i < max && (until == null || until.getCount() > 0); i++) {
      MediaDeviceInfo info = new MediaDeviceInfo();
      int ret = rig.ioctl(task, fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, info);
      out.add(new Call(ret, ret == 0 && target.model().equals(info.model)
          && target.driver().equals(info.driver)));
    }
    return out;
  }
}
