package dev.medialife.kernel.locking;

import dev.medialife.kernel.meta.KernelSymbol;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A kernel spinlock ({@code spinlock_t}) checked by {@link Lockdep}.
 *
 * <p>Holding it puts the task in atomic context: anything that may sleep (a mutex, a wait, a
 * flush, a blocking call) is reported as "sleeping function called from invalid context". It is
 * not recursive; a recursive acquisition is reported and counted instead of spinning forever. The
 * {@code _irqsave} variants of the kernel are the same lock here, since the model's interrupt
 * handlers run on their own threads and take the same spinlocks.
 *
 * <p>Implementation notes: the lock word is the owner's thread id in a {@code long} field (0 when
 * free), set by compare-and-set; contenders spin with {@link Thread#onSpinWait()}, then park for
 * microseconds, so that a test on two cores with many threads does not starve the holder.
 * Critical sections in modelled code are short by the same rule as in the kernel. The word is a
 * number, not a reference to the owning {@link Thread}, on purpose: storing a reference into a
 * long-lived lock marks a GC card on every acquisition, and with thousands of locks (one per
 * mem2mem context queue) the collector's card refinement cost more than the locking itself
 * (benchmarks, docs/benchmarks.md).
 */
@KernelSymbol("spinlock_t")
public final class SpinLock {
  private static final int SPINS = 64;
  private static final long PARK_NANOS = 2_000;

  private static final long FREE = 0;
  private static final VarHandle OWNER;

  static {
    try {
      OWNER = MethodHandles.lookup().findVarHandle(SpinLock.class, "owner", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The owner's thread id, or {@link #FREE}; written by CAS (acquire) and volatile set. */
  private volatile long owner = FREE;
  private final LockdepMap dep;
  private int recursion;

  /**
   * Creates a spinlock in the lock class of the same name.
   *
   * @param name the lock's name, by convention "struct.field"
   */
  @KernelSymbol({"spin_lock_init", "DEFINE_SPINLOCK"})
  public SpinLock(String name) {
    this(name, LockClass.of(name));
  }

  /**
   * Creates a spinlock in a given lock class.
   *
   * @param name the instance name used in reports
   * @param lockClass the lockdep class
   */
  @KernelSymbol({"__spin_lock_init", "lockdep_set_class"})
  public SpinLock(String name, LockClass lockClass) {
    this.dep = new LockdepMap(name, lockClass, true);
  }

  /**
   * Takes the spinlock, spinning until it is free.
   *
   * <p>Context: any; must not be held already by this task. Sleeping until {@link #unlock()} is a
   * bug.
   */
  @KernelSymbol({"spin_lock", "spin_lock_irqsave", "spin_lock_irq", "spin_lock_bh"})
  public void lock() {
    long me = self();
    if (!Lockdep.acquire(dep, 0, false) || owner == me) {
      recursion++;
      return;
    }
    int spins = 0;
    while (!OWNER.compareAndSet(this, FREE, me)) {
      // Test and test-and-set: wait with plain reads until the word looks free, so that waiters
      // do not keep stealing the lock's cache line from the holder with failing CAS.
      do {
        spins++;
        if (spins < SPINS) {
          Thread.onSpinWait();
        } else {
          LockSupport.parkNanos(PARK_NANOS);
        }
      } while (owner != FREE);
    }
  }

  /**
   * Takes the spinlock if it is free.
   *
   * @return true if taken
   */
  @KernelSymbol({"spin_trylock", "spin_trylock_irqsave"})
  public boolean tryLock() {
    if (!OWNER.compareAndSet(this, FREE, self())) {
      return false;
    }
    Lockdep.acquire(dep, 0, true);
    return true;
  }

  /**
   * Releases the spinlock. A release by a task that does not hold it is reported; a spinlock held
   * by another task is released anyway.
   */
  @KernelSymbol({"spin_unlock", "spin_unlock_irqrestore", "spin_unlock_irq", "spin_unlock_bh"})
  public void unlock() {
    if (recursion > 0 && owner == self()) {
      recursion--;
      return;
    }
    Lockdep.release(dep);
    owner = FREE;
  }

  /**
   * Whether any task holds the spinlock.
   *
   * @return true if locked
   */
  @KernelSymbol("spin_is_locked")
  public boolean isLocked() {
    return owner != FREE;
  }

  /**
   * Reports when the current task does not hold the spinlock.
   *
   * @return true if held
   */
  @KernelSymbol({"lockdep_assert_held", "assert_spin_locked"})
  public boolean assertHeld() {
    return Lockdep.assertHeld(dep);
  }

  /**
   * The lockdep view of this spinlock.
   *
   * @return its map
   */
  @KernelSymbol("spinlock_t.dep_map")
  public LockdepMap depMap() {
    return dep;
  }

  /** The current task's id: positive, unique while the thread lives ({@code current}). */
  private static long self() {
    return Thread.currentThread().getId();
  }

  @Override
  public String toString() {
    return "spinlock " + dep;
  }
}
