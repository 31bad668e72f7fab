package dev.medialife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bounded race-harness run CI makes for issue 12 (about 30 s): the default board, eight tasks,
 * every kind of control cycle, and the verdict the long run is held to — no sanitizer report, no
 * leak, every queued buffer back, no uncaught exception, no harness failure.
 */
@Timeout(150)
class StressCiRunTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The fewest control cycles a 30 s run must make, even on a loaded 2-core machine. */
  private static final long MIN_CYCLES = 40;

  private static long at(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null ? 0 : v.asLong();
  }

  @Test
  void thirtySecondsOnTheDefaultBoardAreClean() throws Exception {
    Cli r = Cli.run("stress", "--duration", "30s", "--seed", "2026", "--json");
    JsonNode j = JSON.readTree(r.out());
    assertEquals(0, j.get("reports").size(), "no sanitizer report: " + j.get("reports"));
    assertEquals(0, j.get("leaks").asLong(), "nothing leaked");
    JsonNode buffers = j.get("buffers");
    assertTrue(buffers.get("queued").asLong() > 0);
    assertEquals(buffers.get("queued").asLong(), buffers.get("returned").asLong(),
        "every queued buffer came back");
    assertTrue(j.get("expectations").toString().contains("\"0 uncaught exceptions\""),
        j.get("expectations").toString());
    assertEquals(0, j.get("failures").asLong(), j.get("expectations").toString());
    for (JsonNode e : j.get("expectations")) {
      assertTrue(e.get("ok").asBoolean(), e.get("text").asText());
    }
    JsonNode control = j.get("control");
    assertTrue(j.get("cycles").asLong() >= MIN_CYCLES, control.toString());
    for (String a : new String[] {"unbind G1", "unbind G2", "unplug", "suspend G1",
        "suspend G2"}) {
      assertTrue(at(control, a) > 0, a + " in " + control);
    }
    assertEquals(at(control, "suspend G1") + at(control, "suspend G2"),
        j.get("suspendResumeCycles").asLong());
    assertTrue(j.get("syscalls").get("total").asLong() > 100_000, j.get("syscalls").toString());
    assertTrue(j.get("ok").asBoolean());
    assertEquals(0, r.status());
  }
}
