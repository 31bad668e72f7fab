package dev.medialife.kernel.locking;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import org.jspecify.annotations.Nullable;

/**
 * A sleeping, non-recursive kernel mutex ({@code struct mutex}) checked by {@link Lockdep}.
 *
 * <p>Like the kernel's, it may only be taken where sleeping is allowed (lockdep reports a mutex
 * taken under a spinlock), it is not recursive, and it should be released by the task that took it.
 * Where the kernel would deadlock or corrupt state, the model reports and carries on instead: a
 * recursive lock is reported and counted rather than blocking forever, so the test can observe the
 * report and the matching unlock stays balanced; an unlock by another task is reported and then
 * releases the mutex, as the kernel's does.
 *
 * <p>Implementation notes: a non-reentrant {@link AbstractQueuedSynchronizer} with state 0 (free)
 * or 1 (held); {@code owner} is written by the acquirer after a successful acquire and cleared
 * before release, and is read only for diagnostics and recursion detection by the owner itself.
 * {@code recursion} is touched only by the owner.
 */
@KernelSymbol("mutex")
public final class Mutex {
  private final Sync sync = new Sync();
  private final LockdepMap dep;
  private volatile @Nullable Thread owner;
  private int recursion;

  /** The synchronizer: state 0 free, 1 held; release is allowed from any thread. */
  private static final class Sync extends AbstractQueuedSynchronizer {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean tryAcquire(int ignored) {
      return compareAndSetState(0, 1);
    }

    @Override
    protected boolean tryRelease(int ignored) {
      if (getState() == 0) {
        return false;
      }
      setState(0);
      return true;
    }

    boolean held() {
      return getState() != 0;
    }
  }

  /**
   * Creates a mutex in the lock class of the same name.
   *
   * @param name the lock's name, by convention "struct.field"
   */
  @KernelSymbol({"mutex_init", "DEFINE_MUTEX"})
  public Mutex(String name) {
    this(name, LockClass.of(name));
  }

  /**
   * Creates a mutex in a given lock class.
   *
   * @param name the instance name used in reports
   * @param lockClass the lockdep class
   */
  @KernelSymbol({"__mutex_init", "lockdep_set_class"})
  public Mutex(String name, LockClass lockClass) {
    this.dep = new LockdepMap(name, lockClass, false);
  }

  /**
   * Takes the mutex, sleeping uninterruptibly until it is free.
   *
   * <p>Context: process context; may sleep; must not be held already by this task.
   */
  @KernelSymbol("mutex_lock")
  public void lock() {
    lockNested(0);
  }

  /**
   * Takes the mutex as nesting level {@code subclass}, for code that legitimately holds two
   * mutexes of one class in a fixed order.
   *
   * @param subclass the lockdep subclass, 0 for ordinary locking
   */
  @KernelSymbol("mutex_lock_nested")
  public void lockNested(int subclass) {
    Lockdep.mightSleep("mutex_lock");
    if (!Lockdep.acquire(dep, subclass, false) || ownedByMe()) {
      recursion++;
      return;
    }
    sync.acquire(1);
    owner = Thread.currentThread();
  }

  /**
   * Takes the mutex, sleeping interruptibly: a signal (a Java interrupt) aborts the wait.
   *
   * <p>Context: process context; may sleep.
   *
   * @return 0 when taken, {@code -EINTR} when interrupted (the interrupt stays pending)
   */
  @KernelSymbol("mutex_lock_interruptible")
  public int lockInterruptible() {
    Lockdep.mightSleep("mutex_lock_interruptible");
    if (!Lockdep.acquire(dep, 0, false) || ownedByMe()) {
      recursion++;
      return 0;
    }
    try {
      sync.acquireInterruptibly(1);
    } catch (InterruptedException e) {
      Lockdep.release(dep);
      Thread.currentThread().interrupt();
      return -Errno.EINTR;
    }
    owner = Thread.currentThread();
    return 0;
  }

  /**
   * Takes the mutex if it is free, without sleeping.
   *
   * @return true if taken
   */
  @KernelSymbol("mutex_trylock")
  public boolean tryLock() {
    if (!sync.tryAcquire(1)) {
      return false;
    }
    owner = Thread.currentThread();
    Lockdep.acquire(dep, 0, true);
    return true;
  }

  /**
   * Releases the mutex. A release by a task that does not hold it is reported; if another task
   * holds it, it is released anyway, as in the kernel.
   */
  @KernelSymbol("mutex_unlock")
  public void unlock() {
    if (recursion > 0 && ownedByMe()) {
      recursion--;
      return;
    }
    Lockdep.release(dep);
    owner = null;
    sync.release(1);
  }

  /**
   * Whether any task holds the mutex.
   *
   * @return true if locked
   */
  @KernelSymbol("mutex_is_locked")
  public boolean isLocked() {
    return sync.held();
  }

  /**
   * Whether the current task holds the mutex.
   *
   * @return true if owned by this thread
   */
  @JavaOnly("diagnostic; the kernel compares __mutex_owner() with current")
  public boolean isHeldByCurrentThread() {
    return ownedByMe();
  }

  /**
   * Reports when the current task does not hold the mutex; the first statement of every
   * {@code ...Locked} method.
   *
   * @return true if held
   */
  @KernelSymbol("lockdep_assert_held")
  public boolean assertHeld() {
    return Lockdep.assertHeld(dep);
  }

  /**
   * The lockdep view of this mutex.
   *
   * @return its map
   */
  @KernelSymbol("mutex.dep_map")
  public LockdepMap depMap() {
    return dep;
  }

  private boolean ownedByMe() {
    return Thread.currentThread().equals(owner) && sync.held();
  }

  @Override
  public String toString() {
    return "mutex " + dep;
  }
}
