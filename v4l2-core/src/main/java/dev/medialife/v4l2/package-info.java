/**
 * The V4L2 core (drivers/media/v4l2-core): {@code v4l2_device}, {@code video_device} with its
 * device node and file operations, file handles and the ioctl dispatcher, in the lifetime rules
 * of the kernel: a registered video node takes a reference on its v4l2_device, unregistration
 * clears the REGISTERED flag and wakes every file handle, the release runs at the last close.
 */
@NullMarked
package dev.medialife.v4l2;

import org.jspecify.annotations.NullMarked;
