package dev.medialife.driver.usb;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A host controller with its root hub's ports ({@code struct usb_bus} and {@code usb_hub}).
 *
 * <p>{@link #plug} enumerates a device (address, device, interfaces, probing) as {@code
 * hub_port_connect} and {@code usb_new_device} do; {@link #unplug} is {@code usb_disconnect}.
 *
 * <p>Implementation notes: the port table, the busy flags and the address map are guarded by the
 * host's monitor, held only to reserve and publish, never across device add or driver code. A port
 * is busy from the start of a plug to the end of the unplug, so that two plugs or two unplugs of
 * one port never overlap. Addresses are handed out round robin from 2 (1 is the root hub's) to
 * 127, as {@code choose_devnum} does, and freed at disconnect.
 */
@KernelSymbol("usb_bus")
public final class UsbHost {
  private static final int DEVNUM_MIN = 2;
  private static final int DEVNUM_MAX = 127;

  private final UsbCore core;
  private final int busnum;
  private final int nports;

  @GuardedBy("this")
  private final @Nullable UsbDevice[] ports;

  @GuardedBy("this")
  private final boolean[] busy;

  @GuardedBy("this")
  private final BitSet devmap = new BitSet(DEVNUM_MAX + 1);

  @GuardedBy("this")
  private int nextDevnum = DEVNUM_MIN;

  UsbHost(UsbCore core, int busnum, int nports) {
    this.core = core;
    this.busnum = busnum;
    this.nports = nports;
    this.ports = new UsbDevice[nports + 1];
    this.busy = new boolean[nports + 1];
  }

  /**
   * The USB core.
   *
   * @return the core
   */
  @KernelSymbol("usb_bus_type")
  public UsbCore core() {
    return core;
  }

  /**
   * The bus number.
   *
   * @return the busnum
   */
  @KernelSymbol("usb_bus.busnum")
  public int busnum() {
    return busnum;
  }

  /**
   * The number of root ports.
   *
   * @return the count
   */
  @KernelSymbol("usb_hub.maxchild")
  public int ports() {
    return nports;
  }

  /**
   * The device in a port.
   *
   * @param port the port, from 1
   * @return the device (no reference taken), or null
   */
  @KernelSymbol("usb_hub_find_child")
  public synchronized @Nullable UsbDevice findChild(int port) {
    return port < 1 || port > nports ? null : ports[port];
  }

  /**
   * Connects a device to a port: allocates its address, adds the device and one interface per
   * interface descriptor, probing each against the USB drivers. A failure unwinds the finished
   * steps in reverse and frees the port.
   *
   * <p>Context: process context (the hub thread); may sleep (probing).
   *
   * @param port the port, from 1
   * @param desc what the device reports
   * @return the device's address (positive), {@code -EINVAL} for a bad port, {@code -EBUSY} when
   *     the port is occupied, {@code -ENOSPC} when no address is free, {@code -ENOMEM}, or the
   *     error of a device add
   */
  @KernelSymbol("hub_port_connect")
  public int plug(int port, UsbDeviceDescriptor desc) {
    return plug(port, desc, null);
  }

  /**
   * As {@link #plug(int, UsbDeviceDescriptor)}, for a simulated device that also offers registers
   * and completion lines to its drivers ({@link UsbDevice#function()}).
   *
   * <p>Context: process context (the hub thread); may sleep (probing).
   *
   * @param port the port, from 1
   * @param desc what the device reports
   * @param function the device's registers and lines, or null
   * @return as {@link #plug(int, UsbDeviceDescriptor)}
   */
  @KernelSymbol("hub_port_connect")
  public int plug(int port, UsbDeviceDescriptor desc, @Nullable UsbFunction function) {
    int devnum;
    synchronized (this) {
      if (port < 1 || port > nports) {
        return -Errno.EINVAL;
      }
      if (busy[port]) {
        return -Errno.EBUSY;
      }
      devnum = chooseDevnumLocked();
      if (devnum < 0) {
        return devnum;
      }
      busy[port] = true;
    }
    int ret = enumerate(port, devnum, desc, function);
    if (ret != 0) {
      synchronized (this) {
        devmap.clear(devnum);
        busy[port] = false;
      }
      return ret;
    }
    return devnum;
  }

  @GuardedBy("this")
  private int chooseDevnumLocked() {
    int n = devmap.nextClearBit(nextDevnum);
    if (n > DEVNUM_MAX) {
      n = devmap.nextClearBit(DEVNUM_MIN);
      if (n > DEVNUM_MAX) {
        return -Errno.ENOSPC;
      }
    }
    devmap.set(n);
    nextDevnum = n == DEVNUM_MAX ? DEVNUM_MIN : n + 1;
    return n;
  }

  private int enumerate(
      int port, int devnum, UsbDeviceDescriptor desc, @Nullable UsbFunction function) {
    UsbDevice udev = UsbDevice.alloc(this, port, devnum, desc, function);
    if (udev == null) {
      return -Errno.ENOMEM;
    }
    int ret = udev.device().add();
    if (ret != 0) {
      udev.put();
      return ret;
    }
    List<UsbInterface> intfs = new ArrayList<>();
    for (UsbInterfaceDescriptor id : desc.interfaces()) {
      UsbInterface intf = UsbInterface.alloc(udev, id);
      ret = intf == null ? -Errno.ENOMEM : intf.device().add();
      if (ret != 0) {
        if (intf != null) {
          intf.put();
        }
        disconnect(udev, intfs);
        return ret;
      }
      intfs.add(intf);
    }
    udev.setInterfaces(intfs);
    synchronized (this) {
      ports[port] = udev;
    }
    return 0;
  }

  /**
   * Disconnects the device in a port ({@code usb_disconnect}): each interface's driver is
   * disconnected and the interface deleted, newest first, then the device is deleted, and the
   * hub's references are dropped. References held elsewhere keep the memory until their put.
   *
   * <p>Context: process context (the hub thread); may sleep (driver disconnect).
   *
   * @param port the port, from 1
   * @return 0, {@code -EINVAL} for a bad port, or {@code -ENODEV} when the port is empty
   */
  @KernelSymbol("usb_disconnect")
  public int unplug(int port) {
    UsbDevice udev;
    synchronized (this) {
      if (port < 1 || port > nports) {
        return -Errno.EINVAL;
      }
      udev = ports[port];
      if (udev == null) {
        return -Errno.ENODEV;
      }
      ports[port] = null;
    }
    List<UsbInterface> intfs = udev.interfaces();
    udev.setInterfaces(List.of());
    int devnum = udev.devnum();
    disconnect(udev, intfs);
    synchronized (this) {
      devmap.clear(devnum);
      busy[port] = false;
    }
    return 0;
  }

  private static void disconnect(UsbDevice udev, List<UsbInterface> intfs) {
    for (int i = intfs.size() - 1; i >= 0; i--) {
      UsbInterface intf = intfs.get(i);
      intf.device().del();
      intf.put();
    }
    udev.device().del();
    udev.put();
  }

  @Override
  public String toString() {
    return "usb" + busnum;
  }
}
