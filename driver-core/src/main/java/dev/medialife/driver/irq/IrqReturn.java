package dev.medialife.driver.irq;

import dev.medialife.kernel.meta.KernelSymbol;

/** The values an {@link IrqHandler} returns ({@code enum irqreturn}). */
@KernelSymbol("irqreturn")
public final class IrqReturn {
  /** The interrupt was not from this device, or was not handled. */
  @KernelSymbol("IRQ_NONE")
  public static final int IRQ_NONE = 0;

  /** The interrupt was handled by this device. */
  @KernelSymbol("IRQ_HANDLED")
  public static final int IRQ_HANDLED = 1;

  private IrqReturn() {}
}
