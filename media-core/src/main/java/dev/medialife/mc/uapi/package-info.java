/**
 * The media controller's userspace API ({@code include/uapi/linux/media.h}): ioctl numbers, flag
 * and function constants, and the argument structs as small mutable classes. Fixed-size character
 * arrays are strings cut to the C array's size minus the terminating NUL; user pointers inside a
 * struct are Java arrays that a struct copy shares rather than copies, because the kernel writes
 * through them directly, even when the ioctl then fails.
 */
@NullMarked
package dev.medialife.mc.uapi;

import org.jspecify.annotations.NullMarked;
