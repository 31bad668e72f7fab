package dev.medialife.driver.irq;

import dev.medialife.kernel.meta.KernelSymbol;

/** An interrupt handler ({@code irq_handler_t}). */
@KernelSymbol("irq_handler_t")
@FunctionalInterface
public interface IrqHandler {
  /**
   * Required. Handles one interrupt on a line.
   *
   * <p>Context: hard interrupt context, on the thread that raised the line (or re-enabled it); a
   * spinning lock of class {@code hardirq} is held, so the handler must not sleep. Never runs
   * concurrently with itself on the same line.
   *
   * @param irq the line number
   * @param devId the cookie given to {@code request_irq}
   * @return {@link IrqReturn#IRQ_HANDLED} if the device raised it, else {@link IrqReturn#IRQ_NONE}
   */
  @KernelSymbol("irq_handler_t")
  int handle(int irq, Object devId);
}
