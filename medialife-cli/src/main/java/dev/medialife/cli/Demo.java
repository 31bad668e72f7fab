package dev.medialife.cli;

import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.drivers.au0828.Au0828Dev;
import dev.medialife.drivers.hantro.HantroCodec;
import dev.medialife.drivers.hantro.HantroDev;
import dev.medialife.drivers.hantro.HantroMetrics;
import dev.medialife.drivers.usbaudio.SndPcm;
import dev.medialife.drivers.usbaudio.SndPcmHwParams;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.trace.TraceRecorder;
import dev.medialife.kernel.workqueue.Workqueue;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaDevnode;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main job: what a user of the default board would do in one sitting, driven like userspace
 * through the syscall façade, with the sanitizers watching.
 *
 * <ol>
 *   <li>boot the i.MX8MQ with the stick;
 *   <li>decode H.264 on G1 and HEVC on G2, several streams at once (the shared scheduler must
 *       keep the two cores from decoding at the same time: no overlap, no bus error);
 *   <li>unbind and rebind G2 while G1 keeps decoding, then decode HEVC on the rebound core;
 *   <li>stream video and capture audio from the stick, pull it out with both fds open and
 *       their readers asleep, check the errnos userspace sees, close, and replug it;
 *   <li>tear the board down and collect the sanitizer verdict.
 * </ol>
 */
final class Demo {
  /** Each wait of the demo gives up after this long; the whole demo takes about a second. */
  static final long TIMEOUT_SECONDS = 20;

  private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
  private static final long POLL_NANOS = 100_000L;

  static final int BUFFERS = 4;
  static final int FRAMES = 12;
  static final int LONG_FRAMES = 24;
  static final int STICK_FRAMES = 16;
  static final long STICK_INTERVAL_NANOS = 2_000_000L;

  private static final int OUT = Vb2Queue.TYPE_VIDEO_OUTPUT;
  private static final int CAP = Vb2Queue.TYPE_VIDEO_CAPTURE;
  private static final int MMAP = Vb2Queue.MEMORY_MMAP;

