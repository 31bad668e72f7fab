package dev.medialife.drivers.hantro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.File;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Task;
import dev.medialife.driver.of.Of;
import dev.medialife.driver.of.PlatformBus;
import dev.medialife.driver.of.PlatformDevice;
import dev.medialife.hw.imx8m.Imx8mBoard;
import dev.medialife.hw.imx8m.Imx8mSoc;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.time.ManualClock;
import dev.medialife.kernel.trace.TraceRecorder;
import dev.medialife.kernel.workqueue.Workqueue;
import dev.medialife.m2m.V4l2M2mDev;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A test bed: an i.MX8M board on a manual kernel clock (installed, so the watchdog runs on it too),
 * its platform devices populated and the Hantro driver registered. Tests drive decoding through a
 * {@link Session} (a task with an open decoder node) and end decodes by advancing the clock.
 */
final class HantroBed implements AutoCloseable {
  static final Duration DECODE = Duration.ofMillis(10);
  static final VpuCore.Kind G1 = VpuCore.Kind.G1;
  static final VpuCore.Kind G2 = VpuCore.Kind.G2;

  final ManualClock clock = new ManualClock();
  private final KernelClock previous;
  final Imx8mBoard board;
  final Kernel kernel = new Kernel();
  final PlatformBus platform;
  final HantroDriver driver = new HantroDriver(null);
  private boolean registered;

  HantroBed(Imx8mSoc soc) {
    this(soc, true);
  }

  HantroBed(Imx8mSoc soc, boolean register) {
    previous = KernelClock.install(clock);
    board = Imx8mBoard.builder(soc).clock(clock).trace(new TraceRecorder(4096, clock))
        .decodeTime(DECODE).build();
    PlatformBus pb = PlatformBus.register(kernel);
    assertNotNull(pb);
    platform = pb;
    assertEquals(3, board.populate(platform));
    if (register) {
      register();
    }
  }

  void register() {
    assertEquals(0, driver.register(platform));
    registered = true;
  }

  PlatformDevice pdev(VpuCore.Kind kind) {
    PlatformDevice p = Of.findDeviceByNode(board.coreNode(kind));
    assertNotNull(p);
    p.put(); // the board's population keeps it alive
    return p;
  }

  @Nullable HantroDev vpuOrNull(VpuCore.Kind kind) {
    return HantroDriver.vpu(pdev(kind));
  }

  HantroDev vpu(VpuCore.Kind kind) {
    HantroDev v = vpuOrNull(kind);
    assertNotNull(v, kind + " is not bound");
    return v;
  }

  V4l2M2mDev m2m(VpuCore.Kind kind) {
    V4l2M2mDev m = vpu(kind).m2mDev();
    assertNotNull(m);
    return m;
  }

  int bind(VpuCore.Kind kind) {
    return platform.bus().bind(HantroDriver.NAME, pdev(kind).name());
  }

  int unbind(VpuCore.Kind kind) {
    return platform.bus().unbind(HantroDriver.NAME, pdev(kind).name());
  }

  VpuCore core(VpuCore.Kind kind) {
    return board.core(kind);
  }

  /** Busy intervals the driver closed so far, on both cores. */
  int finished() {
    return driver.metrics().busyIntervals().size();
  }

  /** Waits until a core decodes and the clock has its decode timer. */
  void awaitDecoding(VpuCore.Kind kind) {
    Sync.until(() -> core(kind).isDecoding(), kind + " decoding");
  }

  /** Ends the decode in flight: advances the clock by one decode time and waits for the finish. */
  void completeOne() {
    int before = finished();
    long schedBefore = schedulerFinishes();
    long irqsBefore = irqsHandled();
    Sync.until(() -> core(G1).isDecoding() || core(G2).isDecoding(), "a decode in flight");
    clock.advance(DECODE);
    Sync.until(() -> finished() > before, "the job to finish");
    // The driver closes the interval just before the scheduler completes the buffers.
    Sync.until(() -> schedulerFinishes() > schedBefore, "the scheduler to finish the job");
    // The scheduler counts the finish before it queues job_work for the next job, both from the
    // interrupt handler: wait for the handler to return, so that close() flushes that work.
    Sync.until(() -> irqsHandled() > irqsBefore, "the interrupt handler to return");
  }

  /** Interrupts the bound cores' handlers claimed and returned from. */
  private long irqsHandled() {
    long n = 0;
    for (VpuCore.Kind k : VpuCore.Kind.values()) {
      if (vpuOrNull(k) != null) {
        n += board.irqChip().delivered(core(k).irq());
      }
    }
    return n;
  }

