package dev.medialife.cli;

import dev.medialife.cli.Scenario.Count;
import dev.medialife.cli.Scenario.Outcome;
import dev.medialife.driver.File;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.Task;
import dev.medialife.drivers.au0828.Au0828Dev;
import dev.medialife.drivers.hantro.HantroCodec;
import dev.medialife.drivers.hantro.HantroDev;
import dev.medialife.drivers.hantro.HantroMetrics;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerConfig;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.time.ManualClock;
import dev.medialife.kernel.workqueue.Workqueue;
import dev.medialife.m2m.V4l2M2mDev;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaDevnode;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Scenario}: sets its patch switches, sanitizers and clock, boots its board inside a
 * sanitizer scope, runs every task and the control sequence on threads of their own, bounds the
 * whole run by the scenario's timeout (tasks still running then are sent a signal), tears
 * everything down and checks the expectations. Everything global it changes is restored.
 */
final class ScenarioRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ScenarioRunner.class);

  /** How long a {@code wait} or a parked thread waits when the step gives no timeout. */
  static final long DEFAULT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(Demo.TIMEOUT_SECONDS);

  /** How long to wait for threads after they were signalled at the deadline. */
  private static final long GRACE_MILLIS = 5_000;

  private static final int OUT = Vb2Queue.TYPE_VIDEO_OUTPUT;
  private static final int CAP = Vb2Queue.TYPE_VIDEO_CAPTURE;
  private static final int MMAP = Vb2Queue.MEMORY_MMAP;
  private static final long STICK_INTERVAL_NANOS = Demo.STICK_INTERVAL_NANOS;

  private static final java.util.concurrent.ScheduledExecutorService ALARMS =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scenario-alarm");
        t.setDaemon(true);
        return t;
      });

  private final Scenario scenario;
  private final Consumer<String> progress;
  private final Map<String, CountDownLatch> events = new ConcurrentHashMap<>();
  private final Map<String, String> lastPath = new ConcurrentHashMap<>();
  private final AtomicLong calls = new AtomicLong();
  private final Map<String, Long> errors = new TreeMap<>();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong returned = new AtomicLong();
  private final AtomicLong corrupted = new AtomicLong();
  /* Steps have identity equality; insertion order is the order they first ran in. */
  private final Map<Step, Tally> tallies = new LinkedHashMap<>();
  private final List<RunReport.Expectation> expectations =
      Collections.synchronizedList(new ArrayList<>());
  private final List<Task> tasks = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean stopping;
  private @Nullable ManualClock manual;
  private @Nullable Board board;

  ScenarioRunner(Scenario scenario, Consumer<String> progress) {
    this.scenario = scenario;
    this.progress = progress;
  }

  /** How often a step ran and how often its expectation held, with what came back. */
  private static final class Tally {
    final String who;
    int runs;
    int held;
    final Set<String> got = new java.util.TreeSet<>();

    Tally(String who) {
      this.who = who;
    }
  }

  /** A sequence gives up (a wait timed out, or the run is past its deadline). */
  private static final class Abort extends Exception {
    private static final long serialVersionUID = 1L;

    Abort(String message) {
      super(message, null, false, false);
    }
  }

  /** One running sequence: its task, its fds by name, and the paths they were opened on. */
  private static final class Ctx {
    final String name;
    final Task task;
    final Map<String, Integer> fds = new HashMap<>();
    final Map<Integer, String> paths = new HashMap<>();
    final Map<String, Long> inFlight = new HashMap<>();

    Ctx(String name, Task task) {
      this.name = name;
      this.task = task;
    }

    int fd(@Nullable String name) {
      Integer fd = name == null ? null : fds.get(name);
      return fd == null ? -1 : fd;
    }
  }

  /**
   * Runs the scenario.
   *
   * @return the report
   */
  RunReport run() {
    long start = System.nanoTime();
    for (Map.Entry<Scenario.SwitchName, Scenario.OnOff> e : scenario.switches().entrySet()) {
      e.getKey().sw().set(e.getValue().on());
    }
    SanitizerConfig sanitizers = Sanitizers.configure(scenario.sanitizers().config());
    KernelClock clock = null;
    if (scenario.clock() == Scenario.Clock.MANUAL) {
      ManualClock m = new ManualClock();
      manual = m;
      clock = KernelClock.install(m);
    }
    try {
      return runScoped(start);
    } finally {
      PatchSwitch.resetAll();
      Sanitizers.configure(sanitizers);
      if (clock != null) {
        KernelClock.install(clock);
      }
    }
  }

  private RunReport runScoped(long start) {
    Map<String, Long> jobs = new TreeMap<>();
    long overlaps = 0;
    long busErrors = 0;
    String boardName = scenario.board().describe();
    SanitizerScope scope = SanitizerScope.open("scenario " + scenario.name());
    try {
      Board b;
      try {
        b = Board.boot(scenario.board());
      } catch (Board.BootException e) {
        expect("the " + scenario.board().cliName() + " board boots (" + e.getMessage() + ")",
            false);
        b = null;
      }
      if (b != null) {
        board = b;
        try {
          progress.accept("booted " + b.kind().describe());
          for (String alias : Step.ALIASES) {
            resolve(alias);
          }
          runSequences();
        } finally {
          if (b.kind().soc() != null) {
            HantroMetrics.Snapshot m = b.hantro().metrics().snapshot();
            jobs.putAll(m.jobs());
            overlaps = m.overlaps();
            busErrors = m.busErrors();
          }
          for (Task t : List.copyOf(tasks)) {
            t.exit();
          }
          progress.accept("tearing the board down");
          b.close();
          Workqueue.system().flush();
        }
      }
    } finally {
      RaceWindow.reset();
      scope.close();
    }
    long leaks = Math.max(scope.liveCount(), scope.reports(ReportKind.LEAK).size());
    List<RunReport.SanitizerReport> reports = new ArrayList<>();
    for (Report r : scope.reports()) {
      reports.add(new RunReport.SanitizerReport(r.kind().name(), r.title(), r.render()));
    }
    Map<String, Long> errs;
    synchronized (errors) {
      errs = new TreeMap<>(errors);
    }
    List<Map.Entry<Step, Tally>> ran;
    synchronized (tallies) {
      ran = new ArrayList<>(tallies.entrySet());
    }
    for (Map.Entry<Step, Tally> e : ran) {
      Step s = e.getKey();
      Tally t = e.getValue();
      expect(t.who + ": " + s.describe() + " (line " + s.at.getLineNr() + ") expects "
          + outcome(s).describe() + ": held " + t.held + "/" + t.runs
          + (t.held == t.runs ? "" : ", got " + t.got), t.held == t.runs);
    }
    checkEnd(scope, jobs, overlaps, busErrors, leaks, errs);
    List<RunReport.Expectation> all = List.copyOf(expectations);
    boolean ok = all.stream().allMatch(RunReport.Expectation::ok);
    return new RunReport(scenario.name(), ok, boardName, reports,
        new RunReport.SyscallCounts(calls.get(), errs), jobs, overlaps, busErrors,
        new RunReport.BufferCounts(queued.get(), returned.get()), leaks, all,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  private void checkEnd(SanitizerScope scope, Map<String, Long> jobs, long overlaps,
      long busErrors, long leaks, Map<String, Long> errs) {
    Scenario.Expect x = scenario.expect();
    if (x.jobs() != null) {
      for (Map.Entry<Scenario.CoreName, Count> e : x.jobs().entrySet()) {
        long n = 0;
        for (Map.Entry<String, Long> j : jobs.entrySet()) {
          if (j.getKey().endsWith("-" + e.getKey().core())) {
            n += j.getValue();
          }
        }
        count("decode jobs on " + e.getKey().core(), n, e.getValue());
      }
    }
    count("overlapping decodes on the shared bus", overlaps, x.overlaps());
    count("bus errors", busErrors, x.busErrors());
    count("frames returned corrupted (ERROR flag)", corrupted.get(), x.corrupted());
    if (x.buffers() != null) {
      expect("every buffer queued came back (" + queued.get() + " queued, " + returned.get()
          + " returned)", queued.get() == returned.get());
    }
    count("allocations leaked", leaks, x.leaksOrZero());
    if (x.syscalls() != null) {
      for (Map.Entry<Scenario.ErrnoName, Count> e : x.syscalls().entrySet()) {
        String n = e.getKey().name();
        count("system calls failed with " + n, errs.getOrDefault(n, 0L), e.getValue());
      }
    }
    Map<ReportKind, Count> want = x.reportsOrNone().kinds();
    Map<ReportKind, Integer> got = new TreeMap<>();
    for (Report r : scope.reports()) {
      got.merge(r.kind(), 1, Integer::sum);
    }
    for (Map.Entry<ReportKind, Count> e : want.entrySet()) {
      count(e.getKey() + " reports", got.getOrDefault(e.getKey(), 0), e.getValue());
    }
    Map<ReportKind, Integer> unexpected = new TreeMap<>();
    for (Map.Entry<ReportKind, Integer> e : got.entrySet()) {
      boolean leakAllowed = e.getKey() == ReportKind.LEAK && x.leaksOrZero().max() > 0;
      if (!want.containsKey(e.getKey()) && !leakAllowed) {
        unexpected.put(e.getKey(), e.getValue());
      }
    }
    expect("no unexpected sanitizer report" + (unexpected.isEmpty() ? "" : " (got "
        + unexpected + ")"), unexpected.isEmpty());
  }

  private void count(String what, long n, @Nullable Count want) {
    if (want != null) {
      expect(what + ": " + n + " (expected " + want + ")", want.holds(n));
    }
  }

  private void expect(String text, boolean ok) {
    expectations.add(new RunReport.Expectation(text, ok));
    if (!ok) {
      progress.accept("  FAILED: " + text);
    }
  }

  // ------------------------------------------------------------------ threads

  private void runSequences() {
    List<Thread> threads = new ArrayList<>();
    Map<Thread, String> names = new LinkedHashMap<>();
    Board b = board();
    List<Scenario.TaskSpec> specs = new ArrayList<>(scenario.tasks());
    if (!scenario.control().isEmpty()) {
      specs.add(new Scenario.TaskSpec("control", scenario.control()));
    }
    for (Scenario.TaskSpec spec : specs) {
      Task task = new Task(b.kernel(), spec.name());
      tasks.add(task);
      Ctx ctx = new Ctx(spec.name(), task);
      Thread t = new Thread(() -> runSequence(ctx, spec.steps()), "scenario-" + spec.name());
      t.setDaemon(true);
      threads.add(t);
      names.put(t, spec.name());
    }
    for (Thread t : threads) {
      t.start();
    }
    long deadline = System.nanoTime() + scenario.timeout().nanos();
    List<String> late = new ArrayList<>();
    for (Thread t : threads) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (!join(t, Math.max(1, left))) {
        late.add(names.getOrDefault(t, t.getName()));
      }
    }
    if (!late.isEmpty()) {
      stopping = true;
      for (CountDownLatch l : events.values()) {
        l.countDown();
      }
      for (Task t : List.copyOf(tasks)) {
        t.kill();
      }
      for (Thread t : threads) {
        t.interrupt();
      }
      for (Thread t : threads) {
        join(t, GRACE_MILLIS);
      }
    }
    expect("every task finished within " + scenario.timeout()
        + (late.isEmpty() ? "" : " (still running: " + late + ")"), late.isEmpty());
  }

  private static boolean join(Thread t, long millis) {
    try {
      t.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !t.isAlive();
  }

  private void runSequence(Ctx ctx, List<Step> steps) {
    try {
      exec(ctx, steps);
    } catch (Abort e) {
      expect(ctx.name + ": " + e.getMessage(), false);
    } catch (RuntimeException e) {
      LOG.debug("{} failed", ctx.name, e);
      expect(ctx.name + ": the model threw " + e, false);
    }
  }

  private Board board() {
    Board b = board;
    if (b == null) {
      throw new IllegalStateException("no board");
    }
    return b;
  }

  private CountDownLatch event(String name) {
    return events.computeIfAbsent(name, k -> new CountDownLatch(1));
  }

  private boolean await(String name, long nanos) {
    try {
      return event(name).await(nanos, TimeUnit.NANOSECONDS) && !stopping;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // ------------------------------------------------------------------ steps

  private static Outcome outcome(Step s) {
    Outcome o = s.f.expect();
    return o != null ? o : Outcome.OK;
  }

  /** Records a step's result against its expectation, if it has one. */
  private void tally(Ctx ctx, Step s, int ret, boolean expected) {
    if (!expected) {
      return;
    }
    boolean held = outcome(s).matches(ret);
    Tally t;
    synchronized (tallies) {
      t = tallies.get(s);
      if (t == null) {
        t = new Tally(ctx.name);
        tallies.put(s, t);
      }
      t.runs++;
      if (held) {
        t.held++;
      }
      t.got.add(Errno.describe(ret));
    }
  }

  private int call(int ret) {
    calls.incrementAndGet();
    if (ret < 0) {
      synchronized (errors) {
        errors.merge(Errno.name(ret), 1L, Long::sum);
      }
    }
    return ret;
  }

  private void exec(Ctx ctx, List<Step> steps) throws Abort {
    for (Step s : steps) {
      if (stopping) {
        throw new Abort("stopped at the deadline, before " + s);
      }
      step(ctx, s);
    }
  }

  private void step(Ctx ctx, Step s) throws Abort {
    Scenario.Span alarm = s.kind == Step.Kind.POLL ? null : s.f.timeout();
    if (alarm == null || s.kind == Step.Kind.WAIT || s.kind == Step.Kind.PARK) {
      stepNow(ctx, s);
      return;
    }
    // alarm(2): a step with a timeout is sent a signal when it overruns; its sleep ends in EINTR.
    java.util.concurrent.ScheduledFuture<?> f =
        ALARMS.schedule(ctx.task::kill, alarm.nanos(), TimeUnit.NANOSECONDS);
    try {
      stepNow(ctx, s);
    } finally {
      f.cancel(false);
    }
  }

  private void stepNow(Ctx ctx, Step s) throws Abort {
    boolean checked = s.f.expect() != null;
    switch (s.kind) {
      case OPEN -> {
        String path = resolve(s.target());
        boolean nb = s.f.flags() != null && s.f.flags().contains("nonblock");
        int fd = call(ctx.task.open(path, File.O_RDWR | (nb ? File.O_NONBLOCK : 0)));
        String as = s.f.as();
        if (fd >= 0 && as != null) {
          ctx.fds.put(as, fd);
          ctx.paths.put(fd, path);
        }
        tally(ctx, s, fd, checked);
      }
      case IOCTL -> tally(ctx, s, ioctl(ctx, ctx.fd(s.f.fd()), Ioctls.Cmd.of(s.target()),
          s.f.arg()), checked);
      case POLL -> poll(ctx, s);
      case READ -> {
        Integer n = s.f.bytes();
        byte[] buf = new byte[n == null ? SndUsbChip.PERIOD_BYTES : n];
        tally(ctx, s, call(ctx.task.read(ctx.fd(s.target()), buf)), checked);
      }
      case CLOSE -> {
        int fd = ctx.fd(s.target());
        int ret = call(ctx.task.close(fd));
        if (ret == 0) {
          ctx.fds.remove(s.target());
          ctx.paths.remove(fd);
        }
        tally(ctx, s, ret, checked);
      }
      case DECODE -> decode(ctx, s);
      case STREAM -> stream(ctx, s);
      case REPEAT -> {
        Integer n = s.f.repeat();
        String until = s.f.until();
        for (int i = 0; n != null && i < n; i++) {
          if (until != null && event(until).getCount() == 0) {
            break;
          }
          exec(ctx, s.steps);
        }
      }
      case SIGNAL -> event(s.target()).countDown();
      case WAIT -> waitStep(ctx, s);
      case PARK -> park(ctx, s);
      case CHECK -> check(ctx, s);
      default -> tally(ctx, s, control(ctx, s), checked);
    }
  }

  private void waitStep(Ctx ctx, Step s) throws Abort {
    Scenario.Span t = s.f.timeout();
    boolean set = await(s.target(), t == null ? DEFAULT_WAIT_NANOS : t.nanos());
    Outcome o = s.f.expect();
    boolean wantTimeout = o != null && o.matches(-Errno.ETIMEDOUT);
    if (!set && !wantTimeout) {
      throw new Abort("wait for '" + s.target() + "' (line " + s.at.getLineNr() + ") timed out"
          + " after " + (t == null ? Scenario.Span.of(Demo.TIMEOUT_SECONDS + "s") : t));
    }
    tally(ctx, s, set ? 0 : -Errno.ETIMEDOUT, o != null);
  }

  private void park(Ctx ctx, Step s) {
    String signal = s.f.signal();
    String until = s.f.until();
    Scenario.Span t = s.f.timeout();
    long nanos = t == null ? DEFAULT_WAIT_NANOS : t.nanos();
    if (signal == null || until == null) {
      return;
    }
    RaceWindow.arm(s.target(), () -> {
      LOG.debug("{} parked in {}", Thread.currentThread().getName(), s.target());
      event(signal).countDown();
      if (!await(until, nanos)) {
        expect(ctx.name + ": the thread parked in " + s.target() + " was released by '" + until
            + "' (line " + s.at.getLineNr() + ")", false);
      }
    });
  }

  private void poll(Ctx ctx, Step s) {
    int events = 0;
    for (String e : s.f.events() == null ? List.of("in") : s.f.events()) {
      events |= Ioctls.pollBit(e);
    }
    Scenario.Span t = s.f.timeout();
    int ret = call(ctx.task.poll(ctx.fd(s.target()), events, t == null ? 0 : t.nanos()));
    tally(ctx, s, ret, s.f.expect() != null);
    List<String> want = s.f.revents();
    if (want != null) {
      int mask = 0;
      for (String e : want) {
        mask |= Ioctls.pollBit(e);
      }
      expect(ctx.name + ": poll " + s.target() + " (line " + s.at.getLineNr() + ") returns "
          + Ioctls.pollNames(mask) + " (got " + (ret < 0 ? Errno.describe(ret)
          : Ioctls.pollNames(ret)) + ")", ret == mask);
    }
  }

  /** An ioctl with buffer accounting: QBUF hands a buffer over, DQBUF and STREAMOFF give back. */
  private int ioctl(Ctx ctx, int fd, Ioctls.Cmd cmd, Step.@Nullable IoctlArgs a) {
    IoctlArg<?> arg = cmd.arg(a);
    int ret = call(ctx.task.ioctl(fd, cmd.number, arg));
    if (ret < 0) {
      return ret;
    }
    if (cmd == Ioctls.Cmd.VIDIOC_QBUF && arg instanceof V4l2Buffer b) {
      queued.incrementAndGet();
      ctx.inFlight.merge(fd + "/" + b.type, 1L, Long::sum);
    } else if (cmd == Ioctls.Cmd.VIDIOC_DQBUF && arg instanceof V4l2Buffer b) {
      returned.incrementAndGet();
      ctx.inFlight.merge(fd + "/" + b.type, -1L, Long::sum);
      if (b.type == CAP && (b.flags & V4l2Buffer.FLAG_ERROR) != 0) {
        corrupted.incrementAndGet();
      }
    } else if (cmd == Ioctls.Cmd.VIDIOC_STREAMOFF && arg instanceof V4l2Int t) {
      Long n = ctx.inFlight.remove(fd + "/" + t.value);
      returned.addAndGet(n == null ? 0 : n);
    }
    return ret;
  }

  private static Step.IoctlArgs args(int type, @Nullable Integer count, @Nullable Integer index,
      @Nullable HantroCodec codec) {
    return new Step.IoctlArgs(type == OUT ? "output" : "capture", count, index,
        codec == null ? null : codec.name(), null, null, null, null, null);
  }

  /** Runs a call of a loop; a failure ends the loop with that errno. */
  private static final class LoopFailed extends Exception {
    private static final long serialVersionUID = 1L;

    final int errno;

    LoopFailed(int errno) {
      super(null, null, false, false);
      this.errno = errno;
    }
  }

  private static int must(int ret) throws LoopFailed {
    if (ret < 0) {
      throw new LoopFailed(ret);
    }
    return ret;
  }

  private @Nullable Integer loopFd(Ctx ctx, Step.Loop l, Step s) {
    if (l.fd() != null) {
      return ctx.fd(l.fd());
    }
    String path = resolve(l.node() == null ? "" : l.node());
    int fd = call(ctx.task.open(path, File.O_RDWR));
    if (fd < 0) {
      tally(ctx, s, fd, true);
      return null;
    }
    ctx.paths.put(fd, path);
    return fd;
  }

  /** A decoder session like the demo's: S_FMT, REQBUFS, STREAMON, keep frames in flight. */
  private void decode(Ctx ctx, Step s) {
    Step.Loop l = s.f.decode();
    HantroCodec codec = l == null ? null : Step.codec(l.codec());
    Integer opened = l == null || codec == null ? null : loopFd(ctx, l, s);
    if (l == null || codec == null || opened == null) {
      return;
    }
    int fd = opened;
    int buffers = l.buffers() == null ? Demo.BUFFERS : l.buffers();
    int ret = 0;
    long bad = 0;
    boolean streaming = false;
    try {
      must(ioctl(ctx, fd, Ioctls.Cmd.VIDIOC_S_FMT, args(OUT, null, null, codec)));
      for (int type : new int[] {OUT, CAP}) {
        must(ioctl(ctx, fd, Ioctls.Cmd.VIDIOC_REQBUFS, args(type, buffers, null, null)));
      }
      must(ioctl(ctx, fd, Ioctls.Cmd.VIDIOC_STREAMON, args(OUT, null, null, null)));
      streaming = true;
      must(ioctl(ctx, fd, Ioctls.Cmd.VIDIOC_STREAMON, args(CAP, null, null, null)));
      int next = 0;
      for (; next < Math.min(buffers, l.frames()); next++) {
        queuePair(ctx, fd, next);
      }
      for (int done = 0; done < l.frames(); done++) {
        V4l2Buffer cap = new V4l2Buffer(0, CAP, MMAP);
        must(dqbuf(ctx, fd, cap));
        must(dqbuf(ctx, fd, new V4l2Buffer(0, OUT, MMAP)));
        if ((cap.flags & V4l2Buffer.FLAG_ERROR) != 0) {
          bad++;
        }
        if (done == 0 && l.signal() != null) {
          event(l.signal()).countDown();
        }
        if (next < l.frames()) {
          queuePair(ctx, fd, cap.index);
          next++;
        }
      }
    } catch (LoopFailed e) {
      ret = e.errno;
    }
    if (l.fd() == null || ret == 0) {
      if (streaming) {
        ioctl(ctx, fd, Ioctls.Cmd.VIDIOC_STREAMOFF, args(OUT, null, null, null));
        ioctl(ctx, fd, Ioctls.Cmd.VIDIOC_STREAMOFF, args(CAP, null, null, null));
      }
      if (l.fd() == null) {
        call(ctx.task.close(fd));
      }
    }
    tally(ctx, s, ret, true);
    Count want = l.corrupted() == null ? new Count(0, 0) : l.corrupted();
    expect(ctx.name + ": decode of " + l.frames() + " " + codec + " frames (line "
        + s.at.getLineNr() + "): " + bad + " came back corrupted (expected " + want + ")",
        want.holds(bad));
  }

  private int dqbuf(Ctx ctx, int fd, V4l2Buffer b) {
    // Through the accounting ioctl, with the caller's buffer to read the flags back.
    int ret = call(ctx.task.ioctl(fd, Videodev2.VIDIOC_DQBUF, b));
    if (ret >= 0) {
      returned.incrementAndGet();
      ctx.inFlight.merge(fd + "/" + b.type, -1L, Long::sum);
      if (b.type == CAP && (b.flags & V4l2Buffer.FLAG_ERROR) != 0) {
        corrupted.incrementAndGet();
      }
    }
    return ret;
  }

  private void queuePair(Ctx ctx, int fd, int index) throws LoopFailed {
    must(ioctl(ctx, fd, Ioctls.Cmd.VIDIOC_QBUF, args(CAP, null, index, null)));
    must(ioctl(ctx, fd, Ioctls.Cmd.VIDIOC_QBUF, args(OUT, null, index, null)));
  }

  /** A capture loop: video frames from a V4L2 node, or periods from a PCM. */
  private void stream(Ctx ctx, Step s) {
    Step.Loop l = s.f.stream();
    Integer opened = l == null ? null : loopFd(ctx, l, s);
    if (l == null || opened == null) {
      return;
    }
    int fd = opened;
    String path = ctx.paths.getOrDefault(fd, "");
    boolean pcm = path.startsWith("/dev/snd/") || path.equals(resolve("stick.pcm"));
    Board b = board();
    if (b.kind().hasStick() && b.stick().present()) {
      b.stick().startClock(KernelClock.system(), STICK_INTERVAL_NANOS, STICK_INTERVAL_NANOS);
    }
    int ret = 0;
    boolean started = false;
    try {
      if (pcm) {
        // The deepest ring the PCM takes, so a reader on a loaded machine does not overrun.
        must(ioctl(ctx, fd, Ioctls.Cmd.SNDRV_PCM_IOCTL_HW_PARAMS, new Step.IoctlArgs(null, null,
            null, null, null, null, null, null, SndUsbChip.MAX_PERIODS)));
        must(ioctl(ctx, fd, Ioctls.Cmd.SNDRV_PCM_IOCTL_PREPARE, null));
        must(ioctl(ctx, fd, Ioctls.Cmd.SNDRV_PCM_IOCTL_START, null));
      } else {
        int buffers = l.buffers() == null ? Demo.BUFFERS : l.buffers();
        must(ioctl(ctx, fd, Ioctls.Cmd.VIDIOC_REQBUFS, args(CAP, buffers, null, null)));
        for (int i = 0; i < buffers; i++) {
          must(ioctl(ctx, fd, Ioctls.Cmd.VIDIOC_QBUF, args(CAP, null, i, null)));
        }
        must(ioctl(ctx, fd, Ioctls.Cmd.VIDIOC_STREAMON, args(CAP, null, null, null)));
      }
      started = true;
      byte[] period = new byte[SndUsbChip.PERIOD_BYTES];
      for (int i = 0; i < l.frames(); i++) {
        if (pcm) {
          must(call(ctx.task.read(fd, period)));
        } else {
          V4l2Buffer buf = new V4l2Buffer(0, CAP, MMAP);
          must(dqbuf(ctx, fd, buf));
          must(ioctl(ctx, fd, Ioctls.Cmd.VIDIOC_QBUF, args(CAP, null, buf.index, null)));
        }
        if (i == 0 && l.signal() != null) {
          event(l.signal()).countDown();
        }
      }
    } catch (LoopFailed e) {
      ret = e.errno;
    }
    if (l.fd() == null || ret == 0) {
      if (started) {
        ioctl(ctx, fd, pcm ? Ioctls.Cmd.SNDRV_PCM_IOCTL_DROP : Ioctls.Cmd.VIDIOC_STREAMOFF,
            args(CAP, null, null, null));
      }
      if (l.fd() == null) {
        call(ctx.task.close(fd));
      }
    }
    tally(ctx, s, ret, true);
  }

  // ------------------------------------------------------------------ control

  private int control(Ctx ctx, Step s) {
    Board b = board();
    String target = s.target();
    int ret = switch (s.kind) {
      case BIND, UNBIND -> {
        boolean bind = s.kind == Step.Kind.BIND;
        VpuCore.Kind core = core(target);
        yield core != null ? (bind ? b.bind(core) : b.unbind(core))
            : bind ? b.bindUsb(target) : b.unbindUsb(target);
      }
      case PLUG -> b.plug();
      case UNPLUG -> b.unplug();
      case SUSPEND, RESUME -> {
        VpuCore.Kind core = core(target);
        HantroDev v = core == null ? null : b.vpu(core);
        V4l2M2mDev m = v == null ? null : v.m2mDev();
        if (m == null) {
          yield -Errno.ENODEV;
        }
        if (s.kind == Step.Kind.SUSPEND) {
          m.suspend();
        } else {
          m.resume();
        }
        yield 0;
      }
      case ADVANCE -> {
        ManualClock m = manual;
        Scenario.Span d = s.f.advance();
        yield m == null || d == null ? -Errno.EINVAL : m.advance(Duration.ofNanos(d.nanos()));
      }
      default -> -Errno.EINVAL;
    };
    progress.accept("  " + ctx.name + ": " + s.kind.key() + " " + target + " -> "
        + Errno.describe(ret));
    for (String alias : Step.ALIASES) {
      resolve(alias);
    }
    return ret;
  }

  private static VpuCore.@Nullable Kind core(String target) {
    return target.equals("g1") ? VpuCore.Kind.G1 : target.equals("g2") ? VpuCore.Kind.G2 : null;
  }

  private void check(Ctx ctx, Step s) {
    Step.Check c = s.f.check();
    if (c == null) {
      return;
    }
    Board b = board();
    String at = ctx.name + ": check (line " + s.at.getLineNr() + "): ";
    if (c.mediaNodes() != null) {
      long n = b.kernel().devfsList().stream().filter(p -> p.startsWith("/dev/media")).count();
      expect(at + n + " media nodes " + b.kernel().devfsList().stream()
          .filter(p -> p.startsWith("/dev/media")).toList() + " (expected " + c.mediaNodes()
          + ")", c.mediaNodes().holds(n));
    }
    if (c.schedulers() != null) {
      Set<V4l2M2mDev> distinct = new java.util.HashSet<>(); // identity: no equals override
      if (b.kind().soc() != null) {
        for (VpuCore.Kind k : VpuCore.Kind.values()) {
          HantroDev v = b.vpu(k);
          V4l2M2mDev m = v == null ? null : v.m2mDev();
          if (m != null) {
            distinct.add(m);
          }
        }
      }
      expect(at + distinct.size() + " mem2mem schedulers for the bound cores (expected "
          + c.schedulers() + ")", c.schedulers().holds(distinct.size()));
    }
    if (c.tunerConflicts() != null) {
      long n = b.kind().hasStick() ? b.stick().tunerConflicts() : 0;
      expect(at + n + " tuner conflicts (expected " + c.tunerConflicts() + ")",
          c.tunerConflicts().holds(n));
    }
    for (String node : c.present() == null ? List.<String>of() : c.present()) {
      String p = resolve(node);
      expect(at + node + " (" + p + ") exists", b.kernel().devfsLookup(p) >= 0);
    }
    for (String node : c.absent() == null ? List.<String>of() : c.absent()) {
      String p = resolve(node);
      expect(at + node + " (" + p + ") does not exist", b.kernel().devfsLookup(p) < 0);
    }
  }

  // ------------------------------------------------------------------ aliases

  /**
   * The path of a node alias now: the live node's path when its driver is bound, else the path it
   * had when last seen (so a program that remembers its /dev path tries it again), else a path
   * that does not exist.
   */
  String resolve(String alias) {
    if (alias.startsWith("/dev/")) {
      return alias;
    }
    String now = live(alias);
    if (now != null) {
      lastPath.put(alias, now);
      return now;
    }
    return lastPath.getOrDefault(alias, "/dev/" + alias);
  }

  private @Nullable String live(String alias) {
    Board b = board();
    boolean soc = b.kind().soc() != null;
    boolean stick = b.kind().hasStick();
    return switch (alias) {
      case "g1.video", "g2.video", "g1.media", "g2.media" -> {
        if (!soc) {
          yield null;
        }
        HantroDev v = b.vpu(alias.startsWith("g1") ? VpuCore.Kind.G1 : VpuCore.Kind.G2);
        if (v == null) {
          yield null;
        }
        if (alias.endsWith("video")) {
          VideoDevice d = v.decoderNode();
          yield d == null ? null : d.path();
        }
        yield media(v.mediaDevice());
      }
      case "stick.video", "stick.media" -> {
        Au0828Dev a = stick ? b.au0828() : null;
        if (a == null) {
          yield null;
        }
        yield alias.equals("stick.video") ? a.videoDevice().path() : media(a.mediaDevice());
      }
      case "stick.pcm", "snd.media" -> {
        SndUsbChip c = stick ? b.sndChip() : null;
        if (c == null) {
          yield null;
        }
        yield alias.equals("stick.pcm") ? c.path() : media(c.mediaDevice());
      }
      default -> null;
    };
  }

  private static @Nullable String media(@Nullable MediaDevice m) {
    if (m == null || !m.isRegistered()) {
      return null;
    }
    MediaDevnode n = m.devnode();
    return n == null ? null : n.path();
  }
}
