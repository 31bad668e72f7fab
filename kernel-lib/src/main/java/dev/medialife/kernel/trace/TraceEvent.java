package dev.medialife.kernel.trace;

import dev.medialife.kernel.meta.JavaOnly;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One recorded event.
 *
 * @param timestampNanos the recorder clock's time when the event was recorded
 * @param category a group, for example "m2m", "hantro", "irq", "workqueue"
 * @param name what happened, for example "device_run" or "watchdog"
 * @param phase the Chrome trace-event phase
 * @param track the timeline row: a hardware unit ("G1", "G2"), a thread, a file handle
 * @param args extra values (numbers, strings, booleans), in insertion order; immutable
 */
@JavaOnly("immutable trace record; the kernel's trace_entry is a raw ring-buffer layout")
public record TraceEvent(
    long timestampNanos,
    String category,
    String name,
    Phase phase,
    String track,
    Map<String, Object> args) {

  /** Copies the arguments into an immutable map that keeps their order; null values are refused. */
  public TraceEvent {
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(track, "track");
    if (args.isEmpty()) {
      args = Map.of();
    } else {
      LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : args.entrySet()) {
        copy.put(
            Objects.requireNonNull(e.getKey(), "arg name"),
            Objects.requireNonNull(e.getValue(), "arg value"));
      }
      args = Collections.unmodifiableMap(copy);
    }
  }

  /** Event phases, named as in the Chrome trace-event format. */
  @JavaOnly("Chrome trace-event phases")
  public enum Phase {
    /** The start of a duration on a track ("B"). */
    BEGIN("B"),
    /** The end of the innermost open duration on a track ("E"). */
    END("E"),
    /** A point in time ("i"). */
    INSTANT("i"),
    /** Counter values, one series per argument ("C"). */
    COUNTER("C");

    private final String code;

    Phase(String code) {
      this.code = code;
    }

    /**
     * The phase's code in the Chrome trace-event format.
     *
     * @return "B", "E", "i" or "C"
     */
    public String code() {
      return code;
    }
  }
}