  /** Jobs finished by the schedulers of the bound cores (one when they share). */
  long schedulerFinishes() {
    HantroDev a = vpuOrNull(G1);
    HantroDev b = vpuOrNull(G2);
    V4l2M2mDev ma = a == null ? null : a.m2mDev();
    V4l2M2mDev mb = b == null ? null : b.m2mDev();
    long sum = ma == null ? 0 : ma.jobsFinished();
    if (mb != null && (ma == null || ma.id() != mb.id())) {
      sum += mb.jobsFinished();
    }
    return sum;
  }

  /** Waits until the scheduler's deferred work and the system workqueue are idle. */
  void settle(V4l2M2mDev m2m) {
    m2m.jobWork().flush();
    Workqueue.system().flush();
  }

  @Override
  public void close() {
    try {
      // A finished job leaves the scheduler's job_work queued; let it run before the scheduler can
      // be freed (v4l2_m2m_release does not flush it, in the kernel either).
      for (VpuCore.Kind k : VpuCore.Kind.values()) {
        HantroDev v = vpuOrNull(k);
        V4l2M2mDev m = v == null ? null : v.m2mDev();
        if (m != null && m.mem().isLive()) {
          m.jobWork().flush();
        }
      }
      Workqueue.system().flush();
      if (registered) {
        driver.unregister(platform);
      }
      platform.depopulate(board.deviceTree());
      board.close();
    } finally {
      KernelClock.install(previous);
      PatchSwitch.resetAll();
      RaceWindow.reset();
    }
  }

  /** A task with an open decoder node: S_FMT, REQBUFS and STREAMON done. */
  final class Session {
    final Task task;
    final int fd;
    final int buffers;

    Session(VpuCore.Kind kind, HantroCodec codec, int buffers) {
      this.buffers = buffers;
      task = new Task(kernel, "app-" + kind);
      VideoDevice vdev = vpu(kind).decoderNode();
      assertNotNull(vdev);
      fd = task.open(vdev.path(), File.O_RDWR | File.O_NONBLOCK);
      assertTrue(fd >= 0, "open: " + fd);
      V4l2Format f = new V4l2Format();
      f.type = Vb2Queue.TYPE_VIDEO_OUTPUT;
      f.pixelformat = codec.fourcc();
      f.width = 1920;
      f.height = 1080;
      assertEquals(0, task.ioctl(fd, Videodev2.VIDIOC_S_FMT, f));
      assertEquals(codec.fourcc(), f.pixelformat);
      for (int type : new int[] {Vb2Queue.TYPE_VIDEO_OUTPUT, Vb2Queue.TYPE_VIDEO_CAPTURE}) {
        V4l2Requestbuffers p = new V4l2Requestbuffers();
        p.type = type;
        p.memory = Vb2Queue.MEMORY_MMAP;
        p.count = buffers;
        assertEquals(0, task.ioctl(fd, Videodev2.VIDIOC_REQBUFS, p));
        assertEquals(buffers, p.count);
      }
      assertEquals(0, task.ioctl(fd, Videodev2.VIDIOC_STREAMON, type(Vb2Queue.TYPE_VIDEO_OUTPUT)));
      assertEquals(0,
          task.ioctl(fd, Videodev2.VIDIOC_STREAMON, type(Vb2Queue.TYPE_VIDEO_CAPTURE)));
    }

    /** Queues capture then output buffer {@code i}: the context becomes ready with the output. */
    void queue(int i) {
      V4l2Buffer cap = new V4l2Buffer(i, Vb2Queue.TYPE_VIDEO_CAPTURE, Vb2Queue.MEMORY_MMAP);
      assertEquals(0, task.ioctl(fd, Videodev2.VIDIOC_QBUF, cap));
      V4l2Buffer out = new V4l2Buffer(i, Vb2Queue.TYPE_VIDEO_OUTPUT, Vb2Queue.MEMORY_MMAP);
      out.bytesused = 100;
      out.timestamp = 1000L + i;
      assertEquals(0, task.ioctl(fd, Videodev2.VIDIOC_QBUF, out));
    }

    /** DQBUF of a type, non-blocking: the flags, or the negative errno. */
    int dq(int type) {
      V4l2Buffer b = new V4l2Buffer(0, type, Vb2Queue.MEMORY_MMAP);
      int ret = task.ioctl(fd, Videodev2.VIDIOC_DQBUF, b);
      return ret != 0 ? ret : b.flags;
    }

    int dqCap() {
      return dq(Vb2Queue.TYPE_VIDEO_CAPTURE);
    }

    int dqOut() {
      return dq(Vb2Queue.TYPE_VIDEO_OUTPUT);
    }

    void close() {
      assertEquals(0, task.close(fd));
    }
  }

  static V4l2Int type(int t) {
    V4l2Int i = new V4l2Int();
    i.value = t;
    return i;
  }

  Session session(VpuCore.Kind kind, HantroCodec codec, int buffers) {
    return new Session(kind, codec, buffers);
  }
}
