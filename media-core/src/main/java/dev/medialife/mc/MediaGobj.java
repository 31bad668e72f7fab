package dev.medialife.mc;

import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * A graph object ({@code struct media_gobj}): the id, type and media device shared by entities,
 * pads, links and interfaces. The id is {@code (type << 24) | n}, where {@code n} comes from one
 * counter per media device shared by every type, so ids are never reused within a media device.
 *
 * <p>An object is attached to a media device by {@code media_gobj_create} and detached by {@code
 * media_gobj_destroy}; both happen with the graph mutex held and bump the topology version.
 */
@KernelSymbol("media_gobj")
public abstract class MediaGobj {
  private final GobjType type;
  private volatile int id;
  private volatile @Nullable MediaDevice mdev;

  MediaGobj(GobjType type) {
    this.type = type;
  }

  /**
   * The object's id; 0 before it is attached.
   *
   * @return the id
   */
  @KernelSymbol("media_gobj.id")
  public final int id() {
    return id;
  }

  /**
   * The local part of the id ({@code id & 0xffffff}).
   *
   * @return the local id
   */
  @KernelSymbol("media_id")
  public final int localId() {
    return id & 0xffffff;
  }

  /**
   * The object's type.
   *
   * @return the type
   */
  @KernelSymbol("media_type")
  public final GobjType gobjType() {
    return type;
  }

  /**
   * The media device the object is attached to, or null when detached.
   *
   * @return the media device
   */
  @KernelSymbol("media_gobj.mdev")
  public final @Nullable MediaDevice mdev() {
    return mdev;
  }

  /** Called by the media device with the graph mutex held. */
  final void attach(MediaDevice to, int newId) {
    this.mdev = to;
    this.id = newId;
  }

  /** Called by the media device with the graph mutex held. */
  final void detach() {
    this.mdev = null;
  }
}
