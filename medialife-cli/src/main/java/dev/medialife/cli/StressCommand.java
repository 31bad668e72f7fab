package dev.medialife.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medialife.kernel.config.PatchSwitch;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medialife stress}: the race harness ({@link Stress}) for a duration or a cycle count. */
@Command(
    name = "stress",
    mixinStandardHelpOptions = true,
    description = {
      "Boots a board and runs userspace tasks that issue random but valid-shaped system calls "
          + "on every device node (media devnodes, Hantro decoders, the stick's capture and PCM "
          + "nodes) while a control task unbinds and rebinds the decoder cores and unplugs and "
          + "replugs the stick. Every result must be an errno the kernel documents for that call; "
          + "at the end the board is torn down and the sanitizers give the verdict.",
      "The seed is always printed: with the same seed and task count every task chooses the "
          + "same sequence of steps (the interleaving with the other tasks and the control task "
          + "is up to the scheduler).",
      "Exit status: 0 when every check held, 1 otherwise, 2 for bad options."
    })
final class StressCommand implements Callable<Integer> {
  /** The longest run accepted. */
  static final long MAX_DURATION_NANOS = TimeUnit.HOURS.toNanos(24);

  /** The most tasks accepted. */
  static final int MAX_TASKS = 256;

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  @Spec @SuppressWarnings("NullAway.Init") // injected by picocli
  private CommandSpec spec;

