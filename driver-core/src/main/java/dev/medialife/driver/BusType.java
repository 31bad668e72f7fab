package dev.medialife.driver;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A bus ({@code struct bus_type}): the devices on it, the drivers registered for it, the match
 * rule between them, and the sysfs {@code bind} and {@code unbind} files of each driver.
 *
 * <p>Probing follows the kernel: adding a device tries the bus's drivers in registration order
 * until one binds; registering a driver tries every unbound device. A probe runs with the device
 * lock held; a failed probe releases what it registered with devres and leaves the device unbound.
 * Unbinding (device removal, driver unregistration, sysfs {@code unbind}) runs the driver's
 * {@code remove}, then releases its devres, then clears the driver and its data.
 *
 * <p>Implementation notes: the device and driver lists are guarded by the bus's monitor and only
 * copied under it; probe and remove run outside it, so that a probe may add child devices to the
 * same bus. Lock order: device lock, then the bus monitor.
 */
@KernelSymbol("bus_type")
public final class BusType {

  /** The bus's match rule. */
  @KernelSymbol("bus_type.match")
  public interface Match {
    /**
     * Required. Whether a driver can drive a device.
     *
     * <p>Context: may not sleep.
     *
     * @param dev the device
     * @param drv the driver
     * @return true on a match
     */
    @KernelSymbol("bus_type.match")
    boolean match(Device dev, DeviceDriver drv);
  }

  private final String name;
  private final Match match;

  @GuardedBy("this")
  private final List<Device> devices = new ArrayList<>();

  @GuardedBy("this")
  private final List<DeviceDriver> drivers = new ArrayList<>();

  /**
   * Creates a bus; register it with {@link Kernel#busRegister}.
   *
   * @param name the bus name, as in /sys/bus/NAME
   * @param match the match rule
   */
  @KernelSymbol("bus_type")
  public BusType(String name, Match match) {
    this.name = name;
    this.match = match;
  }

  /**
   * The bus name.
   *
   * @return the name
   */
  @KernelSymbol("bus_type.name")
  public String name() {
    return name;
  }

  synchronized void addDevice(Device dev) {
    devices.add(dev);
  }

  /** Unbinds the device's driver, then takes it off the bus. */
  void removeDevice(Device dev) {
    releaseDriver(dev);
    synchronized (this) {
      devices.remove(dev);
    }
  }

  /** Tries the bus's drivers, in registration order, until one binds. */
  void probeDevice(Device dev) {
    for (DeviceDriver drv : driversSnapshot()) {
      if (dev.driver() != null) {
        return;
      }
      if (match.match(dev, drv) && probe(dev, drv) == 0) {
        return;
      }
    }
  }

  /**
   * Binds a driver to a device: the core of probing.
   *
   * @return 0, the probe's error, {@code -ENODEV} if the device is gone, {@code -EBUSY} if bound
   */
  private int probe(Device dev, DeviceDriver drv) {
    dev.lock();
    try {
      if (!dev.isRegistered()) {
        return -Errno.ENODEV;
      }
      if (dev.driver() != null) {
        return -Errno.EBUSY;
      }
      dev.setDriver(drv);
      int ret = drv.ops().probe(dev);
      if (ret != 0) {
        Devres.releaseAll(dev);
        dev.setDriver(null);
        dev.setDrvdata(null);
      }
      return ret;
    } finally {
      dev.unlock();
    }
  }

  /** Unbinds whatever driver is bound: remove, then devres, then clear. */
  private static void releaseDriver(Device dev) {
    dev.lock();
    try {
      DeviceDriver drv = dev.driver();
      if (drv == null) {
        return;
      }
      drv.ops().remove(dev);
      Devres.releaseAll(dev);
      dev.setDriver(null);
      dev.setDrvdata(null);
    } finally {
      dev.unlock();
    }
  }

  private synchronized List<DeviceDriver> driversSnapshot() {
    return List.copyOf(drivers);
  }

  private synchronized List<Device> devicesSnapshot() {
    return List.copyOf(devices);
  }

