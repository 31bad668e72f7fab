package dev.medialife.kernel;

import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.debug.Stack;
import dev.medialife.kernel.meta.KernelSymbol;

/**
 * The kernel's {@code WARN_ON} family: report a broken invariant with a backtrace, then let the
 * caller carry on. Each method returns its condition so that it reads as in C:
 *
 * <pre>{@code
 * if (Warn.on(ctx == null, "no context")) {
 *   return -Errno.EINVAL;
 * }
 * }</pre>
 */
@KernelSymbol("WARN_ON")
public final class Warn {
  private Warn() {}

  /**
   * Files a {@link Report.Warning} when {@code condition} holds.
   *
   * @param condition the broken invariant
   * @param message what it means
   * @return {@code condition}
   */
  @KernelSymbol({"WARN_ON", "WARN"})
  public static boolean on(boolean condition, String message) {
    if (condition) {
      Sanitizers.report(new Report.Warning(message, Stack.capture()));
    }
    return condition;
  }

  /**
   * Files a warning unconditionally, for paths that must never run.
   *
   * @param message what went wrong
   */
  @KernelSymbol("WARN")
  public static void warn(String message) {
    on(true, message);
  }
}
