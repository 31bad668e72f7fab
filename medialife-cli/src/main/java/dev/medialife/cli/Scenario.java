package dev.medialife.cli;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerConfig;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A scenario file as parsed: which board, which patch switches, which sanitizers, the userspace
 * tasks with their steps, the control sequence (sysfs, USB port, clock), and the expectations at
 * the end. The format is documented in {@code docs/scenarios.md}; {@link ScenarioFile} reads it.
 *
 * <p>Every value type here validates itself when Jackson builds it, so a wrong errno name, an
 * unknown patch switch or a duration without a unit is reported at the line that holds it.
 *
 * @param name the scenario's name (the report's {@code scenario})
 * @param description what it shows
 * @param seed which piece of kernel work it demonstrates
 * @param board the board to boot
 * @param switches patch switches to set (the others stay "after")
 * @param sanitizers which sanitizers are on
 * @param clock the kernel clock: real time, or a manual clock only the control sequence moves
 * @param timeout the bound on the whole run; tasks still running then are killed
 * @param tasks the userspace tasks, each on its own thread
 * @param control the control sequence (sysfs bind/unbind, plug/unplug, suspend, clock)
 * @param expect what must hold at the end
 */
record Scenario(
    String name,
    String description,
    Seed seed,
    Board.Kind board,
    Map<SwitchName, OnOff> switches,
    Sanitizers sanitizers,
    Clock clock,
    Span timeout,
    List<TaskSpec> tasks,
    List<Step> control,
    Expect expect) {

  /** The default bound on a whole run. */
  static final Span DEFAULT_TIMEOUT = new Span(60_000_000_000L);

  @JsonCreator
  Scenario(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "description", required = true) String description,
      @JsonProperty(value = "seed", required = true) Seed seed,
      @JsonProperty(value = "board", required = true) Board.Kind board,
      @JsonProperty("switches") @Nullable Map<SwitchName, OnOff> switches,
      @JsonProperty("sanitizers") @Nullable Sanitizers sanitizers,
      @JsonProperty("clock") @Nullable Clock clock,
      @JsonProperty("timeout") @Nullable Span timeout,
      @JsonProperty("tasks") @Nullable List<TaskSpec> tasks,
      @JsonProperty("control") @Nullable List<Step> control,
      @JsonProperty("expect") @Nullable Expect expect) {
    this.name = name;
    this.description = description;
    this.seed = seed;
    this.board = board;
    this.switches = switches == null ? Map.of() : new LinkedHashMap<>(switches);
    this.sanitizers = sanitizers == null ? Sanitizers.ALL : sanitizers;
    this.clock = clock == null ? Clock.REAL : clock;
    this.timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    this.tasks = tasks == null ? List.of() : List.copyOf(tasks);
    this.control = control == null ? List.of() : List.copyOf(control);
    this.expect = expect == null ? Expect.DEFAULT : expect;
  }

  /** The three pieces of kernel work (the seeds). */
  enum Seed {
    /** 000: v4l2_m2m_get/put and the Hantro G1+G2 shared scheduler. */
    M2M_HANTRO("000", "v4l2-mem2mem kref / Hantro G1+G2 shared scheduler"),
    /** 001: the Media Device Allocator and the shared tuner. */
    ALLOCATOR("001", "Media Device Allocator"),
    /** 002: the media object lifetime rules. */
    LIFETIME("002", "media object lifetime rules");

    private final String number;
    private final String title;

    Seed(String number, String title) {
      this.number = number;
      this.title = title;
    }

    /** "000: title". */
    String describe() {
      return number + ": " + title;
    }

    @JsonCreator
    static Seed of(Object v) {
      String s = v.toString();
      for (Seed seed : values()) {
        // YAML reads an unquoted 001 as the number 1.
        if (seed.number.equals(s) || Integer.toString(Integer.parseInt(seed.number)).equals(s)) {
          return seed;
        }
      }
      throw new IllegalArgumentException("unknown seed '" + s + "' (000, 001 or 002)");
    }
  }

  /** The kernel clock of a run. */
  enum Clock {
    /** The real clock: decodes take their 10 ms, the stick delivers on its own. */
    REAL,
    /** A manual clock: nothing that waits on time happens until the control sequence advances. */
    MANUAL
  }

  /** A patch switch named by its key, e.g. {@code hantro-shared-scheduler}. */
  record SwitchName(PatchSwitch sw) {
    @JsonCreator
    static SwitchName of(String key) {
      return new SwitchName(PatchSwitch.byName(key).orElseThrow(() ->
          new IllegalArgumentException("unknown patch switch '" + key + "' (one of "
              + keys() + ")")));
    }

    private static String keys() {
      List<String> k = new ArrayList<>();
      for (PatchSwitch s : PatchSwitch.values()) {
        k.add(s.key());
      }
      return String.join(", ", k);
    }
  }

  /** A switch position: on (after the fix) or off (before it). */
  record OnOff(boolean on) {
    @JsonCreator
    static OnOff of(Object v) {
      String s = v.toString().toLowerCase(Locale.ROOT);
      return switch (s) {
        case "on", "true", "after" -> new OnOff(true);
        case "off", "false", "before" -> new OnOff(false);
        default -> throw new IllegalArgumentException("a switch is on or off, not '" + v + "'");
      };
    }
  }

  /** Which sanitizers run: a list of kasan, kmemleak, lockdep, stacks, or "all" or "none". */
  record Sanitizers(SanitizerConfig config) {
    static final Sanitizers ALL = new Sanitizers(SanitizerConfig.ALL);

    @JsonCreator
    static Sanitizers of(Object v) {
      if (v instanceof String s) {
        return switch (s) {
          case "all" -> ALL;
          case "none" -> new Sanitizers(SanitizerConfig.NONE);
          default -> of(List.of(s));
        };
      }
      if (!(v instanceof List<?> list)) {
        throw new IllegalArgumentException("sanitizers is a list of kasan, kmemleak, lockdep, "
            + "stacks, or all, or none");
      }
      boolean[] on = new boolean[4];
      List<String> names = List.of("kasan", "kmemleak", "lockdep", "stacks");
      for (Object o : list) {
        int i = names.indexOf(String.valueOf(o));
        if (i < 0) {
          throw new IllegalArgumentException("unknown sanitizer '" + o + "' (one of " + names
              + ")");
        }
        on[i] = true;
      }
      return new Sanitizers(new SanitizerConfig(on[0], on[1], on[2], on[3]));
    }
  }

  /** A duration with a unit: {@code 200ms}, {@code 2s}, {@code 50us}, {@code 100ns}. */
  record Span(long nanos) {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*(ns|us|ms|s)");

    @JsonCreator
    static Span of(Object v) {
      Matcher m = FORMAT.matcher(v.toString().strip());
      if (!(v instanceof String) || !m.matches()) {
        throw new IllegalArgumentException("a duration is a number with a unit (ns, us, ms, s), "
            + "e.g. 200ms, not '" + v + "'");
      }
      long n = Long.parseLong(m.group(1));
      long unit = switch (m.group(2)) {
        case "ns" -> 1L;
        case "us" -> 1_000L;
        case "ms" -> 1_000_000L;
        default -> 1_000_000_000L;
      };
      return new Span(n * unit);
    }

    @Override
    public String toString() {
      return nanos % 1_000_000_000L == 0 ? nanos / 1_000_000_000L + "s"
          : nanos % 1_000_000L == 0 ? nanos / 1_000_000L + "ms" : nanos + "ns";
    }
  }

  /**
   * An expected result: {@code ok} (or 0: any non-negative return), an errno name, or a list of
   * them (any of). {@code ETIMEDOUT} on a {@code wait} expects the wait to time out.
   *
   * @param errnos the accepted results, 0 standing for success
   */
  record Outcome(List<Integer> errnos) {
    static final Outcome OK = new Outcome(List.of(0));

    private static final Map<String, Integer> BY_NAME = byName();

    private static Map<String, Integer> byName() {
      Map<String, Integer> m = new TreeMap<>();
      for (int e = 1; e < 1024; e++) {
        String n = Errno.name(e);
        if (!n.startsWith("E?")) {
          m.put(n, e);
        }
      }
      return m;
    }

    @JsonCreator
    static Outcome of(Object v) {
      if (v instanceof List<?> list) {
        if (list.isEmpty()) {
          throw new IllegalArgumentException("an empty list of outcomes can never hold");
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : list) {
          out.addAll(of(o).errnos);
        }
        return new Outcome(List.copyOf(out));
      }
      String s = v.toString();
      if (s.equals("ok") || s.equals("0")) {
        return OK;
      }
      Integer e = BY_NAME.get(s.startsWith("-") ? s.substring(1) : s);
      if (e == null) {
        throw new IllegalArgumentException("unknown errno '" + s + "' (ok, 0, or a name such as "
            + "EIO, ENODEV, ENXIO, EBUSY)");
      }
      return new Outcome(List.of(e));
    }

    boolean matches(int ret) {
      for (int e : errnos) {
        if (e == 0 ? ret >= 0 : ret == -e) {
          return true;
        }
      }
      return false;
    }

    String describe() {
      List<String> s = new ArrayList<>();
      for (int e : errnos) {
        s.add(e == 0 ? "ok" : "-" + Errno.name(e));
      }
      return s.size() == 1 ? s.get(0) : "any of " + s;
    }
  }

  /** A count expectation: an exact number, or {@code {min: A, max: B}} (either may be left out). */
  record Count(long min, long max) {
    @JsonCreator
    static Count of(Object v) {
      if (v instanceof Number n) {
        return new Count(n.longValue(), n.longValue());
      }
      if (v instanceof Map<?, ?> m && !m.isEmpty()) {
        long min = 0;
        long max = Long.MAX_VALUE;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!(e.getValue() instanceof Number n)) {
            throw new IllegalArgumentException(e.getKey() + " must be a number");
          }
          switch (String.valueOf(e.getKey())) {
            case "min" -> min = n.longValue();
            case "max" -> max = n.longValue();
            default -> throw new IllegalArgumentException("unknown key '" + e.getKey()
                + "' in a count (min, max)");
          }
        }
        if (min > max) {
          throw new IllegalArgumentException("min " + min + " is above max " + max);
        }
        return new Count(min, max);
      }
      throw new IllegalArgumentException("a count is a number or {min: N, max: N}, not '" + v
          + "'");
    }

    boolean holds(long n) {
      return n >= min && n <= max;
    }

    @Override
    public String toString() {
      return min == max ? Long.toString(min)
          : max == Long.MAX_VALUE ? ">= " + min : min == 0 ? "<= " + max : min + ".." + max;
    }
  }

  /**
   * A userspace task.
   *
   * @param name its comm, used in reports
   * @param steps what it does, in order
   */
  record TaskSpec(
      @JsonProperty(value = "name", required = true) String name,
      @JsonProperty(value = "steps", required = true) List<Step> steps) {}

  /**
   * The end-of-run expectations. Every field left out is not checked, except {@code reports}
   * (default: none at all) and {@code leaks} (default: 0).
   *
   * @param jobs decode jobs per core (g1, g2)
   * @param overlaps decodes started while the other core was busy on the shared bus
   * @param busErrors bus errors the cores signalled
   * @param corrupted frames that came back with the ERROR flag
   * @param buffers "balanced": every buffer userspace queued came back to it
   * @param leaks allocations alive at the end
   * @param syscalls failed system calls by errno name
   * @param reports sanitizer reports by kind ("none" for none)
   */
  record Expect(
      @JsonProperty("jobs") @Nullable Map<CoreName, Count> jobs,
      @JsonProperty("overlaps") @Nullable Count overlaps,
      @JsonProperty("busErrors") @Nullable Count busErrors,
      @JsonProperty("corrupted") @Nullable Count corrupted,
      @JsonProperty("buffers") @Nullable Balanced buffers,
      @JsonProperty("leaks") @Nullable Count leaks,
      @JsonProperty("syscalls") @Nullable Map<ErrnoName, Count> syscalls,
      @JsonProperty("reports") @Nullable Reports reports) {
    static final Expect DEFAULT = new Expect(null, null, null, null, null, null, null, null);

    Count leaksOrZero() {
      Count l = leaks;
      return l == null ? new Count(0, 0) : l;
    }

    Reports reportsOrNone() {
      Reports r = reports;
      return r == null ? Reports.NONE : r;
    }
  }

  /** A decoder core by its short name. */
  record CoreName(String core) {
    @JsonCreator
    static CoreName of(String s) {
      if (!s.equals("g1") && !s.equals("g2")) {
        throw new IllegalArgumentException("unknown core '" + s + "' (g1 or g2)");
      }
      return new CoreName(s);
    }
  }

  /** An errno by name, as a map key. */
  record ErrnoName(int errno) {
    @JsonCreator
    static ErrnoName of(String s) {
      Outcome o = Outcome.of(s);
      int e = o.errnos().get(0);
      if (e == 0) {
        throw new IllegalArgumentException("'" + s + "' is not an errno");
      }
      return new ErrnoName(e);
    }

    String name() {
      return Errno.name(errno);
    }
  }

  /** {@code buffers: balanced}. */
  record Balanced(boolean balanced) {
    @JsonCreator
    static Balanced of(String s) {
      if (!s.equals("balanced")) {
        throw new IllegalArgumentException("buffers can only be expected 'balanced', not '" + s
            + "'");
      }
      return new Balanced(true);
    }
  }

  /** Expected sanitizer reports: {@code none}, or counts by kind ({@code USE_AFTER_FREE: 1}). */
  record Reports(Map<ReportKind, Count> kinds) {
    static final Reports NONE = new Reports(Map.of());

    @JsonCreator
    static Reports of(Object v) {
      if ("none".equals(v)) {
        return NONE;
      }
      if (!(v instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException("reports is 'none' or a map of report kind to count");
      }
      Map<ReportKind, Count> out = new EnumMap<>(ReportKind.class);
      for (Map.Entry<?, ?> e : m.entrySet()) {
        ReportKind k;
        try {
          k = ReportKind.valueOf(String.valueOf(e.getKey()));
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException("unknown report kind '" + e.getKey() + "' (one of "
              + List.of(ReportKind.values()) + ")", ex);
        }
        out.put(k, Count.of(e.getValue()));
      }
      return new Reports(out);
    }
  }

  /** Where a node came from in the file, for messages after parsing. */
  static String where(@Nullable JsonLocation at) {
    return at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
  }
}
