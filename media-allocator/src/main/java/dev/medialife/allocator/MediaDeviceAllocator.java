package dev.medialife.allocator;

import dev.medialife.driver.Device;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Module;
import dev.medialife.driver.usb.UsbDevice;
import dev.medialife.driver.usb.UsbDeviceDescriptor;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.ref.Kref;
import dev.medialife.kernel.trace.TraceRecorder;
import dev.medialife.mc.MediaDevice;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Media Device Allocator: {@link #usbAllocate} finds the media device of a USB device or
 * creates it, {@link #delete} gives it back. The first caller owns the instance; every other
 * caller with a different module pins the owner's module while it uses the device. The allocator
 * never registers the media device: its callers do. The last delete unregisters it and unlinks
 * the instance; the memory goes when the media device's own last reference goes (open files keep
 * it, under the media lifetime rules).
 *
 * <p>Lookups are O(1): instances are kept in a hash map keyed by the USB device, where the kernel
 * walks a list; {@link #delete} finds the instance from the media device it embeds ({@link
 * MediaDevice#container()}, the kernel's {@code container_of}). The lookup reference is taken with get-unless-zero under the lock, so an allocate
 * racing the last delete either gets a live instance or creates a fresh one; with {@link
 * PatchSwitch#ALLOCATOR_LOOKUP_FIX} off it is the kernel's plain get, which can add to a count
 * that already reached zero. The window between the last put and the release taking the lock is
 * marked {@value #WINDOW_RELEASE} for tests.
 *
 * <p>Implementation notes: one allocator per kernel, with the kernel's single mutex ({@code
 * media_device_lock}) guarding the map and the instance count; the switches are read when the
 * kernel's allocator is first used. Lock order: allocator mutex, then the media device's graph mutex (unregister).
 */
@KernelSymbol("mc-dev-allocator.c")
public final class MediaDeviceAllocator {
  /** The window between an instance's last put and its release taking the allocator lock. */
  public static final String WINDOW_RELEASE = "media_device_instance_release";

  /** Model name for a USB device without a product string. */
  @KernelSymbol("__media_device_usb_init")
  public static final String UNKNOWN_MODEL = "unknown model";

  private final Kernel kernel;
  private final boolean shared;
  private final boolean lookupFix;
  private final Mutex lock = new Mutex("media_device_lock");

  // Guarded by lock.
  private final Map<UsbDevice, Instance> byUdev = new HashMap<>();
  // media_device_list, by USB device (the kernel walks the list). Delete finds the instance from
  // the media device with container_of, as the kernel does, not through a second map.
  private int count;

  /** {@code struct media_device_instance}. */
  private static final class Instance {
    final MediaDeviceAllocator allocator;
    final Allocation mem;
    final MediaDevice mdev;
    final UsbDevice udev;
    final @Nullable Module owner;
    final Kref refcount;

    Instance(
        MediaDeviceAllocator allocator, Allocation mem, UsbDevice udev, @Nullable Module owner) {
      this.allocator = allocator;
      this.mem = mem;
      this.mdev = new MediaDevice(allocator.kernel, this, mem);
      this.udev = udev;
      this.owner = owner;
      this.refcount = new Kref("media_device_instance " + udev.device().name());
      mdev.setRelease(m -> Kmem.kfree(mem, "media_device_instance"));
    }
  }

  private MediaDeviceAllocator(Kernel kernel) {
    this.kernel = kernel;
    this.shared = PatchSwitch.MEDIA_ALLOCATOR.enabled();
    this.lookupFix = PatchSwitch.ALLOCATOR_LOOKUP_FIX.enabled();
  }

  private static MediaDeviceAllocator of(Kernel kernel) {
    return kernel.subsystem(MediaDeviceAllocator.class, MediaDeviceAllocator::new);
  }

  /**
   * {@code media_device_usb_allocate}: the media device of {@code udev}, shared with every other
   * driver of the same USB device, or a fresh one initialised from the device (driver name, model
   * from the product string or {@value #UNKNOWN_MODEL}, serial, bus info from the USB path,
   * hardware revision from {@code bcdDevice}). A caller whose module differs from the instance
   * owner's pins the owner's module; if that fails only an error would be logged, and the device
   * is returned all the same, as in the kernel.
   *
   * <p>Context: process context (probe); may sleep.
   *
   * @param udev the USB device (not the interface)
   * @param moduleName the caller's module name, the media device's driver name
   * @param owner the caller's module (THIS_MODULE), or null for built-in code
   * @return the media device, or {@code -ENOMEM}
   */
  @KernelSymbol("media_device_usb_allocate")
  public static Allocated usbAllocate(UsbDevice udev, String moduleName, @Nullable Module owner) {
    return of(udev.device().kernel()).allocate(udev, moduleName, owner);
  }

  /**
   * {@code media_device_delete}: gives back a media device obtained from {@link #usbAllocate}.
   * A caller that is not the owner unpins the owner's module (even if pinning it had failed, as
   * the kernel does). The last delete unregisters the media device (a no-op if it was never
   * registered) and unlinks the instance.
   *
   * <p>Context: process context (remove or disconnect); may sleep.
   *
   * @param mdev the media device
   * @param moduleName the caller's module name
   * @param owner the caller's module
   */
  @KernelSymbol("media_device_delete")
  public static void delete(MediaDevice mdev, String moduleName, @Nullable Module owner) {
    of(mdev.kernel()).put(mdev, owner);
  }

  /**
   * How many instances the kernel's allocator holds, for tests and the topology of a board.
   *
   * @param kernel the kernel
   * @return the number of live instances
   */
  @KernelSymbol("media_device_list")
  public static int instances(Kernel kernel) {
    MediaDeviceAllocator a = of(kernel);
    a.lock.lock();
    try {
      return a.count;
    } finally {
      a.lock.unlock();
    }
  }

  /**
   * The allocator's reference count on a media device's instance.
   *
   * @param mdev the media device
   * @return the count, 0 for a media device the allocator does not know
   */
  @KernelSymbol("media_device_instance.refcount")
  public static int refcount(MediaDevice mdev) {
    MediaDeviceAllocator a = of(mdev.kernel());
    a.lock.lock();
    try {
      Instance i = a.instanceOf(mdev);
      return i == null ? 0 : i.refcount.read();
    } finally {
      a.lock.unlock();
    }
  }

  private Allocated allocate(UsbDevice udev, String moduleName, @Nullable Module owner) {
    lock.lock();
    Instance inst;
    try {
      inst = shared ? lookup(udev, owner) : null;
      if (inst == null) {
        Allocation mem = Kmem.kzalloc("media_device_instance", udev.device().name());
        if (mem == null) {
          return new Allocated(null, -Errno.ENOMEM);
        }
        inst = new Instance(this, mem, udev, owner);
        if (shared) {
          byUdev.put(udev, inst);
        }
        count++;
        usbInit(inst.mdev, udev, moduleName);
      }
    } finally {
      lock.unlock();
    }
    return new Allocated(inst.mdev, 0);
  }

  /** The instance of {@code udev} with a reference taken, or null; lock held. */
  private @Nullable Instance lookup(UsbDevice udev, @Nullable Module owner) {
    Instance inst = byUdev.get(udev);
    if (inst == null) {
      return null;
    }
    if (lookupFix) {
      if (!inst.refcount.tryGet()) {
        return null;
      }
    } else {
      inst.refcount.get();
    }
    Module m = inst.owner;
    if (owner != m && m != null && !m.tryGet()) {
      // The kernel only logs the failure and keeps the reference; delete puts the module anyway.
      TraceRecorder.global()
          .instant(
              "allocator", "module get failed", udev.device().name(), Map.of("module", m.name()));
    }
    return inst;
  }

  /** {@code __media_device_usb_init}. */
  private static void usbInit(MediaDevice mdev, UsbDevice udev, String moduleName) {
    UsbDeviceDescriptor d = udev.descriptor();
    Device dev = udev.device();
    mdev.setDev(dev);
    mdev.setDriverName(moduleName);
    mdev.setModel(d.product().isEmpty() ? UNKNOWN_MODEL : d.product());
    mdev.setSerial(d.serial());
    mdev.setBusInfo("usb-" + udev.host() + "-" + udev.devpath());
    mdev.setHwRevision(d.bcdDevice());
    mdev.init();
  }

  private void put(MediaDevice mdev, @Nullable Module owner) {
    // The kernel's container_of reads mdi->owner: a freed instance is a use-after-free there.
    if (!mdev.mem().check("media_device_delete")) {
      return;
    }
    Instance inst;
    lock.lock();
    try {
      inst = instanceOf(mdev);
      if (inst == null) {
        Warn.warn("media_device_delete of " + mdev + ", which the allocator does not know");
        return;
      }
      Module m = inst.owner;
      if (owner != m && m != null) {
        m.put();
      }
    } finally {
      lock.unlock();
    }
    inst.refcount.put(inst, this::release);
  }

  /**
   * {@code container_of(mdev, struct media_device_instance, mdev)}: the instance of this allocator
   * that embeds {@code mdev}, or null for a media device it did not make (which the kernel cannot
   * tell; the model warns).
   */
  private @Nullable Instance instanceOf(MediaDevice mdev) {
    return mdev.container() instanceof Instance i && i.allocator == this ? i : null;
  }

  /** {@code media_device_release}: the instance's last reference is gone. */
  private void release(Instance inst) {
    RaceWindow.at(WINDOW_RELEASE);
    if (!inst.mem.check("media_device_release")) {
      return;
    }
    lock.lock();
    try {
      inst.mdev.unregister();
      byUdev.remove(inst.udev, inst);
      count--;
    } finally {
      lock.unlock();
    }
    inst.mdev.put();
  }
}
