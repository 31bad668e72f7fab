package dev.medialife.kernel.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerConfig;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lockdep-like validator, through mutexes and spinlocks. */
@Sanitized
@Timeout(30)
class LockdepTest {

  /** Runs {@code body} on a new thread named {@code name} and waits for it. */
  static void onThread(String name, Runnable body) throws InterruptedException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(body, name);
    t.setUncaughtExceptionHandler((th, e) -> failure.set(e));
    t.start();
    t.join(TimeUnit.SECONDS.toMillis(20));
    assertFalse(t.isAlive(), name + " finished");
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
  }

  @Test
  @ExpectReports(ReportKind.CIRCULAR_LOCKING)
  void abBaInversionFromTwoThreadsAtDifferentTimesIsReported(SanitizerScope scope)
      throws Exception {
    Mutex a = new Mutex("test.a");
    Mutex b = new Mutex("test.b");
    // Task 1 takes A then B and finishes; task 2 later takes B then A. They never overlap, so
    // nothing deadlocks, yet the orders are inverted: lockdep must say so.
    onThread(
        "task-1",
        () -> {
          a.lock();
          b.lock();
          b.unlock();
          a.unlock();
        });
    assertTrue(scope.reports().isEmpty());
    onThread(
        "task-2",
        () -> {
          b.lock();
          a.lock();
          a.unlock();
          b.unlock();
        });
    List<Report.CircularLocking> r = scope.reports(Report.CircularLocking.class);
    assertEquals(1, r.size());
    Report.CircularLocking c = r.get(0);
    assertEquals("test.b", c.held());
    assertEquals("test.a", c.acquiring());
    assertEquals(List.of("test.a", "test.b"), c.existingChain());
    assertEquals("task-1", c.existingStack().thread());
    assertEquals("task-2", c.newStack().thread());
    assertTrue(c.existingStack().isPresent() && c.newStack().isPresent());
    String text = c.render();
    assertTrue(text.contains("existing dependency chain: test.a -> test.b"), text);
    assertTrue(text.contains("new dependency: test.b -> test.a"), text);
  }

  @Test
  @ExpectReports(ReportKind.CIRCULAR_LOCKING)
  void cycleThroughThreeClassesIsReportedWithTheWholeChain(SanitizerScope scope)
      throws Exception {
    Mutex a = new Mutex("test.a");
    Mutex b = new Mutex("test.b");
    Mutex c = new Mutex("test.c");
    onThread("t1", () -> nest(a, b));
    onThread("t2", () -> nest(b, c));
    onThread(
        "t3",
        () -> {
          c.lock();
          assertTrue(a.tryLock()); // a trylock never waits: no order recorded, nothing reported
          a.unlock();
          c.unlock();
        });
    assertTrue(scope.reports().isEmpty(), "trylock closed no cycle");
    onThread("t4", () -> nest(c, a));
    Report.CircularLocking r = scope.reports(Report.CircularLocking.class).get(0);
    assertEquals("test.c", r.held());
    assertEquals("test.a", r.acquiring());
    assertEquals(List.of("test.a", "test.b", "test.c"), r.existingChain());
    assertEquals("t1", r.existingStack().thread());
    onThread("t5", () -> nest(c, a));
    assertEquals(1, scope.reports().size(), "an inverted order is reported once, not recorded");
  }

  private static void nest(Mutex outer, Mutex inner) {
    outer.lock();
    inner.lock();
    inner.unlock();
    outer.unlock();
  }

  @Test
  void nestedSubclassIsADistinctNode(SanitizerScope scope) {
    Mutex parent = new Mutex("test.media_device", LockClass.of("test.graph_mutex"));
    Mutex child = new Mutex("test.subdev", LockClass.of("test.graph_mutex"));
    parent.lock();
    child.lockNested(1);
    child.unlock();
    parent.unlock();
    assertTrue(scope.reports().isEmpty());
    assertEquals("test.graph_mutex", LockClass.of("test.graph_mutex").toString());
  }

  @Test
  @ExpectReports(ReportKind.RECURSIVE_LOCKING)
  void twoLocksOfOneClassWithoutNestingAreReported(SanitizerScope scope) {
    Mutex x = new Mutex("x", LockClass.of("test.same_class"));
    Mutex y = new Mutex("y", LockClass.of("test.same_class"));
    x.lock();
    y.lock();
    y.unlock();
    x.unlock();
    Report.RecursiveLocking r = scope.reports(Report.RecursiveLocking.class).get(0);
    assertEquals("y (test.same_class)", r.lock());
    assertFalse(x.isLocked() || y.isLocked());
  }

  @Test
  @ExpectReports(ReportKind.RECURSIVE_LOCKING)
  void recursiveMutexIsReportedAndDoesNotDeadlock(SanitizerScope scope) {
    Mutex m = new Mutex("test.recursive");
    m.lock();
    m.lock();
    assertEquals(0, m.lockInterruptible());
    assertEquals(2, scope.reports(ReportKind.RECURSIVE_LOCKING).size());
    m.unlock();
    m.unlock();
    assertTrue(m.isLocked(), "the outer hold survives the nested unlocks");
    m.unlock();
    assertFalse(m.isLocked());
    assertTrue(scope.reports().get(0).render().contains("possible recursive locking"));
  }

  @Test
  @ExpectReports(ReportKind.RECURSIVE_LOCKING)
  void recursiveSpinlockIsReportedAndDoesNotSpinForever() {
    SpinLock s = new SpinLock("test.spin");
    s.lock();
    s.lock();
    s.unlock();
    assertTrue(s.isLocked());
    s.unlock();
    assertFalse(s.isLocked());
  }

  @Test
  @ExpectReports(ReportKind.BAD_UNLOCK)
  void unlockByANonOwnerIsReportedAndReleases(SanitizerScope scope) throws Exception {
    Mutex m = new Mutex("test.owned");
    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch unlocked = new CountDownLatch(1);
    Thread owner =
        new Thread(
            () -> {
              m.lock();
              locked.countDown();
              await(unlocked);
              // The owner's own view: it no longer holds the mutex.
              assertEquals(List.of(), Lockdep.heldLocks());
            },
            "owner");
    owner.start();
    await(locked);
    m.unlock();
    unlocked.countDown();
    owner.join(10_000);
    Report.BadUnlock r = scope.reports(Report.BadUnlock.class).get(0);
    assertEquals("owner", r.owner());
    assertFalse(m.isLocked(), "the kernel releases it anyway");
  }

  @Test
  @ExpectReports(ReportKind.BAD_UNLOCK)
  void unlockOfAnUnlockedMutexIsReported(SanitizerScope scope) {
    Mutex m = new Mutex("test.never_locked");
    m.unlock();
    SpinLock s = new SpinLock("test.never_locked_spin");
    s.unlock();
    assertEquals(2, scope.reports().size());
    assertEquals("nobody", scope.reports(Report.BadUnlock.class).get(0).owner());
    assertTrue(scope.reports().get(0).title().contains("bad unlock balance"));
  }

  @Test
  @ExpectReports(ReportKind.SLEEP_IN_ATOMIC)
  void sleepingWhileHoldingASpinlockIsReported(SanitizerScope scope) {
    SpinLock lock = new SpinLock("test.job_spinlock");
    Mutex m = new Mutex("test.mutex");
    lock.lock();
    m.lock();
    m.unlock();
    assertFalse(Lockdep.mightSleep("msleep"));
    lock.unlock();
    assertTrue(Lockdep.mightSleep("msleep"));
    List<Report.SleepInAtomic> r = scope.reports(Report.SleepInAtomic.class);
    assertEquals(2, r.size());
    assertEquals("mutex_lock", r.get(0).operation());
    assertEquals(List.of("test.job_spinlock"), r.get(0).heldSpinlocks());
    assertEquals("msleep", r.get(1).operation());
    assertTrue(r.get(0).title().startsWith("BUG: sleeping function called from invalid context"));
  }

  @Test
  @ExpectReports(ReportKind.LOCK_HELD_AT_USER_RETURN)
  void lockHeldAtReturnToUserspaceIsReported(SanitizerScope scope) {
    Mutex m = new Mutex("test.ioctl_lock");
    assertEquals(0, Lockdep.checkNoLocksHeld("ioctl(VIDIOC_QBUF)"));
    m.lock();
    assertEquals(1, Lockdep.checkNoLocksHeld("ioctl(VIDIOC_QBUF)"));
    Report.LockHeldAtUserReturn r = scope.reports(Report.LockHeldAtUserReturn.class).get(0);
    assertEquals("ioctl(VIDIOC_QBUF)", r.syscall());
    assertEquals("test.ioctl_lock", r.lock());
    assertTrue(r.render().contains("Taken by task"));
    m.unlock();
  }

  @Test
  @ExpectReports(ReportKind.LOCK_NOT_HELD)
  void assertHeldReportsWhenTheLockIsNotHeld(SanitizerScope scope) {
    Mutex m = new Mutex("test.queue_lock");
    SpinLock s = new SpinLock("test.lock");
    assertFalse(m.assertHeld());
    assertFalse(s.assertHeld());
    m.lock();
    s.lock();
    assertTrue(m.assertHeld());
    assertTrue(s.assertHeld());
    assertTrue(Lockdep.isHeld(m.depMap()));
    assertEquals(List.of("test.queue_lock", "test.lock"), Lockdep.heldLocks());
    s.unlock();
    m.unlock();
    assertFalse(Lockdep.isHeld(m.depMap()));
    assertEquals(2, scope.reports().size());
    assertTrue(scope.reports().get(0).render().contains("lockdep_assert_held failed"));
  }

  @Test
  void lockdepOffCostsNothingAndReportsNothing(SanitizerScope scope) {
    Sanitizers.configure(new SanitizerConfig(true, true, false, true));
    SpinLock s = new SpinLock("test.off");
    Mutex m = new Mutex("test.off_mutex");
    s.lock();
    m.lock(); // would be a sleep in atomic context
    assertTrue(m.assertHeld());
    assertFalse(Lockdep.isHeld(m.depMap()));
    assertEquals(0, Lockdep.checkNoLocksHeld("close"));
    m.lock(); // recursion still does not deadlock
    m.unlock();
    m.unlock();
    s.unlock();
    assertTrue(Lockdep.acquire(m.depMap(), 0, false));
    assertTrue(Lockdep.release(m.depMap()));
    assertTrue(scope.reports().isEmpty());
  }

  @Test
  void interruptibleLockReturnsEintrAndKeepsTheSignalPending() throws Exception {
    Mutex m = new Mutex("test.interruptible");
    m.lock();
    AtomicInteger result = new AtomicInteger(1);
    AtomicInteger stillInterrupted = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    Thread waiter =
        new Thread(
            () -> {
              started.countDown();
              result.set(m.lockInterruptible());
              stillInterrupted.set(Thread.currentThread().isInterrupted() ? 1 : 0);
              assertEquals(List.of(), Lockdep.heldLocks());
            },
            "waiter");
    waiter.start();
    await(started);
    // Interrupt until the waiter has returned: whether it is already parked or not, the
    // interrupt ends the wait (acquireInterruptibly checks the flag before parking).
    waiter.interrupt();
    waiter.join(10_000);
    assertEquals(-Errno.EINTR, result.get());
    assertEquals(1, stillInterrupted.get());
    assertTrue(m.isLocked() && m.isHeldByCurrentThread());
    m.unlock();
    assertEquals(0, m.lockInterruptible());
    m.unlock();
  }

  /** Four threads increment a plain counter 5,000 times each under lock/unlock; returns it. */
  private static int hammer(Runnable lock, Runnable unlock) throws InterruptedException {
    int[] counter = new int[1];
    CountDownLatch start = new CountDownLatch(1);
    Thread[] ts = new Thread[4];
    for (int i = 0; i < ts.length; i++) {
      ts[i] =
          new Thread(
              () -> {
                await(start);
                for (int j = 0; j < 5_000; j++) {
                  lock.run();
                  counter[0]++;
                  unlock.run();
                }
              });
      ts[i].start();
    }
    start.countDown();
    for (Thread t : ts) {
      t.join(20_000);
    }
    return counter[0];
  }

  @Test
  void mutexExcludesAcrossThreads() throws Exception {
    Mutex m = new Mutex("test.counter_lock");
    assertEquals(20_000, hammer(m::lock, m::unlock));
  }

  @Test
  void spinlockExcludesAcrossThreadsAndTrylockFailsWhenHeld() throws Exception {
    SpinLock s = new SpinLock("test.spin_counter");
    assertEquals(20_000, hammer(s::lock, s::unlock));
    s.lock();
    AtomicInteger got = new AtomicInteger(-1);
    onThread("other", () -> got.set(s.tryLock() ? 1 : 0));
    assertEquals(0, got.get());
    s.unlock();
    assertTrue(s.tryLock());
    s.unlock();
    Mutex m = new Mutex("test.try");
    m.lock();
    onThread("other", () -> got.set(m.tryLock() ? 1 : 0));
    assertEquals(0, got.get());
    m.unlock();
  }

  @Test
  void namesAndToString() {
    Mutex m = new Mutex("v4l2_m2m_dev.job_lock");
    SpinLock s = new SpinLock("ctx.lock", LockClass.of("v4l2_m2m_ctx.lock"));
    assertEquals("mutex v4l2_m2m_dev.job_lock", m.toString());
    assertEquals("spinlock ctx.lock (v4l2_m2m_ctx.lock)", s.toString());
    assertEquals("v4l2_m2m_ctx.lock", s.depMap().lockClass().name());
    assertEquals("ctx.lock", s.depMap().name());
    assertTrue(s.depMap().isSpin());
    assertFalse(m.depMap().isSpin());
    assertFalse(m.isHeldByCurrentThread());
  }

  static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
