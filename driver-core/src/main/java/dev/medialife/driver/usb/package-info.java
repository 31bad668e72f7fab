/**
 * USB core (drivers/usb/core): host controllers with root ports, the USB devices plugged into
 * them, their interfaces, and interface drivers matched by {@link
 * dev.medialife.driver.usb.UsbDeviceId} tables.
 *
 * <p>{@link dev.medialife.driver.usb.UsbHost#plug} enumerates a device: it creates a {@link
 * dev.medialife.driver.usb.UsbDevice} named "BUS-PORT" and one {@link
 * dev.medialife.driver.usb.UsbInterface} per interface descriptor, named "BUS-PORT:1.N", which
 * are probed against the registered {@link dev.medialife.driver.usb.UsbDriver}s. {@link
 * dev.medialife.driver.usb.UsbHost#unplug} is {@code usb_disconnect}: every interface's driver is
 * disconnected and the interfaces deleted, then the device; memory stays until the last {@code
 * usbPutIntf}/{@code usbPutDev}.
 */
@NullMarked
package dev.medialife.driver.usb;

import org.jspecify.annotations.NullMarked;
