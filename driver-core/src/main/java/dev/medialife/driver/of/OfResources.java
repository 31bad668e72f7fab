package dev.medialife.driver.of;

import dev.medialife.kernel.meta.KernelSymbol;
import java.util.List;

/**
 * How a board turns a device-tree node's {@code reg} and {@code interrupts} into resources while
 * populating: the model's address translation and interrupt-domain mapping ({@code
 * of_address_to_resource}, {@code of_irq_to_resource_table}), which only the board knows because
 * only it knows the simulated hardware behind each address and line.
 */
@KernelSymbol("of_device_alloc")
@FunctionalInterface
public interface OfResources {
  /** No node has resources. */
  @KernelSymbol("of_device_alloc")
  OfResources NONE = node -> List.of();

  /**
   * Required. The resources of a node, memory windows first then interrupt lines, each in the order
   * of the node's properties.
   *
   * <p>Context: process context, during population.
   *
   * @param node the node being populated
   * @return its resources; empty for a node without registers or interrupts
   */
  @KernelSymbol("of_device_alloc")
  List<PlatformResource> resources(OfNode node);
}
