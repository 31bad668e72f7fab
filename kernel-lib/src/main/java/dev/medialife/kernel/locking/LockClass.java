package dev.medialife.kernel.locking;

import dev.medialife.kernel.meta.KernelSymbol;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A lockdep lock class: the unit lockdep reasons about. Every lock initialised at one place in the
 * kernel shares a {@code lock_class_key}; the model keys classes by name instead, so every {@link
 * Mutex} created with the name {@code "v4l2_m2m_dev.job_spinlock"} belongs to one class, however
 * many instances exist. Lock order is recorded between classes, so an inversion is found even when
 * the two orders are taken on different instances at different times.
 */
@KernelSymbol({"lock_class_key", "lock_class"})
public final class LockClass {
  private static final ConcurrentMap<String, LockClass> CLASSES = new ConcurrentHashMap<>();

  private final String name;
  private volatile boolean noValidate;

  private LockClass(String name) {
    this.name = name;
  }

  /**
   * The class with this name, marked as not validated: locks of it are tracked as held but take
   * part in no order or class-recursion check, as the kernel does for the device mutex, whose
   * nesting (a parent's lock held while a child device is deleted) lockdep cannot express.
   *
   * @param name the class name
   * @return the class
   */
  @KernelSymbol("lockdep_set_novalidate_class")
  public static LockClass noValidate(String name) {
    LockClass c = of(name);
    c.noValidate = true;
    return c;
  }

  /**
   * Whether the class is exempt from validation.
   *
   * @return true for a {@link #noValidate} class
   */
  @KernelSymbol("__lockdep_no_validate__")
  public boolean isNoValidate() {
    return noValidate;
  }

  /**
   * The class with this name, created on first use.
   *
   * @param name the class name, by convention "struct.field" as lockdep prints it
   * @return the class
   */
  @KernelSymbol("lockdep_set_class")
  public static LockClass of(String name) {
    return CLASSES.computeIfAbsent(name, LockClass::new);
  }

  /**
   * The class name.
   *
   * @return the name
   */
  @KernelSymbol("lock_class.name")
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return name;
  }
}
