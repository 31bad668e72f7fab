/**
 * The bad-input table of issue 12: one row per malformed call on each kind of device node of the
 * sample boards (the stick's media devnode, au0828's capture node, Hantro's decoder node,
 * snd-usb-audio's PCM), each run on a freshly booted board through the task's system calls and
 * expected to return exactly the errno the kernel returns there. The rows are also the table of
 * {@code docs/reliability.md}, which a test keeps identical to them.
 */
@NullMarked
package dev.medialife.it.badinput;

import org.jspecify.annotations.NullMarked;
