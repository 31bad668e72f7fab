package dev.medialife.mc.uapi;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * {@code struct media_links_enum}, the argument of MEDIA_IOC_ENUM_LINKS. The {@code pads} and
 * {@code links} arrays are user pointers: a copy shares them, the kernel writes into them, and a
 * write past an array's end is a fault (-EFAULT).
 */
@KernelSymbol("media_links_enum")
public final class MediaLinksEnum implements IoctlArg<MediaLinksEnum> {
  /** {@code sizeof(struct media_links_enum)} on a 64-bit kernel. */
  public static final int SIZE = 40;

  /** {@code entity}: the entity id. */
  public int entity;

  /** {@code pads}: room for every pad of the entity, or null. */
  public MediaPadDesc @Nullable [] pads;

  /** {@code links}: room for every outbound link of the entity, or null. */
  public MediaLinkDesc @Nullable [] links;

  /** An all-zero struct. */
  @KernelSymbol("media_links_enum")
  public MediaLinksEnum() {}

  /**
   * A request for the pads and links of one entity.
   *
   * @param entity the entity id
   * @param pads where to put the pads, or null
   * @param links where to put the links, or null
   */
  @KernelSymbol("media_links_enum")
  public MediaLinksEnum(
      int entity, MediaPadDesc @Nullable [] pads, MediaLinkDesc @Nullable [] links) {
    this.entity = entity;
    this.pads = pads;
    this.links = links;
  }

  @Override
  @KernelSymbol("copy_from_user")
  public MediaLinksEnum copy() {
    return new MediaLinksEnum(entity, pads, links);
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(MediaLinksEnum o) {
    entity = o.entity;
    pads = o.pads;
    links = o.links;
  }
}
