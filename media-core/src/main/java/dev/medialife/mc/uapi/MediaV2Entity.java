package dev.medialife.mc.uapi;

import dev.medialife.kernel.meta.KernelSymbol;

/**
 * {@code struct media_v2_entity}.
 *
 * @param id the entity id
 * @param name the name ({@code name[64]})
 * @param function the entity function
 * @param flags MEDIA_ENT_FL_*
 */
@KernelSymbol("media_v2_entity")
public record MediaV2Entity(int id, String name, int function, int flags) {}
