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

  private LockClass(String name) {
    this.name = name;
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
