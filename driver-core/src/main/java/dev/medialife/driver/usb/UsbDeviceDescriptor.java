package dev.medialife.driver.usb;

import dev.medialife.kernel.meta.KernelSymbol;
import java.util.List;

/**
 * What enumeration reads from a device: the device descriptor ({@code struct
 * usb_device_descriptor}), its strings, and the interfaces of its (single) configuration.
 *
 * @param idVendor {@code idVendor}
 * @param idProduct {@code idProduct}
 * @param bcdDevice {@code bcdDevice}
 * @param manufacturer the manufacturer string (string descriptor iManufacturer)
 * @param product the product string (string descriptor iProduct)
 * @param serial the {@code iSerialNumber} string
 * @param interfaces the interfaces of configuration 1, in order
 */
@KernelSymbol("usb_device_descriptor")
public record UsbDeviceDescriptor(
    int idVendor,
    int idProduct,
    int bcdDevice,
    String manufacturer,
    String product,
    String serial,
    List<UsbInterfaceDescriptor> interfaces) {
  /** Copies the interface list. */
  public UsbDeviceDescriptor {
    interfaces = List.copyOf(interfaces);
  }
}
