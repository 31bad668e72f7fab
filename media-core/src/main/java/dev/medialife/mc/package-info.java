/**
 * The media controller (drivers/media/mc): the {@link dev.medialife.mc.MediaDevice media device}
 * and its {@link dev.medialife.mc.MediaDevnode device node}, graph objects ({@link
 * dev.medialife.mc.MediaEntity entities}, {@link dev.medialife.mc.MediaPad pads}, {@link
 * dev.medialife.mc.MediaLink links} with backlinks, {@link dev.medialife.mc.MediaInterface
 * interfaces}), {@link dev.medialife.mc.MediaGraph link setup, remote pads and pipelines}, {@link
 * dev.medialife.mc.MediaGraphWalk graph walks}, and the media ioctls. The {@code uapi}
 * sub-package holds the userspace structs and constants; {@code topology} prints a media device
 * as media-ctl text, Graphviz DOT or JSON.
 *
 * <p>The lifetime follows the 2017 media lifetime memo, behind {@link
 * dev.medialife.kernel.config.PatchSwitch#MEDIA_LIFETIME}: the devnode is embedded in a refcounted
 * media device, open files and registered entities hold references, the driver's memory is freed
 * by a release callback at the last reference, unregistration waits for system calls in flight,
 * entities leave the graph at their last reference and graph walks take references with try-get.
 * With the switch off, the model is mainline: the devnode is a separate allocation, the driver
 * frees its memory at unbind, and a system call racing the unbind can use freed memory.
 *
 * <p>Locking: each media device's graph mutex guards its graph; the global devnode mutex guards
 * minors and registration flags. Lock order: graph mutex, then devnode mutex.
 */
@NullMarked
package dev.medialife.mc;

import org.jspecify.annotations.NullMarked;
