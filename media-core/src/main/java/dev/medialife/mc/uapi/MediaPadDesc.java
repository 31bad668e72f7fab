package dev.medialife.mc.uapi;

import dev.medialife.kernel.meta.KernelSymbol;

/** {@code struct media_pad_desc}. */
@KernelSymbol("media_pad_desc")
public final class MediaPadDesc {
  /** {@code entity}: the entity id. */
  public int entity;

  /** {@code index} (u16): the pad index. */
  public int index;

  /** {@code flags}: MEDIA_PAD_FL_*. */
  public int flags;

  /** An all-zero struct. */
  @KernelSymbol("media_pad_desc")
  public MediaPadDesc() {}

  /**
   * A pad descriptor.
   *
   * @param entity the entity id
   * @param index the pad index
   * @param flags the pad flags
   */
  @KernelSymbol("media_pad_desc")
  public MediaPadDesc(int entity, int index, int flags) {
    this.entity = entity;
    this.index = index;
    this.flags = flags;
  }

  /**
   * A copy of this descriptor.
   *
   * @return the copy
   */
  @KernelSymbol("media_pad_desc")
  public MediaPadDesc copy() {
    return new MediaPadDesc(entity, index, flags);
  }
}
