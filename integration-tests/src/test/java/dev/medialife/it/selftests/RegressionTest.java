package dev.medialife.it.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.allocator.MediaDeviceAllocator;
import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.drivers.hantro.HantroDev;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.m2m.V4l2M2mDev;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaDevnode;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * regression_test.txt (reference §8.6), the whole procedure at once: a media_device_test task
 * keeps /dev/mediaX open and loops DEVICE_INFO, six open_loop_test tasks cover /dev/media0 to
 * /dev/media5 (after unbind and bind the device comes back under another number), and the
 * operator runs a bounded bind/unbind loop, for the Hantro cores on both of them and for the
 * stick mixed with physical disconnects (unplug and replug).
 *
 * <p>It passes, like the kernel procedure, when "dmesg" stays clean: no use-after-free, no lockdep
 * report, no refcount warning, no leak (the sanitizer extension fails the test on any). On top,
 * every call must give a documented result, the kept descriptor must see EIO from the first
 * removal on, the device must come back under more than one number, and the machine must end as
 * it started (the two cores sharing one scheduler again; the stick's two drivers one media
 * device).
 */
@Sanitized
@Timeout(90)
class RegressionTest {
  private static final Logger LOG = LoggerFactory.getLogger(RegressionTest.class);

  /** open_loop_test.sh instances, on /dev/media0 to /dev/media5. */
  static final int OPEN_LOOPS = 6;

  /** Bind/unbind (or unplug/replug) cycles of the operator. */
  static final int CYCLES = 12;

  /**
   * Rounds each loop runs at least, and at most: the upper bound is only a safety net (a round
   * on an absent node costs well under a microsecond), the loops end when the operator is done.
   */
  static final int MIN_ROUNDS = 100;

  static final int MAX_ROUNDS = 50_000_000;

  /** What the operator's loop works on. */
  enum Procedure {
    /** Unbind and bind G2, then G1, through hantro-vpu's sysfs files; /dev/mediaX is G2's. */
    HANTRO_CORES(Target.G2),
    /** Unbind and bind au0828 and snd-usb-audio; every third cycle pull the stick and replug. */
    STICK(Target.STICK_UNBIND);

    final Target target;

    Procedure(Target target) {
      this.target = target;
    }
  }

  /** The media_device_test task: DEVICE_INFO on a kept descriptor until told to stop. */
  private static final class Held implements Runnable {
    final Rig rig;
    final Task task;
    final int fd;
    final Target target;
    final AtomicBoolean stop;
    final CountDownLatch firstCall = new CountDownLatch(1);
    final CountDownLatch sawEio = new CountDownLatch(1);
    final AtomicInteger successes = new AtomicInteger();
    final AtomicInteger eios = new AtomicInteger();
    final AtomicReference<@Nullable String> failure = new AtomicReference<>();

    Held(Rig rig, Task task, int fd, Target target, AtomicBoolean stop) {
      this.rig = rig;
      this.task = task;
      this.fd = fd;
      this.target = target;
      this.stop = stop;
    }

