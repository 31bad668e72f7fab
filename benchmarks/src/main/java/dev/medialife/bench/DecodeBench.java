package dev.medialife.bench;

import dev.medialife.driver.File;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Task;
import dev.medialife.driver.of.Of;
import dev.medialife.driver.of.PlatformBus;
import dev.medialife.driver.of.PlatformDevice;
import dev.medialife.drivers.hantro.HantroCodec;
import dev.medialife.drivers.hantro.HantroDev;
import dev.medialife.drivers.hantro.HantroDriver;
import dev.medialife.hw.imx8m.Imx8mBoard;
import dev.medialife.hw.imx8m.Imx8mSoc;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.kernel.debug.SanitizerConfig;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * The demo's decode workload, with the sanitizers on (KASAN, kmemleak, lockdep, stack capture)
 * and off: on an i.MX8MQ (Hantro G1 and G2 sharing one scheduler and the bus), two H.264
 * sessions on G1 and two HEVC sessions on G2 at once, {@value #FRAMES} frames each, every session
 * driven through the system-call façade like a GStreamer client (S_FMT, REQBUFS, STREAMON, up to
 * {@value #BUFFERS} frames in flight, DQBUF/QBUF, STREAMOFF, close).
 *
 * <p>The simulated cores take {@link Bench#decodeMillis} per frame; the default 0 leaves the
 * software path alone in the measurement (the demo's 10 ms would make both sides mostly wait).
 *
 * <p>Target: sanitizers on at most 2.0× off (KASAN alone costs 2–3× in the kernel).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class DecodeBench {
  /** Frames per session, as the demo's first phase. */
  public static final int FRAMES = 12;

  /** Buffers per queue, as the demo. */
  public static final int BUFFERS = 4;

  private static final int OUT = Vb2Queue.TYPE_VIDEO_OUTPUT;
  private static final int CAP = Vb2Queue.TYPE_VIDEO_CAPTURE;
  private static final int MMAP = Vb2Queue.MEMORY_MMAP;
  private static final long TIMEOUT_SECONDS = 60;

  /** The booted SoC with the Hantro driver bound to both cores. */
  @State(Scope.Benchmark)
  public static class Bench {
    /**
     * Which sanitizers run: {@code off}, {@code on} (all four), and two extra cases that show
     * where the cost is: {@code kasan} (KASAN alone) and {@code nostacks} (KASAN, kmemleak and
     * lockdep without stack capture).
     */
    @Param({"off", "on", "kasan", "nostacks"})
    public String sanitizers = "off";

    /** Simulated decode time per frame, in milliseconds. */
    @Param({"0"})
    public int decodeMillis;

    private Sanitizing sanitizing = Sanitizing.off();
    private final Kernel kernel = new Kernel();
    private @Nullable Imx8mBoard soc;
    private @Nullable PlatformBus platform;
    private @Nullable HantroDriver hantro;
    private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "decode-session");
      t.setDaemon(true);
      return t;
    });

    /** Boots the i.MX8MQ and binds Hantro, with the sanitizers as asked. */
    @Setup(Level.Trial)
    public void setUp() {
      sanitizing =
          switch (sanitizers) {
            case "on" -> Sanitizing.with(SanitizerConfig.ALL);
            case "kasan" -> Sanitizing.with(new SanitizerConfig(true, false, false, false));
            case "nostacks" -> Sanitizing.with(new SanitizerConfig(true, true, true, false));
            case "off" -> Sanitizing.off();
            default -> throw new IllegalArgumentException("sanitizers=" + sanitizers);
          };
      Imx8mBoard b =
          Imx8mBoard.builder(Imx8mSoc.IMX8MQ).decodeTime(Duration.ofMillis(decodeMillis)).build();
      soc = b;
      PlatformBus pb = PlatformBus.register(kernel);
      if (pb == null) {
        throw new IllegalStateException("platform bus");
      }
      platform = pb;
      if (b.populate(pb) < 0) {
        throw new IllegalStateException("device tree population");
      }
      HantroDriver drv = new HantroDriver(null);
      if (drv.register(pb) != 0) {
        throw new IllegalStateException("hantro-vpu registration");
      }
      hantro = drv;
    }

    private Imx8mBoard soc() {
      Imx8mBoard b = soc;
      if (b == null) {
        throw new IllegalStateException("no SoC");
      }
      return b;
    }

    @Nullable HantroDev vpu(VpuCore.Kind core) {
      PlatformDevice p = Of.findDeviceByNode(soc().coreNode(core));
      if (p == null) {
        return null;
      }
      p.put(); // the population keeps it alive
      return HantroDriver.vpu(p);
    }

    String path(VpuCore.Kind core) {
      HantroDev v = vpu(core);
      VideoDevice node = v == null ? null : v.decoderNode();
      if (node == null) {
        throw new IllegalStateException(core + " has no decoder node");
      }
      return node.path();
    }

    /** Lets the schedulers go idle, then unbinds and powers the board down. */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
      pool.shutdownNow();
      pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      for (VpuCore.Kind k : VpuCore.Kind.values()) {
        HantroDev v = vpu(k);
        V4l2M2mDev m = v == null ? null : v.m2mDev();
        if (m != null) {
          m.jobWork().flush();
        }
      }
      Workqueue.system().flush();
      PlatformBus pb = platform;
      HantroDriver drv = hantro;
      if (pb != null && drv != null) {
        drv.unregister(pb);
        pb.depopulate(soc().deviceTree());
      }
      soc().close();
      sanitizing.restore();
    }

    /** Four sessions at once; returns the frames decoded without error. */
    int workload() throws InterruptedException {
      List<Future<Integer>> runs = new ArrayList<>();
      runs.add(session(VpuCore.Kind.G1, HantroCodec.H264, "h264-a"));
      runs.add(session(VpuCore.Kind.G1, HantroCodec.H264, "h264-b"));
      runs.add(session(VpuCore.Kind.G2, HantroCodec.HEVC, "hevc-a"));
      runs.add(session(VpuCore.Kind.G2, HantroCodec.HEVC, "hevc-b"));
      int frames = 0;
      for (Future<Integer> f : runs) {
        try {
          frames += f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          throw new IllegalStateException("a decode session failed", e);
        }
      }
      if (frames != 4 * FRAMES) {
        throw new IllegalStateException(frames + " frames decoded, not " + 4 * FRAMES);
      }
      return frames;
    }

    private Future<Integer> session(VpuCore.Kind core, HantroCodec codec, String comm) {
      String path = path(core);
      Task task = new Task(kernel, comm);
      return pool.submit(() -> {
        try {
          return decode(task, path, codec);
        } finally {
          task.exit();
        }
      });
    }
  }

  private static int must(int ret, String what) {
    if (ret < 0) {
      throw new IllegalStateException(what + " failed: " + ret);
    }
    return ret;
  }

  /** One session, as the demo's: returns the frames decoded without the ERROR flag. */
  static int decode(Task t, String path, HantroCodec codec) {
    int fd = must(t.open(path, File.O_RDWR), "open " + path);
    V4l2Format f = new V4l2Format();
    f.type = OUT;
    f.pixelformat = codec.fourcc();
    f.width = 1920;
    f.height = 1080;
    must(t.ioctl(fd, Videodev2.VIDIOC_S_FMT, f), "S_FMT");
    for (int type : new int[] {OUT, CAP}) {
      V4l2Requestbuffers r = new V4l2Requestbuffers();
      r.type = type;
      r.memory = MMAP;
      r.count = BUFFERS;
      must(t.ioctl(fd, Videodev2.VIDIOC_REQBUFS, r), "REQBUFS");
    }
    must(t.ioctl(fd, Videodev2.VIDIOC_STREAMON, new V4l2Int(OUT)), "STREAMON output");
    must(t.ioctl(fd, Videodev2.VIDIOC_STREAMON, new V4l2Int(CAP)), "STREAMON capture");
    int next = 0;
    for (; next < Math.min(BUFFERS, FRAMES); next++) {
      queuePair(t, fd, next, next);
    }
    int decoded = 0;
    for (int done = 0; done < FRAMES; done++) {
      V4l2Buffer cap = new V4l2Buffer(0, CAP, MMAP);
      must(t.ioctl(fd, Videodev2.VIDIOC_DQBUF, cap), "DQBUF capture");
      must(t.ioctl(fd, Videodev2.VIDIOC_DQBUF, new V4l2Buffer(0, OUT, MMAP)), "DQBUF output");
      if ((cap.flags & V4l2Buffer.FLAG_ERROR) == 0) {
        decoded++;
      }
      if (next < FRAMES) {
        queuePair(t, fd, cap.index, next++);
      }
    }
    must(t.ioctl(fd, Videodev2.VIDIOC_STREAMOFF, new V4l2Int(OUT)), "STREAMOFF output");
    must(t.ioctl(fd, Videodev2.VIDIOC_STREAMOFF, new V4l2Int(CAP)), "STREAMOFF capture");
    must(t.close(fd), "close");
    return decoded;
  }

  private static void queuePair(Task t, int fd, int index, int frame) {
    must(t.ioctl(fd, Videodev2.VIDIOC_QBUF, new V4l2Buffer(index, CAP, MMAP)), "QBUF capture");
    V4l2Buffer out = new V4l2Buffer(index, OUT, MMAP);
    out.bytesused = 4096;
    out.timestamp = 1000L * (frame + 1);
    must(t.ioctl(fd, Videodev2.VIDIOC_QBUF, out), "QBUF output");
  }

  /**
   * The demo's first decode phase: 2 × H.264 on G1 and 2 × HEVC on G2 at once.
   *
   * @param b the board
   * @return frames decoded
   * @throws InterruptedException if interrupted
   */
  @Benchmark
  public int decodeWorkload(Bench b) throws InterruptedException {
    return b.workload();
  }
}
