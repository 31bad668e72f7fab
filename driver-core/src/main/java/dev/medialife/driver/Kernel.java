package dev.medialife.driver;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One running kernel of the model: its buses, its {@code /dev} namespace (devtmpfs), its
 * character device numbers and their {@link Cdev}s.
 *
 * <p>Tests and scenarios boot a fresh {@code Kernel} so that device names, numbers and drivers
 * never leak from one run into another; framework code reaches it through {@link
 * Device#kernel()}.
 *
 * <p>Character device numbers follow fs/char_dev.c: majors below {@value #CHRDEV_MAJOR_MAX};
 * dynamic majors handed out from 254 down to 234, then from 511 down to 384; a region may not
 * overlap another; a region's minors must fit in {@link DevT#MINORMASK}.
 *
 * <p>Implementation notes: every table is guarded by the kernel's monitor, held only for table
 * updates and look-ups, never across driver code.
 */
@KernelSymbol("init_task")
public final class Kernel {
  /** Majors are below this ({@code CHRDEV_MAJOR_MAX}). */
  @KernelSymbol("CHRDEV_MAJOR_MAX")
  public static final int CHRDEV_MAJOR_MAX = 512;

  private static final int DYN_START = 254;
  private static final int DYN_END = 234;
  private static final int DYN_EXT_START = 511;
  private static final int DYN_EXT_END = 384;

  /** A registered range of device numbers. */
  private record Region(int major, int baseminor, int count, String name) {
    boolean overlaps(int maj, int base, int cnt) {
      return maj == major && base < baseminor + count && baseminor < base + cnt;
    }
  }

  @GuardedBy("this")
  private final Map<String, BusType> buses = new HashMap<>();

  @GuardedBy("this")
  private final Map<String, Integer> devfs = new TreeMap<>();

  @GuardedBy("this")
  private final List<Region> regions = new ArrayList<>();

  @GuardedBy("this")
  private final Map<Integer, Cdev> cdevs = new HashMap<>();

  @GuardedBy("this")
  private final Map<Class<?>, Object> subsystems = new HashMap<>();

  /** Boots an empty kernel. */
  @JavaOnly("the model's boot")
  public Kernel() {}

  /**
   * The per-kernel state of a subsystem (what C keeps in file-scope statics set up by the
   * subsystem's initcall), created on first use.
   *
   * <p>Context: process context; {@code init} runs with the kernel's monitor held, so it must only
   * register buses and device number regions on this kernel, never call driver code.
   *
   * @param type the subsystem's state class, the key
   * @param init creates the state: the subsystem's initcall
   * @param <T> the state type
   * @return the one instance for this kernel
   */
  @KernelSymbol("subsys_initcall")
  public synchronized <T> T subsystem(Class<T> type, Function<Kernel, T> init) {
    Object s = subsystems.get(type);
    if (s == null) {
      s = init.apply(this);
      subsystems.put(type, s);
    }
    return type.cast(s);
  }

  /**
   * Registers a bus.
   *
   * @param bus the bus
   * @return 0, or {@code -EEXIST} if a bus of that name exists
   */
  @KernelSymbol("bus_register")
  public synchronized int busRegister(BusType bus) {
    if (buses.putIfAbsent(bus.name(), bus) != null) {
      return -Errno.EEXIST;
    }
    return 0;
  }

  /**
   * Finds a bus by name.
   *
   * @param name the bus name
   * @return the bus, or null
   */
  @KernelSymbol("bus_find")
  public synchronized @Nullable BusType bus(String name) {
    return buses.get(name);
  }

  // --- devtmpfs ---

  synchronized int devfsCreate(String name, int devt) {
    String path = "/dev/" + name;
    if (devfs.putIfAbsent(path, devt) != null) {
      return -Errno.EEXIST;
    }
    return 0;
  }

  synchronized void devfsRemove(String name, int devt) {
    devfs.remove("/dev/" + name, devt);
  }

  /**
   * Resolves a path in {@code /dev}.
   *
   * @param path for example "/dev/media0"
   * @return the dev_t, or {@code -ENOENT}
   */
  @KernelSymbol("devtmpfs")
  public synchronized int devfsLookup(String path) {
    Integer devt = devfs.get(path);
    return devt == null ? -Errno.ENOENT : devt;
  }

  /**
   * Lists {@code /dev}.
   *
   * @return the paths, sorted
   */
  @JavaOnly("ls /dev")
  public synchronized List<String> devfsList() {
    return List.copyOf(devfs.keySet());
  }

  // --- character device numbers ---

  /**
   * Allocates a range of minors under a dynamic major.
   *
   * @param baseminor the first minor
   * @param count how many minors
   * @param name the owner's name
   * @return the first dev_t of the range (non-negative), {@code -EINVAL} for a bad range, or
   *     {@code -EBUSY} when no dynamic major is free
   */
  @KernelSymbol("alloc_chrdev_region")
  public synchronized int allocChrdevRegion(int baseminor, int count, String name) {
    if (!validRange(baseminor, count)) {
      return -Errno.EINVAL;
    }
    int major = findDynamicMajor();
    if (major < 0) {
      return major;
    }
    regions.add(new Region(major, baseminor, count, name));
    return DevT.mkdev(major, baseminor);
  }

  /**
   * Registers a known range of device numbers.
   *
   * @param from the first dev_t
   * @param count how many minors
   * @param name the owner's name
   * @return 0, {@code -EINVAL} for a bad range, {@code -EBUSY} if it overlaps a registered one
   */
  @KernelSymbol("register_chrdev_region")
  public synchronized int registerChrdevRegion(int from, int count, String name) {
    int major = DevT.major(from);
    int base = DevT.minor(from);
    if (major == 0 || major >= CHRDEV_MAJOR_MAX || !validRange(base, count)) {
      return -Errno.EINVAL;
    }
    for (Region r : regions) {
      if (r.overlaps(major, base, count)) {
        return -Errno.EBUSY;
      }
    }
    regions.add(new Region(major, base, count, name));
    return 0;
  }

  /**
   * Releases a range of device numbers.
   *
   * @param from the first dev_t, as registered
   * @param count the count, as registered
   */
  @KernelSymbol("unregister_chrdev_region")
  public synchronized void unregisterChrdevRegion(int from, int count) {
    regions.removeIf(
        r -> r.major() == DevT.major(from) && r.baseminor() == DevT.minor(from)
            && r.count() == count);
  }

  /**
   * The names of the registered regions by major, as {@code /proc/devices} lists them.
   *
   * @return "major name" lines
   */
  @KernelSymbol("chrdev_show")
  public synchronized List<String> chrdevList() {
    List<String> out = new ArrayList<>();
    for (Region r : regions) {
      out.add(r.major() + " " + r.name());
    }
    return out;
  }

  private static boolean validRange(int baseminor, int count) {
    return count > 0 && baseminor >= 0 && count <= DevT.MINORMASK + 1 - baseminor;
  }

  @GuardedBy("this")
  private int findDynamicMajor() {
    for (int m = DYN_START; m >= DYN_END; m--) {
      if (majorFree(m)) {
        return m;
      }
    }
    for (int m = DYN_EXT_START; m >= DYN_EXT_END; m--) {
      if (majorFree(m)) {
        return m;
      }
    }
    return -Errno.EBUSY;
  }

  @GuardedBy("this")
  private boolean majorFree(int major) {
    for (Region r : regions) {
      if (r.major() == major) {
        return false;
      }
    }
    return true;
  }

  // --- cdev map ---

  synchronized int cdevMap(int devt, int count, Cdev cdev) {
    for (int i = 0; i < count; i++) {
      if (cdevs.containsKey(devt + i)) {
        return -Errno.EBUSY;
      }
    }
    for (int i = 0; i < count; i++) {
      cdevs.put(devt + i, cdev);
    }
    return 0;
  }

  synchronized void cdevUnmap(int devt, int count, Cdev cdev) {
    for (int i = 0; i < count; i++) {
      cdevs.remove(devt + i, cdev);
    }
  }

  /**
   * Looks up the character device behind a device number and takes the references an open file
   * holds on it, under the map's lock ({@code kobj_lookup} with its lock callback): the cdev is
   * unmapped under this lock before its device's final put, so a cdev still mapped here has a
   * live device. Taking the references after the lookup, outside the lock, raced with that put.
   *
   * @param devt the dev_t
   * @return the cdev with the references taken, or null when unmapped or its owner is going away
   */
  synchronized @Nullable Cdev cdevGet(int devt) {
    Cdev cdev = cdevs.get(devt);
    return cdev != null && cdev.get() ? cdev : null;
  }

  /**
   * The character device behind a device number.
   *
   * @param devt the dev_t
   * @return the cdev, or null
   */
  @KernelSymbol("kobj_lookup")
  public synchronized @Nullable Cdev cdevLookup(int devt) {
    return cdevs.get(devt);
  }
}
