/**
 * kernel-lib: the model of the kernel's lib/, locking and debug layer, on which every other
 * medialife module stands.
 *
 * <p>This package holds the kernel's {@link dev.medialife.kernel.Errno errno values} and {@link
 * dev.medialife.kernel.Warn WARN_ON}. The sub-packages are:
 *
 * <ul>
 *   <li>{@code meta}: {@code @KernelSymbol} and {@code @JavaOnly}, the cross-reference markers;
 *   <li>{@code debug}: sanitizer reports, switches, stacks and scopes (the kernel log);
 *   <li>{@code ref}: {@code Kref} with refcount_t hardening;
 *   <li>{@code mm}: allocations with live/freed state, KASAN-like checks and kmemleak-like leak
 *       tracking;
 *   <li>{@code locking}: mutexes and spinlocks checked by a lockdep-like validator;
 *   <li>{@code time}: the injectable clock (real or manual) and timers;
 *   <li>{@code wait}: wait queues and completions;
 *   <li>{@code workqueue}: work, delayed work and workqueues;
 *   <li>{@code fault}: named fault-injection points and sweeps;
 *   <li>{@code trace}: a bounded trace-event recorder for timelines;
 *   <li>{@code testing}: the JUnit 5 extension that gives each test its own sanitizer scope.
 * </ul>
 */
@NullMarked
package dev.medialife.kernel;

import org.jspecify.annotations.NullMarked;
