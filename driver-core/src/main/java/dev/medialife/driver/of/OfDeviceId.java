package dev.medialife.driver.of;

import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a driver's device-tree match table ({@code struct of_device_id}).
 *
 * @param compatible the compatible string the entry matches
 * @param data the driver's per-variant data (a record, as {@code hantro_variant}), or null
 */
@KernelSymbol("of_device_id")
public record OfDeviceId(String compatible, @Nullable Object data) {}
