/**
 * The Hantro (Verisilicon) decoder driver for the i.MX8M VPU.
 *
 * <p>Each decoder core is its own platform device with its own {@code hantro_dev}: registers, an
 * interrupt, a V4L2 device, a media device and a decoder video node. On the i.MX8MQ the G1 core
 * (H.264, MPEG-2, VP8) and the G2 core (HEVC, VP9) sit behind one memory bridge that faults when
 * both decode at once. The driver therefore lets the two cores share one mem2mem scheduler: the
 * variant names a table of the compatibles that must share, and a core probing second walks the
 * device tree for a matching node whose device already carries an initialised {@code hantro_dev},
 * and takes a reference on that core's scheduler ({@code v4l2_m2m_get}); the first core to probe
 * creates it. Probe order therefore does not matter, removing one core drops one reference, and
 * the scheduler dies with the last core's put. Contexts of both nodes then queue on one FIFO, so
 * exactly one job runs across both cores, in the order contexts become ready; {@code device_run}
 * still programs the core that owns the context. Variants without a table (i.MX8MM, and the
 * i.MX8MP G2, which finds only itself) get a private scheduler.
 *
 * <p>Fault model. A job ends by the core's interrupt or by the core's 2 s watchdog, whichever wins
 * the cancel of the watchdog: the interrupt completes the job only when it cancelled a pending
 * watchdog, so an interrupt of an idle core changes nothing and a job is never finished twice. The
 * watchdog resets the codec and returns the buffers in ERROR, so a hung core blocks its sibling for
 * about 2 s at most. The G2 handler reports the bridge's fault bits ("bus error detected.", "frame
 * decode timed out.") with rate-limited warnings and returns the frame in ERROR.
 *
 * <p>Two patch switches reproduce what the series fixed: with {@code HANTRO_SHARED_SCHEDULER} off
 * each core creates its own scheduler and the bridge faults as soon as both decode; with {@code
 * M2M_KREF} off the first core's remove frees the scheduler the other still uses. The races the
 * series leaves open (two concurrent probes missing each other, a probe racing the sibling's
 * remove) are reachable through named race windows with {@code HANTRO_SHARED_LOCK} off; on (the
 * default), a driver-wide lock, a fix of the model's own, closes both. {@link
 * dev.medialife.drivers.hantro.HantroMetrics} counts jobs, busy intervals, overlaps, bus errors,
 * corrupted frames and watchdog timeouts for the CLI and the benchmarks.
 */
@NullMarked
package dev.medialife.drivers.hantro;

import org.jspecify.annotations.NullMarked;
