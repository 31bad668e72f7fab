package dev.medialife.mc.uapi;

import dev.medialife.kernel.meta.KernelSymbol;

/**
 * {@code struct media_v2_link}.
 *
 * @param id the link id
 * @param sourceId the source pad's id, or the interface's id for an interface link
 * @param sinkId the sink pad's id, or the entity's id for an interface link
 * @param flags MEDIA_LNK_FL_*, including the link type
 */
@KernelSymbol("media_v2_link")
public record MediaV2Link(int id, int sourceId, int sinkId, int flags) {}
