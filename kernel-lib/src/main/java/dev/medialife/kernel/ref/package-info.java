/**
 * Reference counting: {@link dev.medialife.kernel.ref.Kref}, the kernel's {@code kref} with
 * {@code refcount_t} hardening (warn and saturate on addition on zero, underflow and overflow; a
 * saturated count never releases).
 */
@NullMarked
package dev.medialife.kernel.ref;

import org.jspecify.annotations.NullMarked;
