package dev.medialife.kernel.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.Report.RefcountEvent;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.locking.SpinLock;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Kref scenarios 1–5 of the kernel-semantics reference, plus overflow and races. */
@Sanitized
class KrefTest {

  /** A refcounted object whose release counts how often it ran. */
  static final class Obj {
    final Kref kref = new Kref("obj");
    final AtomicInteger releases = new AtomicInteger();

    static void release(Obj o) {
      o.releases.incrementAndGet();
    }
  }

  private static RefcountEvent onlyEvent(SanitizerScope scope) {
    List<Report.RefcountWarning> w = scope.reports(Report.RefcountWarning.class);
    assertEquals(1, w.size(), () -> "refcount warnings: " + w);
    return w.get(0).event();
  }

  @Test
  void scenario1BasicGetPutReleasesOnceOnTheLastPut() {
    Obj o = new Obj();
    o.kref.get();
    assertEquals(2, o.kref.read());
    assertFalse(o.kref.put(o, Obj::release));
    assertEquals(0, o.releases.get());
    assertTrue(o.kref.put(o, Obj::release));
    assertEquals(1, o.releases.get());
    assertEquals(0, o.kref.read());
  }

  @Test
  @ExpectReports(ReportKind.REFCOUNT)
  void scenario2GetFromZeroWarnsSaturatesAndNeverReleasesAgain(SanitizerScope scope) {
    Obj o = new Obj();
    assertTrue(o.kref.put(o, Obj::release));
    o.kref.get();
    assertEquals(RefcountEvent.ADDITION_ON_ZERO, onlyEvent(scope));
    assertEquals(Kref.SATURATED, o.kref.read());
    Report.RefcountWarning w = scope.reports(Report.RefcountWarning.class).get(0);
    assertEquals("refcount_t: addition on 0; use-after-free (obj)", w.title());
    assertTrue(w.stack().isPresent(), "the warning carries a backtrace");
    for (int i = 0; i < 10; i++) {
      assertFalse(o.kref.put(o, Obj::release));
    }
    assertEquals(1, o.releases.get(), "a saturated kref never releases");
    assertEquals(1, scope.reports().size(), "warned once, like WARN_ONCE");
  }

  @Test
  void scenario3GetUnlessZero() {
    Kref zero = new Kref("zero", 0);
    assertFalse(zero.tryGet());
    assertEquals(0, zero.read());
    Kref one = new Kref("one");
    assertTrue(one.tryGet());
    assertEquals(2, one.read());
  }

  @Test
  @ExpectReports(ReportKind.REFCOUNT)
  void scenario4UnderflowWarnsAndNeverReleasesTwice(SanitizerScope scope) {
    Obj o = new Obj();
    assertTrue(o.kref.put(o, Obj::release));
    assertFalse(o.kref.put(o, Obj::release));
    assertEquals(RefcountEvent.UNDERFLOW, onlyEvent(scope));
    assertEquals("refcount_t: underflow; use-after-free (obj)",
        scope.reports().get(0).title());
    assertEquals(1, o.releases.get());
    assertEquals(Kref.SATURATED, o.kref.read());
  }

  @Test
  void scenario5PutMutexTakesTheMutexOnlyForTheLastPut() {
    Mutex lookup = new Mutex("test.lookup_lock");
    Kref kref = new Kref("m", 2);
    AtomicInteger heldDuringRelease = new AtomicInteger(-1);
    // Another task holds the mutex: a put that is not the last must not need it.
    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    Thread holder =
        new Thread(
            () -> {
              lookup.lock();
              locked.countDown();
              awaitQuietly(done);
              lookup.unlock();
            },
            "holder");
    holder.start();
    awaitQuietly(locked);
    assertFalse(kref.putMutex(kref, k -> heldDuringRelease.set(1), lookup));
    assertEquals(1, kref.read());
    done.countDown();
    joinQuietly(holder);

    assertTrue(
        kref.putMutex(
            kref,
            k -> {
              heldDuringRelease.set(lookup.isHeldByCurrentThread() ? 1 : 0);
              lookup.unlock(); // the release is the one that unlocks
            },
            lookup));
    assertEquals(1, heldDuringRelease.get(), "release ran with the mutex held");
    assertFalse(lookup.isLocked());
  }

