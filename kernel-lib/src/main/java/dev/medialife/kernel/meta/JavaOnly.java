package dev.medialife.kernel.meta;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public method, constructor or whole type that has no kernel counterpart: records,
 * builders, accessors of the model's own reports, and pure Java helpers.
 *
 * <p>On a type it covers every member of that type that does not carry {@link KernelSymbol}. The
 * reason is required so that a reviewer sees why an API is model-only.
 */
@Documented
@JavaOnly("cross-reference marker")
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR})
public @interface JavaOnly {
  /**
   * Why this element has no kernel symbol.
   *
   * @return a short reason, for example "report accessor" or "test harness"
   */
  String value();
}
