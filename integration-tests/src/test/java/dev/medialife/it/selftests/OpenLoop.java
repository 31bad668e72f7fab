package dev.medialife.it.selftests;

import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * {@code open_loop_test.sh N}: runs media_device_open.c on /dev/mediaN over and over, each time
 * open, one MEDIA_IOC_DEVICE_INFO and close, counting what each call returned. The shell loop is
 * endless; this one stops once told to and at least {@code min} rounds have run, and after {@code
 * max} rounds in any case ({@link #stopped()} tells which).
 */
final class OpenLoop implements Runnable {
  final String path;
  final Tally opens = new Tally();
  final Tally ioctls = new Tally();
  final Tally closes = new Tally();
  /** Models DEVICE_INFO reported on success. */
  final Set<String> models = ConcurrentHashMap.newKeySet();
  final AtomicInteger rounds = new AtomicInteger();
  final AtomicReference<@Nullable Throwable> crash = new AtomicReference<>();

  private final Rig rig;
  private final Task task;
  private final AtomicBoolean stop;
  private final CountDownLatch started;
  private final int min;
  private final int max;

  /**
   * A loop on one node number.
   *
   * @param rig the machine
   * @param n the media node number
   * @param stop set by the control thread when its cycles are done
   * @param started counted down after the first round
   * @param min rounds to run at least
   * @param max rounds to run at most
   */
  OpenLoop(Rig rig, int n, AtomicBoolean stop, CountDownLatch started, int min, int max) {
    this.path = "/dev/media" + n;
    this.rig = rig;
    this.task = new Task(rig.kernel(), "media_device_open");
    this.stop = stop;
    this.started = started;
    this.min = min;
    this.max = max;
  }

  @Override
  public void run() {
    try {
      for (int i = 0; i < max && (i < min || !stop.get()); i++) {
        round();
        rounds.incrementAndGet();
        if (i == 0) {
          started.countDown();
        }
      }
    } catch (RuntimeException | Error e) {
      crash.set(e);
      started.countDown();
    } finally {
      task.exit();
    }
  }

  private void round() {
    int fd = opens.add(task.open(path, File.O_RDWR));
    if (fd < 0) {
      return;
    }
    MediaDeviceInfo info = new MediaDeviceInfo();
    if (ioctls.add(rig.ioctl(task, fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, info)) == 0) {
      models.add(info.model + "/" + info.driver);
    }
    closes.add(task.close(fd));
  }

  /** Whether the loop ended because it was told to, not at its bound. */
  boolean stopped() {
    return stop.get() && rounds.get() < max;
  }

  /** Whether every call gave an outcome media_device_open.c documents. */
  boolean documented() {
    return opens.only(0, -Errno.ENXIO, -Errno.ENOENT)
        && ioctls.only(0, -Errno.EIO)
        && closes.only(0);
  }

  @Override
  public String toString() {
    return path + ": " + rounds.get() + " rounds, open " + opens + ", DEVICE_INFO " + ioctls
        + ", close " + closes + ", models " + models;
  }
}
