/**
 * Jazzer fuzz targets, one per ioctl surface userspace can reach on the sample boards (the media
 * devnode, the au0828 capture node, the Hantro m2m decoder node, the snd-usb-audio PCM node), one
 * for a sub-device node on a rig of its own ({@link dev.medialife.it.fuzz.SubdevRig}, since no
 * board has one), one that runs short random syscall programs, with driver unbinds and USB
 * unplugs mixed in, against a whole board, and one for the scenario-file parser.
 *
 * <p>Each input boots a fresh board inside its own sanitizer scope ({@link
 * dev.medialife.it.fuzz.FuzzRig}), builds typed ioctl arguments from the fuzzer's bytes, and tears
 * the board down. A finding is anything the model promises never to do: a Java exception out of
 * a system call, a return value that is neither a result nor a known errno, a sanitizer report,
 * or an allocation left alive. In every build the targets replay their committed inputs
 * (Jazzer's regression mode, under {@code src/test/resources}); with {@code JAZZER_FUZZ=1} one
 * target is fuzzed, as {@code docs/reliability.md} describes.
 */
@NullMarked
package dev.medialife.it.fuzz;

import org.jspecify.annotations.NullMarked;