  @Test
  void putLockRunsTheReleaseUnderTheSpinlock() {
    SpinLock lock = new SpinLock("test.list_lock");
    Kref kref = new Kref("s", 2);
    AtomicInteger released = new AtomicInteger();
    assertFalse(kref.putLock(kref, k -> released.incrementAndGet(), lock));
    assertFalse(lock.isLocked());
    assertTrue(
        kref.putLock(
            kref,
            k -> {
              assertTrue(lock.isLocked());
              released.incrementAndGet();
              lock.unlock();
            },
            lock));
    assertEquals(1, released.get());
    assertFalse(lock.isLocked());
  }

  @Test
  @ExpectReports(ReportKind.REFCOUNT)
  void putMutexOnZeroWarnsUnderflowAndUnlocks(SanitizerScope scope) {
    Mutex m = new Mutex("test.lookup_lock");
    Kref kref = new Kref("z", 0);
    assertFalse(kref.putMutex(kref, k -> m.unlock(), m));
    assertEquals(RefcountEvent.UNDERFLOW, onlyEvent(scope));
    assertFalse(m.isLocked());
    // Saturated: a locked put leaves it pinned without taking the mutex.
    assertFalse(kref.putMutex(kref, k -> m.unlock(), m));
    assertFalse(kref.putLock(kref, k -> {}, new SpinLock("test.other")));
    assertEquals(Kref.SATURATED, kref.read());
  }

  @Test
  @ExpectReports(ReportKind.REFCOUNT)
  void overflowSaturatesAsALeak(SanitizerScope scope) {
    Obj o = new Obj();
    Kref max = new Kref("max", Integer.MAX_VALUE);
    max.get();
    assertEquals(RefcountEvent.OVERFLOW, onlyEvent(scope));
    assertEquals("refcount_t: saturated; leaking memory (max)", scope.reports().get(0).title());
    assertEquals(Kref.SATURATED, max.read());
    assertFalse(max.put(o, Obj::release));
    assertTrue(max.tryGet(), "get_unless_zero succeeds on a saturated count");
    assertEquals(Kref.SATURATED, max.read());
    assertEquals(0, o.releases.get());
  }

  @Test
  @ExpectReports(ReportKind.REFCOUNT)
  void tryGetOverflowSaturates(SanitizerScope scope) {
    Kref max = new Kref("max", Integer.MAX_VALUE);
    assertTrue(max.tryGet());
    assertEquals(RefcountEvent.OVERFLOW, onlyEvent(scope));
    assertEquals(Kref.SATURATED, max.read());
  }

  @Test
  void toStringShowsNameAndCount() {
    Kref k = new Kref("media_device");
    assertEquals("kref media_device = 1", k.toString());
    assertEquals("media_device", k.name());
  }

  @Test
  @Timeout(30)
  void concurrentGetsAndPutsReleaseExactlyOnce() throws Exception {
    int threads = 4;
    int perThread = 10_000;
    for (int round = 0; round < 20; round++) {
      Obj o = new Obj();
      CyclicBarrier start = new CyclicBarrier(threads);
      Thread[] ts = new Thread[threads];
      for (int t = 0; t < threads; t++) {
        ts[t] =
            new Thread(
                () -> {
                  awaitQuietly(start);
                  for (int i = 0; i < perThread; i++) {
                    o.kref.get();
                    o.kref.put(o, Obj::release);
                  }
                });
        ts[t].start();
      }
      for (Thread t : ts) {
        t.join(TimeUnit.SECONDS.toMillis(20));
      }
      assertEquals(1, o.kref.read());
      assertEquals(0, o.releases.get());
      assertTrue(o.kref.put(o, Obj::release));
      assertEquals(1, o.releases.get());
    }
  }

  @Test
  @Timeout(30)
  void tryGetRacingTheLastPutNeverResurrects() throws Exception {
    for (int round = 0; round < 2_000; round++) {
      Obj o = new Obj();
      CyclicBarrier start = new CyclicBarrier(2);
      AtomicInteger got = new AtomicInteger();
      Thread lookup =
          new Thread(
              () -> {
                awaitQuietly(start);
                if (o.kref.tryGet()) {
                  got.set(1);
                  o.kref.put(o, Obj::release);
                }
              });
      lookup.start();
      awaitQuietly(start);
      o.kref.put(o, Obj::release);
      lookup.join(10_000);
      assertEquals(1, o.releases.get(), "released exactly once whoever put last");
      assertEquals(0, o.kref.read());
    }
  }

  static void awaitQuietly(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static void awaitQuietly(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static void joinQuietly(Thread t) {
    try {
      t.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertFalse(t.isAlive());
  }
}
