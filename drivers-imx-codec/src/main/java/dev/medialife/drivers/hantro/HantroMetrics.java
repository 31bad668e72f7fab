package dev.medialife.drivers.hantro;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.meta.JavaOnly;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the driver saw, for the CLI and the benchmarks: jobs and busy intervals per core (from
 * {@code device_run} starting the core to the job's finish, on the kernel clock), overlaps (a core
 * started while another core of the same driver was busy), bus errors and corrupted frames (a
 * decode the core ended with its bus or timeout status bit), and watchdog timeouts.
 *
 * <p>Implementation notes: every field is guarded by this object's monitor; the hooks are short
 * and never call out, so they may run in interrupt context.
 */
@JavaOnly("model metrics; the kernel driver keeps no such counters")
public final class HantroMetrics {
  /**
   * One busy interval of a core.
   *
   * @param core the core's name
   * @param startNanos when {@code device_run} started it
   * @param endNanos when its job finished
   */
  public record Interval(String core, long startNanos, long endNanos) {}

  /**
   * A consistent copy of the counters.
   *
   * @param jobs jobs started per core
   * @param overlaps starts while another core was busy
   * @param busErrors decodes ended with the bus-error bit
   * @param corruptedFrames decodes ended with the bus or timeout bit and returned in ERROR
   * @param watchdogTimeouts jobs the watchdog finished
   */
  public record Snapshot(
      Map<String, Long> jobs, long overlaps, long busErrors, long corruptedFrames,
      long watchdogTimeouts) {
    /** Copies the map. */
    public Snapshot {
      jobs = Map.copyOf(jobs);
    }
  }

  @GuardedBy("this")
  private final Map<String, Long> jobs = new HashMap<>();

  @GuardedBy("this")
  private final Map<String, Long> busySince = new HashMap<>();

  @GuardedBy("this")
  private final List<Interval> intervals = new ArrayList<>();

  @GuardedBy("this")
  private long overlaps;

  @GuardedBy("this")
  private long busErrors;

  @GuardedBy("this")
  private long corruptedFrames;

  @GuardedBy("this")
  private long watchdogTimeouts;

  /** Creates empty metrics. */
  public HantroMetrics() {}

  synchronized void jobStarted(String core, long now) {
    jobs.merge(core, 1L, Long::sum);
    if (!busySince.isEmpty() && !busySince.containsKey(core)) {
      overlaps++;
    }
    busySince.put(core, now);
  }

  synchronized void jobEnded(String core, long now) {
    Long since = busySince.remove(core);
    if (since != null) {
      intervals.add(new Interval(core, since, now));
    }
  }

  synchronized void status(int status) {
    if ((status & HantroRegs.INT_DEC_BUS_INT) != 0) {
      busErrors++;
    }
    if ((status & (HantroRegs.INT_DEC_BUS_INT | HantroRegs.INT_DEC_TIMEOUT)) != 0
        && (status & HantroRegs.INT_DEC_RDY_INT) == 0) {
      corruptedFrames++;
    }
  }

  synchronized void watchdogTimeout() {
    watchdogTimeouts++;
  }

  /**
   * Jobs started on a core.
   *
   * @param core the core's name (its variant name, e.g. "imx8mq-vpu-g1")
   * @return the count
   */
  public synchronized long jobs(String core) {
    return jobs.getOrDefault(core, 0L);
  }

  /**
   * The finished busy intervals of a core, oldest first.
   *
   * @param core the core's name
   * @return a copy
   */
  public synchronized List<Interval> busyIntervals(String core) {
    List<Interval> out = new ArrayList<>();
    for (Interval i : intervals) {
      if (i.core().equals(core)) {
        out.add(i);
      }
    }
    return out;
  }

  /**
   * All finished busy intervals, in order of finishing.
   *
   * @return a copy
   */
  public synchronized List<Interval> busyIntervals() {
    return List.copyOf(intervals);
  }

  /**
   * Starts while another core was busy.
   *
   * @return the count
   */
  public synchronized long overlaps() {
    return overlaps;
  }

  /**
   * Decodes that ended with the bus-error bit.
   *
   * @return the count
   */
  public synchronized long busErrors() {
    return busErrors;
  }

  /**
   * Decodes that ended with a bus or timeout fault instead of ready: corrupted pictures.
   *
   * @return the count
   */
  public synchronized long corruptedFrames() {
    return corruptedFrames;
  }

  /**
   * Jobs the watchdog finished.
   *
   * @return the count
   */
  public synchronized long watchdogTimeouts() {
    return watchdogTimeouts;
  }

  /**
   * A consistent copy.
   *
   * @return the snapshot
   */
  public synchronized Snapshot snapshot() {
    return new Snapshot(jobs, overlaps, busErrors, corruptedFrames, watchdogTimeouts);
  }

  @Override
  public synchronized String toString() {
    return "hantro metrics " + jobs + " overlaps=" + overlaps + " busErrors=" + busErrors
        + " corrupted=" + corruptedFrames + " watchdog=" + watchdogTimeouts;
  }
}
