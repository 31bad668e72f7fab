package dev.medialife.driver;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.fault.FaultInjection;
import dev.medialife.kernel.locking.LockClass;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.ref.Kref;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A device in the driver model ({@code struct device}): a refcounted object with a mandatory
 * release callback, a name, a parent, a bus, the driver bound to it, driver data and the devres
 * list of managed resources.
 *
 * <p>A {@code Device} is always embedded in some larger structure (a platform device, a USB
 * interface, a video device…). It shares that structure's {@link Allocation}: its memory is
 * freed by the release callback the owner installs with {@link #setRelease}, which runs at the
 * last {@link #put()}. Lifecycle, as in the kernel:
 *
 * <ol>
 *   <li>construction = {@code device_initialize}: one reference, held by the creator;
 *   <li>{@link #add()}: name check, device node in {@code /dev} if it has a dev_t, added to its
 *       bus, and probed against the bus's drivers;
 *   <li>{@link #del()}: the driver is unbound (its {@code remove} runs, then devres is released),
 *       the node disappears, the parent reference is dropped;
 *   <li>{@link #put()}: the last one runs the release; a device without one gets the kernel's
 *       warning and is leaked.
 * </ol>
 *
 * <p>Implementation notes: {@code driver}, {@code drvdata} and {@code state} change only with
 * the device lock ({@code device_lock}, class {@code device.mutex}) held and are volatile for
 * lock-free readers; the devres list has its own monitor. Lock order: device lock, then the bus's
 * list lock.
 */
@KernelSymbol("device")
public final class Device {
  /** The fault point of {@link #add()} (kobject_add and friends failing). */
  public static final String FAULT_ADD = "device_add";

  /** Where a device is in its life. */
  @JavaOnly("model state; the kernel spreads it over kobject flags")
  public enum State {
    /** Initialised, not yet added. */
    INITIALIZED,
    /** Added: visible on its bus and in /dev. */
    ADDED,
    /** Deleted: hidden; may still be referenced. */
    DELETED
  }

  /** The device mutex's class, not validated by lockdep, as in the kernel's device_initialize. */
  private static final LockClass DEVICE_MUTEX = LockClass.noValidate("device.mutex");

  private final Kernel kernel;
  private final Object container;
  private final Allocation mem;
  private final Kref kref;
  private final Mutex lock;
  private volatile @Nullable Consumer<Device> release;
  private volatile String name;
  private volatile @Nullable Device parent;
  private volatile @Nullable BusType bus;
  private volatile @Nullable DeviceDriver driver;
  private volatile @Nullable Object drvdata;
  private volatile int devt;
  private volatile State state = State.INITIALIZED;

  @GuardedBy("devres")
  private final Deque<Devres.Node> devres = new ArrayDeque<>();

  /**
   * Initialises a device embedded in {@code container}, whose memory is {@code containerMem}.
   *
   * @param kernel the kernel the device lives in
   * @param container the Java object that embeds the device (what container_of returns)
   * @param containerMem the allocation of that object
   * @param name the device name, may be set later with {@link #setName}
   */
  @KernelSymbol("device_initialize")
  public Device(Kernel kernel, Object container, Allocation containerMem, String name) {
    this.kernel = kernel;
    this.container = container;
    this.mem = containerMem.embed("device", name);
    this.name = name;
    this.kref = new Kref("device " + name);
    this.lock = new Mutex("device.mutex", DEVICE_MUTEX);
  }

  /**
   * The kernel this device lives in.
   *
   * @return the kernel
   */
  @JavaOnly("model context")
  public Kernel kernel() {
    return kernel;
  }

  /**
   * The object that embeds this device, as {@code container_of} finds it.
   *
   * @param type the expected type
   * @param <T> that type
   * @return the container
   * @throws ClassCastException if the device is embedded in something else (a harness bug)
   */
  @KernelSymbol("container_of")
  public <T> T container(Class<T> type) {
    return type.cast(container);
  }

  /**
   * The memory of this device (a view of its container's allocation).
   *
   * @return the allocation view
   */
  @JavaOnly("model memory")
  public Allocation mem() {
    return mem;
  }

  /**
   * Checks that the device's memory is live at an entry point; reports a use-after-free if not.
   *
   * @param access what is being done
   * @return true if live
   */
  @KernelSymbol("kasan_check_read")
  public boolean check(String access) {
    return mem.check(access);
  }

  /**
   * Installs the release callback, run at the last {@link #put()}: it frees the container.
   *
   * @param release the callback (the kernel's {@code dev->release})
   */
  @KernelSymbol("device.release")
  public void setRelease(Consumer<Device> release) {
    this.release = release;
  }

  /**
   * The device's name.
   *
   * @return the name
   */
  @KernelSymbol("dev_name")
  public String name() {
    return name;
  }

  /**
   * Sets the name; only before {@link #add()}.
   *
   * @param name the new name
   */
  @KernelSymbol("dev_set_name")
  public void setName(String name) {
    this.name = name;
  }

  /**
   * The parent device.
   *
   * @return the parent, or null
   */
  @KernelSymbol("device.parent")
  public @Nullable Device parent() {
    return parent;
  }

  /**
   * Sets the parent; only before {@link #add()}, which takes a reference on it.
   *
   * @param parent the parent, or null
   */
  @KernelSymbol("device.parent")
  public void setParent(@Nullable Device parent) {
    this.parent = parent;
  }

  /**
   * The bus the device is on.
   *
   * @return the bus, or null for a class device
   */
  @KernelSymbol("device.bus")
  public @Nullable BusType bus() {
    return bus;
  }

  /**
   * Sets the bus; only before {@link #add()}.
   *
   * @param bus the bus
   */
  @KernelSymbol("device.bus")
  public void setBus(@Nullable BusType bus) {
    this.bus = bus;
  }

  /**
   * The device number; 0 when the device has no node.
   *
   * @return the dev_t
   */
  @KernelSymbol("device.devt")
  public int devt() {
    return devt;
  }

  /**
   * Sets the device number; {@link #add()} then creates {@code /dev/<name>}.
   *
   * @param devt the dev_t
   */
  @KernelSymbol("device.devt")
  public void setDevt(int devt) {
    this.devt = devt;
  }

  /**
   * The driver bound to the device.
   *
   * @return the driver, or null when unbound
   */
  @KernelSymbol("device.driver")
  public @Nullable DeviceDriver driver() {
    return driver;
  }

  void setDriver(@Nullable DeviceDriver d) {
    driver = d;
  }

  /**
   * The bound driver's private data.
   *
   * @param type the expected type
   * @param <T> that type
   * @return the data, or null when unset (it is cleared at unbind)
   */
  @KernelSymbol("dev_get_drvdata")
  public <T> @Nullable T drvdata(Class<T> type) {
    Object d = drvdata;
    return d == null ? null : type.cast(d);
  }

  /**
   * Sets the driver's private data.
   *
   * @param data the data, or null
   */
  @KernelSymbol("dev_set_drvdata")
  public void setDrvdata(@Nullable Object data) {
    drvdata = data;
  }

  /**
   * Where the device is in its life.
   *
   * @return the state
   */
  @JavaOnly("model state")
  public State state() {
    return state;
  }

  /**
   * Whether the device has been added and not deleted.
   *
   * @return true while registered
   */
  @KernelSymbol("device_is_registered")
  public boolean isRegistered() {
    return state == State.ADDED;
  }

  /**
   * The current reference count.
   *
   * @return the count
   */
  @KernelSymbol("kref_read")
  public int refcount() {
    return kref.read();
  }

  /**
   * Takes a reference.
   *
   * @return this device
   */
  @KernelSymbol("get_device")
  public Device get() {
    mem.check("get_device");
    kref.get();
    return this;
  }

  /**
   * Drops a reference; the last one releases the device: leftover devres is released, then the
   * release callback frees the container. A device without a release callback is reported and
   * leaked, as the kernel does.
   *
   * @return true if this put released the device
   */
  @KernelSymbol("put_device")
  public boolean put() {
    if (!mem.check("put_device")) {
      return false;
    }
    return kref.put(this, Device::releaseDevice);
  }

  private static void releaseDevice(Device dev) {
    Devres.releaseAll(dev);
    Consumer<Device> r = dev.release;
    if (r == null) {
      Warn.warn("Device '" + dev.name + "' has no release() callback: it cannot be freed, a bug");
      return;
    }
    r.accept(dev);
  }

  /**
   * Takes the device lock, held while a driver is probed or removed.
   *
   * <p>Context: process context; may sleep.
   */
  @KernelSymbol("device_lock")
  public void lock() {
    lock.lock();
  }

  /** Releases the device lock. */
  @KernelSymbol("device_unlock")
  public void unlock() {
    lock.unlock();
  }

  /**
   * Adds the device to the system: name check, {@code /dev} node if it has a dev_t, its bus, and
   * a probe against the bus's drivers. On failure nothing is left behind; the caller still holds
   * its reference and drops it with {@link #put()}.
   *
   * <p>Context: process context; may sleep (probing).
   *
   * @return 0, {@code -EINVAL} without a name, {@code -EEXIST} when the node name is taken, or
   *     {@code -ENOMEM} when the fault point fails
   */
  @KernelSymbol("device_add")
  public int add() {
    if (!mem.check("device_add")) {
      return -Errno.ENODEV;
    }
    if (name.isEmpty()) {
      return -Errno.EINVAL;
    }
    if (Warn.on(state != State.INITIALIZED, "device_add of " + name + " twice")) {
      return -Errno.EEXIST;
    }
    if (FaultInjection.shouldFail(FAULT_ADD)) {
      return -Errno.ENOMEM;
    }
    get();
    Device p = parent;
    if (p != null) {
      p.get();
    }
    int ret = 0;
    if (devt != 0) {
      ret = kernel.devfsCreate(name, devt);
    }
    BusType b = bus;
    if (ret == 0 && b != null) {
      b.addDevice(this);
    }
    if (ret != 0) {
      if (p != null) {
        p.put();
      }
      put();
      return ret;
    }
    state = State.ADDED;
    if (b != null) {
      b.probeDevice(this);
    }
    put();
    return 0;
  }

  /**
   * Registers a device: {@link #add()} after the initialisation the constructor did.
   *
   * @return as {@link #add()}; on failure the caller must still {@link #put()}
   */
  @KernelSymbol("device_register")
  public int register() {
    return add();
  }

  /**
   * Removes the device from the system: the bound driver is removed and its devres released, the
   * device leaves its bus and {@code /dev}, and the parent reference is dropped. References held
   * by others keep the memory alive. Calling it on a device not added does nothing.
   *
   * <p>Context: process context; may sleep (driver removal).
   */
  @KernelSymbol("device_del")
  public void del() {
    if (!mem.check("device_del") || state != State.ADDED) {
      return;
    }
    state = State.DELETED;
    BusType b = bus;
    if (b != null) {
      b.removeDevice(this);
    }
    if (devt != 0) {
      kernel.devfsRemove(name, devt);
    }
    Device p = parent;
    if (p != null) {
      p.put();
    }
  }

  /**
   * Unregisters a device: {@link #del()} then {@link #put()}.
   *
   * <p>Context: process context; may sleep.
   */
  @KernelSymbol("device_unregister")
  public void unregister() {
    del();
    put();
  }

  void devresPush(Devres.Node n) {
    synchronized (devres) {
      devres.push(n);
    }
  }

  Devres.@Nullable Node devresPoll() {
    synchronized (devres) {
      return devres.poll();
    }
  }

  int devresCount() {
    synchronized (devres) {
      return devres.size();
    }
  }

  @Override
  public String toString() {
    return "device " + name + " (" + state + ")";
  }
}
