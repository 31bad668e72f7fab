package dev.medialife.driver.io;

import dev.medialife.kernel.meta.JavaOnly;

/** The simulated hardware behind an {@link MmioRegion}: what its registers do when accessed. */
@JavaOnly("the simulated device's side of the bus")
public interface RegisterFile {
  /**
   * Required. Reads a 32-bit register.
   *
   * <p>Context: the accessing driver's thread; may be atomic context (an interrupt handler).
   *
   * @param offset the register offset, 4-byte aligned and inside the region
   * @return the register value
   */
  int read(int offset);

  /**
   * Required. Writes a 32-bit register.
   *
   * <p>Context: as {@link #read}.
   *
   * @param offset the register offset, 4-byte aligned and inside the region
   * @param value the value written
   */
  void write(int offset, int value);
}
