package dev.medialife.kernel.ref;

import com.google.errorprone.annotations.CheckReturnValue;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.Report.RefcountEvent;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.debug.Stack;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.locking.SpinLock;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * A reference count with the kernel's {@code kref} API and {@code refcount_t} hardening.
 *
 * <p>The count starts at 1. {@link #get()} adds a reference the caller already has a right to;
 * {@link #tryGet()} adds one only if the count is not zero, for lookups that race with the final
 * put; {@link #put} drops one and runs the release callback exactly when the count reaches zero.
 * Illegal transitions do not corrupt the object's life: an addition on zero, an underflow or an
 * overflow is reported once ({@link Report.RefcountWarning}) and the count is pinned at {@link
 * #SATURATED}, after which no put can ever reach zero, so the object is leaked rather than freed
 * twice or used after free — the trade the kernel makes.
 *
 * <p>Release callbacks take the owning object as an argument, so that a non-capturing method
 * reference ({@code kref.put(this, Foo::release)}) allocates nothing per put.
 *
 * <p>Implementation notes. The hot paths are one atomic read-modify-write each and allocate
 * nothing; every error path is out of line. Ordering follows refcount_t:
 *
 * <ul>
 *   <li>{@code get}: a volatile fetch-and-add (the kernel's is relaxed; Java has no relaxed
 *       read-modify-write).
 *   <li>{@code put}: a volatile fetch-and-subtract, which includes the release the kernel asks
 *       for, so every write made while holding a reference happens-before the release callback;
 *       the thread that reaches zero then issues an acquire fence before calling the release, so
 *       the release sees all of them.
 *   <li>{@code tryGet}: an acquire compare-and-set loop that never moves the count off zero.
 * </ul>
 *
 * <p>{@code get} and {@code put} use the plain volatile {@code getAndAdd} on purpose, stronger
 * than needed: the JDK compiles only that mode to one locked instruction ({@code
 * Unsafe.getAndAddInt} is the intrinsic); its acquire and release variants are compare-and-set
 * loops in Java, which retry under contention. Measured in benchmarks (KrefBench, two threads on
 * one count): the acquire/release forms cost about 1.5 times {@code AtomicInteger}, the volatile
 * form the same.
 *
 * <p>State encoding of {@code count}:
 *
 * <ul>
 *   <li>{@code > 0}: live, that many references;
 *   <li>{@code 0}: the last reference was just dropped (or the kref was created empty);
 *   <li>{@code RELEASED} (0xA0000000): the release callback has been claimed; {@link #read()}
 *       shows 0;
 *   <li>{@link #SATURATED} (0xC0000000) and values near it or near {@code RELEASED}: pinned after
 *       an illegal transition.
 * </ul>
 *
 * The final put is the only path with a second atomic: after its fetch-and-subtract returns 1 it
 * moves the count from 0 to {@code RELEASED} with a compare-and-set, and runs the release only if
 * that succeeds. Without that step an illegal {@code get} on a released object (count 0 → 1) racing
 * an illegal {@code put} would let the put see 1 and release a second time; with it, an illegal get
 * on a released object sees a negative count, and an illegal get that slips into the instant
 * between the final decrement and the claim makes the claim fail, so the object is leaked, never
 * released twice. Lincheck found that window (see KrefLincheckTest). Every transition into the
 * negative range stores {@link #SATURATED}; later operations on a pinned count re-pin it silently,
 * so each kref reports its first illegal transition only, like the kernel's one-time warning.
 */
@KernelSymbol({"kref", "refcount_t"})
public final class Kref {
  /** The value a count is pinned at after an illegal transition (the kernel's REFCOUNT_SATURATED). */
  @KernelSymbol("REFCOUNT_SATURATED")
  public static final int SATURATED = Integer.MIN_VALUE / 2;

  /** The count once the release has been claimed; far from zero, SATURATED and wrap-around. */
  private static final int RELEASED = 0xA000_0000;

  private static final VarHandle COUNT;

  static {
    try {
      COUNT = MethodHandles.lookup().findVarHandle(Kref.class, "count", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("UnusedVariable") // accessed through COUNT
  private volatile int count;

  private final String name;

  /**
   * Creates a kref with one reference, held by the creator.
   *
   * @param name the object's name, used in refcount warnings
   */
  @KernelSymbol("kref_init")
  public Kref(String name) {
    this(name, 1);
  }

  /**
   * Creates a kref with a given count, like the static initialiser.
   *
   * @param name the object's name, used in refcount warnings
   * @param initial the initial count
   */
  @KernelSymbol({"KREF_INIT", "refcount_set"})
  public Kref(String name, int initial) {
    this.name = name;
    COUNT.setRelease(this, initial);
  }

  /**
   * The current count; only a hint once other threads may take or drop references.
   *
   * @return the count, {@link #SATURATED} (or near it) after an illegal transition
   */
  @KernelSymbol({"kref_read", "refcount_read"})
  public int read() {
    int v = raw();
    return v == RELEASED ? 0 : v;
  }

  private int raw() {
    return (int) COUNT.getAcquire(this);
  }

  /**
   * The name given at init.
   *
   * @return the name
   */
  @JavaOnly("report naming")
  public String name() {
    return name;
  }

  /**
   * Adds a reference. The caller must already hold one: a get on zero is a use-after-free,
   * reported as "addition on 0; use-after-free" and answered by saturating the count.
   */
  @KernelSymbol({"kref_get", "refcount_inc"})
  public void get() {
    int old = (int) COUNT.getAndAdd(this, 1);
    if (old <= 0 || old == Integer.MAX_VALUE) {
      addFailed(old);
    }
  }

  /**
   * Adds a reference unless the count is zero: the lookup-side get for objects that are removed
   * from their lookup structure only by their release. The result must be checked.
   *
   * @return true if a reference was taken; false if the object is already being released
   */
  @CheckReturnValue
  @KernelSymbol({"kref_get_unless_zero", "refcount_inc_not_zero"})
  public boolean tryGet() {
    int old = raw();
    while (true) {
      if (old == 0 || old == RELEASED) {
        return false;
      }
      int witness = (int) COUNT.compareAndExchangeAcquire(this, old, old + 1);
      if (witness == old) {
        break;
      }
      old = witness;
    }
    if (old < 0 || old == Integer.MAX_VALUE) {
      addFailed(old);
    }
    return true;
  }

  /**
   * Drops a reference and, if it was the last, calls {@code release} with {@code obj}.
   *
   * <p>A false result does not mean the object is still alive: another task may have dropped the
   * last reference since. An underflow is reported and never runs the release again.
   *
   * @param obj the object that embeds this kref, passed to {@code release}
   * @param release the destructor; called at most once, with no lock held
   * @param <T> the object's type
   * @return true iff this put released the object
   */
  @KernelSymbol({"kref_put", "refcount_dec_and_test"})
  public <T> boolean put(T obj, Consumer<? super T> release) {
    if (decAndTest()) {
      release.accept(obj);
      return true;
    }
    return false;
  }

  /** The one atomic of a put: true on the transition to zero, with acquire ordering after it. */
  private boolean decAndTest() {
    int old = (int) COUNT.getAndAdd(this, -1);
    if (old == 1) {
      VarHandle.acquireFence();
      // Claim the release; fails only if an illegal get raced in and is saturating the count.
      return COUNT.compareAndSet(this, 0, RELEASED);
    }
    if (old <= 0) {
      subFailed(old);
    }
    return false;
  }

  /**
   * Drops a reference; if it is the last, takes {@code mutex} first and calls {@code release} with
   * the mutex held, so that the object leaves its lookup structure atomically with the final put.
   * The release must unlock the mutex. Puts that are not the last never touch the mutex.
   *
   * @param obj the object passed to {@code release}
   * @param release the destructor, responsible for unlocking {@code mutex}
   * @param mutex the lookup lock
   * @param <T> the object's type
   * @return true iff this put released the object
   */
  @KernelSymbol({"kref_put_mutex", "refcount_dec_and_mutex_lock"})
  public <T> boolean putMutex(T obj, Consumer<? super T> release, Mutex mutex) {
    if (decNotOne()) {
      return false;
    }
    mutex.lock();
    if (decAndTest()) {
      release.accept(obj);
      return true;
    }
    mutex.unlock();
    return false;
  }

  /**
   * Like {@link #putMutex} with a spinlock: the release runs with {@code lock} held and must
   * unlock it.
   *
   * @param obj the object passed to {@code release}
   * @param release the destructor, responsible for unlocking {@code lock}
   * @param lock the lookup lock
   * @param <T> the object's type
   * @return true iff this put released the object
   */
  @KernelSymbol({"kref_put_lock", "refcount_dec_and_lock"})
  public <T> boolean putLock(T obj, Consumer<? super T> release, SpinLock lock) {
    if (decNotOne()) {
      return false;
    }
    lock.lock();
    if (decAndTest()) {
      release.accept(obj);
      return true;
    }
    lock.unlock();
    return false;
  }

  /** Decrements unless the count is 1 (or 0, which the locked put reports); true if it did. */
  private boolean decNotOne() {
    int old = raw();
    while (true) {
      if (old == 1 || old == 0 || old == RELEASED) {
        return false;
      }
      if (old < 0) {
        return true; // saturated: stays pinned, never released
      }
      int witness = (int) COUNT.compareAndExchangeRelease(this, old, old - 1);
      if (witness == old) {
        return true;
      }
      old = witness;
    }
  }

  private void addFailed(int old) {
    COUNT.setVolatile(this, SATURATED);
    if (old == 0 || old == RELEASED) {
      warn(RefcountEvent.ADDITION_ON_ZERO);
    } else if (old > 0) {
      warn(RefcountEvent.OVERFLOW);
    }
  }

  private void subFailed(int old) {
    COUNT.setVolatile(this, SATURATED);
    if (old == 0 || old == RELEASED) {
      warn(RefcountEvent.UNDERFLOW);
    }
  }

  private void warn(RefcountEvent event) {
    Sanitizers.report(new Report.RefcountWarning(event, name, Stack.capture()));
  }

  @Override
  public String toString() {
    return "kref " + name + " = " + read();
  }
}
