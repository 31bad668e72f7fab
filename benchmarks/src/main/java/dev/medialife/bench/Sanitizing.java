package dev.medialife.bench;

import dev.medialife.kernel.debug.SanitizerConfig;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.trace.TraceRecorder;

/**
 * Switches the model's global debugging state for a benchmark and puts it back afterwards: the
 * sanitizers (KASAN, kmemleak, lockdep, stack capture; on by default in the model) and the global
 * trace recorder (on by default, like a trace buffer someone left running). A production kernel
 * runs with neither, so the benchmarks measure without them unless they measure them.
 */
final class Sanitizing {
  private final SanitizerConfig saved;
  private final boolean traceWasOn;

  private Sanitizing(SanitizerConfig config, boolean trace) {
    saved = Sanitizers.configure(config);
    TraceRecorder t = TraceRecorder.global();
    traceWasOn = t.isEnabled();
    if (trace) {
      t.enable();
    } else {
      t.disable();
    }
  }

  /**
   * Sanitizers and tracing off.
   *
   * @return the handle that restores the previous state
   */
  static Sanitizing off() {
    return new Sanitizing(SanitizerConfig.NONE, false);
  }

  /**
   * Sanitizers as given, tracing off.
   *
   * @param config the sanitizers to run with
   * @return the handle that restores the previous state
   */
  static Sanitizing with(SanitizerConfig config) {
    return new Sanitizing(config, false);
  }

  /** Restores the sanitizers and the trace recorder as they were. */
  void restore() {
    Sanitizers.configure(saved);
    if (traceWasOn) {
      TraceRecorder.global().enable();
    } else {
      TraceRecorder.global().disable();
    }
  }
}