    @Override
    public void run() {
      try {
        for (int i = 0; i < MAX_ROUNDS && (i < MIN_ROUNDS || !stop.get()); i++) {
          MediaDeviceInfo info = new MediaDeviceInfo();
          int ret = rig.ioctl(task, fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, info);
          if (ret == 0 && eios.get() == 0 && target.model().equals(info.model)
              && target.driver().equals(info.driver)) {
            successes.incrementAndGet();
          } else if (ret == -Errno.EIO) {
            eios.incrementAndGet();
            sawEio.countDown();
          } else {
            failure.compareAndSet(null, "call " + i + " after " + eios.get() + " EIO: "
                + Errno.describe(ret) + " model " + info.model);
          }
          firstCall.countDown();
        }
      } catch (RuntimeException | Error e) {
        failure.compareAndSet(null, e.toString());
      } finally {
        firstCall.countDown();
        sawEio.countDown();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Procedure.class)
  void bindUnbindLoopAgainstAKeptDescriptorAndSixOpenLoops(Procedure procedure) throws Exception {
    Target target = procedure.target;
    try (Rig rig = Rig.boot(target)) {
      MediaDevice mdev = Rig.notNull(rig.mediaDevice(), "media device");
      MediaDevnode dn = Rig.notNull(mdev.devnode(), "devnode");
      Allocation devnodeMem = dn.device().mem();
      Task test = new Task(rig.kernel(), "media_device_test");
      int fd = test.open(dn.path(), File.O_RDWR);
      assertTrue(fd >= 0);

      AtomicBoolean stop = new AtomicBoolean();
      Held held = new Held(rig, test, fd, target, stop);
      CountDownLatch started = new CountDownLatch(OPEN_LOOPS);
      List<OpenLoop> loops = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      threads.add(Sync.start("media_device_test", held));
      for (int n = 0; n < OPEN_LOOPS; n++) {
        OpenLoop l = new OpenLoop(rig, n, stop, started, MIN_ROUNDS, MAX_ROUNDS);
        loops.add(l);
        threads.add(Sync.start("open_loop_test " + n, l));
      }
      Set<String> seen = new LinkedHashSet<>();
      seen.add(dn.path());
      try {
        Sync.await(held.firstCall, "media_device_test's first call");
        Sync.await(started, "the open loops' first rounds");
        for (int i = 0; i < CYCLES; i++) {
          remove(rig, procedure, i);
          if (i == 0) {
            Sync.await(held.sawEio, "EIO on the kept descriptor after the first removal");
          }
          restore(rig, procedure, i);
          seen.add(rig.mediaPath());
        }
      } finally {
        stop.set(true);
        threads.forEach(Sync::join);
      }
      LOG.info("{}: registered as {}; kept fd {} ok then {} EIO; {}", procedure, seen,
          held.successes.get(), held.eios.get(), loops);

      assertNull(held.failure.get(), "the kept descriptor: successes, then EIO only");
      assertTrue(held.successes.get() >= 1 && held.eios.get() >= 1);
      for (OpenLoop l : loops) {
        assertNull(l.crash.get(), l.path);
        assertTrue(l.documented(), "only documented outcomes: " + l);
        assertTrue(l.stopped(), "the loop ran until the operator was done: " + l);
        assertTrue(l.models.stream().allMatch(
            m -> m.equals(target.model() + "/" + target.driver())), l.toString());
      }
      assertTrue(loops.stream().mapToInt(l -> l.opens.count(0)).sum() > 0,
          "the open loops reached the device");
      assertTrue(seen.size() >= 2, "re-created under another number: " + seen);

      assertTrue(devnodeMem.isLive(), "the kept descriptor still holds the first devnode");
      assertEquals(-Errno.EIO, test.ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO,
          new MediaDeviceInfo()));
      assertEquals(0, test.close(fd));
      assertFalse(devnodeMem.isLive(), "freed at the close");
      MediaDeviceTest.assertDeviceInfo(rig, rig.mediaPath());
      if (procedure == Procedure.HANTRO_CORES) {
        HantroDev g1 = Rig.notNull(rig.board.vpu(VpuCore.Kind.G1), "G1 bound");
        HantroDev g2 = Rig.notNull(rig.board.vpu(VpuCore.Kind.G2), "G2 bound");
        V4l2M2mDev m2m = Rig.notNull(g1.m2mDev(), "G1's scheduler");
        assertSame(m2m, g2.m2mDev(), "the cores share one scheduler again");
      } else {
        MediaDevice now = Rig.notNull(rig.mediaDevice(), "the stick's media device");
        assertEquals(2, MediaDeviceAllocator.refcount(now), "held by both drivers");
        assertEquals(1, MediaDeviceAllocator.instances(rig.kernel()));
      }
    }
  }

  private static void remove(Rig rig, Procedure procedure, int cycle) {
    if (procedure == Procedure.HANTRO_CORES) {
      assertEquals(0, rig.unbind(VpuCore.Kind.G2), "unbind G2");
      assertEquals(0, rig.bind(VpuCore.Kind.G2), "bind G2");
      assertEquals(0, rig.unbind(VpuCore.Kind.G1), "unbind G1");
    } else if (cycle % 3 == 2) {
      assertEquals(0, rig.board.unplug(), "unplug");
    } else {
      assertEquals(0, rig.remove(), "unbind au0828 and snd-usb-audio");
    }
  }

  private static void restore(Rig rig, Procedure procedure, int cycle) {
    if (procedure == Procedure.HANTRO_CORES) {
      assertEquals(0, rig.bind(VpuCore.Kind.G1), "bind G1");
    } else if (cycle % 3 == 2) {
      assertTrue(rig.board.plug() > 0, "replug");
    } else {
      assertEquals(0, rig.restore(), "bind au0828 and snd-usb-audio");
    }
  }
}
