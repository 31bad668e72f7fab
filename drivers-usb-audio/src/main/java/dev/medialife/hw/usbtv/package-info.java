/**
 * A simulated USB hybrid TV stick: one USB device with a video/tuner interface and an audio
 * interface, a tuner, an analog decoder with TV, Composite and S-Video inputs, a digital
 * demodulator and an audio capture path. Frames and audio periods are produced on the stick's own
 * thread, step by step or at a rate driven by a kernel clock. Each one is reported as a status bit
 * plus a completion line raised on the host controller's IRQ chip. The drivers see only the
 * registers and the lines. They get them at enumeration, as the USB device's function.
 *
 * <p>The stick also counts tuner conflicts: two consumers driving the one tuner at once without
 * being routed to it by the arbitration. That is what happens when each driver has a media device
 * of its own and nobody arbitrates.
 */
@NullMarked
package dev.medialife.hw.usbtv;

import org.jspecify.annotations.NullMarked;
