package dev.medialife.mc.uapi;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.KernelSymbol;

/** {@code struct media_link_desc}, an ENUM_LINKS entry and the argument of SETUP_LINK. */
@KernelSymbol("media_link_desc")
public final class MediaLinkDesc implements IoctlArg<MediaLinkDesc> {
  /** {@code sizeof(struct media_link_desc)}. */
  public static final int SIZE = 52;

  /** {@code source}. */
  public MediaPadDesc source = new MediaPadDesc();

  /** {@code sink}. */
  public MediaPadDesc sink = new MediaPadDesc();

  /** {@code flags}: MEDIA_LNK_FL_*. */
  public int flags;

  /** An all-zero struct. */
  @KernelSymbol("media_link_desc")
  public MediaLinkDesc() {}

  /**
   * A link descriptor.
   *
   * @param source the source pad
   * @param sink the sink pad
   * @param flags the link flags
   */
  @KernelSymbol("media_link_desc")
  public MediaLinkDesc(MediaPadDesc source, MediaPadDesc sink, int flags) {
    this.source = source;
    this.sink = sink;
    this.flags = flags;
  }

  @Override
  @KernelSymbol("copy_from_user")
  public MediaLinkDesc copy() {
    return new MediaLinkDesc(source.copy(), sink.copy(), flags);
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(MediaLinkDesc o) {
    source = o.source.copy();
    sink = o.sink.copy();
    flags = o.flags;
  }
}
