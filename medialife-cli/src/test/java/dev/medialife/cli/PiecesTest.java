package dev.medialife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medialife.kernel.trace.TraceEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The demo's building blocks on inputs the demo itself does not produce. */
class PiecesTest {
  @Test
  void emptyTraceIsAValidDocument() {
    JsonNode doc = ChromeTrace.render(List.of(), Main.mapper());
    assertEquals(1, doc.get("traceEvents").size(), "only the process name");
    assertEquals("process_name", doc.get("traceEvents").get(0).get("name").asText());
  }

  @Test
  void traceTimesAreMicrosecondsFromTheFirstEvent() {
    List<TraceEvent> events = List.of(
        new TraceEvent(5_000, "c", "job", TraceEvent.Phase.BEGIN, "core", Map.of()),
        new TraceEvent(7_500, "c", "job", TraceEvent.Phase.END, "core", Map.of("n", 1)),
        new TraceEvent(8_000, "c", "depth", TraceEvent.Phase.COUNTER, "other", Map.of("v", 2)));
    JsonNode ev = ChromeTrace.render(events, Main.mapper()).get("traceEvents");
    // process name, thread name, B, E, thread name, C
    assertEquals(6, ev.size());
    assertEquals(0.0, ev.get(2).get("ts").asDouble());
    assertEquals(2.5, ev.get(3).get("ts").asDouble());
    assertEquals(1, ev.get(3).get("args").get("n").asInt());
    assertEquals("C", ev.get(5).get("ph").asText());
    assertEquals(2, ev.get(5).get("tid").asInt());
  }

  @Test
  void untilGivesUp() {
    assertFalse(Demo.until(() -> false, "never", TimeUnit.MILLISECONDS.toNanos(2)));
    assertTrue(Demo.until(() -> true, "now"));
  }

  @Test
  void summaryShowsReportsAndFailures() {
    RunReport r = new RunReport("demo", false, "a board",
        List.of(new RunReport.SanitizerReport("LEAK", "unreferenced object", "LEAK: details")),
        new RunReport.SyscallCounts(3, Map.of()), Map.of("g1", 1L), 0, 0,
        new RunReport.BufferCounts(2, 1), 1,
        List.of(new RunReport.Expectation("fine", true), new RunReport.Expectation("bad", false)),
        5);
    StringWriter sw = new StringWriter();
    DemoCommand.summary(new PrintWriter(sw), r, new Demo(line -> { }));
    String out = sw.toString();
    assertTrue(out.contains("sanitizers:   1 report(s) (1 reports, 1 leaks)"), out);
    assertTrue(out.contains("LEAK: details"));
    assertTrue(out.contains("syscalls:     3 (failed: none)"));
    assertTrue(out.contains("checks:       1/2 held"));
    assertTrue(out.contains("  FAILED: bad"));
    assertTrue(out.contains("verdict:      FAILED in 5 ms"));
  }
}
