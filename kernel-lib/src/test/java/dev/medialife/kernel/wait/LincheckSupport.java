package dev.medialife.kernel.wait;

import dev.medialife.kernel.debug.SanitizerConfig;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.locking.Lockdep;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;

/**
 * Helpers for Lincheck model checks of blocking code: hand-written scenarios (whose every correct
 * interleaving terminates) built from method names, and a sanitizer setup that keeps lockdep on but
 * stack capture off, so the {@code mightSleep} calls on the wait paths stay cheap.
 */
final class LincheckSupport {
  private LincheckSupport() {}

  /** One thread of a scenario: the names of no-argument methods of {@code model}, in order. */
  static List<Actor> thread(Class<?> model, String... methods) {
    List<Actor> actors = new ArrayList<>();
    for (String m : methods) {
      try {
        actors.add(new Actor(model.getMethod(m), List.of()));
      } catch (NoSuchMethodException e) {
        throw new IllegalArgumentException(m, e);
      }
    }
    return actors;
  }

  /** A scenario with no init or post part and the given parallel threads. */
  static ExecutionScenario parallel(List<List<Actor>> threads) {
    return new ExecutionScenario(List.of(), threads, List.of(), null);
  }

  /**
   * Runs {@code check} with lockdep on and stacks off inside a scope, restoring the switches after,
   * and fails if the checked code filed any sanitizer report.
   */
  static void underLockdep(String name, Runnable check) {
    Lockdep.reset();
    SanitizerConfig saved = Sanitizers.configure(new SanitizerConfig(true, true, true, false));
    try (SanitizerScope s = SanitizerScope.open(name)) {
      check.run();
      if (!s.reports().isEmpty()) {
        throw new AssertionError("unexpected reports: " + s.reports());
      }
    } finally {
      Sanitizers.configure(saved);
    }
  }

  /** Model checking bounded so that one check stays within a few seconds. */
  static ModelCheckingOptions bounded(int iterations, int invocations) {
    return new ModelCheckingOptions().iterations(iterations).invocationsPerIteration(invocations);
  }
}
