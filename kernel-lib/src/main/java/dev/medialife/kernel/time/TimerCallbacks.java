package dev.medialife.kernel.time;

import dev.medialife.kernel.Warn;

/** Runs timer callbacks for both clocks: a callback that throws is reported and the clock goes on. */
final class TimerCallbacks {
  private TimerCallbacks() {}

  /** Runs {@code callback}; an exception (a bug in the callback) becomes a warning. */
  static void run(Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      Warn.warn("timer callback " + callback + " threw " + e);
    }
  }
}
