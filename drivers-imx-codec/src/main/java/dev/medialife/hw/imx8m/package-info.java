/**
 * A simulated i.MX8M VPU: the hardware the Hantro driver of this module drives, built only from
 * what driver-core models for hardware (register windows, IRQ lines, device-tree nodes).
 *
 * <p>The i.MX8MQ carries two Hantro decoder cores: G1 (H.264, MPEG-2, VP8) and G2 (HEVC, VP9).
 * Each is its own device-tree node and platform device with a 64 KiB register window and a GIC
 * interrupt. They are not independent: both reach memory through one bridge, and when they decode
 * at the same moment that bridge faults — G2 ends the frame with its bus-error and timeout bits
 * (the kernel log says "bus error detected." and "frame decode timed out.") and the picture is
 * garbage. The block controller that resets and ungates them can only do so for both at once,
 * because the bridge follows the OR of their bits. The fix this project studies makes the two
 * driver instances share one mem2mem scheduler so that only one decode runs at a time; this
 * package is the hardware that punishes them when they do not.
 *
 * <p>The pieces: {@link dev.medialife.hw.imx8m.Imx8mSoc} (the three SoCs and their device-tree
 * facts: i.MX8MQ shared, i.MX8MM and i.MX8MP independent), {@link dev.medialife.hw.imx8m.Imx8mBoard}
 * (builds the tree, the interrupt controller and the hardware, populates platform devices and
 * answers resource lookups), {@link dev.medialife.hw.imx8m.VpuCore} (a core: registers in {@link
 * dev.medialife.hw.imx8m.VpuRegs}, a decode engine on its own thread timed on the kernel clock,
 * the IRQ, a hang knob and spurious-interrupt injection, per-core metrics), {@link
 * dev.medialife.hw.imx8m.SharedBus} (overlap detection and the fault) and {@link
 * dev.medialife.hw.imx8m.BlkCtrl} (joint reset and clock gating).
 *
 * <p>A driver touches this hardware only through {@code IoMem.readl/writel} on the windows its
 * platform device's resources name and through handlers it requests on the lines they name (the
 * board fills the resource tables when it populates, see {@link
 * dev.medialife.hw.imx8m.Imx8mBoard#resources}); the hardware reaches the driver only by raising
 * those lines. The knobs and metrics are for tests and scenarios, not for drivers.
 */
@NullMarked
package dev.medialife.hw.imx8m;

import org.jspecify.annotations.NullMarked;
