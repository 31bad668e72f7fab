/**
 * Fault injection across a whole booted board: every allocation a probe, remove, open or
 * streaming-start path of the sample drivers (and the allocator under them) makes is failed once
 * in turn, and each failure must come back to userspace or the driver core as a clean errno, with
 * nothing leaked and nothing reported.
 */
@NullMarked
package dev.medialife.it.faults;

import org.jspecify.annotations.NullMarked;
