/**
 * Memory-mapped I/O: a device's register window as the simulated hardware exposes it ({@link
 * dev.medialife.driver.io.MmioRegion} with its {@link dev.medialife.driver.io.RegisterFile}) and
 * as a driver maps it ({@link dev.medialife.driver.io.IoMem}: {@code ioremap}, {@code readl},
 * {@code writel}, {@code iounmap}, and the managed {@code devm_ioremap}).
 *
 * <p>A register access through a mapping that was unmapped, or whose driver was unbound, is the
 * hardware side of a use-after-free: the model reports it as a {@code HardwareAccessAfterRemove}
 * and keeps it from the hardware; a read returns all ones, as a dead bus does.
 *
 * <pre>{@code
 * MmioRegion regs = new MmioRegion("cam0 regs", 0x100, hw);   // hw implements RegisterFile
 * IoMem base = IoMem.devmIoremap(dev, regs);                 // in probe; null on -ENOMEM
 * base.writel(0x04, 1);
 * int status = base.readl(0x10);
 * }</pre>
 */
@NullMarked
package dev.medialife.driver.io;

import org.jspecify.annotations.NullMarked;
