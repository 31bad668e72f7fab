package dev.medialife.driver.usb;

import dev.medialife.kernel.meta.KernelSymbol;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a USB driver's id table ({@code struct usb_device_id}): which fields to match, their
 * values, and the driver's data for the entry.
 *
 * @param matchFlags a mask of the {@code MATCH_} flags
 * @param idVendor the vendor to match
 * @param idProduct the product to match
 * @param interfaceClass the interface class to match
 * @param interfaceSubClass the interface subclass to match
 * @param interfaceProtocol the interface protocol to match
 * @param driverInfo the driver's data, or null
 */
@KernelSymbol("usb_device_id")
public record UsbDeviceId(
    int matchFlags,
    int idVendor,
    int idProduct,
    int interfaceClass,
    int interfaceSubClass,
    int interfaceProtocol,
    @Nullable Object driverInfo) {
  /** Match {@code idVendor}. */
  @KernelSymbol("USB_DEVICE_ID_MATCH_VENDOR")
  public static final int MATCH_VENDOR = 0x0001;

  /** Match {@code idProduct}. */
  @KernelSymbol("USB_DEVICE_ID_MATCH_PRODUCT")
  public static final int MATCH_PRODUCT = 0x0002;

  /** Match {@code bInterfaceClass}. */
  @KernelSymbol("USB_DEVICE_ID_MATCH_INT_CLASS")
  public static final int MATCH_INT_CLASS = 0x0080;

  /** Match {@code bInterfaceSubClass}. */
  @KernelSymbol("USB_DEVICE_ID_MATCH_INT_SUBCLASS")
  public static final int MATCH_INT_SUBCLASS = 0x0100;

  /** Match {@code bInterfaceProtocol}. */
  @KernelSymbol("USB_DEVICE_ID_MATCH_INT_PROTOCOL")
  public static final int MATCH_INT_PROTOCOL = 0x0200;

  private static final int MATCH_INT_INFO = MATCH_INT_CLASS | MATCH_INT_SUBCLASS | MATCH_INT_PROTOCOL;

  /**
   * An entry matching a vendor and product.
   *
   * @param vendor the vendor id
   * @param product the product id
   * @return the entry
   */
  @KernelSymbol("USB_DEVICE")
  public static UsbDeviceId device(int vendor, int product) {
    return new UsbDeviceId(MATCH_VENDOR | MATCH_PRODUCT, vendor, product, 0, 0, 0, null);
  }

  /**
   * An entry matching an interface class, subclass and protocol.
   *
   * @param cls the class
   * @param subClass the subclass
   * @param protocol the protocol
   * @return the entry
   */
  @KernelSymbol("USB_INTERFACE_INFO")
  public static UsbDeviceId interfaceInfo(int cls, int subClass, int protocol) {
    return new UsbDeviceId(MATCH_INT_INFO, 0, 0, cls, subClass, protocol, null);
  }

  /**
   * An entry matching a vendor, a product and an interface class, subclass and protocol.
   *
   * @param vendor the vendor id
   * @param product the product id
   * @param cls the class
   * @param subClass the subclass
   * @param protocol the protocol
   * @return the entry
   */
  @KernelSymbol("USB_DEVICE_AND_INTERFACE_INFO")
  public static UsbDeviceId deviceAndInterfaceInfo(
      int vendor, int product, int cls, int subClass, int protocol) {
    return new UsbDeviceId(
        MATCH_VENDOR | MATCH_PRODUCT | MATCH_INT_INFO, vendor, product, cls, subClass, protocol,
        null);
  }

  /**
   * This entry with driver data.
   *
   * @param info the data
   * @return a copy carrying it
   */
  @KernelSymbol("usb_device_id.driver_info")
  public UsbDeviceId withDriverInfo(Object info) {
    return new UsbDeviceId(
        matchFlags, idVendor, idProduct, interfaceClass, interfaceSubClass, interfaceProtocol,
        info);
  }

  /**
   * Whether this entry matches an interface of a device.
   *
   * @param dev the device's descriptor
   * @param intf the interface's descriptor
   * @return true on a match
   */
  @KernelSymbol("usb_match_one_id")
  public boolean matches(UsbDeviceDescriptor dev, UsbInterfaceDescriptor intf) {
    if (matchFlags == 0) {
      return false;
    }
    return (!has(MATCH_VENDOR) || dev.idVendor() == idVendor)
        && (!has(MATCH_PRODUCT) || dev.idProduct() == idProduct)
        && (!has(MATCH_INT_CLASS) || intf.interfaceClass() == interfaceClass)
        && (!has(MATCH_INT_SUBCLASS) || intf.subClass() == interfaceSubClass)
        && (!has(MATCH_INT_PROTOCOL) || intf.protocol() == interfaceProtocol);
  }

  private boolean has(int flag) {
    return (matchFlags & flag) != 0;
  }

  /**
   * The first entry of a table that matches an interface.
   *
   * @param intf the interface
   * @param table the id table
   * @return the entry, or null
   */
  @KernelSymbol("usb_match_id")
  public static @Nullable UsbDeviceId matchId(UsbInterface intf, List<UsbDeviceId> table) {
    UsbDeviceDescriptor d = intf.usbDevice().descriptor();
    for (UsbDeviceId id : table) {
      if (id.matches(d, intf.descriptor())) {
        return id;
      }
    }
    return null;
  }
}
