/**
 * The V4L2 userspace API ({@code include/uapi/linux/videodev2.h}) as far as the core needs it:
 * ioctl numbers, capability bits, priorities and the argument structs as small mutable classes.
 * Fixed-size character arrays are strings cut to the C array's size minus the terminating NUL.
 * This package does not depend on the V4L2 core.
 */
@NullMarked
package dev.medialife.v4l2.uapi;

import org.jspecify.annotations.NullMarked;
