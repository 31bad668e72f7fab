package dev.medialife.mc;

import dev.medialife.kernel.meta.KernelSymbol;

/** What structure embeds an entity ({@code enum media_entity_type}). */
@KernelSymbol("media_entity_type")
public enum EntityObjType {
  /** {@code MEDIA_ENTITY_TYPE_BASE}: a bare entity. */
  BASE,
  /** {@code MEDIA_ENTITY_TYPE_VIDEO_DEVICE}: embedded in a video_device. */
  VIDEO_DEVICE,
  /** {@code MEDIA_ENTITY_TYPE_V4L2_SUBDEV}: embedded in a v4l2_subdev. */
  V4L2_SUBDEV
}
