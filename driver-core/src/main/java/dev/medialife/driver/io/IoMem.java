package dev.medialife.driver.io;

import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.Devres;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.debug.Stack;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * A driver's mapping of a device's registers (a {@code void __iomem *} cookie): 32-bit accessors
 * that reach the region's {@link RegisterFile} while the mapping lives.
 *
 * <p>The mapping dies at {@link #iounmap()} — called by the driver, or by devres at unbind for a
 * {@link #devmIoremap} mapping — and, for a mapping made while a driver was bound, when that
 * driver is unbound from the device. An access through a dead mapping is reported as {@link
 * Report.HardwareAccessAfterRemove} and does not reach the hardware: {@link #readl} returns
 * {@code 0xffffffff}, what a read of an unplugged device's bus returns. Offsets outside the
 * region or not 4-byte aligned warn and do nothing.
 *
 * <p>Implementation notes: {@code unmapped} is volatile so an accessor is one field read and one
 * driver comparison on the live path. Departure from the kernel: the kernel cannot tell a stale
 * mapping from a live one; the model remembers the driver bound at {@code ioremap} time, so an
 * unbind followed by a rebind of the same driver object is not caught for an unmanaged mapping
 * the driver forgot to unmap.
 */
@KernelSymbol("__iomem")
public final class IoMem {
  /** What {@link #readl} returns through a dead mapping (all ones, as a dead bus). */
  @KernelSymbol("PCI_ERROR_RESPONSE")
  public static final int DEAD_BUS = 0xffffffff;

  private final Device dev;
  private final MmioRegion region;
  private final @Nullable DeviceDriver boundAtMap;
  private volatile boolean unmapped;

  private IoMem(Device dev, MmioRegion region) {
    this.dev = dev;
    this.region = region;
    this.boundAtMap = dev.driver();
  }

  /**
   * Maps a device's register region.
   *
   * <p>Context: process context (usually a probe).
   *
   * @param dev the device the registers belong to
   * @param region its register window
   * @return the mapping
   */
  @KernelSymbol("ioremap")
  public static IoMem ioremap(Device dev, MmioRegion region) {
    return new IoMem(dev, region);
  }

  /**
   * Maps a device's register region for the bound driver; devres unmaps it when the driver is
   * unbound, after its {@code remove}.
   *
   * <p>Context: process context (a probe).
   *
   * @param dev the device
   * @param region its register window
   * @return the mapping, or null when the devres entry cannot be allocated
   */
  @KernelSymbol("devm_ioremap")
  public static @Nullable IoMem devmIoremap(Device dev, MmioRegion region) {
    IoMem m = new IoMem(dev, region);
    if (Devres.addAction(dev, "devm_iounmap " + region.name(), m::iounmap) != 0) {
      return null;
    }
    return m;
  }

  /**
   * Unmaps the registers; later accesses are reported. Unmapping twice warns.
   *
   * <p>Context: process context.
   */
  @KernelSymbol("iounmap")
  public void iounmap() {
    if (Warn.on(unmapped, "iounmap of " + region.name() + " twice")) {
      return;
    }
    unmapped = true;
  }

  /**
   * Whether accesses through this mapping still reach the hardware.
   *
   * @return false after unmap or after the driver that mapped it was unbound
   */
  @JavaOnly("model state; the kernel cannot ask")
  public boolean isMapped() {
    return !unmapped && (boundAtMap == null || boundAtMap == dev.driver());
  }

  /**
   * The region this maps.
   *
   * @return the region
   */
  @JavaOnly("model structure")
  public MmioRegion region() {
    return region;
  }

  /**
   * Reads a 32-bit register.
   *
   * <p>Context: any; does not sleep.
   *
   * @param offset the byte offset, 4-byte aligned, inside the region
   * @return the value, or {@link #DEAD_BUS} through a dead mapping or at a bad offset
   */
  @KernelSymbol("readl")
  public int readl(int offset) {
    if (!access("readl", offset)) {
      return DEAD_BUS;
    }
    return region.hw().read(offset);
  }

  /**
   * Writes a 32-bit register.
   *
   * <p>Context: any; does not sleep.
   *
   * @param offset the byte offset, 4-byte aligned, inside the region
   * @param value the value
   */
  @KernelSymbol("writel")
  public void writel(int offset, int value) {
    if (access("writel", offset)) {
      region.hw().write(offset, value);
    }
  }

  private boolean access(String op, int offset) {
    if (!isMapped()) {
      Sanitizers.report(
          new Report.HardwareAccessAfterRemove(
              dev.name(), region.name(), op, offset, Stack.capture()));
      return false;
    }
    return !Warn.on(
        offset < 0 || offset > region.size() - 4 || (offset & 3) != 0,
        op + " at bad offset 0x" + Integer.toHexString(offset) + " of " + region.name());
  }

  @Override
  public String toString() {
    return "iomem " + region.name() + " of " + dev.name() + (isMapped() ? "" : " (dead)");
  }
}
