package dev.medialife.mc.uapi;

import dev.medialife.kernel.meta.KernelSymbol;

/**
 * {@code struct media_v2_pad}.
 *
 * @param id the pad id
 * @param entityId the id of the pad's entity
 * @param flags MEDIA_PAD_FL_*
 * @param index the pad index (the media version is new enough for {@code MEDIA_V2_PAD_HAS_INDEX})
 */
@KernelSymbol("media_v2_pad")
public record MediaV2Pad(int id, int entityId, int flags, int index) {}
