package dev.medialife.allocator;

import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.mc.MediaDevice;
import org.jspecify.annotations.Nullable;

/**
 * A media device or an error, as {@code media_device_usb_allocate} returns an {@code ERR_PTR}.
 *
 * @param mdev the media device, null on error
 * @param error 0 on success, else a negative errno
 */
@KernelSymbol("ERR_PTR")
public record Allocated(@Nullable MediaDevice mdev, int error) {}
