package dev.medialife.driver.of;

import dev.medialife.driver.io.MmioRegion;
import dev.medialife.driver.irq.IrqChip;
import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a platform device's resource table ({@code struct resource} in {@code
 * platform_device.resource}): a register window ({@link #IORESOURCE_MEM}) or an interrupt line
 * ({@link #IORESOURCE_IRQ}).
 *
 * <p>In the kernel an interrupt resource holds a global Linux irq number. The model has one {@link
 * IrqChip} per interrupt controller and numbers lines per chip, so an interrupt resource names its
 * chip and its line on that chip.
 *
 * @param flags {@link #IORESOURCE_MEM} or {@link #IORESOURCE_IRQ}
 * @param name the resource's name (the node's full name for registers, the line's name for
 *     interrupts), or "" when it has none
 * @param region the register window, for a memory resource; else null
 * @param chip the interrupt controller, for an interrupt resource; else null
 * @param line the line on {@code chip}, for an interrupt resource; else 0
 */
@KernelSymbol("resource")
public record PlatformResource(
    int flags, String name, @Nullable MmioRegion region, @Nullable IrqChip chip, int line) {
  /** {@code IORESOURCE_MEM}: a memory-mapped register window. */
  @KernelSymbol("IORESOURCE_MEM")
  public static final int IORESOURCE_MEM = 0x00000200;

  /** {@code IORESOURCE_IRQ}: an interrupt line. */
  @KernelSymbol("IORESOURCE_IRQ")
  public static final int IORESOURCE_IRQ = 0x00000400;

  /**
   * A memory resource for a register window, named after the window.
   *
   * @param region the window
   * @return the resource
   */
  @KernelSymbol("DEFINE_RES_MEM_NAMED")
  public static PlatformResource mem(MmioRegion region) {
    return new PlatformResource(IORESOURCE_MEM, region.name(), region, null, 0);
  }

  /**
   * An interrupt resource.
   *
   * @param name the line's name ({@code interrupt-names}), or ""
   * @param chip the controller
   * @param line the line on the controller
   * @return the resource
   */
  @KernelSymbol("DEFINE_RES_IRQ_NAMED")
  public static PlatformResource irq(String name, IrqChip chip, int line) {
    return new PlatformResource(IORESOURCE_IRQ, name, null, chip, line);
  }

  /**
   * The resource's type bits.
   *
   * @return {@link #IORESOURCE_MEM} or {@link #IORESOURCE_IRQ}
   */
  @KernelSymbol("resource_type")
  public int type() {
    return flags & (IORESOURCE_MEM | IORESOURCE_IRQ);
  }
}
