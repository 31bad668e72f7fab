package dev.medialife.kernel.debug;

import dev.medialife.kernel.meta.JavaOnly;

/**
 * Which sanitizers run, like the kernel's CONFIG_KASAN, CONFIG_DEBUG_KMEMLEAK, CONFIG_LOCKDEP and
 * CONFIG_STACKTRACE. A sanitizer that is off costs one field read and a branch at each hook.
 *
 * @param kasan check liveness at entry points of freeable objects and report use-after-free and
 *     double free
 * @param kmemleak track live allocations per scope and report leaks when a scope closes
 * @param lockdep record lock order, held locks and atomic context, and report misuse
 * @param stacks capture call stacks for reports, allocations and lock acquisitions
 */
@JavaOnly("configuration record")
public record SanitizerConfig(boolean kasan, boolean kmemleak, boolean lockdep, boolean stacks) {
  /** Every sanitizer on, stacks captured: the default for tests and scenarios. */
  public static final SanitizerConfig ALL = new SanitizerConfig(true, true, true, true);

  /** Every sanitizer off: the setting for benchmarks. */
  public static final SanitizerConfig NONE = new SanitizerConfig(false, false, false, false);
}
