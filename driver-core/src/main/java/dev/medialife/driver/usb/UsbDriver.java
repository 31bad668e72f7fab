package dev.medialife.driver.usb;

import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.Module;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A USB interface driver ({@code struct usb_driver}): an id table and probe/disconnect operations
 * on {@link UsbInterface}s, wrapping a generic {@link DeviceDriver}.
 */
@KernelSymbol("usb_driver")
public final class UsbDriver {

  /** A USB driver's operations. */
  @KernelSymbol("usb_driver")
  public interface Ops {
    /**
     * Required. Binds to an interface that matched an entry of the id table.
     *
     * <p>Context: process context, interface device lock held; may sleep.
     *
     * @param intf the interface
     * @param id the entry that matched
     * @return 0 or a negative errno
     */
    @KernelSymbol("usb_driver.probe")
    int probe(UsbInterface intf, UsbDeviceId id);

    /**
     * Required. The interface is going away (unplug, unbind or driver unregistration): stop all
     * I/O; references taken at probe may outlive this call.
     *
     * <p>Context: process context, interface device lock held; may sleep.
     *
     * @param intf the interface
     */
    @KernelSymbol("usb_driver.disconnect")
    void disconnect(UsbInterface intf);
  }

  private final List<UsbDeviceId> idTable;
  private final DeviceDriver driver;

  /**
   * Creates a USB driver.
   *
   * @param name the driver name
   * @param owner the owning module, or null when built in
   * @param idTable the id table
   * @param ops the operations
   */
  @KernelSymbol("usb_driver")
  public UsbDriver(String name, @Nullable Module owner, List<UsbDeviceId> idTable, Ops ops) {
    this.idTable = List.copyOf(idTable);
    List<UsbDeviceId> table = this.idTable;
    this.driver =
        new DeviceDriver(
            name,
            owner,
            false,
            new DeviceDriver.Ops() {
              @Override
              public int probe(Device dev) {
                UsbInterface intf = dev.container(UsbInterface.class);
                UsbDeviceId id = UsbDeviceId.matchId(intf, table);
                return id == null ? -Errno.ENODEV : ops.probe(intf, id);
              }

              @Override
              public void remove(Device dev) {
                ops.disconnect(dev.container(UsbInterface.class));
              }
            });
  }

  /**
   * The driver's name.
   *
   * @return the name
   */
  @KernelSymbol("usb_driver.name")
  public String name() {
    return driver.name();
  }

  /**
   * The id table.
   *
   * @return an immutable list
   */
  @KernelSymbol("usb_driver.id_table")
  public List<UsbDeviceId> idTable() {
    return idTable;
  }

  /**
   * The embedded generic driver.
   *
   * @return the driver
   */
  @KernelSymbol("usb_driver.driver")
  public DeviceDriver driver() {
    return driver;
  }

  @Override
  @JavaOnly("diagnostics")
  public String toString() {
    return "usb driver " + driver.name();
  }
}
