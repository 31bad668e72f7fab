package dev.medialife.driver.io;

import dev.medialife.kernel.meta.KernelSymbol;

/**
 * A device's register window ({@code struct resource} of type {@code IORESOURCE_MEM}): a name, a
 * size in bytes, and the simulated hardware that answers accesses.
 *
 * @param name the resource name, for reports
 * @param size the window size in bytes
 * @param hw the hardware behind it
 */
@KernelSymbol("resource")
public record MmioRegion(String name, int size, RegisterFile hw) {
  /**
   * Checks the size.
   *
   * @throws IllegalArgumentException for a negative size (a harness bug)
   */
  public MmioRegion {
    if (size < 0) {
      throw new IllegalArgumentException("negative region size " + size);
    }
  }
}
