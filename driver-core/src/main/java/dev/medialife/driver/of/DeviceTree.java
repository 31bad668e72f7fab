package dev.medialife.driver.of;

import dev.medialife.kernel.meta.KernelSymbol;
import java.util.ArrayList;
import java.util.List;

/**
 * A device tree: its root node and a walk of all nodes in tree order (depth first, parent before
 * children, children in source order), as {@code for_each_of_allnodes} walks them.
 */
@KernelSymbol("of_root")
public final class DeviceTree {
  private final OfNode root;
  private final List<OfNode> all;

  DeviceTree(OfNode root) {
    this.root = root;
    List<OfNode> out = new ArrayList<>();
    root.collect(out);
    this.all = List.copyOf(out);
  }

  /**
   * The root node.
   *
   * @return the root
   */
  @KernelSymbol("of_root")
  public OfNode root() {
    return root;
  }

  /**
   * All nodes in tree order, the root first.
   *
   * @return an immutable list
   */
  @KernelSymbol("for_each_of_allnodes")
  public List<OfNode> allNodes() {
    return all;
  }
}
