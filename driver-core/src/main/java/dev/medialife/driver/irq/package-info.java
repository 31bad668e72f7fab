/**
 * Interrupts (kernel/irq): a simulated interrupt controller whose lines the simulated hardware
 * raises from its own threads, and the driver side of it — {@code request_irq}, {@code free_irq},
 * their managed variant, {@code synchronize_irq} and {@code disable_irq}/{@code enable_irq}.
 *
 * <p>The lifetime rules this package makes testable:
 *
 * <ul>
 *   <li>after {@link dev.medialife.driver.irq.IrqChip#freeIrq} returns, the handler never runs
 *       again, and a handler that was running has returned;
 *   <li>a managed interrupt ({@link dev.medialife.driver.irq.IrqChip#devmRequestIrq}) is freed by
 *       devres, that is <em>after</em> the driver's {@code remove}: if {@code remove} frees the
 *       private data the handler uses, an interrupt in between is a use-after-free, and the model
 *       reports it;
 *   <li>handlers run in atomic context: sleeping in one is reported.
 * </ul>
 *
 * <pre>{@code
 * IrqChip gic = new IrqChip("gic", 64);
 * int ret = gic.devmRequestIrq(dev, 42, (irq, id) -> IrqReturn.IRQ_HANDLED, 0, "cam0", priv);
 * gic.raise(42);                                        // from the hardware's thread
 * }</pre>
 */
@NullMarked
package dev.medialife.driver.irq;

import org.jspecify.annotations.NullMarked;
