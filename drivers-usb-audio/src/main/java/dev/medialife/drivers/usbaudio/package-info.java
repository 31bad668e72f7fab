/**
 * An snd-usb-audio-like driver for the audio interface of a USB hybrid TV stick: a PCM capture
 * node ({@code /dev/snd/pcmC<card>D0c}) with open, hw_params, prepare, start, blocking read of
 * periods, drop, hw_free and close. It also carries the media controller glue of
 * sound/usb/media.c.
 *
 * <p><b>Sharing.</b> The stick's video part has its own driver. Both drivers ask the media device
 * allocator for the media device of the one USB device and get the same one. This driver adds a
 * mixer entity, a PCM capture entity, the ALSA interface and their links to that device. It
 * registers the device only if the video driver has not: the graph is built first and registered
 * last, so userspace never sees it half-built. If the video driver is already there, its
 * entity-notify callback links the decoder's audio output to the new mixer. At disconnect the
 * entities and interface leave the graph and the reference goes back to the allocator. The media
 * device disappears only when the video driver has given its reference back too.
 *
 * <p><b>Arbitration.</b> This driver does not own the tuner. At hw_params it asks the media
 * device's {@code enable_source} hook, installed by the video driver. Any error is returned as is:
 * hw_params fails with {@code -EBUSY} while digital TV holds the tuner. Analog video and audio
 * capture share the tuner. hw_free and close give the claim back through {@code disable_source},
 * and if video still wants the tuner it keeps it. Without the allocator each driver has a media
 * device of its own. That device has no hooks, so nothing stops audio from using the tuner while
 * video uses it too.
 */
@NullMarked
package dev.medialife.drivers.usbaudio;

import org.jspecify.annotations.NullMarked;
