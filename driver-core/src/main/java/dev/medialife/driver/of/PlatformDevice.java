package dev.medialife.driver.of;

import dev.medialife.driver.Device;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import org.jspecify.annotations.Nullable;

/**
 * A platform device ({@code struct platform_device}): an embedded {@link Device} on the platform
 * bus and, when the device tree created it, its {@link OfNode}.
 *
 * <p>The device's memory is the {@code platform_device} allocation; the release callback run by
 * the last put frees it. Names follow {@code of_device_make_bus_id}: "unitaddress.nodename", e.g.
 * "38300000.video-codec", or the node name alone when the node has no unit address.
 */
@KernelSymbol("platform_device")
public final class PlatformDevice {
  private final Allocation mem;
  private final Device dev;
  private final PlatformBus bus;
  private final @Nullable OfNode node;

  private PlatformDevice(PlatformBus bus, Allocation mem, String name, @Nullable OfNode node) {
    this.bus = bus;
    this.mem = mem;
    this.node = node;
    this.dev = new Device(bus.kernel(), this, mem, name);
    dev.setBus(bus.bus());
    dev.setRelease(PlatformDevice::release);
  }

  private static void release(Device d) {
    Kmem.kfree(d.container(PlatformDevice.class).mem, "platform_device_release");
  }

  static String nameFor(OfNode node) {
    return node.unitAddress().isEmpty() ? node.name() : node.unitAddress() + "." + node.name();
  }

  /**
   * Allocates a platform device, not yet added; the caller owns one reference.
   *
   * @param bus the platform bus
   * @param name the device name
   * @return the device, or null when the allocation fails
   */
  @KernelSymbol("platform_device_alloc")
  public static @Nullable PlatformDevice alloc(PlatformBus bus, String name) {
    return alloc(bus, name, null);
  }

  static @Nullable PlatformDevice alloc(PlatformBus bus, String name, @Nullable OfNode node) {
    Allocation a = Kmem.kzalloc("platform_device", name);
    return a == null ? null : new PlatformDevice(bus, a, name, node);
  }

  /**
   * Adds the device to the platform bus, probing its drivers.
   *
   * @return as {@link Device#add()}; on failure the caller must still {@link #put()}
   */
  @KernelSymbol("platform_device_add")
  public int add() {
    return dev.add();
  }

  /**
   * Unregisters the device: deletes it (unbinding its driver) and drops the creator's reference.
   * Memory stays until the last reference is put.
   *
   * <p>Context: process context; may sleep.
   */
  @KernelSymbol("platform_device_unregister")
  public void unregister() {
    OfNode n = node;
    if (n != null && dev.isRegistered()) {
      n.setPopulated(null);
    }
    dev.unregister();
  }

  /**
   * Takes a reference.
   *
   * @return this device
   */
  @KernelSymbol("get_device")
  public PlatformDevice get() {
    dev.get();
    return this;
  }

  /**
   * Drops a reference; the last frees the device.
   *
   * @return true if this put freed it
   */
  @KernelSymbol("platform_device_put")
  public boolean put() {
    return dev.put();
  }

  /**
   * The embedded device.
   *
   * @return the device
   */
  @KernelSymbol("platform_device.dev")
  public Device device() {
    return dev;
  }

  /**
   * The device's name.
   *
   * @return the name
   */
  @KernelSymbol("dev_name")
  public String name() {
    return dev.name();
  }

  /**
   * The node the device was created from.
   *
   * @return the node, or null for a device not from the device tree
   */
  @KernelSymbol("device.of_node")
  public @Nullable OfNode ofNode() {
    return node;
  }

  /**
   * The platform bus the device is on.
   *
   * @return the bus
   */
  @JavaOnly("model context: the kernel has one global platform_bus_type")
  public PlatformBus platformBus() {
    return bus;
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

  /**
   * The bound driver's data.
   *
   * @param type the expected type
   * @param <T> that type
   * @return the data, or null
   */
  @KernelSymbol("platform_get_drvdata")
  public <T> @Nullable T getDrvdata(Class<T> type) {
    return dev.drvdata(type);
  }

  /**
   * Sets the driver's data.
   *
   * @param data the data
   */
  @KernelSymbol("platform_set_drvdata")
  public void setDrvdata(@Nullable Object data) {
    dev.setDrvdata(data);
  }

  @Override
  public String toString() {
    return "platform " + dev;
  }
}
