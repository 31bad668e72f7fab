package dev.medialife.driver.of;

import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A device-tree node ({@code struct device_node}): a name, a unit address, the {@code compatible}
 * strings from most to least specific, string and integer properties, a parent and children.
 *
 * <p>Implementation notes: a node is immutable once its tree is built, except for the bus it was
 * populated on (the kernel's {@code OF_POPULATED} flag), which is volatile and written only by
 * {@link PlatformBus#populate} and {@link PlatformDevice#unregister}.
 */
@KernelSymbol("device_node")
public final class OfNode {
  private final String name;
  private final String unitAddress;
  private final List<String> compatible;
  private final Map<String, Object> properties;
  private final List<OfNode> children = new ArrayList<>();
  private final @Nullable OfNode parent;
  private volatile @Nullable PlatformBus populated;

  private OfNode(Builder b, @Nullable OfNode parent) {
    this.name = b.name;
    this.unitAddress = b.unitAddress;
    this.compatible = List.copyOf(b.compatible);
    this.properties = Map.copyOf(b.properties);
    this.parent = parent;
    for (Builder c : b.children) {
      children.add(new OfNode(c, this));
    }
  }

  /** Builds a node and its subtree. */
  @JavaOnly("the model's device-tree source: a builder instead of a .dts file")
  public static final class Builder {
    private final String name;
    private String unitAddress = "";
    private final List<String> compatible = new ArrayList<>();
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final List<Builder> children = new ArrayList<>();

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the unit address (the part after {@code @}).
     *
     * @param addr the address in hex, without 0x
     * @return this builder
     */
    public Builder unitAddress(String addr) {
      this.unitAddress = addr;
      return this;
    }

    /**
     * Sets the compatible strings, most specific first.
     *
     * @param compat the strings
     * @return this builder
     */
    public Builder compatible(String... compat) {
      compatible.clear();
      compatible.addAll(List.of(compat));
      return this;
    }

    /**
     * Adds a string property.
     *
     * @param key the property name
     * @param value its value
     * @return this builder
     */
    public Builder property(String key, String value) {
      properties.put(key, value);
      return this;
    }

    /**
     * Adds a 32-bit integer property.
     *
     * @param key the property name
     * @param value its value
     * @return this builder
     */
    public Builder property(String key, int value) {
      properties.put(key, value);
      return this;
    }

    /**
     * Adds a child, in order.
     *
     * @param child the child's builder
     * @return this builder
     */
    public Builder child(Builder child) {
      children.add(child);
      return this;
    }

    /**
     * Builds this node as the root of a tree.
     *
     * @return the tree
     */
    public DeviceTree buildTree() {
      return new DeviceTree(new OfNode(this, null));
    }
  }

  /**
   * Starts a node.
   *
   * @param name the node name, e.g. "video-codec"
   * @return a builder
   */
  @JavaOnly("the model's device-tree source")
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * The node name without unit address.
   *
   * @return the name
   */
  @KernelSymbol("of_node_name")
  public String name() {
    return name;
  }

  /**
   * The unit address.
   *
   * @return the address, or "" when the node has none
   */
  @KernelSymbol("of_node_unit_address")
  public String unitAddress() {
    return unitAddress;
  }

  /**
   * The full name, "name@addr", or the name alone without a unit address.
   *
   * @return the full name
   */
  @KernelSymbol("device_node.full_name")
  public String fullName() {
    return unitAddress.isEmpty() ? name : name + "@" + unitAddress;
  }

  /**
   * The compatible strings, most specific first.
   *
   * @return an immutable list
   */
  @KernelSymbol("of_get_property")
  public List<String> compatible() {
    return compatible;
  }

  /**
   * How well the node matches a compatible string: 0 for no match, higher for an earlier string.
   *
   * @param compat the string
   * @return the score
   */
  @KernelSymbol("of_device_is_compatible")
  public int isCompatible(String compat) {
    int i = compatible.indexOf(compat);
    return i < 0 ? 0 : Integer.MAX_VALUE - i;
  }

  /**
   * Reads a string property.
   *
   * @param key the property name
   * @return the value, or null if absent or not a string
   */
  @KernelSymbol("of_property_read_string")
  public @Nullable String propertyReadString(String key) {
    return properties.get(key) instanceof String s ? s : null;
  }

  /**
   * Reads an integer property.
   *
   * @param key the property name
   * @return the value, or empty if absent or not an integer
   */
  @KernelSymbol("of_property_read_u32")
  public OptionalInt propertyReadU32(String key) {
    return properties.get(key) instanceof Integer v ? OptionalInt.of(v) : OptionalInt.empty();
  }

  /**
   * The children, in order.
   *
   * @return an immutable view
   */
  @KernelSymbol("for_each_child_of_node")
  public List<OfNode> children() {
    return List.copyOf(children);
  }

  /**
   * The parent.
   *
   * @return the parent, or null for the root
   */
  @KernelSymbol("of_get_parent")
  public @Nullable OfNode parent() {
    return parent;
  }

  @Nullable PlatformBus populated() {
    return populated;
  }

  void setPopulated(@Nullable PlatformBus bus) {
    populated = bus;
  }

  void collect(List<OfNode> out) {
    out.add(this);
    for (OfNode c : children) {
      c.collect(out);
    }
  }

  @Override
  public String toString() {
    return "node " + fullName();
  }
}
