package dev.medialife.driver;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.fault.FaultInjection;
import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * A character device ({@code struct cdev}): a range of device numbers bound to a file-operations
 * table and the module that owns it.
 *
 * <p>Opening a file takes a reference on the owner module (refused once it is unloading) and on
 * the parent device set by {@link #deviceAdd}, exactly as the kernel's cdev kobject does; the
 * last close drops both. So a device embedding a cdev stays in memory while files are open, and
 * {@link #del()} only stops new opens.
 */
@KernelSymbol("cdev")
public final class Cdev {
  /** The fault point of {@link #add}. */
  public static final String FAULT_ADD = "cdev_add";

  private final FileOperations fops;
  private final @Nullable Module owner;
  private volatile @Nullable Device parent;
  private volatile @Nullable Kernel kernel;
  private volatile int devt;
  private volatile int count;

  /**
   * Initialises a character device.
   *
   * @param fops its file operations
   * @param owner the module whose code the operations are, or null when built in
   */
  @KernelSymbol("cdev_init")
  public Cdev(FileOperations fops, @Nullable Module owner) {
    this.fops = fops;
    this.owner = owner;
  }

  /**
   * The file operations.
   *
   * @return the table
   */
  @KernelSymbol("cdev.ops")
  public FileOperations fops() {
    return fops;
  }

  /**
   * The owning module.
   *
   * @return the module, or null
   */
  @KernelSymbol("cdev.owner")
  public @Nullable Module owner() {
    return owner;
  }

  /**
   * Makes the device live: opens of its numbers now reach it.
   *
   * @param k the kernel
   * @param first the first dev_t
   * @param n how many numbers
   * @return 0, {@code -EBUSY} if a number is taken, or {@code -ENOMEM} at the fault point
   */
  @KernelSymbol("cdev_add")
  public int add(Kernel k, int first, int n) {
    if (FaultInjection.shouldFail(FAULT_ADD)) {
      return -Errno.ENOMEM;
    }
    int ret = k.cdevMap(first, n, this);
    if (ret == 0) {
      kernel = k;
      devt = first;
      count = n;
    }
    return ret;
  }

  /** Stops new opens; files already open keep working until closed. */
  @KernelSymbol("cdev_del")
  public void del() {
    Kernel k = kernel;
    if (k != null) {
      k.cdevUnmap(devt, count, this);
      kernel = null;
    }
  }

  /**
   * Adds the cdev for a device's number and then the device itself, with the device as the
   * cdev's parent so that open files pin it.
   *
   * @param dev the device, with its dev_t set
   * @return 0 or the error of {@link #add} or {@link Device#add()}
   */
  @KernelSymbol("cdev_device_add")
  public int deviceAdd(Device dev) {
    if (dev.devt() != 0) {
      parent = dev;
      int ret = add(dev.kernel(), dev.devt(), 1);
      if (ret != 0) {
        parent = null;
        return ret;
      }
    }
    int ret = dev.add();
    if (ret != 0 && dev.devt() != 0) {
      del();
      parent = null;
    }
    return ret;
  }

  /**
   * Deletes the device, then the cdev.
   *
   * @param dev the device
   */
  @KernelSymbol("cdev_device_del")
  public void deviceDel(Device dev) {
    dev.del();
    if (dev.devt() != 0) {
      del();
    }
  }

  /** Takes the references an open file holds; false if the owner is going away. */
  boolean get() {
    Module m = owner;
    if (m != null && !m.tryGet()) {
      return false;
    }
    Device p = parent;
    if (p != null) {
      p.get();
    }
    return true;
  }

  /** Drops the references of a closed file. */
  void put() {
    Device p = parent;
    if (p != null) {
      p.put();
    }
    Module m = owner;
    if (m != null) {
      m.put();
    }
  }

  @Override
  public String toString() {
    return "cdev " + DevT.format(devt);
  }
}
