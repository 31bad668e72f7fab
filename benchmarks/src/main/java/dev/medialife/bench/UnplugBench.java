package dev.medialife.bench;

import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Module;
import dev.medialife.driver.PollTable;
import dev.medialife.driver.Task;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.v4l2.V4l2Device;
import dev.medialife.v4l2.V4l2FileOperations;
import dev.medialife.v4l2.V4l2Fh;
import dev.medialife.v4l2.V4l2IoctlOps;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.Videodev2;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The unplug of a video device node with {@link Node#fds} open files, spread over {@value
 * #TASKS} tasks, each of which has a thread asleep in poll on one of its files (waiting on the
 * file handle's queue, as a capture driver's poll does). One measured operation is the whole
 * drain: the driver's remove ({@code video_unregister_device}, which wakes every file handle,
 * then {@code v4l2_device_unregister} and the driver's put), every poller returning {@code
 * POLLERR | POLLHUP}, and every task exiting (closing its files), until the last close runs the
 * release that frees the driver's memory. The node is built afresh before each operation.
 *
 * <p>Target: at 10,000 files at most 12× the time at 1,000 (linear).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, batchSize = 1)
@Measurement(iterations = 10, batchSize = 1)
@Fork(2)
public class UnplugBench {
  /** Tasks holding the files; each has one thread asleep in poll. */
  public static final int TASKS = 100;

  private static final long TIMEOUT_MILLIS = 60_000;

  /** A registered node, its open files and the sleeping pollers. */
  @State(Scope.Benchmark)
  public static class Node {
    /** Open files on the node. */
    @Param({"1000", "10000"})
    public int fds;

    private Sanitizing sanitizing = Sanitizing.off();
    private final Module module = new Module("bench_vdrv");
    private @Nullable Kernel kernel;
    private @Nullable Device dev;
    private @Nullable V4l2Device v4l2;
    private @Nullable VideoDevice vdev;
    private final List<Task> tasks = new ArrayList<>();
    private final List<Thread> pollers = new ArrayList<>();
    // Opened from this thread only (setup), in order: handle t is task t's first file.
    private final List<V4l2Fh> handles = new ArrayList<>();
    private final AtomicInteger gone = new AtomicInteger();
    private final AtomicInteger released = new AtomicInteger();

    private final V4l2FileOperations fops =
        new V4l2FileOperations() {
          @Override
          public int open(File file) {
            int ret = V4l2Fh.open(file);
            V4l2Fh fh = file.privateData(V4l2Fh.class);
            if (ret == 0 && fh != null) {
              handles.add(fh);
            }
            return ret;
          }

          @Override
          public int release(File file) {
            return V4l2Fh.release(file);
          }

          @Override
          public int poll(File file, PollTable table) {
            V4l2Fh fh = file.privateData(V4l2Fh.class);
            if (fh != null) {
              table.pollWait(file, fh.waitQueue());
            }
            return 0;
          }
        };

    /** Sanitizers off for the whole trial. */
    @Setup(Level.Trial)
    public void setUpTrial() {
      sanitizing = Sanitizing.off();
      kernel = new Kernel();
    }

    /** Sanitizers back. */
    @TearDown(Level.Trial)
    public void tearDownTrial() {
      sanitizing.restore();
    }

