/**
 * The Media Device Allocator (drivers/media/mc/mc-dev-allocator.c): the drivers of the different
 * functions of one USB device (the video/tuner part and the audio part of a TV stick) share one
 * {@link dev.medialife.mc.MediaDevice}, found by the USB device and kept until the last of them
 * deletes it. See {@link dev.medialife.allocator.MediaDeviceAllocator}.
 *
 * <p>The kernel's lookup takes a plain reference under the list lock while the last put runs
 * outside it, so an allocate racing the last delete can take a reference from zero ("addition on
 * 0", then a use-after-free). The model takes the lookup reference with get-unless-zero; the
 * kernel's behaviour stays available behind {@link
 * dev.medialife.kernel.config.PatchSwitch#ALLOCATOR_LOOKUP_FIX}, and {@link
 * dev.medialife.kernel.config.PatchSwitch#MEDIA_ALLOCATOR} switches the sharing off altogether
 * (each driver gets a media device of its own, as before the allocator existed).
 */
@NullMarked
package dev.medialife.allocator;

import org.jspecify.annotations.NullMarked;
