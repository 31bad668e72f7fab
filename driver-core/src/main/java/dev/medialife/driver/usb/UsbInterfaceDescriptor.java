package dev.medialife.driver.usb;

import dev.medialife.kernel.meta.KernelSymbol;

/**
 * An interface descriptor ({@code struct usb_interface_descriptor}), the fields matching uses.
 *
 * @param number the interface number (bInterfaceNumber)
 * @param interfaceClass the interface class (bInterfaceClass)
 * @param subClass the subclass (bInterfaceSubClass)
 * @param protocol the protocol (bInterfaceProtocol)
 */
@KernelSymbol("usb_interface_descriptor")
public record UsbInterfaceDescriptor(int number, int interfaceClass, int subClass, int protocol) {}