    /** Probes a fresh node, opens the files and puts the pollers to sleep. */
    @Setup(Level.Invocation)
    public void setUp() {
      Kernel k = kernel();
      Allocation da = Kmem.kzalloc("bench_device", "vbench");
      Allocation pa = Kmem.kzalloc("bench_priv", "vbench");
      if (da == null || pa == null) {
        throw new IllegalStateException("kzalloc");
      }
      Device d = new Device(k, da, da, "vbench");
      d.setRelease(x -> Kmem.kfree(da, "bench_device_release"));
      check(d.add(), "device_add");
      dev = d;
      V4l2Device v = new V4l2Device(pa);
      check(v.register(d), "v4l2_device_register");
      v.setRelease(x -> {
        released.incrementAndGet();
        Kmem.kfree(pa, "bench_v4l2_release");
      });
      v4l2 = v;
      VideoDevice vd = new VideoDevice(k, pa);
      vd.setName("vbench video");
      vd.setV4l2Dev(v);
      vd.setFops(fops);
      vd.setIoctlOps(new V4l2IoctlOps() {});
      vd.setLock(new Mutex("vbench.lock"));
      vd.setDeviceCaps(Videodev2.V4L2_CAP_VIDEO_CAPTURE | Videodev2.V4L2_CAP_STREAMING);
      vd.setRelease(x -> {});
      check(vd.register(VideoDevice.VflType.VIDEO, -1, module), "video_register_device");
      vdev = vd;
      String path = vd.path();
      released.set(0);
      gone.set(0);
      for (int t = 0; t < TASKS; t++) {
        tasks.add(new Task(k, "holder" + t));
      }
      for (int i = 0; i < fds; i++) {
        Task t = tasks.get(i % TASKS);
        check(t.open(path, File.O_RDWR), "open #" + i);
      }
      for (Task t : tasks) {
        int fd = t.fds().get(0);
        Thread p =
            new Thread(
                () -> {
                  int r = t.poll(fd, FileOperations.POLLIN, -1);
                  if ((r & (FileOperations.POLLERR | FileOperations.POLLHUP)) != 0) {
                    gone.incrementAndGet();
                  }
                },
                "poller-" + t.comm());
        p.setDaemon(true);
        p.start();
        pollers.add(p);
      }
      // Every poller asleep on its file handle's queue before the unplug is timed.
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
      while (sleepers() < TASKS) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(sleepers() + " of " + TASKS + " pollers asleep");
        }
        // Setup only: lets the pollers reach their wait queue; nothing measured depends on it.
        LockSupport.parkNanos(100_000L);
      }
    }

    private int sleepers() {
      int n = 0;
      for (int t = 0; t < TASKS; t++) {
        n += handles.get(t).waitQueue().waiters();
      }
      return n;
    }

    private static void check(int ret, String what) {
      if (ret < 0) {
        throw new IllegalStateException(what + " failed: " + ret);
      }
    }

    private Kernel kernel() {
      Kernel k = kernel;
      if (k == null) {
        throw new IllegalStateException("no kernel");
      }
      return k;
    }

    /** The measured drain; returns how many pollers saw the node gone. */
    int unplug() throws InterruptedException {
      VideoDevice vd = vdev;
      V4l2Device v = v4l2;
      if (vd == null || v == null) {
        throw new IllegalStateException("no node");
      }
      vd.unregister();
      v.unregister();
      v.put();
      for (Thread p : pollers) {
        p.join(TIMEOUT_MILLIS);
        if (p.isAlive()) {
          throw new IllegalStateException(p.getName() + " still asleep after the unplug");
        }
      }
      for (Task t : tasks) {
        t.exit();
      }
      if (released.get() != 1) {
        throw new IllegalStateException("the driver's memory was not released at the last close");
      }
      return gone.get();
    }

    /** Checks the drain, removes the device. */
    @TearDown(Level.Invocation)
    public void tearDown() {
      if (gone.get() != TASKS) {
        throw new IllegalStateException(gone.get() + " of " + TASKS + " pollers saw POLLERR");
      }
      pollers.clear();
      tasks.clear();
      handles.clear();
      Device d = dev;
      if (d != null) {
        d.unregister();
      }
      dev = null;
      vdev = null;
      v4l2 = null;
    }
  }

  /**
   * Unplug and drain.
   *
   * @param n the node
   * @return pollers that saw the node gone
   * @throws InterruptedException if interrupted
   */
  @Benchmark
  public int unplugAndDrain(Node n) throws InterruptedException {
    return n.unplug();
  }
}
