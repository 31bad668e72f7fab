package dev.medialife.mc;

import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.mc.uapi.MediaUapi;
import org.jspecify.annotations.Nullable;

/**
 * A link ({@code struct media_link}). A data link joins a source pad to a sink pad and exists
 * twice: the forward link on the source entity's list and the backlink on the sink entity's list,
 * each pointing to the other through {@link #reverse()}. An interface link joins an interface to
 * an entity and lives only on the interface's list. As in C, the two ends are a union: use {@link
 * #source()}/{@link #sink()} on data links and {@link #intf()}/{@link #entity()} on interface
 * links.
 */
@KernelSymbol("media_link")
public final class MediaLink extends MediaGobj {
  private final MediaGobj gobj0;
  private final MediaGobj gobj1;
  private final boolean backlink;
  private final Allocation mem;
  private volatile int flags;
  private volatile @Nullable MediaLink reverse;

  MediaLink(Allocation mem, MediaGobj gobj0, MediaGobj gobj1, int flags, boolean backlink) {
    super(GobjType.LINK);
    this.mem = mem;
    this.gobj0 = gobj0;
    this.gobj1 = gobj1;
    this.flags = flags;
    this.backlink = backlink;
  }

  /**
   * The link flags, type included.
   *
   * @return MEDIA_LNK_FL_* bits
   */
  @KernelSymbol("media_link.flags")
  public int flags() {
    return flags;
  }

  /**
   * The link type ({@code flags & MEDIA_LNK_FL_LINK_TYPE}).
   *
   * @return MEDIA_LNK_FL_DATA_LINK, _INTERFACE_LINK or _ANCILLARY_LINK
   */
  @KernelSymbol("MEDIA_LNK_FL_LINK_TYPE")
  public int linkType() {
    return flags & MediaUapi.MEDIA_LNK_FL_LINK_TYPE;
  }

  /**
   * Whether the link is enabled.
   *
   * @return true if MEDIA_LNK_FL_ENABLED is set
   */
  @KernelSymbol("MEDIA_LNK_FL_ENABLED")
  public boolean isEnabled() {
    return (flags & MediaUapi.MEDIA_LNK_FL_ENABLED) != 0;
  }

  /**
   * The source pad of a data link.
   *
   * @return the source pad
   * @throws ClassCastException on an interface link (a harness bug, as reading the wrong union
   *     member would be in C)
   */
  @KernelSymbol("media_link.source")
  public MediaPad source() {
    return (MediaPad) gobj0;
  }

  /**
   * The sink pad of a data link.
   *
   * @return the sink pad
   * @throws ClassCastException on an interface link
   */
  @KernelSymbol("media_link.sink")
  public MediaPad sink() {
    return (MediaPad) gobj1;
  }

  /**
   * The interface of an interface link.
   *
   * @return the interface
   * @throws ClassCastException on a data link
   */
  @KernelSymbol("media_link.intf")
  public MediaInterface intf() {
    return (MediaInterface) gobj0;
  }

  /**
   * The entity of an interface link.
   *
   * @return the entity
   * @throws ClassCastException on a data link
   */
  @KernelSymbol("media_link.entity")
  public MediaEntity entity() {
    return (MediaEntity) gobj1;
  }

  /**
   * The first end's graph object (source pad or interface), for code that handles both kinds.
   *
   * @return the object
   */
  @KernelSymbol("media_link.gobj0")
  public MediaGobj gobj0() {
    return gobj0;
  }

  /**
   * The second end's graph object (sink pad or entity).
   *
   * @return the object
   */
  @KernelSymbol("media_link.gobj1")
  public MediaGobj gobj1() {
    return gobj1;
  }

  /**
   * The other half of a data link: the backlink of a forward link and vice versa.
   *
   * @return the reverse, or null for an interface link
   */
  @KernelSymbol("media_link.reverse")
  public @Nullable MediaLink reverse() {
    return reverse;
  }

  /**
   * Whether this is the backlink half stored on the sink entity.
   *
   * @return true for a backlink
   */
  @KernelSymbol("media_link.is_backlink")
  public boolean isBacklink() {
    return backlink;
  }

  void setReverse(MediaLink r) {
    this.reverse = r;
  }

  void setFlags(int f) {
    this.flags = f;
  }

  Allocation mem() {
    return mem;
  }

  @Override
  public String toString() {
    if (linkType() == MediaUapi.MEDIA_LNK_FL_INTERFACE_LINK) {
      return "interface link " + gobj0 + " -> " + gobj1;
    }
    return "link " + gobj0 + " -> " + gobj1 + (backlink ? " (backlink)" : "");
  }
}
