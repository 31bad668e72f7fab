package dev.medialife.kernel.time;

import java.util.Objects;

/**
 * Holder of the globally installed clock, behind {@link KernelClock#system()} and {@link
 * KernelClock#install}.
 *
 * <p>Implementation notes: one volatile reference, so a read is a single load; swaps are serialised
 * by the class monitor so that each caller gets back exactly the clock it replaced.
 */
final class Clocks {
  private static volatile KernelClock installed = RealClock.INSTANCE;

  private Clocks() {}

  static KernelClock installed() {
    return installed;
  }

  static synchronized KernelClock swap(KernelClock clock) {
    KernelClock previous = installed;
    installed = Objects.requireNonNull(clock, "clock");
    return previous;
  }
}
