/**
 * Isolation between users of the model, checked on a whole booted board through the syscall
 * façade: a file descriptor means something only in the task that opened it and only until it is
 * closed; a mem2mem context on the scheduler the two Hantro cores share gets back only the
 * buffers it queued; and of two users of the USB stick's tuner, only the one holding it drives it.
 */
@NullMarked
package dev.medialife.it.isolation;

import org.jspecify.annotations.NullMarked;
