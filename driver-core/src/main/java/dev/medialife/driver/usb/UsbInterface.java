package dev.medialife.driver.usb;

import dev.medialife.driver.Device;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import org.jspecify.annotations.Nullable;

/**
 * An interface of a USB device ({@code struct usb_interface}): what USB drivers bind to. Its
 * embedded {@link Device} is named "BUS-PORT:1.N" and has the USB device as parent.
 *
 * <p>An interface holds a reference on its USB device from creation to its own release, so that
 * {@link #usbDevice()} ({@code interface_to_usbdev}) stays valid for every holder of an interface
 * reference, even after disconnect.
 */
@KernelSymbol("usb_interface")
public final class UsbInterface {
  private final Allocation mem;
  private final Device dev;
  private final UsbDevice udev;
  private final UsbInterfaceDescriptor descriptor;

  private UsbInterface(UsbDevice udev, Allocation mem, String name, UsbInterfaceDescriptor desc) {
    this.udev = udev.get();
    this.mem = mem;
    this.descriptor = desc;
    this.dev = new Device(udev.device().kernel(), this, mem, name);
    dev.setBus(udev.device().bus());
    dev.setParent(udev.device());
    dev.setRelease(UsbInterface::release);
  }

  static @Nullable UsbInterface alloc(UsbDevice udev, UsbInterfaceDescriptor desc) {
    String name = udev.device().name() + ":1." + desc.number();
    Allocation a = Kmem.kzalloc("usb_interface", name);
    return a == null ? null : new UsbInterface(udev, a, name, desc);
  }

  private static void release(Device d) {
    UsbInterface intf = d.container(UsbInterface.class);
    UsbDevice udev = intf.udev;
    Kmem.kfree(intf.mem, "usb_release_interface");
    udev.put();
  }

  /**
   * Takes a reference.
   *
   * @return this interface
   */
  @KernelSymbol("usb_get_intf")
  public UsbInterface get() {
    dev.get();
    return this;
  }

  /**
   * Drops a reference; the last frees the interface and drops its reference on the device.
   *
   * @return true if this put freed the interface
   */
  @KernelSymbol("usb_put_intf")
  public boolean put() {
    return dev.put();
  }

  /**
   * The USB device the interface belongs to.
   *
   * @return the device (no reference taken; valid while the interface is)
   */
  @KernelSymbol("interface_to_usbdev")
  public UsbDevice usbDevice() {
    return udev;
  }

  /**
   * The embedded device.
   *
   * @return the device
   */
  @KernelSymbol("usb_interface.dev")
  public Device device() {
    return dev;
  }

  /**
   * The interface descriptor.
   *
   * @return the descriptor
   */
  @KernelSymbol("usb_interface.cur_altsetting")
  public UsbInterfaceDescriptor descriptor() {
    return descriptor;
  }

  /**
   * The bound driver's data.
   *
   * @param type the expected type
   * @param <T> that type
   * @return the data, or null
   */
  @KernelSymbol("usb_get_intfdata")
  public <T> @Nullable T getIntfdata(Class<T> type) {
    return dev.drvdata(type);
  }

  /**
   * Sets the driver's data.
   *
   * @param data the data
   */
  @KernelSymbol("usb_set_intfdata")
  public void setIntfdata(@Nullable Object data) {
    dev.setDrvdata(data);
  }

  /**
   * The memory of the interface.
   *
   * @return the allocation
   */
  @JavaOnly("model memory")
  public Allocation mem() {
    return mem;
  }

  @Override
  public String toString() {
    return "usb interface " + dev;
  }
}
