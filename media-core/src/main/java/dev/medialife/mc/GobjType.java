package dev.medialife.mc;

import dev.medialife.kernel.meta.KernelSymbol;

/** The type of a graph object, the top byte of its id ({@code enum media_gobj_type}). */
@KernelSymbol("media_gobj_type")
public enum GobjType {
  /** {@code MEDIA_GRAPH_ENTITY}. */
  ENTITY(0),
  /** {@code MEDIA_GRAPH_PAD}. */
  PAD(1),
  /** {@code MEDIA_GRAPH_LINK}. */
  LINK(2),
  /** {@code MEDIA_GRAPH_INTF_DEVNODE}. */
  INTF_DEVNODE(3);

  private final int value;

  GobjType(int value) {
    this.value = value;
  }

  /**
   * The kernel's numeric value.
   *
   * @return the value, 0 to 3
   */
  @KernelSymbol("media_gobj_type")
  public int value() {
    return value;
  }

  /**
   * The type encoded in an id.
   *
   * @param id a graph object id
   * @return its type value, {@code id >>> 24}
   */
  @KernelSymbol("media_type")
  public static int ofId(int id) {
    return id >>> 24;
  }
}
