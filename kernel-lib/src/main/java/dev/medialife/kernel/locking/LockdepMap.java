package dev.medialife.kernel.locking;

import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * What lockdep knows of one lock instance (the kernel's {@code struct lockdep_map}): its name, its
 * class, whether it is a spinning lock, and which task's held-lock list it is on. Real locks embed
 * one; so does each work item, whose pseudo-lock lets lockdep see a flush that waits for work which
 * takes a lock the flusher holds.
 */
@KernelSymbol("lockdep_map")
public final class LockdepMap {
  private final String name;
  private final LockClass lockClass;
  private final boolean spin;
  private volatile Lockdep.@Nullable HeldLocks holder;

  /**
   * Creates the map of one lock instance.
   *
   * @param name the instance name used in reports
   * @param lockClass its lock class
   * @param spin true for spinning locks, whose holders are in atomic context
   */
  @KernelSymbol("lockdep_init_map")
  public LockdepMap(String name, LockClass lockClass, boolean spin) {
    this.name = name;
    this.lockClass = lockClass;
    this.spin = spin;
  }

  /**
   * The instance name.
   *
   * @return the name
   */
  @KernelSymbol("lockdep_map.name")
  public String name() {
    return name;
  }

  /**
   * The lock class.
   *
   * @return the class
   */
  @KernelSymbol("lockdep_map.key")
  public LockClass lockClass() {
    return lockClass;
  }

  /**
   * Whether holding this lock puts the task in atomic context.
   *
   * @return true for spinlocks
   */
  @KernelSymbol("LD_WAIT_SPIN")
  public boolean isSpin() {
    return spin;
  }

  Lockdep.@Nullable HeldLocks holder() {
    return holder;
  }

  void setHolder(Lockdep.@Nullable HeldLocks h) {
    holder = h;
  }

  @Override
  public String toString() {
    return name.equals(lockClass.name()) ? name : name + " (" + lockClass.name() + ")";
  }
}
