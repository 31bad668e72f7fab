package dev.medialife.cli;

import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.drivers.au0828.Au0828Dev;
import dev.medialife.drivers.hantro.HantroDev;
import dev.medialife.drivers.hantro.HantroMetrics;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.hw.imx8m.Imx8mSoc;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.workqueue.Workqueue;
import dev.medialife.m2m.V4l2M2mDev;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaDevnode;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.Videodev2;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.EnumMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The race harness behind {@code medialife stress}: {@code N} userspace tasks ({@link StressTask})
 * issue random but valid-shaped system calls on every device node of a board while a control task
 * unbinds and rebinds each Hantro core through sysfs, suspends and resumes its mem2mem scheduler,
 * unbinds and rebinds the stick's au0828 and snd-usb-audio interface drivers through sysfs, and
 * pulls the USB stick out and plugs it back, as the kernel's {@code bind_unbind_sample.sh} and
 * {@code regression_test.txt} procedures do (reference §8). The sanitizers watch the whole run.
 * A failed run's recorded events can be replayed sequentially ({@link #replay}) and shrunk
 * ({@link StressShrink}).
 *
 * <p>What is checked: every result is an errno the specification allows for that call, a device
 * that answered "gone" never answers success again on that descriptor, no task throws, no task
 * stays blocked (every wait is bounded, and every task must stop within {@link
 * #STOP_TIMEOUT_SECONDS} of the end), every buffer queued comes back, no sanitizer report and no
 * leak once the board is torn down, and on the i.MX8MQ no decode overlapped another on the shared
 * bus. After each unbind or unplug the control task also checks, on descriptors it opened before,
 * the errnos of reference §8: EIO from the media devnode, ENODEV from the video node and the PCM,
 * and ENOENT or ENXIO when opening the old paths.
 *
 * <p>Reproducibility: the seed derives one seed per task ({@link #taskSeeds}); with the same seed
 * and task count, each task chooses the same sequence of steps. The interleaving of those steps
 * with each other and with the control task is up to the scheduler and is not reproducible, so the
 * seed reproduces a task's program, not a whole run's outcome.
 *
 * <p>Implementation notes: the control task is the only thread that binds, unbinds, plugs and
 * unplugs; it publishes the node paths ("what udev would show") after each action, and the tasks
 * resolve paths from the latest publication at each open. It paces itself by the tasks' progress
 * (a few system calls per task between actions, bounded by {@link #PACE_NANOS}), not by sleeping.
 */
final class Stress {
  private static final Logger LOG = LoggerFactory.getLogger(Stress.class);

  /** How long the tasks get to stop once the run ends. */
  static final long STOP_TIMEOUT_SECONDS = 20;

  /** The stick's frame and audio period interval. */
  static final long STICK_INTERVAL_NANOS = 2_000_000L;

  private static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final int MEDIA_GONE_POLLS = 100;
  private static final int PACE_CALLS_PER_TASK = 16;
  private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int FAILURES_KEPT = 20;

  /** How many of the last events (task steps and control actions) a run keeps for the replay. */
  static final int RECORDED = 1024;

  /**
   * One recorded event: a task's step, or a control action (an unbind, bind, suspend, resume,
   * unplug or plug) when {@code step} is null.
   *
   * @param task the task's index, or -1 for the control task
   * @param step the step, or null
   * @param control the control action's name, or ""
   */
  record Event(int task, StressTask.@Nullable Step step, String control) {
    /** The event as a readable call. */
    String describe() {
      StressTask.Step st = step;
      return st != null ? "task " + task + ": " + st.describe() : "control: " + control;
    }
  }

  /**
   * What to run.
   *
   * @param board the board to boot
   * @param tasks how many userspace tasks
   * @param seed the seed every task's generator derives from
   * @param durationNanos how long to run, or 0 for no time limit
   * @param cycles how many control cycles to run, or 0 for no limit
   * @param hantroGate whether the tasks give up their descriptors of a Hantro core before it is
   *     unbound (see the class comment); false shows the devm lifetime hole of reference §3.3
   * @param usbDriverCycles whether the control task also unbinds and rebinds the stick's au0828
   *     and snd-usb-audio drivers one at a time through sysfs (on by default)
   */
  record Config(Board.Kind board, int tasks, long seed, long durationNanos, long cycles,
      boolean hantroGate, boolean usbDriverCycles) {
    Config(Board.Kind board, int tasks, long seed, long durationNanos, long cycles,
        boolean hantroGate) {
      this(board, tasks, seed, durationNanos, cycles, hantroGate, true);
    }
  }

  /**
   * The device nodes that exist, by type, as the control task last published them.
   *
   * @param media the media devnodes
   * @param decoders the Hantro decoder nodes
   * @param captures the stick's capture nodes
   * @param pcms the stick's PCM nodes
   * @param hantro the Hantro nodes (media devnode and decoder) by the core they belong to
   * @param stick the stick's nodes
   */
  record Nodes(List<String> media, List<String> decoders, List<String> captures,
      List<String> pcms, Map<String, VpuCore.Kind> hantro, Set<String> stick) {
    static final Nodes NONE =
        new Nodes(List.of(), List.of(), List.of(), List.of(), Map.of(), Set.of());

    List<String> paths(StressCall.Node node) {
      return switch (node) {
        case MEDIA -> media;
        case VIDEO -> {
          List<String> all = new ArrayList<>(decoders);
          all.addAll(captures);
          yield all;
        }
        case PCM -> pcms;
      };
    }
  }

  /**
   * The result of a run.
   *
   * @param report the report every run prints
   * @param seed the seed
   * @param cycles control cycles run (one unbind and bind, or one unplug and plug)
   * @param calls system calls by call name
   * @param callErrors failed system calls by call name and errno, e.g. "video QUERYCAP ENODEV"
   * @param control the control task's actions by name
   * @param failures invariant failures (all, not only those listed in the report)
   * @param programs the first steps each task chose, by task
   * @param tunerConflicts times the stick saw two users drive its tuner without arbitration
   * @param pmCycles suspend/resume cycles of a decoder core's scheduler
   */
  record Outcome(RunReport report, long seed, long cycles, Map<String, Long> calls,
      Map<String, Long> callErrors, Map<String, Long> control, long failures,
      List<List<String>> programs, long tunerConflicts, long pmCycles) {}

  private final Config config;
  private final Consumer<String> progress;
  private final AtomicBoolean stop = new AtomicBoolean();
  private volatile Nodes nodes = Nodes.NONE;
  private final Map<VpuCore.Kind, Gate> gates = new EnumMap<>(VpuCore.Kind.class);
  private final AtomicInteger opening = new AtomicInteger();
  private volatile boolean hantroBusy;
  private final LongAdder total = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> callErrors = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> control = new ConcurrentHashMap<>();
  private final AtomicLong cycles = new AtomicLong();
  private final AtomicLong pmCycles = new AtomicLong();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong returned = new AtomicLong();
  private final AtomicLong cancelledAtClose = new AtomicLong();
  private final AtomicLong uncaught = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final List<String> failureTexts = new ArrayList<>();

  /** The last {@link #RECORDED} events of the run, oldest first. */
  private final ArrayDeque<Event> recent = new ArrayDeque<>();

  /** The recorded events when the first failure was seen, and the task that saw it (-1: none). */
  private @Nullable List<Event> failedWindow;

  private int failedTask = -1;

  /** The schedulers a replay suspended and has not resumed yet (replay thread only). */
  private final Set<V4l2M2mDev> suspended =
      java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

  /** The task whose thread this is, set at its first recorded step. */
  private static final ThreadLocal<Integer> TASK_OF_THREAD = new ThreadLocal<>();
  private final List<RunReport.Expectation> expectations = new ArrayList<>();

  /**
   * Prepares a run.
   *
   * @param config what to run
   * @param progress where the live counter line goes, at most once a second (may ignore it)
   */
  Stress(Config config, Consumer<String> progress) {
    this.config = config;
    this.progress = progress;
  }

  /** The generator a seed starts: the same algorithm on every JDK, so programs stay the same. */
  static RandomGenerator generator(long seed) {
    return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
  }

  /**
   * The seeds of the tasks, and last the control task's: each depends only on the run's seed and
   * the task's index, so adding tasks leaves the first tasks' programs as they were.
   */
  static long[] taskSeeds(long seed, int tasks) {
    SplittableRandom root = new SplittableRandom(seed);
    long[] out = new long[tasks + 1];
    for (int i = 0; i < out.length; i++) {
      out[i] = root.nextLong();
    }
    return out;
  }

  static String hex(long seed) {
    return "0x" + Long.toHexString(seed);
  }

  // ------------------------------------------------------------------ shared with the tasks

  /**
   * A Hantro core's users: how many descriptors the tasks hold on its nodes. Before unbinding the
   * core, the control task sets {@code closing} and waits for the users to go.
   */
  static final class Gate {
    volatile boolean closing;
    final AtomicInteger users = new AtomicInteger();
  }

  /** What {@link #open} returns for an open it did not make. */
  static final int SKIPPED = Integer.MIN_VALUE;

  /**
   * An open made under the Hantro gate.
   *
   * @param fd the descriptor, a negative errno, or {@link #SKIPPED}
   * @param core the Hantro core the descriptor counts as a user of, or null
   */
  record Opened(int fd, VpuCore.@Nullable Kind core) {}

  private Gate gate(VpuCore.Kind core) {
    synchronized (gates) {
      return gates.computeIfAbsent(core, k -> new Gate());
    }
  }

  /**
   * Opens a node for a task. With the Hantro gate: while a core is being unbound only the stick's
   * current nodes are opened; an open in flight holds the control task back until the task knows
   * which core (if any) its descriptor belongs to and has counted itself as that core's user.
   */
  Opened open(Task task, String path, int flags) {
    if (!config.hantroGate()) {
      return new Opened(task.open(path, flags), null);
    }
    opening.incrementAndGet();
    try {
      if (hantroBusy && !nodes.stick().contains(path)) {
        return new Opened(SKIPPED, null);
      }
      int fd = task.open(path, flags);
      VpuCore.Kind core = fd < 0 ? null : nodes.hantro().get(path);
      if (core != null) {
        gate(core).users.incrementAndGet();
      }
      return new Opened(fd, core);
    } finally {
      opening.decrementAndGet();
    }
  }

  /** Whether a core's users are asked to close their descriptors. */
  boolean closing(VpuCore.Kind core) {
    return gate(core).closing;
  }

  /** A task closed a descriptor of a Hantro core. */
  void release(VpuCore.Kind core) {
    gate(core).users.decrementAndGet();
  }

  boolean stopping() {
    return stop.get();
  }

  Nodes nodes() {
    return nodes;
  }

  void count(StressCall call, int ret) {
    total.increment();
    calls.computeIfAbsent(call.label(), k -> new LongAdder()).increment();
    if (ret < 0) {
      errors.computeIfAbsent(Errno.name(ret), k -> new LongAdder()).increment();
      callErrors.computeIfAbsent(call.label() + " " + Errno.name(ret), k -> new LongAdder())
          .increment();
    }
  }

  void fail(String text) {
    failures.incrementAndGet();
    Integer t = TASK_OF_THREAD.get();
    synchronized (recent) {
      if (failedWindow == null) {
        failedWindow = List.copyOf(recent);
        failedTask = t == null ? -1 : t;
      }
    }
    synchronized (failureTexts) {
      if (failureTexts.size() < FAILURES_KEPT) {
        failureTexts.add(text);
        progress.accept("  FAILED: " + text);
      }
    }
    LOG.debug("stress failure: {}", text);
  }

  void uncaught(StressTask task, Throwable t) {
    uncaught.incrementAndGet();
    LOG.warn("stress: uncaught exception in {}", task.where(), t);
    fail(task.where() + ": uncaught exception " + t);
  }

  /** Records a task's step before it runs. */
  void record(int task, StressTask.Step step) {
    if (TASK_OF_THREAD.get() == null) {
      TASK_OF_THREAD.set(task);
    }
    add(new Event(task, step, ""));
  }

  private void add(Event e) {
    synchronized (recent) {
      if (recent.size() == RECORDED) {
        recent.removeFirst();
      }
      recent.addLast(e);
    }
  }

  /**
   * The events to replay after a failed run: those recorded when the first invariant failure was
   * seen, else (a sanitizer report or a leak found at the teardown) the last ones of the run.
   */
  List<Event> failedEvents() {
    synchronized (recent) {
      List<Event> w = failedWindow;
      return w != null ? w : List.copyOf(recent);
    }
  }

  /** The task that saw the first failure, or -1 (the control task, or a report at teardown). */
  int failedTask() {
    synchronized (recent) {
      return failedTask;
    }
  }

  void buffersQueued(long n) {
    queued.addAndGet(n);
  }

  void buffersReturned(long n, boolean atClose) {
    returned.addAndGet(n);
    if (atClose) {
      cancelledAtClose.addAndGet(n);
    }
  }

  private synchronized void expect(String text, boolean ok) {
    expectations.add(new RunReport.Expectation(text, ok));
  }

  private static Map<String, Long> sorted(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  // ------------------------------------------------------------------ the run

  /**
   * Runs the harness: boot, tasks and control until the duration or the cycle count is reached,
   * stop, tear down, verdict.
   *
   * @return the outcome
   */
  Outcome run() {
    long start = System.nanoTime();
    List<StressTask> tasks = new ArrayList<>();
    Map<String, Long> jobs = new LinkedHashMap<>();
    long overlaps = 0;
    long busErrors = 0;
    long tunerConflicts = 0;
    long leaks;
    SanitizerScope scope = SanitizerScope.open("medialife stress");
    try {
      Board board;
      try {
        board = Board.boot(config.board());
        expect("the " + config.board().cliName() + " board boots", true);
      } catch (Board.BootException e) {
        expect("the " + config.board().cliName() + " board boots (" + e.getMessage() + ")", false);
        board = null;
      }
      if (board != null) {
        try {
          exercise(board, tasks, start);
        } finally {
          if (board.kind().soc() != null) {
            HantroMetrics.Snapshot m = board.hantro().metrics().snapshot();
            jobs.putAll(new TreeMap<>(m.jobs()));
            overlaps = m.overlaps();
            busErrors = m.busErrors();
          }
          if (board.kind().hasStick()) {
            tunerConflicts = board.stick().tunerConflicts();
          }
          board.close();
          Workqueue.system().flush();
        }
      }
    } finally {
      leaks = scope.liveCount();
      scope.close();
    }
    List<RunReport.SanitizerReport> reports = new ArrayList<>();
    for (Report r : scope.reports()) {
      reports.add(new RunReport.SanitizerReport(r.kind().name(), r.title(), r.render()));
    }
    leaks = Math.max(leaks, scope.reports(ReportKind.LEAK).size());
    verdicts(jobs, overlaps, busErrors);
    List<RunReport.Expectation> all;
    synchronized (this) {
      all = List.copyOf(expectations);
    }
    boolean ok = reports.isEmpty() && leaks == 0 && all.stream().allMatch(RunReport.Expectation::ok);
    RunReport report = new RunReport("stress", ok, config.board().describe(), reports,
        new RunReport.SyscallCounts(total.sum(), sorted(errors)), jobs, overlaps, busErrors,
        new RunReport.BufferCounts(queued.get(), returned.get()), leaks, all,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    List<List<String>> programs = new ArrayList<>();
    for (StressTask t : tasks) {
      programs.add(t.program());
    }
    return new Outcome(report, config.seed(), cycles.get(), sorted(calls), sorted(callErrors),
        sorted(control),
        failures.get(), programs, tunerConflicts, pmCycles.get());
  }

  private void verdicts(Map<String, Long> jobs, long overlaps, long busErrors) {
    long c = cycles.get();
    if (config.cycles() > 0) {
      expect(config.cycles() + " control cycles ran (" + c + ")", c >= config.cycles());
    } else {
      expect(c + " bind/unbind and unplug/replug cycles ran " + sorted(control), c > 0);
    }
    expect(uncaught.get() + " uncaught exceptions", uncaught.get() == 0);
    expect("every system call returned a documented result and every invariant held ("
        + failures.get() + " failures)", failures.get() == 0);
    synchronized (failureTexts) {
      for (String f : failureTexts) {
        expect(f, false);
      }
    }
    expect("every queued buffer came back (" + queued.get() + " queued, " + returned.get()
        + " returned, " + cancelledAtClose.get() + " of them cancelled at close)",
        queued.get() == returned.get());
    if (config.board().soc() != null) {
      expect("no bus error", busErrors == 0);
      if (config.board().soc() == Imx8mSoc.IMX8MQ) {
        expect("no decode overlapped another on the shared bus", overlaps == 0);
      }
      LOG.debug("jobs {}", jobs);
    }
  }

  private void exercise(Board board, List<StressTask> tasks, long start) {
    List<VpuCore.Kind> cores = new ArrayList<>();
    if (board.kind().soc() != null) {
      for (VpuCore.Kind k : VpuCore.Kind.values()) {
        if (board.vpu(k) != null) {
          cores.add(k);
        }
      }
    }
    if (board.kind().hasStick()) {
      board.stick().startClock(KernelClock.system(), STICK_INTERVAL_NANOS, STICK_INTERVAL_NANOS);
    }
    nodes = resolve(board, cores);
    long[] seeds = taskSeeds(config.seed(), config.tasks());
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < config.tasks(); i++) {
      StressTask t = new StressTask(this, new Task(board.kernel(), "stress-" + i), i, seeds[i]);
      tasks.add(t);
      threads.add(thread(t, "stress-task-" + i));
    }
    Control ctl = new Control(board, cores, seeds[config.tasks()]);
    Thread controlThread = thread(ctl, "stress-control");
    for (Thread t : threads) {
      t.start();
    }
    controlThread.start();
    long deadline = config.durationNanos() > 0 ? start + config.durationNanos() : Long.MAX_VALUE;
    long nextTick = start + TICK_NANOS;
    while (controlThread.isAlive()) {
      long now = System.nanoTime();
      if (now - deadline >= 0 || (config.cycles() > 0 && cycles.get() >= config.cycles())) {
        break;
      }
      if (now - nextTick >= 0) {
        progress.accept(counterLine(now - start));
        nextTick = now + TICK_NANOS;
      }
      LockSupport.parkNanos(Math.min(TimeUnit.MILLISECONDS.toNanos(20), deadline - now));
    }
    stop.set(true);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_TIMEOUT_SECONDS);
    boolean stopped = join(controlThread, until);
    for (int i = 0; i < threads.size(); i++) {
      if (!join(threads.get(i), until)) {
        stopped = false;
        fail(tasks.get(i).where() + ": still running " + STOP_TIMEOUT_SECONDS
            + " s after the end (a system call that does not return)");
      }
    }
    expect("every task stopped within " + STOP_TIMEOUT_SECONDS + " s", stopped);
    long steps = 0;
    for (StressTask t : tasks) {
      steps += t.steps();
    }
    expect(config.tasks() + " tasks ran " + steps + " steps", steps > 0);
  }

  /** The live counter line. */
  String counterLine(long elapsedNanos) {
    long errs = 0;
    for (LongAdder a : errors.values()) {
      errs += a.sum();
    }
    return String.format(java.util.Locale.ROOT,
        "stress: %5.1f s  %,d syscalls  %d cycles  %,d errors  %d failures",
        elapsedNanos / 1e9, total.sum(), cycles.get(), errs, failures.get());
  }

  private static Thread thread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static boolean join(Thread t, long untilNanos) {
    try {
      long left = untilNanos - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.timedJoin(t, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !t.isAlive();
  }

  /** What udev would show: the nodes of the bound cores and of the plugged stick. */
  private static Nodes resolve(Board board, List<VpuCore.Kind> cores) {
    List<String> media = new ArrayList<>();
    List<String> decoders = new ArrayList<>();
    List<String> captures = new ArrayList<>();
    List<String> pcms = new ArrayList<>();
    Map<String, VpuCore.Kind> hantro = new TreeMap<>();
    for (VpuCore.Kind k : cores) {
      HantroDev v = board.vpu(k);
      if (v != null) {
        String m = addMedia(media, v.mediaDevice());
        if (m != null) {
          hantro.put(m, k);
        }
        VideoDevice node = v.decoderNode();
        if (node != null) {
          decoders.add(node.path());
          hantro.put(node.path(), k);
        }
      }
    }
    List<String> stick = new ArrayList<>();
    if (board.kind().hasStick()) {
      Au0828Dev a = board.au0828();
      if (a != null) {
        MediaDevice m = a.mediaDevice();
        String p = m == null ? null : addMedia(media, m);
        if (p != null) {
          stick.add(p);
        }
        captures.add(a.videoDevice().path());
      }
      SndUsbChip c = board.sndChip();
      if (c != null) {
        pcms.add(c.path());
      }
    }
    stick.addAll(captures);
    stick.addAll(pcms);
    return new Nodes(List.copyOf(media), List.copyOf(decoders), List.copyOf(captures),
        List.copyOf(pcms), Map.copyOf(hantro), Set.copyOf(stick));
  }

  private static @Nullable String addMedia(List<String> media, MediaDevice m) {
    MediaDevnode n = m.devnode();
    if (n == null) {
      return null;
    }
    media.add(n.path());
    return n.path();
  }

  /** Waits, bounded, until the condition holds or the run stops. */
  private boolean await(BooleanSupplier cond, long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    while (!cond.getAsBoolean()) {
      if (stopping() || System.nanoTime() - deadline > 0) {
        return false;
      }
      LockSupport.parkNanos(100_000L);
    }
    return true;
  }

  // ------------------------------------------------------------------ replay

  /**
   * Runs recorded events again, one after the other on this thread, on a freshly booted board:
   * the steps through the task that took them, the control actions as the control task made them.
   * The verdict is the run's: any invariant failure, uncaught exception, sanitizer report or leak.
   *
   * @param events the events, in order
   * @return true if the replay failed
   */
  boolean replay(List<Event> events) {
    SanitizerScope scope = SanitizerScope.open("medialife stress replay");
    long leaks;
    try {
      Board board;
      try {
        board = Board.boot(config.board());
      } catch (Board.BootException e) {
        LOG.debug("replay: the board did not boot: {}", e.getMessage());
        return false;
      }
      Map<Integer, StressTask> tasks = new TreeMap<>();
      try {
        List<VpuCore.Kind> cores = cores(board);
        if (board.kind().hasStick()) {
          board.stick().startClock(KernelClock.system(), STICK_INTERVAL_NANOS,
              STICK_INTERVAL_NANOS);
        }
        nodes = resolve(board, cores);
        for (Event e : events) {
          StressTask.Step st = e.step();
          if (st != null) {
            Board b = board;
            tasks.computeIfAbsent(e.task(), i -> new StressTask(this,
                new Task(b.kernel(), "replay-" + i), i, 0)).replayStep(st);
          } else {
            replayControl(board, cores, tasks.values(), e.control());
            nodes = resolve(board, cores);
          }
        }
        for (V4l2M2mDev m : suspended) {
          m.resume();
        }
        suspended.clear();
        for (StressTask t : tasks.values()) {
          t.finish();
        }
        for (VpuCore.Kind k : cores) {
          if (board.vpu(k) == null) {
            board.bind(k);
          }
        }
        if (board.kind().hasStick() && !board.stick().present()) {
          board.plug();
        }
      } catch (Throwable t) { // NOPMD: a replay that throws has failed
        uncaught.incrementAndGet();
        LOG.debug("replay: uncaught", t);
      } finally {
        board.close();
        Workqueue.system().flush();
      }
    } finally {
      leaks = scope.liveCount();
      scope.close();
    }
    return failures.get() > 0 || uncaught.get() > 0 || !scope.reports().isEmpty() || leaks > 0;
  }

  private static List<VpuCore.Kind> cores(Board board) {
    List<VpuCore.Kind> cores = new ArrayList<>();
    if (board.kind().soc() != null) {
      for (VpuCore.Kind k : VpuCore.Kind.values()) {
        if (board.vpu(k) != null) {
          cores.add(k);
        }
      }
    }
    return cores;
  }

  /** One control action of a replay, named as the control task names them. */
  private void replayControl(Board board, List<VpuCore.Kind> cores,
      java.util.Collection<StressTask> tasks, String name) {
    String[] w = name.split(" ", 2);
    VpuCore.Kind core = null;
    for (VpuCore.Kind k : cores) {
      if (w.length == 2 && k.toString().equals(w[1])) {
        core = k;
      }
    }
    HantroDev v = core == null ? null : board.vpu(core);
    V4l2M2mDev m2m = v == null ? null : v.m2mDev();
    switch (w[0]) {
      case "unplug" -> {
        if (board.stick().present()) {
          board.unplug();
        }
      }
      case "plug" -> {
        if (!board.stick().present() && board.plug() > 0) {
          board.stick().startClock(KernelClock.system(), STICK_INTERVAL_NANOS,
              STICK_INTERVAL_NANOS);
        }
      }
      case "unbind" -> {
        if (core == null && w.length == 2 && isUsbDriver(w[1])) {
          board.unbindUsb(w[1]);
        } else if (core != null && v != null) {
          Gate g = gate(core);
          g.closing = config.hantroGate();
          for (StressTask t : tasks) {
            t.releaseClosing();
          }
          if (m2m != null) {
            m2m.jobWork().flush();
          }
          board.unbind(core);
          g.closing = false;
        }
      }
      case "bind" -> {
        if (core == null && w.length == 2 && isUsbDriver(w[1])) {
          board.bindUsb(w[1]);
        } else if (core != null && v == null) {
          board.bind(core);
        }
      }
      case "suspend" -> {
        if (m2m != null && suspended.add(m2m)) {
          m2m.suspend();
        }
      }
      case "resume" -> {
        if (m2m != null && suspended.remove(m2m)) {
          m2m.resume();
        }
      }
      default -> LOG.debug("replay: no such control action '{}'", name);
    }
  }

  private static boolean isUsbDriver(String name) {
    return Au0828Dev.NAME.equals(name) || SndUsbChip.NAME.equals(name);
  }

  // ------------------------------------------------------------------ the control task

  /**
   * The control task: picks a target (a bound core, or the stick) from its own generator, checks
   * what userspace sees across its unbind or unplug, and puts it back. At the end it leaves the
   * board as booted.
   */
  private final class Control implements Runnable {
    private final Board board;
    private final List<VpuCore.Kind> cores;
    private final RandomGenerator rng;

    Control(Board board, List<VpuCore.Kind> cores, long seed) {
      this.board = board;
      this.cores = cores;
      this.rng = generator(seed);
    }

    @Override
    public void run() {
      Task t = new Task(board.kernel(), "stress-control");
      // Each core can be unbound or suspended; the stick unplugged, or one of its two interface
      // drivers unbound through sysfs.
      int stickTargets = config.usbDriverCycles() ? 3 : 1;
      int targets = 2 * cores.size() + (board.kind().hasStick() ? stickTargets : 0);
      try {
        while (targets > 0 && !stopping()
            && (config.cycles() == 0 || cycles.get() < config.cycles())) {
          int pick = rng.nextInt(targets);
          pace();
          if (pick < cores.size()) {
            cycleCore(t, cores.get(pick));
          } else if (pick < 2 * cores.size()) {
            cyclePm(cores.get(pick - cores.size()));
          } else if (pick == 2 * cores.size()) {
            cycleStick(t);
          } else {
            cycleUsbDriver(t, pick == 2 * cores.size() + 1 ? Au0828Dev.NAME : SndUsbChip.NAME);
          }
          cycles.incrementAndGet();
        }
      } catch (Throwable e) { // NOPMD: any throwable is counted, as for the tasks
        uncaught.incrementAndGet();
        LOG.warn("stress: uncaught exception in the control task", e);
        fail("control: uncaught exception " + e);
      } finally {
        t.exit();
        restore();
      }
    }

    /** Lets the tasks make a few calls against the current state, bounded. */
    private void pace() {
      long mark = total.sum() + (long) PACE_CALLS_PER_TASK * config.tasks();
      await(() -> total.sum() >= mark, PACE_NANOS);
    }

    private void action(String name, int ret, boolean ok) {
      add(new Event(-1, null, name));
      control.computeIfAbsent(name, k -> new LongAdder()).increment();
      if (!ok) {
        fail("control: " + name + " returned " + Errno.describe(ret));
      }
    }

    private int probeOpen(Task t, StressCall call, String path) {
      int fd = t.open(path, File.O_RDWR | File.O_NONBLOCK);
      count(call, fd);
      if (fd < 0 && !(call == StressCall.OPEN_PCM && fd == -Errno.EBUSY)) {
        fail("control: open " + path + " before the removal returned " + Errno.describe(fd));
      }
      return fd;
    }

    /** After a removal: the call on the descriptor opened before must give {@code want}. */
    private void expectGone(String what, StressCall call, int ret, int want) {
      count(call, ret);
      if (ret != -want) {
        fail("control: after " + what + ", " + call.label() + " on a descriptor opened before "
            + "returned " + Errno.describe(ret) + ", not -" + Errno.name(want));
      }
    }

    /**
     * After a removal: opening the old path gives ENOENT (node gone) or ENXIO or ENODEV; when
     * {@code mayOpen}, the node may also still be there (and is closed again).
     */
    private void expectNoOpen(Task t, String what, StressCall call, String path,
        boolean mayOpen) {
      int fd = t.open(path, File.O_RDWR | File.O_NONBLOCK);
      count(call, fd);
      if (fd >= 0) {
        if (!mayOpen) {
          fail("control: after " + what + ", open " + path + " succeeded");
        }
        closeProbe(t, fd);
      } else if (fd != -Errno.ENOENT && fd != -Errno.ENXIO && fd != -Errno.ENODEV) {
        fail("control: after " + what + ", open " + path + " returned " + Errno.describe(fd));
      }
    }

    private void closeProbe(Task t, int fd) {
      if (fd >= 0) {
        int ret = t.close(fd);
        count(StressCall.CLOSE, ret);
        if (ret != 0) {
          fail("control: close of a probe descriptor returned " + Errno.describe(ret));
        }
      }
    }

    /**
     * One core's unbind and bind. With the gate the core's users close their descriptors first
     * (the devm lifetime hole: reference §3.3); without it the control task also keeps a
     * descriptor of each node open across the unbind, as the selftests do.
     */
    private void cycleCore(Task t, VpuCore.Kind core) {
      String what = "unbind " + core;
      HantroDev v = board.vpu(core);
      VideoDevice node = v == null ? null : v.decoderNode();
      MediaDevnode devnode = v == null ? null : v.mediaDevice().devnode();
      if (v == null || node == null || devnode == null) {
        fail("control: " + core + " has no nodes before " + what);
        return;
      }
      String mediaPath = devnode.path();
      String videoPath = node.path();
      Gate g = gate(core);
      int mfd = -1;
      int vfd = -1;
      if (config.hantroGate()) {
        hantroBusy = true;
        g.closing = true;
        boolean drained = await(() -> g.users.get() == 0 && opening.get() == 0, DRAIN_NANOS);
        if (!drained) {
          if (!stopping()) {
            fail("control: the tasks did not give up " + core + " within "
                + TimeUnit.NANOSECONDS.toMillis(DRAIN_NANOS) + " ms (" + g.users.get()
                + " descriptors)");
          }
          g.closing = false;
          hantroBusy = false;
          return;
        }
        // The last job's job_work may still be queued; with a private scheduler the unbind frees
        // it unflushed (as upstream, see Board#close). Nobody uses the core now: let it run.
        V4l2M2mDev m2m = v.m2mDev();
        if (m2m != null) {
          m2m.jobWork().flush();
        }
      } else {
        mfd = probeOpen(t, StressCall.OPEN_MEDIA, mediaPath);
        vfd = probeOpen(t, StressCall.OPEN_VIDEO, videoPath);
      }
      try {
        int ret = board.unbind(core);
        action(what, ret, ret == 0);
        nodes = resolve(board, cores);
        if (ret == 0) {
          if (mfd >= 0) {
            expectGone(what, StressCall.MEDIA_DEVICE_INFO,
                t.ioctl(mfd, MediaUapi.MEDIA_IOC_DEVICE_INFO, new MediaDeviceInfo()), Errno.EIO);
          }
          if (vfd >= 0) {
            expectGone(what, StressCall.VIDIOC_QUERYCAP,
                t.ioctl(vfd, Videodev2.VIDIOC_QUERYCAP, new V4l2Capability()), Errno.ENODEV);
          }
          expectNoOpen(t, what, StressCall.OPEN_MEDIA, mediaPath, false);
          expectNoOpen(t, what, StressCall.OPEN_VIDEO, videoPath, false);
        }
        closeProbe(t, mfd);
        closeProbe(t, vfd);
        pace();
        ret = board.bind(core);
        action("bind " + core, ret, ret == 0);
        nodes = resolve(board, cores);
      } finally {
        g.closing = false;
        hantroBusy = false;
      }
    }

    /**
     * One suspend and resume of a core's mem2mem scheduler ({@code v4l2_m2m_suspend} and {@code
     * v4l2_m2m_resume}, what a driver's system-sleep callbacks call), with the tasks running
     * against the suspended scheduler in between. The model's Hantro has no PM callbacks of its
     * own, so the harness calls the helpers directly, as the scenario runner's suspend step does;
     * with a shared scheduler (i.MX8MQ) it pauses both cores.
     */
    private void cyclePm(VpuCore.Kind core) {
      HantroDev v = board.vpu(core);
      V4l2M2mDev m = v == null ? null : v.m2mDev();
      if (m == null) {
        fail("control: " + core + " has no scheduler to suspend");
        return;
      }
      m.suspend();
      action("suspend " + core, 0, true);
      pace();
      m.resume();
      action("resume " + core, 0, true);
      pmCycles.incrementAndGet();
    }

    private void cycleStick(Task t) {
      Au0828Dev a = board.au0828();
      SndUsbChip c = board.sndChip();
      MediaDevice m = a == null ? null : a.mediaDevice();
      MediaDevnode devnode = m == null ? null : m.devnode();
      if (a == null || c == null || devnode == null) {
        fail("control: the stick's drivers are not bound before the unplug");
        return;
      }
      String mediaPath = devnode.path();
      String videoPath = a.videoDevice().path();
      String pcmPath = c.path();
      int mfd = probeOpen(t, StressCall.OPEN_MEDIA, mediaPath);
      int vfd = probeOpen(t, StressCall.OPEN_VIDEO, videoPath);
      int pfd = probeOpen(t, StressCall.OPEN_PCM, pcmPath);
      int ret = board.unplug();
      action("unplug", ret, ret == 0);
      nodes = resolve(board, cores);
      String what = "unplug";
      if (ret == 0) {
        if (vfd >= 0) {
          expectGone(what, StressCall.VIDIOC_QUERYCAP,
              t.ioctl(vfd, Videodev2.VIDIOC_QUERYCAP, new V4l2Capability()), Errno.ENODEV);
        }
        if (pfd >= 0) {
          expectGone(what, StressCall.PCM_READ,
              t.read(pfd, new byte[SndUsbChip.PERIOD_BYTES]), Errno.ENODEV);
        }
        expectNoOpen(t, what, StressCall.OPEN_VIDEO, videoPath, false);
        expectNoOpen(t, what, StressCall.OPEN_PCM, pcmPath, false);
      }
      closeProbe(t, vfd);
      closeProbe(t, pfd);
      if (ret == 0 && mfd >= 0) {
        mediaAfterUnplug(t, mfd, mediaPath);
      }
      closeProbe(t, mfd);
      pace();
      plug();
    }

    /**
     * One USB interface driver's unbind and bind through sysfs with the stick plugged (the order
     * tests of media_dev_allocator.sh, at random): a descriptor of the driver's node opened before
     * answers ENODEV, its path opens no more, and the other driver keeps the shared media device.
     */
    private void cycleUsbDriver(Task t, String driver) {
      boolean audio = SndUsbChip.NAME.equals(driver);
      Au0828Dev a = board.au0828();
      SndUsbChip c = board.sndChip();
      if (a == null || c == null) {
        fail("control: the stick's drivers are not bound before unbinding " + driver);
        return;
      }
      String path = audio ? c.path() : a.videoDevice().path();
      StressCall open = audio ? StressCall.OPEN_PCM : StressCall.OPEN_VIDEO;
      int fd = probeOpen(t, open, path);
      String what = "unbind " + driver;
      int ret = board.unbindUsb(driver);
      action(what, ret, ret == 0);
      nodes = resolve(board, cores);
      if (ret == 0) {
        if (fd >= 0 && audio) {
          expectGone(what, StressCall.PCM_READ,
              t.read(fd, new byte[SndUsbChip.PERIOD_BYTES]), Errno.ENODEV);
        } else if (fd >= 0) {
          expectGone(what, StressCall.VIDIOC_QUERYCAP,
              t.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, new V4l2Capability()), Errno.ENODEV);
        }
        expectNoOpen(t, what, open, path, false);
      }
      closeProbe(t, fd);
      pace();
      int b = board.bindUsb(driver);
      action("bind " + driver, b, b == 0);
      nodes = resolve(board, cores);
    }

    /**
     * The stick's media device stays registered until au0828's last video file closes (its
     * allocator reference goes at release, reference §4.3), so after the unplug the media
     * descriptor answers either as before or, once every video file is closed, EIO for good
     * (reference §8.1). Waits a little for the latter; once seen, it must hold.
     */
    private void mediaAfterUnplug(Task t, int mfd, String mediaPath) {
      for (int i = 0; i < MEDIA_GONE_POLLS && !stopping(); i++) {
        int ret = t.ioctl(mfd, MediaUapi.MEDIA_IOC_DEVICE_INFO, new MediaDeviceInfo());
        count(StressCall.MEDIA_DEVICE_INFO, ret);
        if (ret == -Errno.EIO) {
          control.computeIfAbsent("media EIO after unplug", k -> new LongAdder()).increment();
          expectGone("unplug", StressCall.MEDIA_DEVICE_INFO,
              t.ioctl(mfd, MediaUapi.MEDIA_IOC_DEVICE_INFO, new MediaDeviceInfo()), Errno.EIO);
          expectNoOpen(t, "unplug", StressCall.OPEN_MEDIA, mediaPath, false);
          return;
        }
        if (ret != 0) {
          fail("control: after unplug, media DEVICE_INFO returned " + Errno.describe(ret)
              + ", neither 0 (still registered) nor -EIO");
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      control.computeIfAbsent("media still registered after unplug", k -> new LongAdder())
          .increment();
    }

    private void plug() {
      int ret = board.plug();
      action("plug", ret, ret > 0);
      if (ret > 0) {
        board.stick().startClock(KernelClock.system(), STICK_INTERVAL_NANOS,
            STICK_INTERVAL_NANOS);
      }
      nodes = resolve(board, cores);
    }

    /** Binds what is unbound and plugs the stick back, so that the teardown sees the boot state. */
    private void restore() {
      for (VpuCore.Kind k : cores) {
        if (board.vpu(k) == null) {
          int ret = board.bind(k);
          action("bind " + k, ret, ret == 0);
        }
      }
      if (board.kind().hasStick() && !board.stick().present()) {
        plug();
      }
    }
  }
}
