package dev.medialife.driver.of;

import dev.medialife.driver.BusType;
import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.Kernel;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The platform bus of one {@link Kernel} ({@code platform_bus_type}): its {@link BusType} named
 * "platform", the platform drivers registered on it, and device-tree population.
 *
 * <p>Matching follows {@code platform_match}: the driver's {@code of_match_table} against the
 * device's node first, else the driver's name against the device's name.
 *
 * <p>Implementation notes: the generic bus only knows {@link DeviceDriver}s, so the bus keeps the
 * map from each generic driver to its {@link PlatformDriver} (a concurrent map: the match rule
 * reads it without a lock, registration writes it before the driver becomes visible on the bus).
 */
@KernelSymbol("platform_bus_type")
public final class PlatformBus {
  /** The bus name. */
  @KernelSymbol("platform_bus_type.name")
  public static final String NAME = "platform";

  private final Kernel kernel;
  private final BusType bus;
  private final Map<DeviceDriver, PlatformDriver> drivers = new ConcurrentHashMap<>();

  private PlatformBus(Kernel kernel) {
    this.kernel = kernel;
    this.bus = new BusType(NAME, this::match);
  }

  /**
   * Registers the platform bus in a kernel.
   *
   * @param kernel the kernel
   * @return the bus, or null if the kernel already has a bus named "platform"
   */
  @KernelSymbol("platform_bus_init")
  public static @Nullable PlatformBus register(Kernel kernel) {
    PlatformBus pb = new PlatformBus(kernel);
    return kernel.busRegister(pb.bus) == 0 ? pb : null;
  }

  private boolean match(Device dev, DeviceDriver drv) {
    PlatformDriver pdrv = drivers.get(drv);
    if (pdrv == null || !(dev.container(Object.class) instanceof PlatformDevice pdev)) {
      return false;
    }
    OfNode node = pdev.ofNode();
    if (node != null && Of.matchNode(pdrv.ofMatchTable(), node) != null) {
      return true;
    }
    return dev.name().equals(drv.name());
  }

  /**
   * The kernel the bus lives in.
   *
   * @return the kernel
   */
  @JavaOnly("model context")
  public Kernel kernel() {
    return kernel;
  }

  /**
   * The generic bus.
   *
   * @return the bus
   */
  @KernelSymbol("platform_bus_type")
  public BusType bus() {
    return bus;
  }

  @Nullable PlatformDriver platformDriver(DeviceDriver drv) {
    return drivers.get(drv);
  }

  /**
   * Registers a platform driver and binds it to matching devices.
   *
   * <p>Context: process context; may sleep (probing).
   *
   * @param pdrv the driver
   * @return 0 or {@code -EBUSY} if a driver of that name is registered
   */
  @KernelSymbol("platform_driver_register")
  public int driverRegister(PlatformDriver pdrv) {
    if (drivers.putIfAbsent(pdrv.driver(), pdrv) != null) {
      return -Errno.EBUSY;
    }
    int ret = bus.driverRegister(pdrv.driver());
    if (ret != 0) {
      drivers.remove(pdrv.driver());
    }
    return ret;
  }

  /**
   * Unbinds a platform driver from its devices and unregisters it.
   *
   * <p>Context: process context; may sleep (removal).
   *
   * @param pdrv the driver
   */
  @KernelSymbol("platform_driver_unregister")
  public void driverUnregister(PlatformDriver pdrv) {
    bus.driverUnregister(pdrv.driver());
    drivers.remove(pdrv.driver());
  }

  /**
   * Creates and adds one platform device per node that has a {@code compatible} and has not been
   * populated yet, in tree order. A failure unwinds the devices this call created, newest first.
   *
   * <p>Context: process context; may sleep (probing).
   *
   * @param tree the device tree
   * @return the devices created, or a negative errno ({@code -ENOMEM}, or the add's error)
   */
  @KernelSymbol("of_platform_populate")
  public int populate(DeviceTree tree) {
    return populate(tree, OfResources.NONE);
  }

  /**
   * Like {@link #populate(DeviceTree)}, and each device gets the resources the board's {@code
   * resources} gives for its node before it is added (so before any probe), as {@code
   * of_device_alloc} fills {@code platform_device.resource} from {@code reg} and {@code
   * interrupts}.
   *
   * <p>Context: process context; may sleep (probing).
   *
   * @param tree the device tree
   * @param resources the board's translation of nodes to resources
   * @return the devices created, or a negative errno
   */
  @KernelSymbol("of_platform_populate")
  public int populate(DeviceTree tree, OfResources resources) {
    List<PlatformDevice> created = new ArrayList<>();
    for (OfNode node : tree.allNodes()) {
      if (node.compatible().isEmpty() || node.populated() != null) {
        continue;
      }
      int ret = createDevice(node, resources, created);
      if (ret != 0) {
        for (int i = created.size() - 1; i >= 0; i--) {
          created.get(i).unregister();
        }
        return ret;
      }
    }
    return created.size();
  }

  private int createDevice(OfNode node, OfResources resources, List<PlatformDevice> created) {
    PlatformDevice pdev = PlatformDevice.alloc(this, PlatformDevice.nameFor(node), node);
    if (pdev == null) {
      return -Errno.ENOMEM;
    }
    pdev.addResources(resources.resources(node));
    node.setPopulated(this);
    int ret = pdev.add();
    if (ret != 0) {
      node.setPopulated(null);
      pdev.put();
      return ret;
    }
    created.add(pdev);
    return 0;
  }

  /**
   * Unregisters the devices populated from a tree, in reverse tree order.
   *
   * <p>Context: process context; may sleep (removal).
   *
   * @param tree the device tree
   */
  @KernelSymbol("of_platform_depopulate")
  public void depopulate(DeviceTree tree) {
    List<OfNode> all = tree.allNodes();
    for (int i = all.size() - 1; i >= 0; i--) {
      PlatformDevice pdev = Of.findDeviceByNode(all.get(i));
      if (pdev != null) {
        pdev.unregister();
        pdev.put();
      }
    }
  }

  @Override
  public String toString() {
    return "platform bus";
  }
}
