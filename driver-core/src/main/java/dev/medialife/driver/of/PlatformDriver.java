package dev.medialife.driver.of;

import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.Module;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A platform driver ({@code struct platform_driver}): a generic {@link DeviceDriver} whose
 * operations convert the device to its {@link PlatformDevice}, and a device-tree match table.
 */
@KernelSymbol("platform_driver")
public final class PlatformDriver {

  /** A platform driver's operations. */
  @KernelSymbol("platform_driver")
  public interface Ops {
    /**
     * Required. Binds to a platform device.
     *
     * <p>Context: process context, device lock held; may sleep.
     *
     * @param pdev the device
     * @return 0 or a negative errno
     */
    @KernelSymbol("platform_driver.probe")
    int probe(PlatformDevice pdev);

    /**
     * Optional. Unbinds from a platform device; devres is released afterwards.
     *
     * <p>Context: process context, device lock held; may sleep.
     *
     * @param pdev the device
     */
    @KernelSymbol("platform_driver.remove")
    default void remove(PlatformDevice pdev) {}
  }

  private final List<OfDeviceId> ofMatchTable;
  private final DeviceDriver driver;

  /**
   * Creates a platform driver.
   *
   * @param name the driver name
   * @param owner the owning module, or null when built in
   * @param ofMatchTable the device-tree match table (may be empty: match by name)
   * @param suppressBindAttrs true to refuse sysfs bind and unbind
   * @param ops the operations
   */
  @KernelSymbol("platform_driver")
  public PlatformDriver(
      String name,
      @Nullable Module owner,
      List<OfDeviceId> ofMatchTable,
      boolean suppressBindAttrs,
      Ops ops) {
    this.ofMatchTable = List.copyOf(ofMatchTable);
    this.driver =
        new DeviceDriver(
            name,
            owner,
            suppressBindAttrs,
            new DeviceDriver.Ops() {
              @Override
              public int probe(Device dev) {
                return ops.probe(dev.container(PlatformDevice.class));
              }

              @Override
              public void remove(Device dev) {
                ops.remove(dev.container(PlatformDevice.class));
              }
            });
  }

  /**
   * The driver's name.
   *
   * @return the name
   */
  @KernelSymbol("device_driver.name")
  public String name() {
    return driver.name();
  }

  /**
   * The device-tree match table.
   *
   * @return an immutable list
   */
  @KernelSymbol("device_driver.of_match_table")
  public List<OfDeviceId> ofMatchTable() {
    return ofMatchTable;
  }

  /**
   * The embedded generic driver.
   *
   * @return the driver
   */
  @KernelSymbol("platform_driver.driver")
  public DeviceDriver driver() {
    return driver;
  }

  @Override
  @JavaOnly("diagnostics")
  public String toString() {
    return "platform driver " + driver.name();
  }
}
