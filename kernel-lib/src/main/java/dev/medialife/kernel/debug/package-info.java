/**
 * The model's debug layer: the closed set of sanitizer {@link dev.medialife.kernel.debug.Report
 * reports} (KASAN, kmemleak, lockdep, refcount_t and WARN splats), the {@link
 * dev.medialife.kernel.debug.Sanitizers switches and report sink}, captured {@link
 * dev.medialife.kernel.debug.Stack stacks}, and {@link dev.medialife.kernel.debug.SanitizerScope
 * scopes} that collect the reports and leaks of one test or scenario.
 *
 * <p>Sanitizers never throw into modelled code: they report and let it carry on, as the kernel
 * does. Tests decide what a report means, usually through the JUnit extension in {@code
 * dev.medialife.kernel.testing}.
 */
@NullMarked
package dev.medialife.kernel.debug;

import org.jspecify.annotations.NullMarked;
