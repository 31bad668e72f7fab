package dev.medialife.kernel.debug;

import dev.medialife.kernel.meta.JavaOnly;

/**
 * Something a {@link SanitizerScope} checks for leaks when it closes: in practice an allocation
 * made while the scope was current and not yet freed. The memory-tracking package implements it;
 * the scope only needs to ask.
 */
@JavaOnly("sanitizer plumbing")
public interface Tracked {
  /**
   * Whether this object was marked as meant to outlive the scope that made it (kmemleak_not_leak);
   * such objects move to the enclosing scope instead of being reported.
   *
   * @return true if it may outlive its scope
   */
  boolean outlivesScope();

  /**
   * Moves this object to another scope's tracking set.
   *
   * @param scope the scope now responsible for it
   */
  void moveTo(SanitizerScope scope);

  /**
   * The leak report for this object, when its scope ends with it still live.
   *
   * @param scopeName the name of the scope that ended
   * @return the report
   */
  Report.Leak leakReport(String scopeName);
}
