/**
 * A videobuf2-like buffer queue (drivers/media/common/videobuf2): buffer states, the queued and
 * done lists, REQBUFS, QUERYBUF, QBUF, DQBUF (blocking and not), STREAMON/STREAMOFF, poll, the
 * queue error of hot-unplug and the cancel that returns every buffer; an invariant checks that no
 * buffer a task queued is ever lost.
 */
@NullMarked
package dev.medialife.v4l2.vb2;

import org.jspecify.annotations.NullMarked;
