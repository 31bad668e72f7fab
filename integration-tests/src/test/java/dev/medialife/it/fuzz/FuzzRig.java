package dev.medialife.it.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.medialife.cli.Board;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.workqueue.Workqueue;
import java.util.List;

/**
 * One fuzz input's world: a freshly booted board in its own sanitizer scope, and a task to make
 * system calls from. Closing it exits the task, tears the board down and turns whatever the
 * sanitizers saw into a finding.
 */
final class FuzzRig implements AutoCloseable {
  /** Operations one input may make; keeps each input short enough to run thousands a minute. */
  static final int MAX_OPS = 48;

  private final SanitizerScope scope;
  private final Board board;
  private final Task task;

  private FuzzRig(SanitizerScope scope, Board board) {
    this.scope = scope;
    this.board = board;
    this.task = new Task(board.kernel(), "fuzz");
  }

  /**
   * Boots a board for one input.
   *
   * @param kind which board
   * @return the rig
   */
  static FuzzRig boot(Board.Kind kind) {
    SanitizerScope scope = SanitizerScope.open("fuzz " + kind.cliName());
    try {
      return new FuzzRig(scope, Board.boot(kind));
    } catch (Board.BootException e) {
      scope.close();
      throw new AssertionError("the board must boot without fault injection: " + e.getMessage(),
          e);
    }
  }

  Board board() {
    return board;
  }

  Task task() {
    return task;
  }

  /**
   * Checks a system call's return value: a result (zero or positive) or a negative errno the
   * model knows by name. Anything else is a finding.
   *
   * @param what the call, for the message
   * @param ret what it returned
   * @return {@code ret}
   */
  static int check(String what, int ret) {
    if (ret < 0 && Errno.name(ret).startsWith("E?")) {
      throw new AssertionError(what + " returned " + ret + ", which is no errno");
    }
    return ret;
  }

  /** Picks one of the values, or a fuzzer-chosen int now and then. */
  static int pick(FuzzedDataProvider data, int... values) {
    return data.consumeBoolean() ? data.consumeInt() : values[data.consumeInt(0, values.length - 1)];
  }

  @Override
  public void close() {
    task.exit();
    board.close();
    Workqueue.system().flush();
    int live = scope.liveCount();
    scope.close();
    List<Report> reports = scope.reports();
    if (!reports.isEmpty()) {
      StringBuilder b = new StringBuilder(reports.size() + " sanitizer report(s):\n");
      for (Report r : reports) {
        b.append(r.render()).append('\n');
      }
      throw new AssertionError(b.toString());
    }
    if (live != 0) {
      throw new AssertionError(live + " allocation(s) alive after the board was torn down");
    }
  }
}
