package dev.medialife.mc;

import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.mc.uapi.MediaUapi;
import org.jspecify.annotations.Nullable;

/**
 * A pad ({@code struct media_pad}): a connection point of an entity, a sink or a source. A driver
 * creates its pads with their flags and hands them to {@link MediaEntity#padsInit}, which sets
 * each pad's entity and index.
 */
@KernelSymbol("media_pad")
public final class MediaPad extends MediaGobj {
  private final int flags;
  private volatile @Nullable MediaEntity entity;
  private volatile int index;
  private volatile @Nullable MediaPipeline pipe;

  /**
   * A pad with {@code MEDIA_PAD_FL_*} flags.
   *
   * @param flags the flags; {@link MediaEntity#padsInit} requires exactly one of SINK and SOURCE
   */
  @KernelSymbol("media_pad.flags")
  public MediaPad(int flags) {
    super(GobjType.PAD);
    this.flags = flags;
  }

  /**
   * A sink pad.
   *
   * @return the pad
   */
  @KernelSymbol("MEDIA_PAD_FL_SINK")
  public static MediaPad sink() {
    return new MediaPad(MediaUapi.MEDIA_PAD_FL_SINK);
  }

  /**
   * A source pad.
   *
   * @return the pad
   */
  @KernelSymbol("MEDIA_PAD_FL_SOURCE")
  public static MediaPad source() {
    return new MediaPad(MediaUapi.MEDIA_PAD_FL_SOURCE);
  }

  /**
   * The pad's flags.
   *
   * @return MEDIA_PAD_FL_* bits
   */
  @KernelSymbol("media_pad.flags")
  public int flags() {
    return flags;
  }

  /**
   * Whether this is a sink pad.
   *
   * @return true for a sink
   */
  @KernelSymbol("MEDIA_PAD_FL_SINK")
  public boolean isSink() {
    return (flags & MediaUapi.MEDIA_PAD_FL_SINK) != 0;
  }

  /**
   * Whether this is a source pad.
   *
   * @return true for a source
   */
  @KernelSymbol("MEDIA_PAD_FL_SOURCE")
  public boolean isSource() {
    return (flags & MediaUapi.MEDIA_PAD_FL_SOURCE) != 0;
  }

  /**
   * The entity the pad belongs to.
   *
   * @return the entity
   * @throws IllegalStateException if the pad was never given to {@link MediaEntity#padsInit} (a
   *     harness bug: C would dereference NULL)
   */
  @KernelSymbol("media_pad.entity")
  public MediaEntity entity() {
    MediaEntity e = entity;
    if (e == null) {
      throw new IllegalStateException("pad not initialised by media_entity_pads_init");
    }
    return e;
  }

  /**
   * The pad's index in its entity.
   *
   * @return the index
   */
  @KernelSymbol("media_pad.index")
  public int index() {
    return index;
  }

  /**
   * The pipeline the pad is part of, or null when not streaming.
   *
   * @return the pipeline
   */
  @KernelSymbol("media_pad_pipeline")
  public @Nullable MediaPipeline pipeline() {
    return pipe;
  }

  void init(MediaEntity owner, int idx) {
    this.entity = owner;
    this.index = idx;
  }

  void setPipeline(@Nullable MediaPipeline p) {
    this.pipe = p;
  }

  @Override
  public String toString() {
    MediaEntity e = entity;
    return "pad " + (e == null ? "?" : e.name()) + ":" + index;
  }
}