  @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
      description = "How long to run: a number with a unit, e.g. 500ms, 30s, 2m, 1h "
          + "(default 10s, or no limit with --cycles).")
  private @Nullable Long durationNanos;

  @Option(names = "--cycles", paramLabel = "N",
      description = "Stop after N control cycles (one unbind and bind, one suspend and resume "
          + "of a decoder's scheduler, or one unplug and plug).")
  private long cycles;

  @Option(names = "--seed", paramLabel = "S", converter = SeedConverter.class,
      description = "The seed, decimal or 0x-hex (default: a random one, printed).")
  private @Nullable Long seed;

  @Option(names = "--tasks", paramLabel = "N", defaultValue = "8",
      description = "How many userspace tasks (default ${DEFAULT-VALUE}).")
  private int tasks;

  @Option(names = "--board", paramLabel = "B", defaultValue = "default",
      description = "The board: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  private Board.Kind board = Board.Kind.DEFAULT;

  @Option(names = "--revert", paramLabel = "SWITCH",
      converter = DemoCommand.PatchSwitchConverter.class,
      description = "Run with a fix reverted (its patch switch off), e.g. m2m-kref or "
          + "media-lifetime-rules, to watch the harness catch the bug. Repeatable.")
  private List<PatchSwitch> revert = new ArrayList<>();

  @Option(names = "--keep-hantro-fds",
      description = "Let tasks keep descriptors of a Hantro core open across its unbind. Hantro "
          + "allocates its nodes with devm (upstream behaviour the model keeps, reference "
          + "section 3.3), so this shows that lifetime hole as use-after-free reports; by default "
          + "a core's users close their descriptors before it is unbound.")
  private boolean keepHantroFds;

  @Option(names = "--unbind-usb-drivers", negatable = true, defaultValue = "true",
      fallbackValue = "true",
      description = "Also unbind and rebind the stick's au0828 and snd-usb-audio drivers one at a "
          + "time through sysfs, with the stick plugged (on by default; --no-unbind-usb-drivers "
          + "leaves the stick to unplug and replug only).")
  private boolean unbindUsbDrivers = true;

  @Option(names = "--shrink-time", paramLabel = "D", converter = DurationConverter.class,
      description = "On a failure, how long to look for the shortest failing sequence by "
          + "replaying the recorded calls on a fresh board (default 60s).")
  private @Nullable Long shrinkNanos;

  @Option(names = "--no-shrink", description = "On a failure, do not replay and shrink.")
  private boolean noShrink;

  @Option(names = "--json", description = "Print the JSON report instead of the summary.")
  private boolean json;

  @Option(names = "--progress",
      description = "Print the live counter line even when standard error is not a terminal.")
  private boolean progressAlways;

  StressCommand() {}

  /** Parses a duration such as {@code 500ms}, {@code 30s}, {@code 2m} or {@code 1h}. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Long> {
    DurationConverter() {}

    @Override
    public Long convert(String value) {
      Matcher m = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: "
            + "expected a number with a unit, like 500ms, 30s, 2m or 1h");
      }
      long n = Long.parseLong(m.group(1));
      TimeUnit unit = switch (m.group(2)) {
        case "ms" -> TimeUnit.MILLISECONDS;
        case "s" -> TimeUnit.SECONDS;
        case "m" -> TimeUnit.MINUTES;
        default -> TimeUnit.HOURS;
      };
      long nanos = unit.toNanos(n);
      if (nanos <= 0 || nanos > MAX_DURATION_NANOS) {
        throw new CommandLine.TypeConversionException("'" + value + "' is out of range: "
            + "a duration must be more than 0 and at most 24h");
      }
      return nanos;
    }
  }

  /** Parses a seed, decimal or {@code 0x}-hex, as printed by a run. */
  static final class SeedConverter implements CommandLine.ITypeConverter<Long> {
    SeedConverter() {}

    @Override
    public Long convert(String value) {
      String v = value.strip();
      try {
        if (v.startsWith("0x") || v.startsWith("0X")) {
          return Long.parseUnsignedLong(v.substring(2), 16);
        }
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a seed: expected "
            + "a decimal or 0x-hex 64-bit number");
      }
    }
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (tasks < 1 || tasks > MAX_TASKS) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--tasks must be between 1 and " + MAX_TASKS + " (got " + tasks + ")");
    }
    if (cycles < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--cycles must not be negative (got " + cycles + ")");
    }
    Long d = durationNanos;
    long duration = d != null ? d : cycles > 0 ? 0 : TimeUnit.SECONDS.toNanos(10);
    Long given = seed;
    long s = given != null ? given : ThreadLocalRandom.current().nextLong();
    err.println("medialife stress: seed " + s + " (" + Stress.hex(s) + "), " + tasks + " tasks, "
        + (duration > 0 ? TimeUnit.NANOSECONDS.toMillis(duration) + " ms" : "no time limit")
        + (cycles > 0 ? ", " + cycles + " cycles" : "") + ", " + board.describe());
    err.flush();
    boolean terminal = interactive();
    Consumer<String> progress = line -> {
      if (line.startsWith("stress:")) {
        if (progressAlways || terminal) {
          err.print(progressAlways ? line + System.lineSeparator() : "\r" + line);
          err.flush();
        }
      } else {
        err.println(line);
        err.flush();
      }
    };
    for (PatchSwitch p : revert) {
      p.set(false);
      err.println("reverted: " + p);
    }
    Stress.Outcome o;
    StressShrink.Result shrunk = null;
    try {
      Stress.Config cfg =
          new Stress.Config(board, tasks, s, duration, cycles, !keepHantroFds, unbindUsbDrivers);
      Stress st = new Stress(cfg, progress);
      o = st.run();
      if (!o.report().ok() && !noShrink) {
        Long b = shrinkNanos;
        shrunk = StressShrink.shrink(cfg, st.failedEvents(), st.failedTask(),
            b != null ? b : TimeUnit.SECONDS.toNanos(60), progress);
        for (String line : shrunk.lines(s)) {
          err.println(line);
        }
        err.flush();
      }
    } finally {
      PatchSwitch.resetAll();
    }
    if (terminal && !progressAlways) {
      err.println();
    }
    err.flush();
    ObjectMapper mapper = Main.mapper();
    if (json) {
      ObjectNode root = mapper.valueToTree(o.report());
      root.put("seed", o.seed());
      root.put("tasks", tasks);
      root.put("cycles", o.cycles());
      root.put("failures", o.failures());
      root.put("tunerConflicts", o.tunerConflicts());
      root.put("suspendResumeCycles", o.pmCycles());
      if (shrunk != null) {
        ObjectNode sh = root.putObject("shrunk");
        sh.put("reproduced", shrunk.reproduced());
        sh.put("replays", shrunk.replays());
        List<String> calls = new ArrayList<>();
        for (Stress.Event e : shrunk.events()) {
          calls.add(e.describe());
        }
        sh.set("sequence", mapper.valueToTree(calls));
      }
      root.set("control", mapper.valueToTree(o.control()));
      root.set("calls", mapper.valueToTree(o.calls()));
      root.set("callErrors", mapper.valueToTree(o.callErrors()));
      out.println(mapper.writeValueAsString(root));
    } else {
      summary(out, o, tasks);
    }
    out.flush();
    return o.report().ok() ? Main.EXIT_OK : Main.EXIT_FAILED;
  }

  /**
   * Whether the JVM talks to a terminal. Up to JDK 21 {@link System#console()} is null when it
   * does not; from JDK 22 it is never null and {@code Console.isTerminal()} tells, so that method
   * is looked up reflectively (the code compiles for 17).
   */
  @SuppressWarnings("SystemConsoleNull") // handled: isTerminal() is asked where it exists
  static boolean interactive() {
    java.io.Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      Object t = java.io.Console.class.getMethod("isTerminal").invoke(c);
      return Boolean.TRUE.equals(t);
    } catch (ReflectiveOperationException e) {
      return true; // JDK 17 to 21: a console exists only on a terminal
    }
  }

  private static String joined(Map<String, Long> m) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Long> e : m.entrySet()) {
      b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
    }
    return b.length() == 0 ? "none" : b.toString();
  }

  static void summary(PrintWriter out, Stress.Outcome o, int tasks) {
    RunReport r = o.report();
    out.println();
    out.println("== stress summary ==");
    out.println("board:        " + r.board());
    out.println("seed:         " + o.seed() + " (" + tasks + " tasks; rerun with --seed "
        + o.seed() + " --tasks " + tasks + ")");
    out.println("cycles:       " + o.cycles() + " (" + joined(o.control()) + ")");
    out.println("syscalls:     " + r.syscalls().total() + " (failed: "
        + joined(r.syscalls().errors()) + ")");
    out.println("calls:        " + joined(o.calls()));
    out.println("jobs:         " + joined(r.jobs()));
    out.println("overlaps:     " + r.overlaps());
    out.println("bus errors:   " + r.busErrors());
    out.println("buffers:      queued " + r.buffers().queued() + ", returned "
        + r.buffers().returned());
    out.println("tuner:        " + o.tunerConflicts() + " conflicts seen by the stick");
    DemoCommand.sanitizersAndChecks(out, r);
    out.println("verdict:      " + (r.ok() ? "OK" : "FAILED") + " in " + r.durationMs() + " ms"
        + (r.ok() ? "" : " (seed " + o.seed() + ")"));
  }
}
