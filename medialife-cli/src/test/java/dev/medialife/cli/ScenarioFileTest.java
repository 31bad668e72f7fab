package dev.medialife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed scenarios: each kind of mistake ends {@code medialife run} with exit status 2 and one
 * message naming the file, the line and column, and the problem, never a stack trace.
 */
class ScenarioFileTest {
  /** A valid head; a step given to {@link #withStep} starts on line 9. */
  private static final String HEAD = """
      name: t
      description: d
      seed: "002"
      board: usbtv
      tasks:
        - name: a
          steps:
            - signal: s
      """;

  private static String withStep(String step) {
    return HEAD + step.indent(6);
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("yaml syntax", HEAD + "  - name: b: c\n", 9,
            "mapping values are not allowed here"),
        Arguments.of("unknown top key", HEAD.replace("board: usbtv", "board: usbtv\nboards: x"),
            5, "unknown key 'boards'"),
        Arguments.of("unknown step key", withStep("- open: stick.video\n  ass: v"), 10,
            "unknown key 'ass'"),
        Arguments.of("wrong type", withStep("- stream: {node: stick.video, frames: many}"), 9,
            "frames"),
        Arguments.of("unknown ioctl", withStep("- ioctl: VIDIOC_FROB\n  fd: v"), 9,
            "unknown ioctl 'VIDIOC_FROB'"),
        Arguments.of("unknown errno", withStep("- open: stick.video\n  expect: EWHAT"), 10,
            "unknown errno 'EWHAT'"),
        Arguments.of("unknown alias", withStep("- open: g3.video"), 9,
            "unknown device node 'g3.video'"),
        Arguments.of("unknown event", withStep("- wait: never"), 9,
            "event 'never' is never signalled"),
        Arguments.of("unknown switch", HEAD.replace("board: usbtv",
            "board: usbtv\nswitches:\n  frobnicator: off"), 6, "unknown patch switch 'frobnicator'"),
        Arguments.of("bad switch value", HEAD.replace("board: usbtv",
            "board: usbtv\nswitches:\n  m2m-kref: maybe"), 6, "on or off"),
        Arguments.of("missing board", HEAD.replace("board: usbtv\n", ""), 1, "'board'"),
        Arguments.of("unknown board", HEAD.replace("board: usbtv", "board: rpi5"), 4, "rpi5"),
        Arguments.of("bad seed", HEAD.replace("seed: \"002\"", "seed: \"007\""), 3,
            "unknown seed '007'"),
        Arguments.of("duration without unit", withStep("- wait: s\n  timeout: 200"), 10,
            "a duration is a number with a unit"),
        Arguments.of("two actions", withStep("- open: stick.video\n  close: v"), 9,
            "exactly one action"),
        Arguments.of("no action", withStep("- expect: ok"), 9, "a step needs an action"),
        Arguments.of("empty step", withStep("-"), 9, "an empty step"),
        Arguments.of("task without name", HEAD.replace("- name: a", "- name:"), 6,
            "a task needs a name"),
        Arguments.of("task without steps", HEAD.replace("    - signal: s\n", "")
            .replace("steps:", "steps: ~"), 7, "needs steps"),
        Arguments.of("empty board", HEAD.replace("board: usbtv", "board:"), 4,
            "'board' needs a value"),
        Arguments.of("fd never opened", withStep("- close: v"), 9, "fd 'v' is not opened"),
        Arguments.of("node not on the board", withStep("- open: g1.video"), 9,
            "board usbtv (USB TV stick on 1-1) has no g1.video"),
        Arguments.of("control on a board without it", withStep("- unbind: g2"), 9,
            "has no g2"),
        Arguments.of("advance without manual clock", withStep("- advance: 1ms"), 9,
            "clock: manual"),
        Arguments.of("unknown report kind", HEAD + "expect:\n  reports: {HEISENBUG: 1}\n", 10,
            "unknown report kind 'HEISENBUG'"),
        Arguments.of("bad count", HEAD + "expect:\n  overlaps: {least: 1}\n", 10,
            "unknown key 'least'"),
        Arguments.of("min above max", HEAD + "expect:\n  leaks: {min: 3, max: 1}\n", 10,
            "min 3 is above max 1"),
        Arguments.of("unknown race window", withStep("- park: nowhere\n  signal: p\n  until: s"),
            9, "unknown race window 'nowhere'"),
        Arguments.of("park without until", withStep("- park: media_ioctl\n  signal: p"), 9,
            "park needs 'signal' and 'until'"),
        Arguments.of("unknown codec", withStep("- decode: {node: stick.video, codec: AV1, "
            + "frames: 1}"), 9, "unknown codec 'AV1'"),
        Arguments.of("stream with codec", withStep("- stream: {node: stick.video, codec: H264, "
            + "frames: 1}"), 9, "'codec' and 'corrupted' belong to decode"),
        Arguments.of("loop without node or fd", withStep("- stream: {frames: 1}"), 9,
            "stream needs 'node' or 'fd'"),
        Arguments.of("repeat without steps", withStep("- repeat: 3"), 9,
            "repeat needs 'steps'"),
        Arguments.of("misplaced attribute", withStep("- signal: x\n  as: v"), 9,
            "'as' belongs to open"),
        Arguments.of("unknown poll event", withStep("- open: stick.video\n  as: v\n"
            + "- poll: v\n  events: [sideways]"), 11, "unknown poll event 'sideways'"),
        Arguments.of("unknown driver", withStep("- bind: uvcvideo"), 9,
            "unknown driver target 'uvcvideo'"),
        Arguments.of("syscall in control", HEAD + "control:\n  - open: stick.video\n", 10,
            "belongs to a task"),
        Arguments.of("duplicate task", HEAD + "  - name: a\n    steps: []\n", 9,
            "task name 'a' is used twice"),
        Arguments.of("bad outcome list", withStep("- open: stick.video\n  expect: []"), 10,
            "an empty list of outcomes"),
        Arguments.of("unknown sanitizer", HEAD.replace("board: usbtv",
            "board: usbtv\nsanitizers: [kasan, valgrind]"), 5, "unknown sanitizer 'valgrind'"),
        Arguments.of("bad queue type", withStep("- open: stick.video\n  as: v\n"
            + "- ioctl: QBUF\n  fd: v\n  arg: {type: sideways}"), 11, "unknown queue type"),
        Arguments.of("buffers not balanced", HEAD + "expect:\n  buffers: lost\n", 10,
            "balanced"),
        Arguments.of("unknown core", HEAD + "expect:\n  jobs: {g3: 1}\n", 10,
            "unknown core 'g3'"),
        Arguments.of("errno key that is not an errno", HEAD
            + "expect:\n  syscalls: {ok: 1}\n", 10, "'ok' is not an errno (at expect.syscalls)"),
        Arguments.of("only the stick plugs", withStep("- plug: camera"), 9,
            "only the stick can be plugged"),
        Arguments.of("suspend a stick", withStep("- suspend: au0828"), 9,
            "suspend and resume take a core"),
        Arguments.of("empty file", "", 1, "the file is empty"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedScenarioIsExitTwoWithFileLineAndProblem(String what, String yaml, int line,
      String problem, @TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, yaml, StandardCharsets.UTF_8);
    Cli r = Cli.run("run", f.toString());
    assertEquals(Main.EXIT_USAGE, r.status(), what + ": " + r.err() + r.out());
    String err = r.err().strip();
    assertTrue(err.startsWith("medialife run: " + f + ":" + line + ":"),
        what + ": expected line " + line + " in: " + err);
    assertTrue(err.contains(problem), what + ": expected '" + problem + "' in: " + err);
    assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace: " + err);
    assertEquals(1, err.lines().count(), "one message: " + err);
    assertEquals("", r.out(), "nothing runs");
  }

  @Test
  void aMissingFileIsMalformedToo(@TempDir Path dir) {
    Cli r = Cli.run("run", dir.resolve("nope.yaml").toString());
    assertEquals(Main.EXIT_USAGE, r.status());
    assertTrue(r.err().contains("nope.yaml: no such file"), r.err());
    Cli unreadable = Cli.run("run", dir.toString());
    assertEquals(Main.EXIT_USAGE, unreadable.status());
    assertTrue(unreadable.err().contains("cannot read"), unreadable.err());
  }

  @Test
  void valuesParseInEveryDocumentedForm() throws Exception {
    Scenario s = ScenarioFile.parse("forms.yaml", """
        name: forms
        description: every form of every value
        seed: 1
        board: IMX8MQ
        switches: {m2m-kref: off, HANTRO_SHARED_SCHEDULER: "on", media-allocator: before,
                   allocator-lookup-fix: after, media-lifetime-rules: false}
        sanitizers: [kasan, lockdep]
        clock: manual
        timeout: 1500ms
        control:
          - advance: 250us
          - advance: 10ns
          - advance: 2s
            expect: [0, ok, -EIO]
        expect:
          overlaps: {max: 3}
          busErrors: {min: 2}
          reports: none
          leaks: {min: 1, max: 2}
        """);
    assertEquals(Scenario.Seed.ALLOCATOR, s.seed());
    assertEquals(Board.Kind.IMX8MQ, s.board());
    assertEquals(5, s.switches().size());
    assertFalse(nn(s.switches().get(new Scenario.SwitchName(PatchSwitch.M2M_KREF))).on());
    assertTrue(nn(s.switches().get(new Scenario.SwitchName(
        PatchSwitch.HANTRO_SHARED_SCHEDULER))).on());
    assertFalse(nn(s.switches().get(new Scenario.SwitchName(PatchSwitch.MEDIA_LIFETIME))).on());
    assertEquals(new SanitizerConfig(true, false, true, false), s.sanitizers().config());
    assertEquals(Scenario.Clock.MANUAL, s.clock());
    assertEquals(1_500_000_000L, s.timeout().nanos());
    assertEquals("1500ms", s.timeout().toString());
    assertEquals(250_000L, nn(s.control().get(0).f.advance()).nanos());
    assertEquals("10ns", nn(s.control().get(1).f.advance()).toString());
    assertEquals("2s", nn(s.control().get(2).f.advance()).toString());
    Scenario.Outcome o = nn(s.control().get(2).f.expect());
    assertTrue(o.matches(0) && o.matches(7) && o.matches(-5) && !o.matches(-19));
    assertEquals("any of [ok, ok, -EIO]", o.describe());
    assertEquals("<= 3", nn(s.expect().overlaps()).toString());
    assertEquals(">= 2", nn(s.expect().busErrors()).toString());
    assertEquals("1..2", nn(s.expect().leaks()).toString());
    assertTrue(s.expect().reportsOrNone().kinds().isEmpty());

    Scenario none = ScenarioFile.parse("none.yaml",
        "name: n\ndescription: d\nseed: \"000\"\nboard: imx8mp\nsanitizers: none\n");
    assertEquals(SanitizerConfig.NONE, none.sanitizers().config());
    assertEquals(Scenario.DEFAULT_TIMEOUT, none.timeout());
    assertEquals("0", none.expect().leaksOrZero().toString());
    Scenario all = ScenarioFile.parse("all.yaml", """
        name: n
        description: d
        seed: "002"
        board: usbtv
        sanitizers: all
        expect:
          reports: {USE_AFTER_FREE: 1, LEAK: {min: 0}}
        """);
    assertEquals(SanitizerConfig.ALL, all.sanitizers().config());
    assertEquals(2, all.expect().reportsOrNone().kinds().size());
    assertTrue(all.expect().reportsOrNone().kinds().containsKey(ReportKind.LEAK));
    Scenario one = ScenarioFile.parse("one.yaml",
        "name: n\ndescription: d\nseed: \"002\"\nboard: usbtv\nsanitizers: kmemleak\n");
    assertEquals(new SanitizerConfig(false, true, false, false), one.sanitizers().config());
  }

  private static <T> T nn(@Nullable T v) {
    return Objects.requireNonNull(v, "parsed");
  }

  @Test
  void ioctlNamesWorkWithAndWithoutTheirPrefix() {
    assertEquals(Ioctls.Cmd.VIDIOC_QUERYCAP, Ioctls.Cmd.of("QUERYCAP"));
    assertEquals(Ioctls.Cmd.MEDIA_IOC_DEVICE_INFO, Ioctls.Cmd.of("DEVICE_INFO"));
    assertEquals(Ioctls.Cmd.SNDRV_PCM_IOCTL_PREPARE, Ioctls.Cmd.of("SNDRV_PCM_IOCTL_PREPARE"));
    assertThrows(IllegalArgumentException.class, () -> Ioctls.Cmd.of(null));
    assertEquals("[in, err, hup]", Ioctls.pollNames(Ioctls.pollBit("in") | Ioctls.pollBit("ERR")
        | Ioctls.pollBit("hup")));
  }
}
