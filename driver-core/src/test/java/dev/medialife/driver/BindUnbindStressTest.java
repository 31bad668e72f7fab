package dev.medialife.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sample character driver bound and unbound 1,000 times while tasks hold files open and call
 * into it (the kernel selftests' bind_unbind_sample.sh with open_loop_test.sh running): no
 * use-after-free, no leak, and every call returns success or a documented errno.
 */
@Sanitized
class BindUnbindStressTest {
  private static final int CYCLES = 1_000;
  private static final int TASKS = 3;

  @Test
  @Timeout(120)
  void bindUnbindWhileTasksCallIn() throws Exception {
    TestBed bed = new TestBed();
    Module mod = new Module("sample_drv");
    DeviceDriver drv = new DeviceDriver("cam", mod, false, new SampleCharDriver(mod));
    assertEquals(0, bed.bus.driverRegister(drv));
    Device dev = bed.addDevice("cam0");

    Set<String> seen = ConcurrentHashMap.newKeySet();
    CountDownLatch calledIn = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CyclicBarrier start = new CyclicBarrier(TASKS + 1);
    List<Thread> threads = new ArrayList<>();
    boolean[] stop = new boolean[1];
    for (int i = 0; i < TASKS; i++) {
      Task task = new Task(bed.kernel, "app" + i);
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await(10, TimeUnit.SECONDS);
                  runTask(task, seen, calledIn, stop);
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                } finally {
                  task.exit();
                }
              },
              "task-" + i);
      threads.add(t);
      t.start();
    }
    start.await(10, TimeUnit.SECONDS);
    for (int i = 0; i < CYCLES; i++) {
      assertEquals(0, bed.bus.unbind("cam", "cam0"));
      assertEquals(0, bed.bus.bind("cam", "cam0"));
    }
    // The churn may end before the tasks were scheduled at all (1,000 cycles take well under a
    // second); the driver is bound now, so wait until a task got a file and called in, rather
    // than require that it happened during the churn.
    assertTrue(calledIn.await(Sync.TIMEOUT_SECONDS, TimeUnit.SECONDS), () -> "ran: " + seen);
    synchronized (stop) {
      stop[0] = true;
    }
    for (Thread t : threads) {
      t.join(30_000);
    }
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    Set<String> allowed =
        Set.of("open:fd", "open:-ENOENT", "open:-ENXIO", "open:-ENODEV", "ioctl:0",
            "ioctl:-ENODEV", "poll:ready", "poll:0", "poll:hup", "close:0");
    assertTrue(allowed.containsAll(seen), () -> "undocumented results: " + seen);
    assertTrue(seen.contains("ioctl:0") && seen.contains("open:fd"), () -> "ran: " + seen);
    dev.unregister();
    assertEquals(0, mod.refcount());
    assertEquals(0, mod.unload());
  }

  private static boolean stopped(boolean[] stop) {
    synchronized (stop) {
      return stop[0];
    }
  }

  /** Opens, calls and closes in a loop, keeping up to two files open across unbinds. */
  private static void runTask(
      Task task, Set<String> seen, CountDownLatch calledIn, boolean[] stop) {
    ArrayDeque<Integer> open = new ArrayDeque<>();
    SampleCharDriver.Value v = new SampleCharDriver.Value();
    int round = 0;
    while (!stopped(stop)) {
      round++;
      int fd = task.open("/dev/sample-cam0", File.O_RDWR);
      seen.add(fd >= 0 ? "open:fd" : "open:" + "-" + Errno.name(fd));
      if (fd >= 0) {
        open.add(fd);
      }
      for (int f : open) {
        int r = task.ioctl(f, SampleCharDriver.SAMPLE_GET, v);
        seen.add("ioctl:" + (r == 0 ? "0" : "-" + Errno.name(r)));
        if (r == 0) {
          calledIn.countDown();
        }
        int p = task.poll(f, FileOperations.POLLIN, 0);
        seen.add(p == 0 ? "poll:0"
            : (p & FileOperations.POLLHUP) != 0 ? "poll:hup" : p > 0 ? "poll:ready" : "poll:" + p);
      }
      if (open.size() > 2 || (round % 3 == 0 && !open.isEmpty())) {
        int r = task.close(open.removeFirst());
        seen.add("close:" + r);
      }
    }
  }
}
