package dev.medialife.mc.uapi;

import dev.medialife.kernel.meta.KernelSymbol;

/**
 * {@code struct media_v2_interface} with its {@code devnode} member.
 *
 * @param id the interface id
 * @param intfType MEDIA_INTF_T_*
 * @param flags the interface flags
 * @param major the device node's major
 * @param minor the device node's minor
 */
@KernelSymbol("media_v2_interface")
public record MediaV2Interface(int id, int intfType, int flags, int major, int minor) {}
