package dev.medialife.mc;

import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * A pad or an error, as the kernel returns an {@code ERR_PTR}.
 *
 * @param pad the pad, null on error
 * @param error 0 on success, else a negative errno
 */
@KernelSymbol("ERR_PTR")
public record PadResult(@Nullable MediaPad pad, int error) {
  static PadResult of(MediaPad pad) {
    return new PadResult(pad, 0);
  }

  static PadResult err(int error) {
    return new PadResult(null, error);
  }
}
