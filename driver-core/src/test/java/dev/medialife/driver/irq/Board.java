package dev.medialife.driver.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.medialife.driver.BusType;
import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.Kernel;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;

/**
 * A kernel with one bus ("sample", matching by name prefix) and plain devices on it, for the irq
 * and io tests.
 */
public final class Board {
  public final Kernel kernel = new Kernel();
  public final BusType bus = new BusType("sample", (dev, drv) -> dev.name().startsWith(drv.name()));

  public Board() {
    assertEquals(0, kernel.busRegister(bus));
  }

  /** Adds a plain device whose release frees its container; asserts success. */
  public Device addDevice(String name) {
    Allocation mem = Kmem.kzalloc("sample_device", name);
    assertNotNull(mem);
    Device dev = new Device(kernel, new Object(), mem, name);
    dev.setBus(bus);
    dev.setRelease(d -> Kmem.kfree(mem, "sample_device_release"));
    assertEquals(0, dev.add());
    return dev;
  }

  /** Registers a driver; asserts success. */
  public void register(String name, DeviceDriver.Ops ops) {
    assertEquals(0, bus.driverRegister(new DeviceDriver(name, null, false, ops)));
  }
}
