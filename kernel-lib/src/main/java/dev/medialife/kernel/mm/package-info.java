/**
 * Memory: explicit {@link dev.medialife.kernel.mm.Allocation allocations} with live and freed
 * states, made and freed through {@link dev.medialife.kernel.mm.Kmem}. This is where the model
 * makes C lifetime visible to Java: KASAN-like checks (use-after-free, double free, invalid free
 * of an embedded object) at the entry points of freeable objects, and kmemleak-like tracking of
 * the allocations each sanitizer scope leaves behind.
 */
@NullMarked
package dev.medialife.kernel.mm;

import org.jspecify.annotations.NullMarked;
