package dev.medialife.cli;

import java.util.List;
import java.util.Map;

/**
 * The report of a run, as printed by {@code --json}. The field names are stable: scripts and the
 * tests read them.
 *
 * @param scenario the scenario's name
 * @param ok whether every expectation held, no sanitizer report appeared, nothing leaked, no
 *     decode overlapped another on the shared bus and every queued buffer came back
 * @param board the board the run booted
 * @param reports the sanitizer reports of the run
 * @param syscalls the system calls made, and the failed ones by errno name
 * @param jobs decode jobs per core name
 * @param overlaps decodes that started while the other core was busy
 * @param busErrors bus errors the cores signalled
 * @param buffers buffers queued by userspace and returned to it
 * @param leaks allocations alive when the run ended
 * @param expectations what the run checked, each with its outcome
 * @param durationMs wall time of the run
 */
record RunReport(
    String scenario,
    boolean ok,
    String board,
    List<SanitizerReport> reports,
    SyscallCounts syscalls,
    Map<String, Long> jobs,
    long overlaps,
    long busErrors,
    BufferCounts buffers,
    long leaks,
    List<Expectation> expectations,
    long durationMs) {

  /**
   * One sanitizer report.
   *
   * @param kind the report kind, e.g. LEAK or USE_AFTER_FREE
   * @param message the one-line heading
   * @param text the full report with stacks
   */
  record SanitizerReport(String kind, String message, String text) {}

  /**
   * System-call accounting.
   *
   * @param total calls made
   * @param errors failed calls by errno name
   */
  record SyscallCounts(long total, Map<String, Long> errors) {}

  /**
   * Buffer accounting.
   *
   * @param queued buffers handed to a driver
   * @param returned buffers given back (dequeued, or returned in error at an unplug)
   */
  record BufferCounts(long queued, long returned) {}

  /**
   * One checked expectation.
   *
   * @param text what was expected
   * @param ok whether it held
   */
  record Expectation(String text, boolean ok) {}
}
