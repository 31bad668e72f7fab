package dev.medialife.kernel.testing;

import dev.medialife.kernel.meta.JavaOnly;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs every test of the annotated class in its own sanitizer scope: shorthand for {@code
 * @ExtendWith(SanitizerExtension.class)}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(SanitizerExtension.class)
@JavaOnly("test harness")
public @interface Sanitized {}
