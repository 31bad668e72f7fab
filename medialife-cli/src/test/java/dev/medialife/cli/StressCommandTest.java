package dev.medialife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.config.PatchSwitch;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code medialife stress}: bounded runs of the race harness with fixed seeds, asserting the
 * report's invariants and that the run really exercised what it claims (every kind of call, cycles
 * of every kind, the errnos userspace must see after an unbind or an unplug); runs with a fix
 * reverted or with the Hantro gate lifted, showing the harness fails when the kernel model is
 * wrong; option parsing; reproducibility of the tasks' programs.
 */
@Timeout(120)
class StressCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static long at(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null ? 0 : v.asLong();
  }

  @Test
  void boundedRunOnTheDefaultBoardHoldsEveryInvariant() throws Exception {
    Cli r = Cli.run("stress", "--duration", "3s", "--seed", "43", "--json", "--progress");
    JsonNode j = JSON.readTree(r.out());
    assertEquals("stress", j.get("scenario").asText());
    assertTrue(j.get("ok").asBoolean(), r.out());
    assertEquals(0, r.status());
    assertEquals(43, j.get("seed").asLong());
    assertEquals(8, j.get("tasks").asInt());
    assertEquals(0, j.get("reports").size(), "no sanitizer report");
    assertEquals(0, j.get("leaks").asLong(), "nothing leaked");
    assertEquals(0, j.get("failures").asLong());
    for (JsonNode e : j.get("expectations")) {
      assertTrue(e.get("ok").asBoolean(), e.get("text").asText());
    }
    assertTrue(j.get("expectations").toString().contains("0 uncaught exceptions"));

    // Cycles of every kind: the control task's choices come from the seed.
    JsonNode control = j.get("control");
    assertTrue(j.get("cycles").asLong() >= 3, control.toString());
    // (seed 42, used before the suspend/resume cycles joined the mix, no longer unbinds G1 in 3 s)
    for (String a : List.of("unbind G1", "bind G1", "unbind G2", "bind G2", "unplug", "plug",
        "suspend G1", "resume G1", "suspend G2", "resume G2")) {
      assertTrue(at(control, a) > 0, a + " in " + control);
    }
    assertEquals(at(control, "unbind G1"), at(control, "bind G1"));
    assertEquals(at(control, "unplug"), at(control, "plug"));
    assertEquals(at(control, "suspend G1"), at(control, "resume G1"));
    assertEquals(at(control, "suspend G1") + at(control, "suspend G2"),
        j.get("suspendResumeCycles").asLong());
    assertEquals(at(control, "unplug"), at(control, "media EIO after unplug")
        + at(control, "media still registered after unplug"), "every unplug's media node seen");

    // Every kind of call was made.
    JsonNode calls = j.get("calls");
    for (String c : List.of("media open", "media DEVICE_INFO", "media ENUM_ENTITIES",
        "media ENUM_LINKS", "media G_TOPOLOGY", "media read", "video open", "video QUERYCAP",
        "video ENUM_FMT", "video G_FMT", "video S_FMT", "video REQBUFS", "video QBUF",
        "video DQBUF", "video STREAMON", "video STREAMOFF", "video ENUMINPUT", "video S_INPUT",
        "video G_TUNER", "video read", "pcm open", "pcm HW_PARAMS", "pcm PREPARE", "pcm START",
        "pcm read", "pcm DROP", "pcm HW_FREE", "poll", "close", "close again")) {
      assertTrue(at(calls, c) > 0, c + " in " + calls);
    }
    JsonNode sys = j.get("syscalls");
    assertTrue(sys.get("total").asLong() > 5_000, sys.toString());

    // What userspace must see after the removals really happened.
    JsonNode errs = j.get("callErrors");
    assertTrue(at(errs, "video QUERYCAP ENODEV") > 0, "a video fd after its node went: " + errs);
    assertTrue(at(errs, "video open ENOENT") > 0, "the old video path after a removal");
    assertTrue(at(errs, "media open ENOENT") > 0, "the old media path after an unbind");
    assertTrue(at(errs, "close again EBADF") > 0);
    assertTrue(at(errs, "pcm open EBUSY") > 0, "one PCM user at a time");
    assertTrue(at(sys.get("errors"), "ENODEV") > 0 && at(sys.get("errors"), "ENOENT") > 0);

    // Decoding happened on both cores, serialised by the shared scheduler.
    JsonNode jobs = j.get("jobs");
    assertTrue(at(jobs, "imx8mq-vpu-g1") > 0 && at(jobs, "imx8mq-vpu-g2") > 0, jobs.toString());
    assertEquals(0, j.get("overlaps").asLong());
    assertEquals(0, j.get("busErrors").asLong());
    JsonNode buffers = j.get("buffers");
    assertTrue(buffers.get("queued").asLong() > 0);
    assertEquals(buffers.get("queued").asLong(), buffers.get("returned").asLong());
    long ms = j.get("durationMs").asLong();
    assertTrue(ms >= 3000 && ms < 60_000, "took " + ms + " ms");

    assertTrue(r.err().contains("medialife stress: seed 43 (0x2b), 8 tasks, 3000 ms"), r.err());
    assertTrue(r.err().contains("stress: ") && r.err().contains(" syscalls "),
        "the live counter line with --progress: " + r.err());
  }

  @Test
  void cycleBoundOnTheStickAloneAndTheSummary() {
    // Unplugs only, so that every cycle is one unplug and one plug.
    Cli r = Cli.run("stress", "--cycles", "6", "--seed", "7", "--board", "usbtv", "--tasks", "6",
        "--no-unbind-usb-drivers");
    String out = r.out();
    assertEquals(0, r.status(), out + r.err());
    for (String line : new String[] {
      "== stress summary ==",
      "board:        USB TV stick on 1-1",
      "seed:         7 (6 tasks; rerun with --seed 7 --tasks 6)",
      "plug 6",
      "unplug 6",
      "overlaps:     0",
      "sanitizers:   clean (0 reports, 0 leaks)",
      "verdict:      OK in "
    }) {
      assertTrue(out.contains(line), "missing '" + line + "' in\n" + out);
    }
    // Once the last au0828 video file is closed the unplugged stick's media devnode answers EIO
    // for good (reference §8.1); the control task looks for it after every unplug.
    assertTrue(out.contains("media EIO after unplug"), out);
    assertFalse(out.contains("FAILED"), out);
    assertFalse(r.err().contains(" syscalls "), "no live line when stderr is not a terminal");
  }

  /**
   * m2m-kref off: the first core's unbind frees the scheduler the other core still uses. The
   * harness must fail the run, with use-after-free reports and the seed to rerun it.
   */
  @Test
  void aRevertedFixIsCaught() throws Exception {
    Cli r = Cli.run("stress", "--cycles", "4", "--seed", "1", "--board", "imx8mq", "--revert",
        "m2m-kref", "--json");
    assertEquals(1, r.status(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertFalse(j.get("ok").asBoolean());
    assertTrue(j.get("reports").size() > 0);
    boolean uaf = false;
    for (JsonNode rep : j.get("reports")) {
      uaf |= rep.get("kind").asText().equals("USE_AFTER_FREE")
          && rep.get("message").asText().contains("v4l2_m2m");
    }
    assertTrue(uaf, "a use-after-free of the scheduler");
    assertTrue(r.err().contains("reverted: m2m-kref"), r.err());
    assertTrue(PatchSwitch.M2M_KREF.enabled(), "the switch is restored after the run");
  }

  /**
   * Without the Hantro gate the tasks keep decoder and media descriptors across the unbind: the
   * devm lifetime hole of reference §3.3 shows as use-after-free reports.
   */
  @Test
  void theHantroLifetimeHoleShowsWithoutTheGate() {
    Cli r = Cli.run("stress", "--cycles", "3", "--seed", "5", "--board", "imx8mq",
        "--keep-hantro-fds", "--tasks", "4");
    assertEquals(1, r.status(), r.out());
    assertTrue(r.out().contains("BUG: KASAN: use-after-free"), r.out());
    assertTrue(r.out().contains("freed by devm"), "Hantro's devm memory");
    assertTrue(r.out().contains("verdict:      FAILED in "), r.out());
    assertTrue(r.out().contains("(seed 5)"), "a failing run names its seed");
  }

  /**
   * The control task also unbinds and binds each of the stick's two interface drivers through
   * sysfs (on by default; the runs in docs/reliability.md are clean with it), and the summary
   * counts them; {@code --no-unbind-usb-drivers} leaves the stick to unplug and replug only.
   */
  @Test
  void theUsbDriversAreUnboundOneAtATimeUnlessTurnedOff() {
    Cli r = Cli.run("stress", "--cycles", "8", "--seed", "7", "--board", "usbtv", "--tasks", "2",
        "--no-shrink");
    assertEquals(0, r.status(), r.out());
    assertTrue(r.out().contains("unbind au0828 "), r.out());
    assertTrue(r.out().contains("bind au0828 "), r.out());
    assertTrue(r.out().contains("unbind snd-usb-audio "), r.out());
    Cli explicit = Cli.run("stress", "--cycles", "8", "--seed", "7", "--board", "usbtv",
        "--tasks", "2", "--unbind-usb-drivers", "--no-shrink");
    assertEquals(0, explicit.status(), explicit.out());
    assertTrue(explicit.out().contains("unbind au0828 "), explicit.out());
    Cli plain = Cli.run("stress", "--cycles", "8", "--seed", "7", "--board", "usbtv", "--tasks",
        "2", "--no-unbind-usb-drivers", "--no-shrink");
    assertEquals(0, plain.status(), plain.out());
    assertFalse(plain.out().contains("unbind au0828"), "not with --no-unbind-usb-drivers");
    assertTrue(plain.out().contains("unplug "), plain.out());
  }

  @Test
  void badOptionsAreUsageErrors() {
    Cli r = Cli.run("stress", "--duration", "5x");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("'5x' is not a duration: expected a number with a unit, like "
        + "500ms, 30s, 2m or 1h"), r.err());
    r = Cli.run("stress", "--duration", "0s");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("'0s' is out of range"), r.err());
    r = Cli.run("stress", "--duration", "25h");
    assertEquals(2, r.status());
    r = Cli.run("stress", "--tasks", "0");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--tasks must be between 1 and 256 (got 0)"), r.err());
    r = Cli.run("stress", "--cycles", "-1");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--cycles must not be negative"), r.err());
    r = Cli.run("stress", "--seed", "zz");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("'zz' is not a seed"), r.err());
    r = Cli.run("stress", "--board", "pdp11");
    assertEquals(2, r.status());
    r = Cli.run("stress", "--help");
    assertEquals(0, r.status());
    assertTrue(r.out().contains("--keep-hantro-fds") && r.out().contains("--cycles"), r.out());
  }

  @Test
  void durationsAndSeedsParse() {
    StressCommand.DurationConverter d = new StressCommand.DurationConverter();
    assertEquals(TimeUnit.MILLISECONDS.toNanos(500), d.convert("500ms"));
    assertEquals(TimeUnit.SECONDS.toNanos(30), d.convert("30s"));
    assertEquals(TimeUnit.MINUTES.toNanos(2), d.convert("2M"));
    assertEquals(TimeUnit.HOURS.toNanos(1), d.convert(" 1h "));
    assertThrows(CommandLine.TypeConversionException.class, () -> d.convert("30"));
    assertThrows(CommandLine.TypeConversionException.class, () -> d.convert("-1s"));
    StressCommand.SeedConverter s = new StressCommand.SeedConverter();
    assertEquals(42L, s.convert("42"));
    assertEquals(42L, s.convert("0x2a"));
    assertEquals(-1L, s.convert("0xffffffffffffffff"), "a printed hex seed reads back");
    assertEquals(-5L, s.convert("-5"));
  }

  /** The whitelist itself: it accepts what it lists and nothing else. */
  @Test
  void theErrnoWhitelist() {
    assertTrue(StressCall.VIDIOC_DQBUF.allows(0));
    assertTrue(StressCall.VIDIOC_DQBUF.allows(-Errno.EAGAIN));
    assertFalse(StressCall.VIDIOC_DQBUF.allows(-Errno.EBADF), "the slot's fd is open");
    assertFalse(StressCall.MEDIA_DEVICE_INFO.allows(-Errno.ENODEV), "media nodes answer EIO");
    assertTrue(StressCall.PCM_HW_PARAMS.allows(-Errno.EBADFD), "EBADFD is above 64");
    assertFalse(StressCall.PCM_START.allows(-Errno.EINVAL));
    assertFalse(StressCall.CLOSE.allows(-Errno.EBADF));
    assertTrue(StressCall.CLOSE_AGAIN.allows(-Errno.EBADF));
    assertFalse(StressCall.CLOSE_AGAIN.allows(0), "a closed fd never closes twice");
    assertFalse(StressCall.POLL.allows(-Errno.EINTR));
    assertFalse(StressCall.OPEN_MEDIA.allows(-200));
    assertEquals("{EIO}", StressCall.MEDIA_DEVICE_INFO.describeAllowed());
    assertEquals("{ENODEV, EBADFD}", StressCall.PCM_START.describeAllowed(), "by number");
    assertEquals("video DQBUF", StressCall.VIDIOC_DQBUF.label());
    assertEquals("poll", StressCall.POLL.label());
  }

  /**
   * With the same seed each task chooses the same steps, whatever the interleaving; another seed
   * gives other programs; adding tasks leaves the first tasks' seeds alone.
   */
  @Test
  void aSeedReproducesEveryTasksProgram() {
    Stress.Outcome a = new Stress(new Stress.Config(Board.Kind.USBTV, 3, 99, 0, 2, true),
        line -> { }).run();
    Stress.Outcome b = new Stress(new Stress.Config(Board.Kind.USBTV, 3, 99, 0, 3, true),
        line -> { }).run();
    Stress.Outcome c = new Stress(new Stress.Config(Board.Kind.USBTV, 3, 100, 0, 2, true),
        line -> { }).run();
    assertTrue(a.report().ok() && b.report().ok() && c.report().ok());
    assertEquals(3, a.programs().size());
    for (int i = 0; i < 3; i++) {
      List<String> pa = a.programs().get(i);
      List<String> pb = b.programs().get(i);
      int n = Math.min(pa.size(), pb.size());
      assertTrue(n >= 16, "task " + i + " ran " + n + " steps");
      assertEquals(pa.subList(0, n), pb.subList(0, n), "task " + i);
      assertNotEquals(pa.subList(0, 16), c.programs().get(i).subList(0, 16));
    }
    long[] three = Stress.taskSeeds(99, 3);
    long[] eight = Stress.taskSeeds(99, 8);
    for (int i = 0; i < 3; i++) {
      assertEquals(three[i], eight[i]);
    }
    assertEquals(2, a.cycles());
  }
}
