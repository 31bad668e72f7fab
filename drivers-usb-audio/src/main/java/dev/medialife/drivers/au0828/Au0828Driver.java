package dev.medialife.drivers.au0828;

import dev.medialife.driver.Module;
import dev.medialife.driver.usb.UsbCore;
import dev.medialife.driver.usb.UsbDeviceId;
import dev.medialife.driver.usb.UsbDriver;
import dev.medialife.driver.usb.UsbInterface;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The au0828 USB driver ({@code au0828_usb_driver}): binds to the vendor-specific video/tuner
 * interface of the stick. Probe allocates the shared media device through the allocator, sets up
 * V4L2 capture and the graph, and registers the media device unless the audio driver already
 * did; disconnect follows the USB disconnect pattern, and the memory goes at the last reference.
 */
@KernelSymbol("au0828_usb_driver")
public final class Au0828Driver {
  /** The vendor id of the stick. */
  public static final int VID = 0x2040;

  /** The product id of the stick. */
  public static final int PID = 0x7200;

  private final Module module;
  private volatile int lastProbe;
  private final UsbDriver driver;
  private final Set<Au0828Dev> live = ConcurrentHashMap.newKeySet();

  /**
   * The driver, owned by {@code module}.
   *
   * @param module the module (au0828)
   */
  public Au0828Driver(Module module) {
    this.module = module;
    this.driver =
        new UsbDriver(
            Au0828Dev.NAME,
            module,
            List.of(UsbDeviceId.deviceAndInterfaceInfo(VID, PID, 0xff, 0, 0)),
            new UsbDriver.Ops() {
              @Override
              public int probe(UsbInterface intf, UsbDeviceId id) {
                return Au0828Driver.this.probe(intf);
              }

              @Override
              public void disconnect(UsbInterface intf) {
                Au0828Driver.this.disconnect(intf);
              }
            });
  }

  /**
   * Registers with the USB core (module init).
   *
   * @param core the USB core
   * @return 0 or the core's error
   */
  public int register(UsbCore core) {
    return core.register(driver);
  }

  /**
   * Deregisters (module exit): every bound interface is disconnected.
   *
   * @param core the USB core
   */
  public void deregister(UsbCore core) {
    core.deregister(driver);
  }

  /**
   * The result of the last probe, as the driver core would log it ("probe failed with error").
   *
   * @return 0 or the negative errno of the last probe
   */
  public int lastProbe() {
    return lastProbe;
  }

  /**
   * The module.
   *
   * @return the module
   */
  public Module module() {
    return module;
  }

  /**
   * The driver state bound to an interface.
   *
   * @param intf the interface
   * @return the state, or null when not bound
   */
  public static @Nullable Au0828Dev of(UsbInterface intf) {
    return intf.getIntfdata(Au0828Dev.class);
  }

  /**
   * How many device structures are still allocated (bound, or unbound with files open).
   *
   * @return the count
   */
  public int live() {
    return live.size();
  }

  private int probe(UsbInterface intf) {
    int ret = doProbe(intf);
    lastProbe = ret;
    return ret;
  }

  private int doProbe(UsbInterface intf) {
    Allocation mem = Kmem.kzalloc("au0828_dev", intf.device().name());
    if (mem == null) {
      return -Errno.ENOMEM;
    }
    Au0828Dev dev = new Au0828Dev(mem, this, intf);
    int ret = dev.probe(module);
    if (ret != 0) {
      Kmem.kfree(mem, "au0828_usb_probe");
      return ret;
    }
    dev.installRelease(module);
    live.add(dev);
    intf.setIntfdata(dev);
    return 0;
  }

  private void disconnect(UsbInterface intf) {
    Au0828Dev dev = of(intf);
    intf.setIntfdata(null);
    if (dev != null) {
      dev.disconnect();
    }
  }

  void released(Au0828Dev dev) {
    live.remove(dev);
  }
}
