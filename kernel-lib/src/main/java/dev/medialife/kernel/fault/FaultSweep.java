package dev.medialife.kernel.fault;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.meta.JavaOnly;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.IntConsumer;

/**
 * Runs a code path once for every fault point it reaches, failing that point, and records how the
 * path answered: the systematic form of the kernel's {@code fail-nth} loop.
 *
 * <p>A first run with nothing armed counts the hits the path makes. Then, for each {@code n} from 1
 * to that count, the path runs again in its own {@link SanitizerScope} with the {@code n}th hit
 * failed; a correct path unwinds what it had done and returns a negative errno, leaving no leak
 * and no report. A successful run (the baseline, or a run whose failure was absorbed) is undone by
 * the {@code teardown} the caller gives, inside the same scope, so that leak checking stays exact.
 */
@JavaOnly("test harness over FaultInjection")
public final class FaultSweep {
  private FaultSweep() {}

  /**
   * One run of the sweep.
   *
   * @param nth which hit was failed (0 for the baseline run)
   * @param point the point that was failed, or "" for the baseline
   * @param result what the path returned
   * @param reports the reports of the run's scope, leaks included
   */
  public record Step(int nth, String point, int result, List<Report> reports) {
    /** Copies the report list. */
    public Step {
      reports = List.copyOf(reports);
    }

    /**
     * Whether the path answered this failure with an errno and left nothing behind.
     *
     * @return true for a negative result with no report
     */
    public boolean failedCleanly() {
      return result < 0 && reports.isEmpty();
    }

    @Override
    public String toString() {
      return "#" + nth + " " + (point.isEmpty() ? "(none)" : point) + " -> "
          + Errno.describe(result) + (reports.isEmpty() ? "" : ", " + reports.size() + " reports");
    }
  }

  /**
   * The outcome of a sweep.
   *
   * @param baseline the run with nothing failed
   * @param steps one run per hit, in order
   */
  public record Result(Step baseline, List<Step> steps) {
    /** Copies the step list. */
    public Result {
      steps = List.copyOf(steps);
    }

    /**
     * The points failed, one per step, in order.
     *
     * @return the point names
     */
    public List<String> points() {
      List<String> out = new ArrayList<>();
      for (Step s : steps) {
        out.add(s.point());
      }
      return out;
    }

    /**
     * The steps that did not fail cleanly.
     *
     * @return the offending steps
     */
    public List<Step> unclean() {
      List<Step> out = new ArrayList<>();
      for (Step s : steps) {
        if (!s.failedCleanly()) {
          out.add(s);
        }
      }
      return out;
    }

    /**
     * Whether the baseline succeeded cleanly and every injected failure was answered with an errno
     * and no leak or report.
     *
     * @return true if the path is correct under every single failure
     */
    public boolean allFailedCleanly() {
      return baseline.result() >= 0 && baseline.reports().isEmpty() && unclean().isEmpty();
    }
  }

  /**
   * Sweeps a path.
   *
   * @param name a name for the sweep's scopes
   * @param path the code path: returns 0 (or a non-negative value) on success, a negative errno on
   *     failure, having unwound its own work
   * @param teardown undoes a successful run; called with the path's result only when it is
   *     non-negative
   * @return the baseline and one step per fault point hit
   */
  public static Result run(String name, IntSupplier path, IntConsumer teardown) {
    FaultInjection.reset();
    FaultInjection.record();
    int[] count = new int[1];
    Step baseline = runOnce(name + " (baseline)", 0, path, teardown, count);
    List<Step> steps = new ArrayList<>(count[0]);
    for (int n = 1; n <= count[0]; n++) {
      FaultInjection.failNth(n);
      steps.add(runOnce(name + " (fail #" + n + ")", n, path, teardown, new int[1]));
    }
    return new Result(baseline, steps);
  }

  /**
   * Runs the path once in its own scope; the hits it made are stored in {@code hits[0]}, and
   * injection is disarmed before the teardown so that undoing a run never fails.
   */
  private static Step runOnce(
      String scopeName, int n, IntSupplier path, IntConsumer teardown, int[] hits) {
    int result;
    String point;
    SanitizerScope scope = SanitizerScope.open(scopeName);
    try (scope) {
      result = path.getAsInt();
      hits[0] = FaultInjection.hits();
      List<String> injected = FaultInjection.injected();
      point = injected.isEmpty() ? "" : injected.get(0);
      FaultInjection.reset();
      if (result >= 0) {
        teardown.accept(result);
      }
    }
    return new Step(n, point, result, scope.reports());
  }
}
