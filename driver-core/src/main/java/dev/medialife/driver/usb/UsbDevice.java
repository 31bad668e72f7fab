package dev.medialife.driver.usb;

import dev.medialife.driver.Device;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A USB device ({@code struct usb_device}) plugged into a root port: an embedded {@link Device}
 * named "BUS-PORT", its address ({@code devnum}), its descriptor and its interfaces.
 *
 * <p>The memory is the {@code usb_device} allocation, freed by the release the last {@link
 * #put()} runs. Each {@link UsbInterface} holds a reference on its device until the interface is
 * released, so {@link UsbInterface#usbDevice()} is valid for as long as the interface is.
 *
 * <p>Implementation notes: {@code interfaces} is written by the host's plug before the device is
 * published and cleared by its unplug (the kernel drops {@code actconfig}); it is volatile for
 * readers in other threads.
 */
@KernelSymbol("usb_device")
public final class UsbDevice {
  private final Allocation mem;
  private final Device dev;
  private final UsbHost host;
  private final int port;
  private final int devnum;
  private final UsbDeviceDescriptor descriptor;
  private volatile List<UsbInterface> interfaces = List.of();
  private final @Nullable UsbFunction function;

  private UsbDevice(
      UsbHost host,
      Allocation mem,
      int port,
      int devnum,
      UsbDeviceDescriptor descriptor,
      @Nullable UsbFunction function) {
    this.host = host;
    this.function = function;
    this.mem = mem;
    this.port = port;
    this.devnum = devnum;
    this.descriptor = descriptor;
    this.dev = new Device(host.core().kernel(), this, mem, host.busnum() + "-" + port);
    dev.setBus(host.core().bus());
    dev.setRelease(UsbDevice::release);
  }

  static @Nullable UsbDevice alloc(
      UsbHost host,
      int port,
      int devnum,
      UsbDeviceDescriptor descriptor,
      @Nullable UsbFunction function) {
    Allocation a = Kmem.kzalloc("usb_device", host.busnum() + "-" + port);
    return a == null ? null : new UsbDevice(host, a, port, devnum, descriptor, function);
  }

  private static void release(Device d) {
    Kmem.kfree(d.container(UsbDevice.class).mem, "usb_release_dev");
  }

  void setInterfaces(List<UsbInterface> intfs) {
    interfaces = List.copyOf(intfs);
  }

  /**
   * Takes a reference.
   *
   * @return this device
   */
  @KernelSymbol("usb_get_dev")
  public UsbDevice get() {
    dev.get();
    return this;
  }

  /**
   * Drops a reference; the last frees the device.
   *
   * @return true if this put freed it
   */
  @KernelSymbol("usb_put_dev")
  public boolean put() {
    return dev.put();
  }

  /**
   * The embedded device.
   *
   * @return the device
   */
  @KernelSymbol("usb_device.dev")
  public Device device() {
    return dev;
  }

  /**
   * The host controller.
   *
   * @return the host
   */
  @KernelSymbol("usb_device.bus")
  public UsbHost host() {
    return host;
  }

  /**
   * The root port the device is plugged into.
   *
   * @return the port, from 1
   */
  @KernelSymbol("usb_device.portnum")
  public int port() {
    return port;
  }

  /**
   * The path of the device below the root hub.
   *
   * @return the devpath, e.g. "2"
   */
  @KernelSymbol("usb_device.devpath")
  public String devpath() {
    return Integer.toString(port);
  }

  /**
   * The device address on its bus.
   *
   * @return the devnum
   */
  @KernelSymbol("usb_device.devnum")
  public int devnum() {
    return devnum;
  }

  /**
   * The descriptor read at enumeration.
   *
   * @return the descriptor
   */
  @KernelSymbol("usb_device.descriptor")
  public UsbDeviceDescriptor descriptor() {
    return descriptor;
  }

  /**
   * The interfaces of the active configuration.
   *
   * @return the interfaces; empty once the device is disconnected
   */
  @KernelSymbol("usb_device.actconfig")
  public List<UsbInterface> interfaces() {
    return interfaces;
  }

  /**
   * The registers and completion lines of a simulated device, as its drivers reach them through
   * control and interrupt transfers.
   *
   * @return the function, or null for a device that offers only its descriptor
   */
  @KernelSymbol("usb_control_msg")
  public @Nullable UsbFunction function() {
    return function;
  }

  /**
   * The memory of the device.
   *
   * @return the allocation
   */
  @JavaOnly("model memory")
  public Allocation mem() {
    return mem;
  }

  @Override
  public String toString() {
    return "usb " + dev;
  }
}
