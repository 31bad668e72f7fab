/**
 * Test support for every module and for users' own tests: the JUnit 5 {@link
 * dev.medialife.kernel.testing.SanitizerExtension} (also {@link
 * dev.medialife.kernel.testing.Sanitized @Sanitized}) runs each test in its own sanitizer scope
 * and fails it on any report it did not declare with {@link
 * dev.medialife.kernel.testing.ExpectReports @ExpectReports}, leaks included; {@link
 * dev.medialife.kernel.testing.Sync} gives concurrency tests bounded waits instead of sleeps.
 *
 * <p>JUnit is an optional dependency of kernel-lib: code that never loads this package does not
 * need it.
 */
@NullMarked
package dev.medialife.kernel.testing;

import org.jspecify.annotations.NullMarked;
