/**
 * Annotations that tie the Java model to the kernel: {@link dev.medialife.kernel.meta.KernelSymbol}
 * names the kernel symbol a member ports and {@link dev.medialife.kernel.meta.JavaOnly} marks model
 * members with no kernel counterpart. The kernel cross-reference is generated from them.
 */
@NullMarked
package dev.medialife.kernel.meta;

import org.jspecify.annotations.NullMarked;
