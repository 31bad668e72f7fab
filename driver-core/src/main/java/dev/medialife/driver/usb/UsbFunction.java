package dev.medialife.driver.usb;

import dev.medialife.driver.io.MmioRegion;
import dev.medialife.driver.irq.IrqChip;
import dev.medialife.kernel.meta.KernelSymbol;

/**
 * What a simulated USB device offers its drivers beyond the descriptor: its vendor registers,
 * reached as the kernel's drivers reach them through control transfers ({@code usb_control_msg}
 * to a vendor request, as au0828's {@code au0828_readreg}/{@code au0828_writereg}), and the
 * completion line on which the host controller reports finished transfers (URB completions run
 * in interrupt context in the kernel).
 *
 * <p>The model maps both onto driver-core's own io and irq abstractions, so a USB driver maps the
 * registers with {@code IoMem.ioremap} and requests a line of the chip, and the device model stays
 * behind them: it never calls driver code except by raising a line.
 *
 * @param regs the device's registers, reached through vendor control requests
 * @param completions the host controller's completion lines for this device
 */
@KernelSymbol("usb_control_msg")
public record UsbFunction(MmioRegion regs, IrqChip completions) {}
