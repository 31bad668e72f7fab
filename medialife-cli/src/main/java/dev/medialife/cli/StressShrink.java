package dev.medialife.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The shortest failing sequence of a failed {@code medialife stress} run. The run keeps its last
 * events (every task's steps and the control task's actions, {@link Stress#RECORDED} of them); on
 * a failure they are replayed one after the other on a fresh board: the failing task's steps with
 * the control actions around them, or every task's when the failure was found at the teardown (a
 * sanitizer report, a leak). If the replay fails too, delta debugging ({@link #ddmin}) removes
 * events while the replay still fails. If it does not fail, the failure needed the run's
 * interleaving, and the result says so and keeps the full sequence.
 */
final class StressShrink {
  /** Replays at most this many sequences while shrinking. */
  static final int MAX_REPLAYS = 400;

  private StressShrink() {}

  /**
   * What shrinking found.
   *
   * @param reproduced whether the sequential replay of the recorded events failed
   * @param events the minimal failing sequence, or the full one when not reproduced
   * @param replays how many replays were made
   */
  record Result(boolean reproduced, List<Stress.Event> events, int replays) {
    /** The result as lines for the user. */
    List<String> lines(long seed) {
      List<String> out = new ArrayList<>();
      if (reproduced) {
        out.add("shortest failing sequence (seed " + seed + ", " + events.size() + " calls, "
            + replays + " replays):");
      } else {
        out.add("did not reproduce sequentially (seed " + seed + "); full sequence ("
            + events.size() + " calls):");
      }
      for (Stress.Event e : events) {
        out.add("  " + e.describe());
      }
      return out;
    }
  }

  /**
   * Shrinks a failed run's recorded events.
   *
   * @param config the run's configuration (board and options)
   * @param recorded the recorded events
   * @param failedTask the task that saw the failure, or -1 for all tasks
   * @param budgetNanos how long shrinking may take; past it, the smallest failing sequence found
   *     so far is the result
   * @param progress where to report what is being done
   * @return the result
   */
  static Result shrink(Stress.Config config, List<Stress.Event> recorded, int failedTask,
      long budgetNanos, Consumer<String> progress) {
    long deadline = System.nanoTime() + budgetNanos;
    List<Stress.Event> events = new ArrayList<>();
    for (Stress.Event e : recorded) {
      if (failedTask < 0 || e.step() == null || e.task() == failedTask) {
        events.add(e);
      }
    }
    int[] replays = {0};
    Predicate<List<Stress.Event>> fails = seq -> {
      replays[0]++;
      return new Stress(config, line -> { }).replay(seq);
    };
    progress.accept("replaying " + events.size() + " recorded calls"
        + (failedTask >= 0 ? " of task " + failedTask + " and the control task" : "")
        + " on a fresh board");
    if (!fails.test(events)) {
      return new Result(false, List.copyOf(events), replays[0]);
    }
    List<Stress.Event> min = ddmin(events, seq -> replays[0] < MAX_REPLAYS
        && System.nanoTime() - deadline < 0 && fails.test(seq));
    return new Result(true, min, replays[0]);
  }

  /**
   * Zeller's delta debugging: a 1-minimal subsequence of {@code input} for which {@code fails}
   * holds (removing any single element makes it pass), assuming it holds for the whole input.
   *
   * @param input the failing sequence
   * @param fails the test
   * @param <T> the element type
   * @return the minimal failing subsequence
   */
  static <T> List<T> ddmin(List<T> input, Predicate<List<T>> fails) {
    List<T> cur = new ArrayList<>(input);
    int n = 2;
    while (cur.size() >= 2) {
      int chunk = (cur.size() + n - 1) / n;
      boolean reduced = false;
      for (int start = 0; start < cur.size(); start += chunk) {
        List<T> subset = cur.subList(start, Math.min(cur.size(), start + chunk));
        List<T> complement = new ArrayList<>(cur.subList(0, start));
        complement.addAll(cur.subList(Math.min(cur.size(), start + chunk), cur.size()));
        if (n > 2 && fails.test(new ArrayList<>(subset))) {
          cur = new ArrayList<>(subset);
          n = 2;
          reduced = true;
          break;
        }
        if (!complement.isEmpty() && fails.test(complement)) {
          cur = complement;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
      if (!reduced) {
        if (n >= cur.size()) {
          break;
        }
        n = Math.min(cur.size(), 2 * n);
      }
    }
    if (cur.size() == 1 && fails.test(List.of())) {
      return List.of();
    }
    return cur;
  }
}
