package dev.medialife.kernel.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ManualClockTest {
  private static final long MS = 1_000_000L;

  @Test
  void startsAtZeroOrTheGivenOriginAndMovesOnlyWhenAdvanced() {
    ManualClock clock = new ManualClock();
    assertEquals(0, clock.nanoTime());
    assertEquals(0, clock.nanoTime());
    assertEquals(0, clock.advance(Duration.ofMillis(5)));
    assertEquals(5 * MS, clock.nanoTime());
    assertEquals(0, clock.advanceNanos(7));
    assertEquals(5 * MS + 7, clock.nanoTime());
    assertEquals(0, clock.advanceNanos(0));
    assertEquals(5 * MS + 7, clock.nanoTime());
    assertEquals(42, new ManualClock(42).nanoTime());
  }

  @Test
  void timerFiresExactlyWhenTimeReachesItsDeadline() {
    ManualClock clock = new ManualClock();
    List<Long> fired = new ArrayList<>();
    Timer t = clock.schedule(2000 * MS, () -> fired.add(clock.nanoTime()));
    assertTrue(t.pending());
    assertEquals(2000 * MS, t.deadlineNanos());
    assertEquals(0, clock.advanceNanos(2000 * MS - 1));
    assertEquals(List.of(), fired);
    assertTrue(t.pending());
    assertEquals(1, clock.advanceNanos(1));
    assertEquals(List.of(2000 * MS), fired);
    assertFalse(t.pending());
    assertEquals(0, clock.advance(Duration.ofHours(1)));
    assertEquals(1, fired.size());
  }

  @Test
  void timersRunInDeadlineOrderFirstArmedFirstOnTies() {
    ManualClock clock = new ManualClock();
    List<String> order = new ArrayList<>();
    clock.schedule(30, () -> order.add("c@30"));
    clock.schedule(10, () -> order.add("a@10"));
    clock.schedule(20, () -> order.add("b1@20"));
    clock.schedule(20, () -> order.add("b2@20"));
    clock.schedule(20, () -> order.add("b3@20"));
    assertEquals(5, clock.pendingTimers());
    assertEquals(10, clock.nextDeadline());
    assertEquals(5, clock.advanceNanos(100));
    assertEquals(List.of("a@10", "b1@20", "b2@20", "b3@20", "c@30"), order);
    assertEquals(100, clock.nanoTime());
    assertEquals(0, clock.pendingTimers());
    assertEquals(Long.MAX_VALUE, clock.nextDeadline());
  }

  @Test
  void callbacksSeeTheirDeadlineAsNowAndTheirTimersInsideTheWindowRunToo() {
    ManualClock clock = new ManualClock();
    List<Long> ticks = new ArrayList<>();
    Runnable[] periodic = new Runnable[1];
    periodic[0] =
        () -> {
          ticks.add(clock.nanoTime());
          clock.schedule(clock.nanoTime() + 1000, periodic[0]);
        };
    clock.schedule(1000, periodic[0]);
    assertEquals(5, clock.advanceNanos(5500));
    assertEquals(List.of(1000L, 2000L, 3000L, 4000L, 5000L), ticks);
    assertEquals(5500, clock.nanoTime());
    assertEquals(6000, clock.nextDeadline());
  }

  @Test
  void aTimerArmedInThePastFiresAtTheNextAdvanceEvenByZero() {
    ManualClock clock = new ManualClock(100);
    AtomicLong seen = new AtomicLong(-1);
    clock.schedule(50, () -> seen.set(clock.nanoTime()));
    assertEquals(-1, seen.get());
    assertEquals(1, clock.advanceNanos(0));
    assertEquals(100, seen.get(), "time never moves backwards to a past deadline");
  }

  @Test
  void cancelReturnsTrueIffStillPending() {
    ManualClock clock = new ManualClock();
    List<String> fired = new ArrayList<>();
    Timer a = clock.schedule(10, () -> fired.add("a"));
    Timer b = clock.schedule(20, () -> fired.add("b"));
    assertTrue(a.cancel());
    assertFalse(a.pending());
    assertFalse(a.cancel(), "second cancel");
    assertEquals(1, clock.advanceNanos(20));
    assertEquals(List.of("b"), fired);
    assertFalse(b.cancel(), "already fired");
    assertFalse(b.pending());
  }

  @Test
  void aCallbackCanCancelALaterTimerOfTheSameAdvance() {
    ManualClock clock = new ManualClock();
    List<String> fired = new ArrayList<>();
    Timer[] later = new Timer[1];
    clock.schedule(10, () -> fired.add("first cancels: " + later[0].cancel()));
    later[0] = clock.schedule(10, () -> fired.add("second"));
    assertEquals(1, clock.advanceNanos(10));
    assertEquals(List.of("first cancels: true"), fired);
  }

  @Test
  void aThrowingCallbackIsReportedAndTheOthersStillRun() {
    ManualClock clock = new ManualClock();
    List<String> fired = new ArrayList<>();
    try (SanitizerScope s = SanitizerScope.open("throwing timer")) {
      clock.schedule(1, () -> fired.add("before"));
      clock.schedule(
          2,
          () -> {
            throw new IllegalStateException("boom");
          });
      clock.schedule(3, () -> fired.add("after"));
      assertEquals(3, clock.advanceNanos(3));
      assertEquals(List.of("before", "after"), fired);
      List<Report> warnings = s.reports(ReportKind.WARNING);
      assertEquals(1, warnings.size());
      assertTrue(warnings.get(0).title().contains("boom"), warnings.get(0).title());
      assertEquals(1, s.reports().size());
    }
  }

  @Test
  void advanceSaturatesInsteadOfOverflowingAndRefusesToGoBack() {
    ManualClock clock = new ManualClock(Long.MAX_VALUE - 10);
    clock.schedule(Long.MAX_VALUE, () -> {});
    assertEquals(1, clock.advanceNanos(Long.MAX_VALUE));
    assertEquals(Long.MAX_VALUE, clock.nanoTime());
    assertThrows(IllegalArgumentException.class, () -> clock.advanceNanos(-1));
    assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofNanos(-1)));
  }

  @Test
  void describesItselfAndItsTimers() {
    ManualClock clock = new ManualClock(7);
    Timer t = clock.schedule(9, () -> {});
    assertEquals("ManualClock[7 ns]", clock.toString());
    assertEquals("timer@9 (pending)", t.toString());
    t.cancel();
    assertEquals("timer@9", t.toString());
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void twoThreadsAdvancingTogetherRunEveryTimerOnce() throws InterruptedException {
    ManualClock clock = new ManualClock();
    int timers = 2000;
    AtomicLong fired = new AtomicLong();
    for (int i = 1; i <= timers; i++) {
      clock.schedule(i, fired::incrementAndGet);
    }
    CountDownLatch start = new CountDownLatch(1);
    Runnable advancer =
        () -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          for (int i = 0; i < timers; i++) {
            clock.advanceNanos(1);
          }
        };
    Thread a = new Thread(advancer);
    Thread b = new Thread(advancer);
    a.start();
    b.start();
    start.countDown();
    a.join(TimeUnit.SECONDS.toMillis(10));
    b.join(TimeUnit.SECONDS.toMillis(10));
    assertEquals(timers, fired.get());
    assertEquals(0, clock.pendingTimers());
    assertTrue(clock.nanoTime() >= timers);
  }
}
