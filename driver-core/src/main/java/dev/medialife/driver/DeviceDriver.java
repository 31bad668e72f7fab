package dev.medialife.driver;

import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * A driver in the driver model ({@code struct device_driver}): a name, the module that owns it,
 * whether manual bind and unbind through sysfs are suppressed, and its probe and remove
 * operations. Bus-specific drivers (platform, USB) wrap one of these with operations that convert
 * the generic device to their own type.
 */
@KernelSymbol("device_driver")
public final class DeviceDriver {

  /** The driver's operations on a generic device. */
  @KernelSymbol("device_driver")
  public interface Ops {
    /**
     * Required. Binds the driver to a device: set up, map, register.
     *
     * <p>Context: process context, device lock held; may sleep.
     *
     * @param dev the device
     * @return 0 on success or a negative errno; on failure the core releases the devres the probe
     *     registered
     */
    @KernelSymbol("device_driver.probe")
    int probe(Device dev);

    /**
     * Optional. Unbinds the driver: all hardware access must have stopped when this returns.
     * Devres is released by the core afterwards.
     *
     * <p>Context: process context, device lock held; may sleep.
     *
     * @param dev the device
     */
    @KernelSymbol("device_driver.remove")
    default void remove(Device dev) {}
  }

  private final String name;
  private final @Nullable Module owner;
  private final boolean suppressBindAttrs;
  private final Ops ops;
  private volatile @Nullable BusType bus;

  /**
   * Creates a driver.
   *
   * @param name the driver's name, as in /sys/bus/BUS/drivers/NAME
   * @param owner the module that owns it, or null for built-in drivers
   * @param suppressBindAttrs true to refuse manual bind and unbind through sysfs
   * @param ops its operations
   */
  @KernelSymbol("device_driver")
  public DeviceDriver(String name, @Nullable Module owner, boolean suppressBindAttrs, Ops ops) {
    this.name = name;
    this.owner = owner;
    this.suppressBindAttrs = suppressBindAttrs;
    this.ops = ops;
  }

  /**
   * The driver's name.
   *
   * @return the name
   */
  @KernelSymbol("device_driver.name")
  public String name() {
    return name;
  }

  /**
   * The owning module.
   *
   * @return the module, or null when built in
   */
  @KernelSymbol("device_driver.owner")
  public @Nullable Module owner() {
    return owner;
  }

  /**
   * Whether sysfs bind and unbind are refused.
   *
   * @return the flag
   */
  @KernelSymbol("device_driver.suppress_bind_attrs")
  public boolean suppressBindAttrs() {
    return suppressBindAttrs;
  }

  /**
   * The bus the driver is registered on.
   *
   * @return the bus, or null when not registered
   */
  @KernelSymbol("device_driver.bus")
  public @Nullable BusType bus() {
    return bus;
  }

  void setBus(@Nullable BusType b) {
    bus = b;
  }

  Ops ops() {
    return ops;
  }

  @Override
  @JavaOnly("diagnostics")
  public String toString() {
    return "driver " + name;
  }
}
