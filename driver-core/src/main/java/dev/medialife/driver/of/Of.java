package dev.medialife.driver.of;

import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The device-tree match and lookup helpers of drivers/of. */
@KernelSymbol("drivers/of")
public final class Of {
  private Of() {}

  /**
   * Picks the table entry that best matches a node: the one whose compatible string comes earliest
   * in the node's list; among entries of equal rank, the first in the table.
   *
   * @param table the driver's match table
   * @param node the node
   * @return the best entry, or null if none matches
   */
  @KernelSymbol("of_match_node")
  public static @Nullable OfDeviceId matchNode(List<OfDeviceId> table, OfNode node) {
    OfDeviceId best = null;
    int bestScore = 0;
    for (OfDeviceId id : table) {
      int score = node.isCompatible(id.compatible());
      if (score > bestScore) {
        best = id;
        bestScore = score;
      }
    }
    return best;
  }

  /**
   * Finds the next node after {@code from}, in tree order, that matches a table.
   *
   * @param tree the tree
   * @param from where to start (exclusive), or null to start at the root
   * @param table the match table
   * @return the node, or null
   */
  @KernelSymbol("of_find_matching_node")
  public static @Nullable OfNode findMatchingNode(
      DeviceTree tree, @Nullable OfNode from, List<OfDeviceId> table) {
    List<OfNode> all = tree.allNodes();
    int start = from == null ? 0 : all.indexOf(from) + 1;
    for (int i = start; i < all.size(); i++) {
      if (matchNode(table, all.get(i)) != null) {
        return all.get(i);
      }
    }
    return null;
  }

  /**
   * Finds the platform device populated from a node, taking a reference the caller must drop
   * with {@link PlatformDevice#put()}.
   *
   * <p>Context: process context. The device is looked up on its bus's list, under the bus lock,
   * so it cannot race with the final put.
   *
   * @param node the node
   * @return the device with a reference held, or null if the node has no (registered) device
   */
  @KernelSymbol("of_find_device_by_node")
  public static @Nullable PlatformDevice findDeviceByNode(OfNode node) {
    PlatformBus bus = node.populated();
    if (bus == null) {
      return null;
    }
    Device d = bus.bus().findDevice(PlatformDevice.nameFor(node));
    if (d == null) {
      return null;
    }
    if (d.container(Object.class) instanceof PlatformDevice p && p.ofNode() == node) {
      return p;
    }
    d.put();
    return null;
  }

  /**
   * The match data of the entry of the bound driver's table that matches the device's node.
   *
   * @param pdev the device
   * @return the entry's data, or null when unbound, without a node or without data
   */
  @KernelSymbol("of_device_get_match_data")
  public static @Nullable Object deviceGetMatchData(PlatformDevice pdev) {
    DeviceDriver drv = pdev.device().driver();
    OfNode node = pdev.ofNode();
    if (drv == null || node == null) {
      return null;
    }
    PlatformDriver pdrv = pdev.platformBus().platformDriver(drv);
    if (pdrv == null) {
      return null;
    }
    OfDeviceId id = matchNode(pdrv.ofMatchTable(), node);
    return id == null ? null : id.data();
  }
}
