package dev.medialife.mc.uapi;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.KernelSymbol;

/** {@code struct media_entity_desc}, the argument of MEDIA_IOC_ENUM_ENTITIES. */
@KernelSymbol("media_entity_desc")
public final class MediaEntityDesc implements IoctlArg<MediaEntityDesc> {
  /** {@code sizeof(struct media_entity_desc)}. */
  public static final int SIZE = 256;

  /** {@code id}: in, the entity id, optionally with {@code MEDIA_ENT_ID_FLAG_NEXT}; out, its id. */
  public int id;

  /** {@code name[32]}. */
  public String name = "";

  /** {@code type}: the entity function, mapped to the legacy range. */
  public int type;

  /** {@code revision}. */
  public int revision;

  /** {@code flags}. */
  public int flags;

  /** {@code group_id}. */
  public int groupId;

  /** {@code pads} (u16). */
  public int pads;

  /** {@code links} (u16): outbound links only. */
  public int links;

  /** {@code dev.major}. */
  public int major;

  /** {@code dev.minor}. */
  public int minor;

  /** An all-zero struct. */
  @KernelSymbol("media_entity_desc")
  public MediaEntityDesc() {}

  /**
   * A struct asking for entity {@code id}.
   *
   * @param id the id, optionally ORed with {@code MEDIA_ENT_ID_FLAG_NEXT}
   */
  @KernelSymbol("media_entity_desc")
  public MediaEntityDesc(int id) {
    this.id = id;
  }

  @Override
  @KernelSymbol("copy_from_user")
  public MediaEntityDesc copy() {
    MediaEntityDesc c = new MediaEntityDesc();
    c.copyFrom(this);
    return c;
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(MediaEntityDesc o) {
    id = o.id;
    name = o.name;
    type = o.type;
    revision = o.revision;
    flags = o.flags;
    groupId = o.groupId;
    pads = o.pads;
    links = o.links;
    major = o.major;
    minor = o.minor;
  }
}
