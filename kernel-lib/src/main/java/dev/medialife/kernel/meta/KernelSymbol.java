package dev.medialife.kernel.meta;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the kernel symbol that a Java type, method or constructor ports.
 *
 * <p>The cross-reference between kernel symbols and their Java homes is generated from these
 * annotations, so one grep for the kernel name finds the Java code. Several names may be given
 * when one Java member stands for a family of kernel helpers (for example {@code kref_put} and
 * {@code refcount_dec_and_test}).
 *
 * <p>Every public method and constructor of a public type in a framework package carries either
 * this annotation or {@link JavaOnly}; an architecture test in {@code integration-tests} enforces
 * it.
 */
@Documented
@JavaOnly("cross-reference marker")
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface KernelSymbol {
  /**
   * The kernel identifiers this element ports, as spelled in the kernel tree.
   *
   * @return one or more kernel symbol names
   */
  String[] value();
}
