package dev.medialife.kernel.testing;

import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.meta.JavaOnly;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the sanitizer reports a test is meant to produce. With {@link SanitizerExtension}, a
 * test fails on any report of a kind not listed here, and on any listed kind that did not appear
 * (so the declaration cannot go stale). On a method it replaces a declaration on the class.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@JavaOnly("test harness")
public @interface ExpectReports {
  /**
   * The kinds of report the test must produce, each at least once.
   *
   * @return the kinds
   */
  ReportKind[] value();
}
