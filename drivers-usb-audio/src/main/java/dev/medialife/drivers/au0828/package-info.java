/**
 * An au0828-like driver for the video/tuner interface of a USB hybrid TV stick.
 *
 * <p><b>Sharing.</b> The stick is one USB device with two interfaces, each bound by a different
 * driver: this one for video and the tuner, snd-usb-audio for audio. Both want to describe the
 * same hardware in one media graph, so neither creates its own media device: each asks the media
 * device allocator for the one keyed by the USB device. Whoever comes first gets a fresh, unregistered
 * device; the second gets the same one with a reference added. This driver registers the media
 * device itself only when the audio driver has not; otherwise it links its decoder to the audio
 * mixer by hand, and an entity-notify callback does the same if the mixer appears later. At
 * disconnect, the allocator reference goes only when the last video file closes. The media device
 * stays visible until the last of the two drivers gives it back.
 *
 * <p><b>Arbitration.</b> The tuner can feed analog video, the audio capture path and the digital
 * demodulator, but not analog and digital at once. This driver installs the media device's
 * {@code enable_source}/{@code disable_source} hooks ({@link
 * dev.medialife.drivers.au0828.Au0828Source}). Every user asks through them: V4L2 before S_INPUT,
 * S_FMT, G_TUNER and stream start; ALSA at hw_params; DVB at frontend open. The first user owns the
 * link into the decoder (or the demodulator). Analog video and audio capture may share it, and the
 * second user is remembered. When the owner leaves a shared link, the user becomes the owner and
 * its pipeline starts. Any other combination gets {@code -EBUSY}.
 */
@NullMarked
package dev.medialife.drivers.au0828;

import org.jspecify.annotations.NullMarked;
