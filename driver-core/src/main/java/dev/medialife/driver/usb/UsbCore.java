package dev.medialife.driver.usb;

import dev.medialife.driver.BusType;
import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.Kernel;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The USB core of one {@link Kernel}: the bus "usb" ({@code usb_bus_type}), its interface drivers
 * and its host controllers.
 *
 * <p>Only {@link UsbInterface}s are matched against drivers; a {@link UsbDevice} sits on the bus
 * unbound (the kernel's generic device driver is not modelled).
 *
 * <p>Implementation notes: the generic bus knows only {@link DeviceDriver}s, so the core maps each
 * to its {@link UsbDriver} in a concurrent map, written before the driver is visible on the bus.
 */
@KernelSymbol("usb_bus_type")
public final class UsbCore {
  /** The bus name. */
  @KernelSymbol("usb_bus_type.name")
  public static final String NAME = "usb";

  private final Kernel kernel;
  private final BusType bus;
  private final Map<DeviceDriver, UsbDriver> drivers = new ConcurrentHashMap<>();

  private UsbCore(Kernel kernel) {
    this.kernel = kernel;
    this.bus = new BusType(NAME, this::match);
  }

  /**
   * Initialises USB in a kernel: registers the bus "usb".
   *
   * @param kernel the kernel
   * @return the core, or null if the kernel already has a bus named "usb"
   */
  @KernelSymbol("usb_init")
  public static @Nullable UsbCore register(Kernel kernel) {
    UsbCore core = new UsbCore(kernel);
    return kernel.busRegister(core.bus) == 0 ? core : null;
  }

  private boolean match(Device dev, DeviceDriver drv) {
    UsbDriver udrv = drivers.get(drv);
    return udrv != null
        && dev.container(Object.class) instanceof UsbInterface intf
        && UsbDeviceId.matchId(intf, udrv.idTable()) != null;
  }

  /**
   * The kernel.
   *
   * @return the kernel
   */
  @JavaOnly("model context")
  public Kernel kernel() {
    return kernel;
  }

  /**
   * The generic bus.
   *
   * @return the bus
   */
  @KernelSymbol("usb_bus_type")
  public BusType bus() {
    return bus;
  }

  /**
   * Adds a host controller with its root ports.
   *
   * @param busnum the USB bus number (the first part of device names)
   * @param ports the number of root ports, numbered from 1
   * @return the host
   */
  @KernelSymbol("usb_add_hcd")
  public UsbHost addHost(int busnum, int ports) {
    return new UsbHost(this, busnum, ports);
  }

  /**
   * Registers a USB driver and probes it against unbound interfaces.
   *
   * <p>Context: process context; may sleep (probing).
   *
   * @param udrv the driver
   * @return 0 or {@code -EBUSY} if it, or a driver of its name, is registered
   */
  @KernelSymbol("usb_register")
  public int register(UsbDriver udrv) {
    if (drivers.putIfAbsent(udrv.driver(), udrv) != null) {
      return -Errno.EBUSY;
    }
    int ret = bus.driverRegister(udrv.driver());
    if (ret != 0) {
      drivers.remove(udrv.driver());
    }
    return ret;
  }

  /**
   * Disconnects a USB driver from its interfaces and unregisters it.
   *
   * <p>Context: process context; may sleep.
   *
   * @param udrv the driver
   */
  @KernelSymbol("usb_deregister")
  public void deregister(UsbDriver udrv) {
    bus.driverUnregister(udrv.driver());
    drivers.remove(udrv.driver());
  }

  @Override
  public String toString() {
    return "usb core";
  }
}