  private final Consumer<String> progress;
  private final Syscalls sys = new Syscalls();
  private final List<RunReport.Expectation> expectations = new ArrayList<>();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong returned = new AtomicLong();
  private final TraceRecorder trace = TraceRecorder.global();
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "demo-task");
    t.setDaemon(true);
    return t;
  });
  private final List<String> topology = new ArrayList<>();

  Demo(Consumer<String> progress) {
    this.progress = progress;
  }

  private synchronized List<RunReport.Expectation> expectations() {
    return List.copyOf(expectations);
  }

  /** The topology lines printed after boot. */
  List<String> topology() {
    return List.copyOf(topology);
  }

  /**
   * Runs the demo.
   *
   * @return its report
   */
  RunReport run() {
    long start = System.nanoTime();
    trace.clear();
    trace.enable();
    Map<String, Long> jobs = new LinkedHashMap<>();
    long overlaps = 0;
    long busErrors = 0;
    long leaks;
    List<RunReport.SanitizerReport> reports = new ArrayList<>();
    SanitizerScope scope = SanitizerScope.open("medialife demo");
    try {
      Board board;
      try {
        board = Board.boot(Board.Kind.DEFAULT);
      } catch (Board.BootException e) {
        expect("the default board boots (" + e.getMessage() + ")", false);
        board = null;
      }
      if (board != null) {
        try {
          describe(board);
          decodeOnBothCores(board);
          rebindG2WhileG1Decodes(board);
          unplugMidStream(board);
        } finally {
          HantroMetrics.Snapshot m = board.hantro().metrics().snapshot();
          jobs.putAll(new TreeMap<>(m.jobs()));
          overlaps = m.overlaps();
          busErrors = m.busErrors();
          progress.accept("tearing the board down");
          board.close();
          Workqueue.system().flush();
        }
      }
    } finally {
      pool.shutdownNow();
      leaks = scope.liveCount();
      scope.close();
    }
    for (Report r : scope.reports()) {
      reports.add(new RunReport.SanitizerReport(r.kind().name(), r.title(), r.render()));
    }
    long leakReports = scope.reports(ReportKind.LEAK).size();
    leaks = Math.max(leaks, leakReports);
    expect("decode jobs ran on both cores " + jobs, jobs.size() == 2
        && jobs.values().stream().allMatch(n -> n > 0));
    expect("no decode overlapped another on the shared bus", overlaps == 0);
    expect("no bus error", busErrors == 0);
    expect("every queued buffer came back (" + queued.get() + " queued, " + returned.get()
        + " returned)", queued.get() == returned.get());
    boolean ok = reports.isEmpty() && leaks == 0
        && expectations().stream().allMatch(RunReport.Expectation::ok);
    return new RunReport("demo", ok, Board.Kind.DEFAULT.describe(), reports,
        new RunReport.SyscallCounts(sys.total(), sys.errors()), jobs, overlaps, busErrors,
        new RunReport.BufferCounts(queued.get(), returned.get()), leaks, expectations(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  /** Expects a return value; the text says what came back. */
  private void expectRet(String what, int ret, int want) {
    expect(what + " returns " + Errno.describe(want) + " (got " + Errno.describe(ret) + ")",
        ret == want);
  }

  private synchronized void expect(String text, boolean ok) {
    expectations.add(new RunReport.Expectation(text, ok));
    if (!ok) {
      progress.accept("  FAILED: " + text);
    }
  }

  private void describe(Board board) {
    progress.accept("booted " + board.kind().describe());
    for (MediaDevice m : board.mediaDevices()) {
      MediaDevnode node = m.devnode();
      String line = String.format(Locale.ROOT, "  %-11s %-22s %d entities, %d links",
          node == null ? "-" : node.path(), m.model(), m.entities().size(), m.links().size());
      topology.add(line.stripTrailing());
      progress.accept(line.stripTrailing());
    }
  }

  // ------------------------------------------------------------------ decoding

  /** Two H.264 streams on G1 and two HEVC streams on G2 at the same time. */
  private void decodeOnBothCores(Board board) {
    progress.accept("decoding 2 H.264 streams on G1 and 2 HEVC streams on G2 at once");
    List<Future<Integer>> runs = new ArrayList<>();
    runs.add(decode(board, VpuCore.Kind.G1, HantroCodec.H264, "gst-h264-a", FRAMES, null));
    runs.add(decode(board, VpuCore.Kind.G1, HantroCodec.H264, "gst-h264-b", FRAMES, null));
    runs.add(decode(board, VpuCore.Kind.G2, HantroCodec.HEVC, "gst-hevc-a", FRAMES, null));
    runs.add(decode(board, VpuCore.Kind.G2, HantroCodec.HEVC, "gst-hevc-b", FRAMES, null));
    int frames = 0;
    for (Future<Integer> f : runs) {
      frames += frames(f, "a decode session");
    }
    expect("4 concurrent sessions decoded " + (4 * FRAMES) + " frames", frames == 4 * FRAMES);
    progress.accept("  " + frames + " frames decoded; jobs " + jobsLine(board));
  }

  /** G1 decodes while G2 goes away and comes back; then HEVC decodes on the new G2. */
  private void rebindG2WhileG1Decodes(Board board) {
    progress.accept("unbinding and rebinding G2 while G1 decodes");
    CountDownLatch started = new CountDownLatch(2);
    Future<Integer> a =
        decode(board, VpuCore.Kind.G1, HantroCodec.H264, "gst-h264-c", LONG_FRAMES, started);
    Future<Integer> b =
        decode(board, VpuCore.Kind.G1, HantroCodec.H264, "gst-h264-d", LONG_FRAMES, started);
    boolean running = awaitLatch(started);
    expect("G1 streams were decoding before the unbind", running);
    HantroDev before = board.vpu(VpuCore.Kind.G2);
    int ret = board.unbind(VpuCore.Kind.G2);
    trace.instant("demo", "unbind G2", "control", Map.of("ret", ret));
    expectRet("unbind G2", ret, 0);
    expect("G2 has no driver after the unbind", board.vpu(VpuCore.Kind.G2) == null);
    ret = board.bind(VpuCore.Kind.G2);
    trace.instant("demo", "bind G2", "control", Map.of("ret", ret));
    expectRet("bind G2", ret, 0);
    HantroDev after = board.vpu(VpuCore.Kind.G2);
    expect("G2 is bound afresh", after != null && after != before);
    Future<Integer> c = decode(board, VpuCore.Kind.G2, HantroCodec.HEVC, "gst-hevc-c", FRAMES, null);
    int g1 = frames(a, "G1 session c") + frames(b, "G1 session d");
    int g2 = frames(c, "HEVC on the rebound G2");
    expect("G1 decoded all " + (2 * LONG_FRAMES) + " frames across the rebind",
        g1 == 2 * LONG_FRAMES);
    expect("the rebound G2 decoded " + FRAMES + " HEVC frames", g2 == FRAMES);
    progress.accept("  G1 kept decoding (" + g1 + " frames), rebound G2 decoded " + g2
        + "; jobs " + jobsLine(board));
  }

  private static String jobsLine(Board board) {
    HantroMetrics.Snapshot m = board.hantro().metrics().snapshot();
    return new TreeMap<>(m.jobs()) + ", overlaps " + m.overlaps() + ", bus errors "
        + m.busErrors();
  }

  private Future<Integer> decode(Board board, VpuCore.Kind core, HantroCodec codec, String comm,
      int frames, @Nullable CountDownLatch started) {
    HantroDev vpu = board.vpu(core);
    VideoDevice node = vpu == null ? null : vpu.decoderNode();
    String path = node == null ? "/dev/null-" + core : node.path();
    Task task = new Task(board.kernel(), comm);
    return pool.submit(() -> {
      trace.begin("demo", comm + " " + codec, comm);
      try {
        return decodeSession(task, path, codec, frames, started);
      } finally {
        trace.end("demo", comm + " " + codec, comm);
        task.exit();
      }
    });
  }

  /** A system call failed where the session cannot go on; the expectation is recorded. */
  private static final class Failed extends Exception {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message, null, false, false);
    }
  }

  /** Returns {@code ret} when it is not an error; otherwise records the failure and throws. */
  private int must(Task t, int ret, String what) throws Failed {
    if (ret < 0) {
      String text = t.comm() + ": " + what + " succeeds (got " + Errno.describe(ret) + ")";
      expect(text, false);
      throw new Failed(text);
    }
    return ret;
  }

  /**
   * One decoder session, as a GStreamer-like client runs it: S_FMT, REQBUFS on both queues,
   * STREAMON, then keep up to {@link #BUFFERS} frames in flight, dequeueing each decoded frame and
   * queueing the next bitstream buffer in its place; STREAMOFF gives back whatever is still
   * queued. A frame returned with the ERROR flag is counted as corrupted, as a player would.
   *
   * @return the frames decoded without error
   */
  private int decodeSession(Task t, String path, HantroCodec codec, int frames,
      @Nullable CountDownLatch started) {
    int fd = sys.open(t, path, File.O_RDWR);
    if (fd < 0) {
      expect(t.comm() + " opens " + path + " (" + Errno.describe(fd) + ")", false);
      countDown(started);
      return 0;
    }
    int[] decoded = {0};
    int[] corrupted = {0};
    long[] inFlight = {0};
    boolean streaming = false;
    try {
      V4l2Format f = new V4l2Format();
      f.type = OUT;
      f.pixelformat = codec.fourcc();
      f.width = 1920;
      f.height = 1080;
      must(t, sys.ioctl(t, fd, Videodev2.VIDIOC_S_FMT, f), "S_FMT");
      for (int type : new int[] {OUT, CAP}) {
        V4l2Requestbuffers r = new V4l2Requestbuffers();
        r.type = type;
        r.memory = MMAP;
        r.count = BUFFERS;
        must(t, sys.ioctl(t, fd, Videodev2.VIDIOC_REQBUFS, r), "REQBUFS");
      }
      must(t, sys.ioctl(t, fd, Videodev2.VIDIOC_STREAMON, new V4l2Int(OUT)), "STREAMON");
      streaming = true;
      must(t, sys.ioctl(t, fd, Videodev2.VIDIOC_STREAMON, new V4l2Int(CAP)), "STREAMON");
      int next = 0;
      for (; next < Math.min(BUFFERS, frames); next++) {
        queuePair(t, fd, next, next, inFlight);
      }
      for (int done = 0; done < frames; done++) {
        V4l2Buffer cap = new V4l2Buffer(0, CAP, MMAP);
        must(t, sys.ioctl(t, fd, Videodev2.VIDIOC_DQBUF, cap), "DQBUF capture");
        returned(inFlight, 1);
        must(t, sys.ioctl(t, fd, Videodev2.VIDIOC_DQBUF, new V4l2Buffer(0, OUT, MMAP)),
            "DQBUF output");
        returned(inFlight, 1);
        if ((cap.flags & V4l2Buffer.FLAG_ERROR) == 0) {
          decoded[0]++;
        } else {
          corrupted[0]++;
        }
        if (done == 0) {
          countDown(started);
        }
        if (next < frames) {
          queuePair(t, fd, cap.index, next++, inFlight);
        }
      }
    } catch (Failed e) {
      LOG.debug("{} gave up: {}", t.comm(), e.getMessage());
    } finally {
      if (decoded[0] + corrupted[0] == 0) {
        countDown(started); // never started: do not keep the rebind waiting
      }
      if (streaming) {
        // STREAMOFF hands every buffer still queued back to userspace.
        int outOff = sys.ioctl(t, fd, Videodev2.VIDIOC_STREAMOFF, new V4l2Int(OUT));
        int capOff = sys.ioctl(t, fd, Videodev2.VIDIOC_STREAMOFF, new V4l2Int(CAP));
        boolean off = outOff == 0 && capOff == 0;
        expect(t.comm() + ": STREAMOFF on both queues", off);
        returned(inFlight, off ? inFlight[0] : 0);
      }
      expectRet(t.comm() + ": close", sys.close(t, fd), 0);
    }
    if (corrupted[0] > 0) {
      expect(t.comm() + ": every " + codec + " frame decoded without error (" + corrupted[0]
          + " corrupted)", false);
    }
    return decoded[0];
  }

  private void returned(long[] inFlight, long n) {
    inFlight[0] -= n;
    returned.addAndGet(n);
  }

  private static void countDown(@Nullable CountDownLatch latch) {
    if (latch != null) {
      latch.countDown();
    }
  }

  private void queuePair(Task t, int fd, int index, int frame, long[] inFlight) throws Failed {
    must(t, sys.ioctl(t, fd, Videodev2.VIDIOC_QBUF, new V4l2Buffer(index, CAP, MMAP)),
        "QBUF capture");
    queued.incrementAndGet();
    inFlight[0]++;
    V4l2Buffer out = new V4l2Buffer(index, OUT, MMAP);
    out.bytesused = 4096;
    out.timestamp = 1000L * (frame + 1);
    must(t, sys.ioctl(t, fd, Videodev2.VIDIOC_QBUF, out), "QBUF output");
    queued.incrementAndGet();
    inFlight[0]++;
  }

  // ------------------------------------------------------------------ the stick

  /** Video and audio stream; the stick is pulled out under both readers, then replugged. */
  private void unplugMidStream(Board board) {
    List<Task> tasks = new ArrayList<>();
    try {
      streamAndUnplug(board, tasks);
      replug(board, tasks);
    } catch (Failed e) {
      LOG.debug("the stick phase stopped: {}", e.getMessage());
    } finally {
      for (Task t : tasks) {
        t.exit(); // closes whatever a failed step left open
      }
    }
  }

  private Task task(Board board, String comm, List<Task> tasks) {
    Task t = new Task(board.kernel(), comm);
    tasks.add(t);
    return t;
  }

  private <T> T present(@Nullable T value, String what) throws Failed {
    if (value == null) {
      expect(what, false);
      throw new Failed(what);
    }
    return value;
  }

  private void streamAndUnplug(Board board, List<Task> tasks) throws Failed {
    progress.accept("streaming video and audio from the stick");
    Au0828Dev dev = present(board.au0828(), "au0828 is bound to the stick");
    SndUsbChip chip = present(board.sndChip(), "snd-usb-audio is bound to the stick");
    Task tvtime = task(board, "tvtime", tasks);
    Task arecord = task(board, "arecord", tasks);
    Vb2Queue q = dev.queue();
    int vfd = must(tvtime, sys.open(tvtime, dev.videoDevice().path(), File.O_RDWR), "open");
    int afd = must(arecord, sys.open(arecord, chip.path(), File.O_RDWR), "open");
    startVideo(tvtime, vfd);
    startAudio(arecord, afd);
    AtomicInteger frames = new AtomicInteger();
    AtomicInteger periods = new AtomicInteger();
    AtomicInteger videoErr = new AtomicInteger();
    AtomicInteger audioErr = new AtomicInteger();
    Future<?> video = pool.submit(() -> videoLoop(tvtime, vfd, frames, videoErr));
    Future<?> audio = pool.submit(() -> audioLoop(arecord, afd, periods, audioErr));
    // The stick produces in lockstep with the readers, so no frame is dropped for want of a
    // buffer, and at the end both readers are asleep waiting for more.
    int produced = 0;
    while (produced < STICK_FRAMES && board.stick().frame() && board.stick().period()) {
      int n = ++produced;
      until(() -> Math.min(frames.get(), periods.get()) >= n, "frame and period " + n);
    }
    expectRet("frames and periods captured before the unplug",
        Math.min(frames.get(), periods.get()), STICK_FRAMES);
    expect("both readers are asleep in DQBUF and read when the stick goes",
        until(() -> q.doneWq().waiters() + chip.sleepers() == 2, "both readers asleep"));
    progress.accept("  " + frames.get() + " frames and " + periods.get()
        + " audio periods captured; pulling the stick out with both readers asleep");
    int ret = board.unplug();
    trace.instant("demo", "unplug", "control", Map.of("ret", ret));
    expectRet("unplug", ret, 0);
    await(video, "the video reader to wake");
    await(audio, "the audio reader to wake");
    expectRet("vb2_queue_error wakes the sleeping DQBUF", videoErr.get(), -Errno.EIO);
    expectRet("the disconnected PCM wakes the sleeping read", audioErr.get(), -Errno.ENODEV);
    // What a program that keeps using its fds sees after the unplug.
    int dq = sys.ioctl(tvtime, vfd, Videodev2.VIDIOC_DQBUF, new V4l2Buffer(0, CAP, MMAP));
    expectRet("DQBUF on the unregistered node", dq, -Errno.ENODEV);
    int qb = sys.ioctl(tvtime, vfd, Videodev2.VIDIOC_QBUF, new V4l2Buffer(0, CAP, MMAP));
    expectRet("QBUF after the unplug", qb, -Errno.ENODEV);
    int rd = sys.read(arecord, afd, new byte[SndUsbChip.PERIOD_BYTES]);
    expectRet("read after the unplug", rd, -Errno.ENODEV);
    int op = sys.open(arecord, chip.path(), File.O_RDWR);
    expectRet("open of the vanished PCM node", op, -Errno.ENOENT);
    expect("the au0828 state outlives the unplug while its fd is open", !dev.released());
    expectRet("close of the video fd", sys.close(tvtime, vfd), 0);
    expectRet("close of the PCM fd", sys.close(arecord, afd), 0);
    expect("au0828 released at the last close", dev.released());
    expect("the sound card released at the last close", chip.released());
    expectRet("driver objects of the stick left", board.usbDriverObjects(), 0);
    queued.addAndGet(q.queuedTotal());
    returned.addAndGet(q.dequeuedTotal() + q.cancelledTotal());
    progress.accept("  readers woke with " + Errno.describe(videoErr.get()) + " and "
        + Errno.describe(audioErr.get()) + "; every fd closed, everything released");
  }

  private void startVideo(Task t, int fd) throws Failed {
    V4l2Requestbuffers r = new V4l2Requestbuffers();
    r.count = BUFFERS;
    r.type = CAP;
    r.memory = MMAP;
    must(t, sys.ioctl(t, fd, Videodev2.VIDIOC_REQBUFS, r), "REQBUFS");
    for (int i = 0; i < r.count; i++) {
      must(t, sys.ioctl(t, fd, Videodev2.VIDIOC_QBUF, new V4l2Buffer(i, CAP, MMAP)), "QBUF");
    }
    must(t, sys.ioctl(t, fd, Videodev2.VIDIOC_STREAMON, new V4l2Int(CAP)), "STREAMON");
  }

  private void startAudio(Task t, int fd) throws Failed {
    must(t, sys.ioctl(t, fd, SndPcm.HW_PARAMS, SndPcmHwParams.standard(4)), "HW_PARAMS");
    must(t, sys.ioctl(t, fd, SndPcm.PREPARE, null), "PREPARE");
    must(t, sys.ioctl(t, fd, SndPcm.START, null), "START");
  }

  /** DQBUF and QBUF the buffer again, until an error. */
  private void videoLoop(Task t, int fd, AtomicInteger frames, AtomicInteger err) {
    trace.begin("demo", "capture video", t.comm());
    for (; ; ) {
      V4l2Buffer b = new V4l2Buffer(0, CAP, MMAP);
      int ret = sys.ioctl(t, fd, Videodev2.VIDIOC_DQBUF, b);
      if (ret == 0) {
        frames.incrementAndGet();
        ret = sys.ioctl(t, fd, Videodev2.VIDIOC_QBUF, new V4l2Buffer(b.index, CAP, MMAP));
      }
      if (ret < 0) {
        err.set(ret);
        trace.end("demo", "capture video", t.comm());
        return;
      }
    }
  }

  /** Reads periods until an error. */
  private void audioLoop(Task t, int fd, AtomicInteger periods, AtomicInteger err) {
    byte[] period = new byte[SndUsbChip.PERIOD_BYTES];
    trace.begin("demo", "capture audio", t.comm());
    for (; ; ) {
      int ret = sys.read(t, fd, period);
      if (ret < 0) {
        err.set(ret);
        trace.end("demo", "capture audio", t.comm());
        return;
      }
      periods.incrementAndGet();
    }
  }

  /** Plugs the stick back: fresh driver state, a working video node. */
  private void replug(Board board, List<Task> tasks) throws Failed {
    progress.accept("replugging the stick");
    int ret = board.plug();
    trace.instant("demo", "plug", "control", Map.of("ret", ret));
    expect("replug succeeds (" + Errno.describe(ret) + ")", ret > 0);
    Au0828Dev dev = present(board.au0828(), "au0828 is bound to the replugged stick");
    present(board.sndChip(), "snd-usb-audio is bound to the replugged stick");
    Task t = task(board, "tvtime-2", tasks);
    int fd = must(t, sys.open(t, dev.videoDevice().path(), File.O_RDWR), "open");
    board.stick().startClock(KernelClock.system(), STICK_INTERVAL_NANOS, STICK_INTERVAL_NANOS);
    Vb2Queue q = dev.queue();
    startVideo(t, fd);
    for (int i = 0; i < BUFFERS; i++) {
      must(t, sys.ioctl(t, fd, Videodev2.VIDIOC_DQBUF, new V4l2Buffer(0, CAP, MMAP)), "DQBUF");
    }
    must(t, sys.ioctl(t, fd, Videodev2.VIDIOC_STREAMOFF, new V4l2Int(CAP)), "STREAMOFF");
    expectRet("close of the new video node", sys.close(t, fd), 0);
    queued.addAndGet(q.queuedTotal());
    returned.addAndGet(q.dequeuedTotal() + q.cancelledTotal());
    progress.accept("  the replugged stick streamed " + BUFFERS + " frames");
  }

  // ------------------------------------------------------------------ waiting

  /** Polls a condition until it holds or {@link #TIMEOUT_SECONDS} pass. */
  static boolean until(BooleanSupplier cond, String what) {
    return until(cond, what, TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS));
  }

  /** Polls a condition until it holds or {@code timeoutNanos} pass. */
  static boolean until(BooleanSupplier cond, String what, long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        LOG.warn("gave up waiting for {}", what);
        return false;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    return true;
  }

  private boolean awaitLatch(CountDownLatch latch) {
    try {
      return latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Waits for a task's result; a task that does not finish in time (a reverted fix can leave one
   * asleep forever) or that threw is a failed expectation, and the run goes on to the teardown.
   */
  private <T> @Nullable T await(Future<T> f, String what) {
    try {
      return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      expect("interrupted while waiting for " + what, false);
    } catch (ExecutionException | TimeoutException e) {
      expect(what + " finishes within " + TIMEOUT_SECONDS + " s (" + e + ")", false);
    }
    return null;
  }

  private int frames(Future<Integer> f, String what) {
    Integer n = await(f, what);
    return n == null ? 0 : n;
  }
}
