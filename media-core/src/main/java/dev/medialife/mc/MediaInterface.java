package dev.medialife.mc;

import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import java.util.ArrayList;
import java.util.List;

/**
 * An interface ({@code struct media_interface} embedded in {@code struct media_intf_devnode}): a
 * device node through which userspace controls entities, linked to them by interface links.
 * Created by {@link MediaDevice#devnodeCreate} and freed by {@link MediaDevice#devnodeRemove}.
 */
@KernelSymbol({"media_interface", "media_intf_devnode"})
public final class MediaInterface extends MediaGobj {
  private final int intfType;
  private final int flags;
  private final int major;
  private final int minor;
  private final Allocation mem;

  /** Interface links, guarded by the graph mutex. */
  final List<MediaLink> links = new ArrayList<>();

  MediaInterface(Allocation mem, int intfType, int flags, int major, int minor) {
    super(GobjType.INTF_DEVNODE);
    this.mem = mem;
    this.intfType = intfType;
    this.flags = flags;
    this.major = major;
    this.minor = minor;
  }

  /**
   * The interface type.
   *
   * @return MEDIA_INTF_T_*
   */
  @KernelSymbol("media_interface.type")
  public int intfType() {
    return intfType;
  }

  /**
   * The interface flags.
   *
   * @return the flags
   */
  @KernelSymbol("media_interface.flags")
  public int flags() {
    return flags;
  }

  /**
   * The device node's major.
   *
   * @return the major
   */
  @KernelSymbol("media_intf_devnode.major")
  public int major() {
    return major;
  }

  /**
   * The device node's minor.
   *
   * @return the minor
   */
  @KernelSymbol("media_intf_devnode.minor")
  public int minor() {
    return minor;
  }

  /**
   * The interface's links, a snapshot; call with the graph mutex held for a consistent view.
   *
   * @return the links
   */
  @KernelSymbol("media_interface.links")
  public List<MediaLink> links() {
    return List.copyOf(links);
  }

  Allocation mem() {
    return mem;
  }

  @Override
  public String toString() {
    return "interface 0x" + Integer.toHexString(intfType) + " " + major + ":" + minor;
  }
}
