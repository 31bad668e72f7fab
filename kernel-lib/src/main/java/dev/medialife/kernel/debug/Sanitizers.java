package dev.medialife.kernel.debug;

import dev.medialife.kernel.meta.JavaOnly;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model's debug configuration and its one report sink (the kernel log).
 *
 * <p>Every sanitizer calls {@link #report} and carries on, as the kernel warns and continues; the
 * report lands in the innermost {@link SanitizerScope} and is logged to the SLF4J logger
 * {@code dev.medialife.kernel.dmesg}. Nothing here throws into modelled code.
 *
 * <p>Implementation notes: the switches are independent volatile booleans so that a hook costs one
 * field read and a branch when its sanitizer is off.
 */
@JavaOnly("sanitizer harness")
public final class Sanitizers {
  private static final Logger DMESG = LoggerFactory.getLogger("dev.medialife.kernel.dmesg");

  /** Serialises opening and closing scopes. */
  static final Object SCOPE_LOCK = new Object();

  private static volatile boolean kasan = true;
  private static volatile boolean kmemleak = true;
  private static volatile boolean lockdep = true;
  private static volatile boolean stacks = true;
  private static volatile SanitizerScope current = SanitizerScope.root();

  private Sanitizers() {}

  /**
   * Whether KASAN-like checks run.
   *
   * @return the switch
   */
  public static boolean kasan() {
    return kasan;
  }

  /**
   * Whether allocations are tracked for leaks.
   *
   * @return the switch
   */
  public static boolean kmemleak() {
    return kmemleak;
  }

  /**
   * Whether lockdep-like checks run.
   *
   * @return the switch
   */
  public static boolean lockdep() {
    return lockdep;
  }

  /**
   * Whether stacks are captured.
   *
   * @return the switch
   */
  public static boolean stacks() {
    return stacks;
  }

  /**
   * The current switches.
   *
   * @return a snapshot
   */
  public static SanitizerConfig config() {
    return new SanitizerConfig(kasan, kmemleak, lockdep, stacks);
  }

  /**
   * Sets every switch at once.
   *
   * @param config the new switches
   * @return the previous switches, to restore later
   */
  public static synchronized SanitizerConfig configure(SanitizerConfig config) {
    SanitizerConfig previous = config();
    kasan = config.kasan();
    kmemleak = config.kmemleak();
    lockdep = config.lockdep();
    stacks = config.stacks();
    return previous;
  }

  static SanitizerScope current() {
    return current;
  }

  static void setCurrent(SanitizerScope scope) {
    current = scope;
  }

  /**
   * Files a report in the current scope and the log.
   *
   * @param report the report
   */
  public static void report(Report report) {
    emit(current, report);
  }

  static void emit(SanitizerScope scope, Report report) {
    scope.add(report);
    if (DMESG.isWarnEnabled()) {
      DMESG.warn("[{}] {}", scope.name(), report.render());
    }
  }
}
