package dev.medialife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job, run in-process as a user would run it: its JSON report is asserted field by
 * field, the human summary line by line, and the trace file as a Chrome trace-event document.
 */
@Timeout(120)
class DemoCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jsonReportHoldsEveryCheck() throws Exception {
    Cli r = Cli.run("demo", "--json");
    JsonNode j = JSON.readTree(r.out());
    assertEquals("demo", j.get("scenario").asText());
    assertTrue(j.get("ok").asBoolean(), r.out());
    assertEquals(0, r.status());
    assertTrue(j.get("reports").isArray());
    assertEquals(0, j.get("reports").size(), "no sanitizer report");
    assertEquals(0, j.get("leaks").asLong(), "nothing leaked");

    JsonNode jobs = j.get("jobs");
    assertEquals(2, jobs.size(), "one entry per decoder core: " + jobs);
    assertTrue(jobs.get("imx8mq-vpu-g1").asLong() > 0);
    assertTrue(jobs.get("imx8mq-vpu-g2").asLong() > 0);
    // 4 x 12 frames at once, 2 x 24 on G1 across the rebind, 12 HEVC on the rebound G2.
    assertEquals(24 + 48, jobs.get("imx8mq-vpu-g1").asLong());
    assertEquals(24 + 12, jobs.get("imx8mq-vpu-g2").asLong());
    assertEquals(0, j.get("overlaps").asLong(), "the shared scheduler serialises the cores");
    assertEquals(0, j.get("busErrors").asLong());

    JsonNode buffers = j.get("buffers");
    assertTrue(buffers.get("queued").asLong() > 0);
    assertEquals(buffers.get("queued").asLong(), buffers.get("returned").asLong());

    JsonNode sys = j.get("syscalls");
    assertTrue(sys.get("total").asLong() > 200, sys.toString());
    JsonNode errors = sys.get("errors");
    assertEquals(1, errors.get("EIO").asLong(), "the DQBUF asleep at the unplug");
    assertEquals(4, errors.get("ENODEV").asLong(),
        "read woken by the unplug, then DQBUF, QBUF and read on the dead fds");
    assertEquals(1, errors.get("ENOENT").asLong(), "opening the vanished PCM node");
    assertEquals(3, errors.size(), errors.toString());

    JsonNode expectations = j.get("expectations");
    assertTrue(expectations.size() >= 30);
    Set<String> texts = new HashSet<>();
    for (JsonNode e : expectations) {
      assertTrue(e.get("ok").asBoolean(), e.get("text").asText());
      texts.add(e.get("text").asText());
    }
    assertTrue(texts.contains("unbind G2 returns 0 (got 0)"), texts.toString());
    assertTrue(texts.contains("vb2_queue_error wakes the sleeping DQBUF returns -EIO (got -EIO)"));
    assertTrue(texts.contains(
        "the disconnected PCM wakes the sleeping read returns -ENODEV (got -ENODEV)"));
    long ms = j.get("durationMs").asLong();
    assertTrue(ms > 0 && ms < 60_000, "took " + ms + " ms");

