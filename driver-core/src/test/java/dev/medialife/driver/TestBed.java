package dev.medialife.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A kernel with one simple bus ("sample") whose devices match drivers by name prefix, and helpers
 * to add and remove plain devices on it.
 */
final class TestBed {
  final Kernel kernel = new Kernel();
  final BusType bus = new BusType("sample", (dev, drv) -> dev.name().startsWith(drv.name()));
  final List<String> log = new ArrayList<>();

  TestBed() {
    assertEquals(0, kernel.busRegister(bus));
  }

  /** A plain device on the sample bus, allocated as "sample_device" and freed by its release. */
  static final class PlainDevice {
    final Allocation mem;
    final Device dev;

    PlainDevice(Kernel kernel, BusType bus, String name) {
      this(kernel, bus, name, notNull(Kmem.kzalloc("sample_device", name)));
    }

    private PlainDevice(Kernel kernel, BusType bus, String name, Allocation a) {
      mem = a;
      dev = new Device(kernel, this, a, name);
      dev.setBus(bus);
      dev.setRelease(d -> Kmem.kfree(d.container(PlainDevice.class).mem, "sample_device_release"));
    }
  }

  /** A plain device, or null when its allocation fails (for fault sweeps). */
  static @Nullable PlainDevice tryCreate(Kernel kernel, BusType bus, String name) {
    Allocation a = Kmem.kzalloc("sample_device", name);
    return a == null ? null : new PlainDevice(kernel, bus, name, a);
  }

  private static Allocation notNull(@Nullable Allocation a) {
    assertNotNull(a);
    return a;
  }

  /** Adds a device named {@code name}; asserts success. */
  Device addDevice(String name) {
    PlainDevice p = new PlainDevice(kernel, bus, name);
    assertEquals(0, p.dev.add());
    return p.dev;
  }

  /** Finds a device by name and unregisters it. */
  void unregister(String name) {
    Device d = bus.findDevice(name);
    assertNotNull(d);
    d.put();
    d.unregister();
  }

  /** A driver that logs probe and remove and succeeds unless told to fail. */
  DeviceDriver loggingDriver(String name, int probeResult) {
    return new DeviceDriver(
        name,
        null,
        false,
        new DeviceDriver.Ops() {
          @Override
          public int probe(Device dev) {
            log.add("probe " + name + " " + dev.name());
            return probeResult;
          }

          @Override
          public void remove(Device dev) {
            log.add("remove " + name + " " + dev.name());
          }
        });
  }
}