  /**
   * Registers a driver and binds it to every matching unbound device. A driver owned by a module
   * is unregistered when that module unloads, as {@code module_driver()} arranges.
   *
   * <p>Context: process context; may sleep (probing).
   *
   * @param drv the driver
   * @return 0, or {@code -EBUSY} if a driver of that name is already registered
   */
  @KernelSymbol("driver_register")
  public int driverRegister(DeviceDriver drv) {
    synchronized (this) {
      for (DeviceDriver d : drivers) {
        if (d.name().equals(drv.name())) {
          return -Errno.EBUSY;
        }
      }
      drivers.add(drv);
      drv.setBus(this);
    }
    Module owner = drv.owner();
    if (owner != null) {
      owner.onExit(() -> driverUnregister(drv));
    }
    for (Device dev : devicesSnapshot()) {
      if (dev.driver() == null && match.match(dev, drv)) {
        probe(dev, drv);
      }
    }
    return 0;
  }

  /**
   * Unbinds a driver from all its devices and unregisters it; does nothing if it is not
   * registered on this bus.
   *
   * <p>Context: process context; may sleep (removal).
   *
   * @param drv the driver
   */
  @KernelSymbol("driver_unregister")
  public void driverUnregister(DeviceDriver drv) {
    synchronized (this) {
      if (!drivers.remove(drv)) {
        return;
      }
    }
    for (Device dev : devicesSnapshot()) {
      if (dev.driver() == drv) {
        releaseDriver(dev);
      }
    }
    drv.setBus(null);
  }

  /**
   * Finds a device on this bus by name, taking a reference the caller must drop.
   *
   * @param devName the device name
   * @return the device with a reference held, or null
   */
  @KernelSymbol("bus_find_device_by_name")
  public @Nullable Device findDevice(String devName) {
    synchronized (this) {
      for (Device d : devices) {
        if (d.name().equals(devName)) {
          return d.get();
        }
      }
    }
    return null;
  }

  /**
   * Finds a registered driver by name.
   *
   * @param drvName the driver name
   * @return the driver, or null
   */
  @KernelSymbol("driver_find")
  public synchronized @Nullable DeviceDriver findDriver(String drvName) {
    for (DeviceDriver d : drivers) {
      if (d.name().equals(drvName)) {
        return d;
      }
    }
    return null;
  }

  /**
   * The devices on the bus, in the order they were added.
   *
   * @return a snapshot
   */
  @KernelSymbol("bus_for_each_dev")
  public List<Device> devices() {
    return devicesSnapshot();
  }

  /**
   * Writes {@code devName} to {@code /sys/bus/BUS/drivers/DRIVER/bind}.
   *
   * <p>Context: process context; may sleep.
   *
   * @param drvName the driver
   * @param devName the device
   * @return 0; {@code -ENOENT} when the driver or its bind file does not exist ({@code
   *     suppress_bind_attrs}); {@code -ENODEV} for an unknown or non-matching device; {@code
   *     -EBUSY} when the device is bound; or the probe's error
   */
  @KernelSymbol("bind_store")
  public int bind(String drvName, String devName) {
    return sysfsStore(drvName, devName, (dev, drv) -> match.match(dev, drv) ? probe(dev, drv)
        : -Errno.ENODEV);
  }

  /** What a sysfs bind or unbind store does once driver and device are found. */
  private interface Store {
    int apply(Device dev, DeviceDriver drv);
  }

  /**
   * The common part of {@code bind_store} and {@code unbind_store}: the driver's file exists only
   * if the driver does and does not suppress it; the device is looked up by name with a reference
   * held while {@code store} runs.
   */
  private int sysfsStore(String drvName, String devName, Store store) {
    DeviceDriver drv = findDriver(drvName);
    if (drv == null || drv.suppressBindAttrs()) {
      return -Errno.ENOENT;
    }
    Device dev = findDevice(devName);
    if (dev == null) {
      return -Errno.ENODEV;
    }
    try {
      return store.apply(dev, drv);
    } finally {
      dev.put();
    }
  }

  /**
   * Writes {@code devName} to {@code /sys/bus/BUS/drivers/DRIVER/unbind}.
   *
   * <p>Context: process context; may sleep.
   *
   * @param drvName the driver
   * @param devName the device
   * @return 0; {@code -ENOENT} when the driver or its unbind file does not exist; {@code -ENODEV}
   *     when the device is unknown or not bound to that driver
   */
  @KernelSymbol("unbind_store")
  public int unbind(String drvName, String devName) {
    return sysfsStore(
        drvName,
        devName,
        (dev, drv) -> {
          if (dev.driver() != drv) {
            return -Errno.ENODEV;
          }
          releaseDriver(dev);
          return 0;
        });
  }

  @Override
  public String toString() {
    return "bus " + name;
  }
}
