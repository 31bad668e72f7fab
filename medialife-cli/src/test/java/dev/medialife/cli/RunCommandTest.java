package dev.medialife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.debug.SanitizerConfig;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.time.KernelClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code medialife run}: every shipped scenario runs and holds, a scenario whose expectations do
 * not hold exits 1 and says which, a run past its deadline is cut short, and the JSON report has
 * its stable fields.
 */
@Timeout(120)
class RunCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The repository's scenarios/ directory, seen from the module. */
  static final Path SCENARIOS = Path.of("..", "scenarios");

  static Stream<Path> shipped() throws IOException {
    try (Stream<Path> files = Files.list(SCENARIOS)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shipped")
  void everyShippedScenarioHolds(Path file) throws Exception {
    Cli r = Cli.run("run", "--json", file.toString());
    JsonNode j = JSON.readTree(r.out());
    List<String> failed = new ArrayList<>();
    for (JsonNode e : j.get("expectations")) {
      if (!e.get("ok").asBoolean()) {
        failed.add(e.get("text").asText());
      }
    }
    assertEquals(List.of(), failed, file + "\n" + r.err());
    assertTrue(j.get("ok").asBoolean(), r.out());
    assertEquals(Main.EXIT_OK, r.status());
    String base = file.getFileName().toString().replace(".yaml", "");
    assertEquals(base, j.get("scenario").asText(), "a scenario is named after its file");
    assertTrue(j.get("expectations").size() >= 5, "a scenario checks something: " + r.out());
    assertTrue(PatchSwitch.M2M_KREF.enabled() && PatchSwitch.MEDIA_LIFETIME.enabled(),
        "switches are restored");
    assertEquals(SanitizerConfig.ALL, Sanitizers.config(), "sanitizers are restored");
    assertFalse(KernelClock.system() instanceof dev.medialife.kernel.time.ManualClock,
        "the real clock is back");
  }

  @Test
  void theShippedSetCoversEverySeedWithItsFixOnAndOff() throws Exception {
    List<Path> files = shipped().toList();
    assertTrue(files.size() >= 15, files.toString());
    Set<PatchSwitch> reverted = EnumSet.noneOf(PatchSwitch.class);
    Set<Scenario.Seed> withFix = EnumSet.noneOf(Scenario.Seed.class);
    Set<Scenario.Seed> withoutFix = EnumSet.noneOf(Scenario.Seed.class);
    for (Path f : files) {
      Scenario s = ScenarioFile.load(f);
      boolean off = false;
      for (var e : s.switches().entrySet()) {
        if (!e.getValue().on()) {
          reverted.add(e.getKey().sw());
          off = true;
        }
      }
      (off ? withoutFix : withFix).add(s.seed());
    }
    assertEquals(EnumSet.allOf(PatchSwitch.class), reverted, "every switch is shown off");
    assertEquals(EnumSet.allOf(Scenario.Seed.class), withFix);
    assertEquals(EnumSet.allOf(Scenario.Seed.class), withoutFix);
  }

  @Test
  void failedExpectationsExitOneAndAreListed(@TempDir Path dir) throws Exception {
    Path f = write(dir, "wrong.yaml", """
        name: wrong
        description: expectations that cannot hold
        seed: "002"
        board: usbtv
        tasks:
          - name: media-ctl
            steps:
              - open: stick.media
                as: m
                expect: ENODEV
              - ioctl: MEDIA_IOC_DEVICE_INFO
                fd: m
                expect: EIO
              - poll: m
                revents: [err]
              - read: m
                expect: ok
              - wait: never
                timeout: 20ms
              - signal: never
        control:
          - check: {mediaNodes: 2, tunerConflicts: {min: 1}, schedulers: 1,
                    present: [/dev/media7], absent: [stick.media]}
        expect:
          syscalls: {EIO: 1}
          buffers: balanced
          leaks: 1
          corrupted: 1
        """);
    Cli r = Cli.run("run", f.toString());
    assertEquals(Main.EXIT_FAILED, r.status(), r.out());
    String out = r.out();
    for (String line : new String[] {
      "== wrong ==",
      "  FAILED  media-ctl: open stick.media (line 8) expects -ENODEV: held 0/1, got [3]",
      "  FAILED  media-ctl: ioctl MEDIA_IOC_DEVICE_INFO on m (line 11) expects -EIO: held 0/1,"
          + " got [0]",
      "  FAILED  media-ctl: poll m (line 14) returns [err] (got [in])",
      "  FAILED  media-ctl: read m (line 16) expects ok: held 0/1, got [-EINVAL]",
      "  FAILED  media-ctl: wait for 'never' (line 18) timed out after 20ms",
      "  FAILED  control: check (line 22): 1 media nodes [/dev/media0] (expected 2)",
      "  FAILED  control: check (line 22): 0 tuner conflicts (expected >= 1)",
      "  FAILED  control: check (line 22): 0 mem2mem schedulers for the bound cores (expected 1)",
      "  FAILED  control: check (line 22): /dev/media7 (/dev/media7) exists",
      "  FAILED  control: check (line 22): stick.media (/dev/media0) does not exist",
      "  FAILED  system calls failed with EIO: 0 (expected 1)",
      "  ok      every buffer queued came back (0 queued, 0 returned)",
      "  FAILED  allocations leaked: 0 (expected 1)",
      "  FAILED  frames returned corrupted (ERROR flag): 0 (expected 1)",
      "verdict:      FAILED in "
    }) {
      assertTrue(out.contains(line), "missing '" + line + "' in\n" + out);
    }
  }

  @Test
  void anUnexpectedReportFailsTheRunAndAnExpectedOneDoesNot(@TempDir Path dir)
      throws Exception {
    String text = Files.readString(SCENARIOS.resolve("lifetime-off.yaml"));
    Path f = write(dir, "lifetime-off.yaml", text.replace(
        "  reports:\n    USE_AFTER_FREE: 1\n", "  reports: none\n"));
    Cli r = Cli.run("run", "--json", f.toString());
    assertEquals(Main.EXIT_FAILED, r.status());
    JsonNode j = JSON.readTree(r.out());
    assertFalse(j.get("ok").asBoolean());
    assertEquals("USE_AFTER_FREE", j.get("reports").get(0).get("kind").asText());
    assertTrue(j.get("reports").get(0).get("message").asText().contains("use-after-free"),
        j.get("reports").get(0).toString());
    assertTrue(j.get("reports").get(0).get("text").asText().contains("Accessed by task"));
    boolean listed = false;
    for (JsonNode e : j.get("expectations")) {
      listed |= e.get("text").asText().equals(
          "no unexpected sanitizer report (got {USE_AFTER_FREE=1})") && !e.get("ok").asBoolean();
    }
    assertTrue(listed, r.out());
  }

  @Test
  void aRunPastItsDeadlineSignalsItsTasksAndFails(@TempDir Path dir) throws Exception {
    // Without the kref G2's decode never finishes: the deadline, not an alarm, ends it.
    Path f = write(dir, "stuck.yaml", Files.readString(SCENARIOS.resolve("m2m-kref-off.yaml"))
        .replace("name: m2m-kref-off", "name: stuck")
        .replace("switches:", "timeout: 1s\nswitches:")
        .replace("        timeout: 2s\n", ""));
    Cli r = Cli.run("run", f.toString());
    assertEquals(Main.EXIT_FAILED, r.status());
    assertTrue(r.out().contains("  FAILED  every task finished within 1s (still running: "
        + "[gst-hevc])"), r.out());
    assertTrue(r.out().contains("gst-hevc: decode 48 HEVC on g2.video (line 15) expects -EINTR:"
        + " held 1/1"), "the deadline's signal ends the sleep with EINTR: " + r.out());
  }

  @Test
  void jsonReportOfAnOffScenarioHasTheStableFields() throws Exception {
    Cli r = Cli.run("run", "--json", SCENARIOS.resolve("hantro-shared-scheduler-off.yaml")
        .toString());
    assertEquals(0, r.status(), r.err());
    JsonNode j = JSON.readTree(r.out());
    for (String field : new String[] {"scenario", "ok", "board", "reports", "syscalls", "jobs",
        "overlaps", "busErrors", "buffers", "leaks", "expectations", "durationMs"}) {
      assertTrue(j.has(field), field + " in " + r.out());
    }
    assertEquals("NXP i.MX8MQ EVK VPU (G1 + G2)", j.get("board").asText());
    assertEquals(32, j.get("jobs").get("imx8mq-vpu-g1").asLong());
    assertEquals(32, j.get("jobs").get("imx8mq-vpu-g2").asLong());
    assertTrue(j.get("overlaps").asLong() > 0);
    assertTrue(j.get("busErrors").asLong() > 0);
    assertEquals(j.get("buffers").get("queued").asLong(),
        j.get("buffers").get("returned").asLong());
    assertTrue(j.get("syscalls").get("total").asLong() > 100);
    assertEquals(0, j.get("syscalls").get("errors").size());
    assertEquals(0, j.get("leaks").asLong());
    assertTrue(r.err().contains("scenario hantro-shared-scheduler-off (seed 000: "), r.err());
  }

  @Test
  void severalFilesMakeOneArrayAndTheWorstStatus(@TempDir Path dir) throws Exception {
    Path bad = write(dir, "bad.yaml", """
        name: bad
        description: d
        seed: "001"
        board: usbtv
        control:
          - unbind: au0828
            expect: ENODEV
        """);
    Cli r = Cli.run("run", "--json", SCENARIOS.resolve("media-dev-allocator-sh.yaml").toString(),
        bad.toString());
    assertEquals(Main.EXIT_FAILED, r.status());
    JsonNode j = JSON.readTree(r.out());
    assertTrue(j.isArray());
    assertEquals(2, j.size());
    assertTrue(j.get(0).get("ok").asBoolean());
    assertFalse(j.get(1).get("ok").asBoolean());
  }

  @Test
  void aScenarioUsingEveryStepKindRuns(@TempDir Path dir) throws Exception {
    Path f = write(dir, "kinds.yaml", """
        name: kinds
        description: every step kind once, on the default board
        seed: "000"
        board: default
        sanitizers: [kasan, kmemleak, lockdep, stacks]
        tasks:
          - name: v4l2-ctl
            steps:
              - open: g1.video
                as: v
                expect: ok
              - ioctl: VIDIOC_G_INPUT
                fd: v
                expect: [ok, ENOTTY]
              - ioctl: VIDIOC_S_INPUT
                fd: v
                arg: {input: 0}
                expect: [ok, ENOTTY]
              - ioctl: VIDIOC_G_TUNER
                fd: v
                expect: ENOTTY
              - ioctl: VIDIOC_S_FMT
                fd: v
                arg: {codec: VP8, width: 640, height: 480}
                expect: ok
              - decode: {fd: v, codec: VP8, frames: 3, buffers: 2}
                timeout: 10s
              - close: v
                expect: ok
              - open: /dev/video99
                expect: ENOENT
              - close: v
                expect: EBADF
              - signal: decoded
          - name: tvtime
            steps:
              - open: stick.video
                as: t
              - ioctl: QUERYCAP
                fd: t
                expect: ok
              - ioctl: S_FMT
                fd: t
                arg: {type: capture}
                expect: ok
              - ioctl: G_TUNER
                fd: t
                expect: ok
              - ioctl: S_INPUT
                fd: t
                arg: {input: 0}
                expect: ok
              - stream: {fd: t, frames: 3}
                timeout: 10s
              - close: t
          - name: arecord
            steps:
              - open: stick.pcm
                as: p
                flags: [nonblock]
              - ioctl: SNDRV_PCM_IOCTL_HW_PARAMS
                fd: p
                arg: {periods: 8}
                expect: ok
              - ioctl: PREPARE
                fd: p
                expect: ok
              - ioctl: START
                fd: p
                expect: ok
              - poll: p
                events: [in]
                timeout: 5s
                revents: [in]
              - read: p
                bytes: 4096
                expect: ok
              - ioctl: DROP
                fd: p
                expect: ok
              - ioctl: HW_FREE
                fd: p
                expect: ok
              - close: p
          - name: media-ctl
            steps:
              - open: g2.media
                as: m
              - ioctl: MEDIA_IOC_ENUM_ENTITIES
                fd: m
                arg: {id: 0}
                expect: EINVAL
              - ioctl: ENUM_ENTITIES
                fd: m
                expect: ok
              - close: m
        control:
          - wait: decoded
          - suspend: g2
            expect: ok
          - resume: g2
            expect: ok
          - repeat: 2
            steps:
              - unbind: g2
                expect: ok
              - suspend: g2
                expect: ENODEV
              - bind: g2
                expect: ok
          - unbind: snd-usb-audio
            expect: ok
          - unbind: snd-usb-audio
            expect: ENODEV
          - bind: snd-usb-audio
            expect: ok
        expect:
          jobs: {g1: 3, g2: 0}
          buffers: balanced
          reports: none
        """);
    Cli r = Cli.run("run", f.toString());
    assertEquals(Main.EXIT_OK, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("  ok      arecord: poll p (line 71) returns [in] (got [in])"),
        r.out());
    assertTrue(r.out().contains("control: unbind g2 (line 105) expects ok: held 2/2"), r.out());
  }

  @Test
  void runHasHelpAndNeedsAFile() {
    Cli help = Cli.run("run", "--help");
    assertEquals(0, help.status());
    assertTrue(help.out().startsWith("Usage: medialife run [-hV] [--json] SCENARIO..."),
        help.out());
    assertTrue(help.out().contains("docs/scenarios.md"));
    Cli none = Cli.run("run");
    assertEquals(Main.EXIT_USAGE, none.status());
    assertTrue(none.err().contains("Missing required parameter: 'SCENARIO'"), none.err());
    assertTrue(Cli.run("--help").out().contains("  run "), "listed in the top-level help");
  }

  private static Path write(Path dir, String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }
}
