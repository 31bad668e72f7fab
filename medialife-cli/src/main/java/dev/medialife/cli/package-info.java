/**
 * The {@code medialife} command line: the one place where the model meets a user.
 *
 * <p>{@link dev.medialife.cli.Board} builds a whole machine in one model kernel (an i.MX8M SoC
 * whose G1 and G2 decoder cores the Hantro driver binds, and a USB host with a hybrid TV stick
 * that the au0828 and snd-usb-audio drivers claim) and tears it down again. The demo drives that
 * machine the way applications and an impatient user would: decoder sessions through {@code
 * open}, {@code VIDIOC_S_FMT}, {@code VIDIOC_REQBUFS}, {@code VIDIOC_QBUF}, {@code
 * VIDIOC_STREAMON} and {@code VIDIOC_DQBUF}, a sysfs unbind and bind of one core, and the stick
 * pulled out under sleeping readers. Every call is counted with its errno, every buffer is
 * accounted for, and a sanitizer scope around the run gives the verdict. The run ends in a
 * report (human or JSON with stable field names) and optionally a Chrome trace of the
 * recorder's events. Other commands print media topologies and the kernel-symbol
 * cross-reference generated from the {@code @KernelSymbol} annotations.
 *
 * <p>This package may print to standard output (it is the CLI); logs still go through SLF4J,
 * which the jar binds to standard error.
 */
@NullMarked
package dev.medialife.cli;

import org.jspecify.annotations.NullMarked;
