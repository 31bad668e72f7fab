package dev.medialife.kernel.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class KernelClockTest {

  @Test
  void theRealClockIsInstalledByDefaultAndInstallReturnsThePrevious() {
    KernelClock real = KernelClock.real();
    assertSame(real, KernelClock.system());
    ManualClock manual = new ManualClock();
    assertSame(real, KernelClock.install(manual));
    try {
      assertSame(manual, KernelClock.system());
    } finally {
      assertSame(manual, KernelClock.install(real));
    }
    assertSame(real, KernelClock.system());
    assertThrows(NullPointerException.class, () -> KernelClock.install(nullClock()));
    assertSame(real, KernelClock.system());
  }

  @SuppressWarnings("NullAway") // deliberately passes null to check the harness refuses it
  private static KernelClock nullClock() {
    return null;
  }

  @Test
  void timeoutHelpers() {
    assertEquals(2_000_000_000L, KernelClock.msecs(2000));
    assertEquals(0, KernelClock.msecs(0));
    assertEquals(Long.MAX_VALUE, KernelClock.msecs(Long.MAX_VALUE));
    assertEquals(15, KernelClock.deadline(10, 5));
    assertEquals(Long.MAX_VALUE, KernelClock.deadline(10, Long.MAX_VALUE));
    assertEquals(Long.MAX_VALUE, KernelClock.deadline(Long.MAX_VALUE - 1, 2));
    assertEquals(-5, KernelClock.deadline(-10, 5));
    assertEquals(Long.MAX_VALUE, KernelClock.MAX_SCHEDULE_TIMEOUT);
  }

  @Test
  void realTimeIsMonotonic() {
    KernelClock clock = KernelClock.real();
    long a = clock.nanoTime();
    long b = clock.nanoTime();
    assertTrue(a >= 0);
    assertTrue(b >= a);
    assertTrue(clock.toString().startsWith("RealClock["), clock.toString());
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void realTimersFireOnTheTimerThreadAndCancelOnlyWhilePending() throws InterruptedException {
    KernelClock clock = KernelClock.real();
    CountDownLatch fired = new CountDownLatch(1);
    AtomicReference<String> thread = new AtomicReference<>();
    Timer now =
        clock.schedule(
            clock.nanoTime() - 1,
            () -> {
              thread.set(Thread.currentThread().getName());
              fired.countDown();
            });
    assertTrue(fired.await(5, TimeUnit.SECONDS));
    assertEquals("ktimerd", thread.get());
    awaitNotPending(now);
    assertFalse(now.cancel(), "already fired");

    AtomicBoolean ranLate = new AtomicBoolean();
    Timer late =
        clock.schedule(clock.nanoTime() + TimeUnit.HOURS.toNanos(1), () -> ranLate.set(true));
    assertTrue(late.pending());
    assertTrue(late.toString().endsWith("(pending)"), late.toString());
    assertTrue(late.cancel());
    assertFalse(late.pending());
    assertFalse(late.toString().endsWith("(pending)"), late.toString());
    assertFalse(late.cancel(), "second cancel");
    assertFalse(ranLate.get());
    assertTrue(late.deadlineNanos() > clock.nanoTime());
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aThrowingRealTimerIsReportedAndTheTimerThreadCarriesOn() throws InterruptedException {
    KernelClock clock = KernelClock.real();
    CountDownLatch after = new CountDownLatch(1);
    try (SanitizerScope s = SanitizerScope.open("throwing real timer")) {
      long now = clock.nanoTime();
      clock.schedule(
          now,
          () -> {
            throw new IllegalStateException("real boom");
          });
      // the single timer thread runs the later timer only after the throwing one
      clock.schedule(now + 1_000_000, after::countDown);
      assertTrue(after.await(5, TimeUnit.SECONDS));
      assertEquals(1, s.reports(ReportKind.WARNING).size());
      assertTrue(s.reports().get(0).title().contains("real boom"));
    }
  }

  private static void awaitNotPending(Timer t) {
    while (t.pending()) {
      Thread.onSpinWait();
    }
  }
}
