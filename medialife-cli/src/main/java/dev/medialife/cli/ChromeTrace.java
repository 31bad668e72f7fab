package dev.medialife.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medialife.kernel.trace.TraceEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the trace recorder's events into the Chrome trace-event JSON format that Perfetto and
 * {@code chrome://tracing} open: one process, one thread (track) per recorder track (a decoder
 * core, a task, a device, a worker), named by metadata events; begin/end pairs become slices,
 * instants are thread-scoped marks, counters become counter tracks. Timestamps are microseconds
 * from the first event.
 */
final class ChromeTrace {
  static final int PID = 1;

  private ChromeTrace() {}

  /**
   * Renders events as a trace-event document.
   *
   * @param events the events, in recording order
   * @param mapper the JSON mapper
   * @return the document: {@code {"traceEvents": [...], "displayTimeUnit": "ms"}}
   */
  static ObjectNode render(List<TraceEvent> events, ObjectMapper mapper) {
    ObjectNode doc = mapper.createObjectNode();
    ArrayNode out = doc.putArray("traceEvents");
    Map<String, Integer> tids = new LinkedHashMap<>();
    long t0 = events.isEmpty() ? 0 : events.get(0).timestampNanos();
    for (TraceEvent e : events) {
      t0 = Math.min(t0, e.timestampNanos());
    }
    ObjectNode process = out.addObject();
    process.put("ph", "M").put("name", "process_name").put("pid", PID).put("tid", 0);
    process.putObject("args").put("name", "medialife");
    for (TraceEvent e : events) {
      Integer tid = tids.get(e.track());
      if (tid == null) {
        tid = tids.size() + 1;
        tids.put(e.track(), tid);
        ObjectNode meta = out.addObject();
        meta.put("ph", "M").put("name", "thread_name").put("pid", PID).put("tid", tid);
        meta.putObject("args").put("name", e.track());
      }
      ObjectNode o = out.addObject();
      o.put("name", e.name()).put("cat", e.category()).put("ph", e.phase().code())
          .put("ts", (e.timestampNanos() - t0) / 1000.0).put("pid", PID).put("tid", tid);
      if (e.phase() == TraceEvent.Phase.INSTANT) {
        o.put("s", "t");
      }
      if (!e.args().isEmpty()) {
        o.set("args", mapper.valueToTree(e.args()));
      }
    }
    doc.put("displayTimeUnit", "ms");
    return doc;
  }
}