    assertTrue(r.err().contains("pulling the stick out"), "progress goes to stderr with --json");
  }

  @Test
  void summaryAndTrace(@TempDir Path dir) throws Exception {
    Path trace = dir.resolve("demo.trace.json");
    Cli r = Cli.run("demo", "--trace", trace.toString());
    assertEquals(0, r.status(), r.out());
    String out = r.out();
    for (String line : new String[] {
      "decoding 2 H.264 streams on G1 and 2 HEVC streams on G2 at once",
      "unbinding and rebinding G2 while G1 decodes",
      "replugging the stick",
      "== summary ==",
      "/dev/media2 HVR-950Q",
      "jobs:         imx8mq-vpu-g1 72, imx8mq-vpu-g2 36",
      "overlaps:     0",
      "bus errors:   0",
      "sanitizers:   clean (0 reports, 0 leaks)",
      "(failed: EIO 1, ENODEV 4, ENOENT 1)",
      "verdict:      OK in ",
      "trace written to " + trace
    }) {
      assertTrue(out.contains(line), "missing '" + line + "' in\n" + out);
    }
    assertFalse(out.contains("FAILED"), out);

    JsonNode doc = JSON.readTree(trace.toFile());
    assertEquals("ms", doc.get("displayTimeUnit").asText());
    Map<Integer, String> tracks = new java.util.HashMap<>();
    Set<String> instants = new HashSet<>();
    int slicesOnCores = 0;
    int begins = 0;
    int ends = 0;
    for (Iterator<JsonNode> it = doc.get("traceEvents").elements(); it.hasNext(); ) {
      JsonNode e = it.next();
      String ph = e.get("ph").asText();
      assertEquals(ChromeTrace.PID, e.get("pid").asInt());
      if (ph.equals("M")) {
        if (e.get("name").asText().equals("thread_name")) {
          tracks.put(e.get("tid").asInt(), e.get("args").get("name").asText());
        }
        continue;
      }
      assertTrue(e.get("ts").asDouble() >= 0);
      String track = tracks.getOrDefault(e.get("tid").asInt(), "");
      assertFalse(track.isEmpty(), "a thread_name precedes the first event of a track");
      switch (ph) {
        case "B" -> {
          begins++;
          if (track.startsWith("imx8mq-vpu-g")) {
            slicesOnCores++;
          }
        }
        case "E" -> ends++;
        case "i" -> {
          assertEquals("t", e.get("s").asText());
          instants.add(e.get("name").asText());
        }
        default -> { }
      }
    }
    assertTrue(tracks.containsValue("imx8mq-vpu-g1") && tracks.containsValue("imx8mq-vpu-g2"),
        "one track per core: " + tracks.values());
    assertTrue(tracks.containsValue("control"));
    assertTrue(tracks.containsValue("gst-h264-a") && tracks.containsValue("arecord"),
        "one track per task");
    assertTrue(tracks.values().stream().anyMatch(t -> t.startsWith("v4l2_m2m_dev#")),
        "the shared scheduler's track: " + tracks.values());
    assertTrue(slicesOnCores >= 108, "a slice per decode job: " + slicesOnCores);
    assertTrue(begins > 0 && begins == ends, begins + " begins, " + ends + " ends");
    assertTrue(instants.containsAll(Set.of("irq", "unplug", "plug", "unbind G2", "bind G2")),
        instants.toString());
  }

  @Test
  void unwritableTraceIsAnErrorWithoutAStackTrace(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("no-such-dir").resolve("t.json");
    Cli r = Cli.run("demo", "--json", "--trace", missing.toString());
    assertEquals(Main.EXIT_FAILED, r.status());
    assertTrue(r.err().contains("medialife demo: "), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(Files.exists(missing));
  }

  @Test
  void withTheSharedSchedulerRevertedTheCoresCollide() throws Exception {
    Cli r = Cli.run("demo", "--json", "--revert", "hantro-shared-scheduler");
    assertEquals(Main.EXIT_FAILED, r.status(), r.err());
    assertTrue(r.err().contains("reverted: hantro-shared-scheduler=before"), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertFalse(j.get("ok").asBoolean());
    assertTrue(j.get("overlaps").asLong() > 0, "each core has its own scheduler: " + j);
    assertTrue(j.get("busErrors").asLong() > 0, "the shared bridge faults");
    assertEquals(j.get("buffers").get("queued").asLong(),
        j.get("buffers").get("returned").asLong(), "even corrupted frames come back");
    assertEquals(0, j.get("leaks").asLong());
    boolean corrupted = false;
    for (JsonNode e : j.get("expectations")) {
      corrupted |= !e.get("ok").asBoolean() && e.get("text").asText().contains("corrupted");
    }
    assertTrue(corrupted, "a session saw frames in ERROR");
    assertTrue(dev.medialife.kernel.config.PatchSwitch.HANTRO_SHARED_SCHEDULER.enabled(),
        "the switch is restored after the run");
  }

  @Test
  void failedSummaryListsTheFailedChecks() {
    Cli r = Cli.run("demo", "--revert", "HANTRO_SHARED_SCHEDULER");
    assertEquals(Main.EXIT_FAILED, r.status());
    assertTrue(r.out().contains("reverted: hantro-shared-scheduler=before"), r.out());
    assertTrue(r.out().contains("  FAILED: no decode overlapped another on the shared bus"),
        r.out());
    assertTrue(r.out().contains("verdict:      FAILED in "), r.out());
  }

  @Test
  void unknownPatchSwitchIsAUsageError() {
    Cli r = Cli.run("demo", "--revert", "no-such-fix");
    assertEquals(Main.EXIT_USAGE, r.status());
    assertTrue(r.err().contains("unknown patch switch 'no-such-fix'"), r.err());
  }
}
