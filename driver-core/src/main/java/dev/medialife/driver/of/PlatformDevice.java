package dev.medialife.driver.of;

import dev.medialife.driver.Device;
import dev.medialife.driver.io.IoMem;
import dev.medialife.driver.irq.IrqChip;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A platform device ({@code struct platform_device}): an embedded {@link Device} on the platform
 * bus and, when the device tree created it, its {@link OfNode}.
 *
 * <p>The device's memory is the {@code platform_device} allocation; the release callback run by
 * the last put frees it. Names follow {@code of_device_make_bus_id}: "unitaddress.nodename", e.g.
 * "38300000.video-codec", or the node name alone when the node has no unit address.
 *
 * <p>Resources: the device carries a resource table (register windows and interrupt lines), filled
 * by {@link PlatformBus#populate(DeviceTree, OfResources)} from the node's {@code reg} and {@code
 * interrupts} before the device is added, or by {@link #addResources} for a device built by hand.
 * Drivers read it with {@link #getResource}, {@link #devmIoremapResource} and {@link #getIrq}, so
 * they never ask the board for hardware.
 */
@KernelSymbol("platform_device")
public final class PlatformDevice {
  private final Allocation mem;
  private final Device dev;
  private final PlatformBus bus;
  private final @Nullable OfNode node;
  private static final Logger LOG = LoggerFactory.getLogger(PlatformDevice.class);
  private volatile List<PlatformResource> resources = List.of();

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

  /**
   * The result of {@link #devmIoremapResource}: a mapping, or an error pointer.
   *
   * @param base the mapping, or null on error
   * @param error 0, or the negative errno
   */
  @KernelSymbol("ERR_PTR")
  public record Mapping(@Nullable IoMem base, int error) {}

  /**
   * Gives a device not yet added its resource table, replacing any earlier one.
   *
   * <p>Context: process context, before {@link #add()}.
   *
   * @param res the resources
   * @return 0, or {@code -EBUSY} (with a warning) once the device is added: its driver may be using
   *     the table
   */
  @KernelSymbol("platform_device_add_resources")
  public int addResources(List<PlatformResource> res) {
    if (Warn.on(dev.isRegistered(), "platform_device_add_resources on added " + name())) {
      return -Errno.EBUSY;
    }
    resources = List.copyOf(res);
    return 0;
  }

  /**
   * The device's resource table.
   *
   * @return an immutable list, memory windows first
   */
  @KernelSymbol("platform_device.resource")
  public List<PlatformResource> resources() {
    return resources;
  }

  /**
   * The {@code num}-th resource of a type.
   *
   * @param type {@link PlatformResource#IORESOURCE_MEM} or {@link PlatformResource#IORESOURCE_IRQ}
   * @param num the index among resources of that type, from 0
   * @return the resource, or null when there is no such resource
   */
  @KernelSymbol("platform_get_resource")
  public @Nullable PlatformResource getResource(int type, int num) {
    int seen = 0;
    for (PlatformResource r : resources) {
      if (r.type() == type && seen++ == num) {
        return r;
      }
    }
    return null;
  }

  /**
   * Maps the {@code index}-th register window for the bound driver; devres unmaps it after the
   * driver's {@code remove}.
   *
   * <p>Context: process context (a probe).
   *
   * @param index the index among memory resources
   * @return the mapping, or {@code -EINVAL} when there is no such window (the kernel's "invalid
   *     resource"), {@code -ENOMEM} when the devres entry cannot be allocated
   */
  @KernelSymbol("devm_platform_ioremap_resource")
  public Mapping devmIoremapResource(int index) {
    PlatformResource r = getResource(PlatformResource.IORESOURCE_MEM, index);
    var region = r == null ? null : r.region();
    if (region == null) {
      LOG.error("{}: invalid resource {}", name(), index);
      return new Mapping(null, -Errno.EINVAL);
    }
    IoMem base = IoMem.devmIoremap(dev, region);
    return base == null ? new Mapping(null, -Errno.ENOMEM) : new Mapping(base, 0);
  }

  /**
   * The {@code num}-th interrupt line of the device, on the chip {@link #getIrqChip} names.
   *
   * @param num the index among interrupt resources
   * @return the line (not negative), or {@code -ENXIO} (logged) when there is none
   */
  @KernelSymbol("platform_get_irq")
  public int getIrq(int num) {
    PlatformResource r = getResource(PlatformResource.IORESOURCE_IRQ, num);
    if (r == null || r.chip() == null) {
      LOG.error("{}: IRQ index {} not found", name(), num);
      return -Errno.ENXIO;
    }
    return r.line();
  }

  /**
   * The interrupt controller of the {@code num}-th interrupt line.
   *
   * @param num the index among interrupt resources
   * @return the chip, or null when there is no such line
   */
  @JavaOnly("the kernel's irq numbers are global; the model numbers lines per IrqChip")
  public @Nullable IrqChip getIrqChip(int num) {
    PlatformResource r = getResource(PlatformResource.IORESOURCE_IRQ, num);
    return r == null ? null : r.chip();
  }
}
