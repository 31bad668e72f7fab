package dev.medialife.kernel.wait;

import static dev.medialife.kernel.wait.Sleeper.untilWaiters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.locking.Lockdep;
import dev.medialife.kernel.locking.SpinLock;
import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.time.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WaitQueueHeadTest {
  private static final long SEC = TimeUnit.SECONDS.toNanos(1);

  private final ManualClock clock = new ManualClock();
  private final WaitQueueHead wq = new WaitQueueHead("test.wq", clock);
  private final AtomicBoolean flag = new AtomicBoolean();

  @BeforeEach
  void resetLockdep() {
    Lockdep.reset();
  }

  @Test
  void aTrueConditionReturnsAtOnceWithoutQueueing() {
    try (SanitizerScope s = SanitizerScope.open("fast path")) {
      flag.set(true);
      wq.waitEvent(flag::get);
      assertEquals(0, wq.waitEventInterruptible(flag::get));
      assertEquals(0, wq.waitEventInterruptibleExclusive(flag::get));
      assertEquals(5 * SEC, wq.waitEventTimeout(flag::get, 5 * SEC));
      assertEquals(5 * SEC, wq.waitEventInterruptibleTimeout(flag::get, 5 * SEC));
      assertEquals(1, wq.waitEventTimeout(flag::get, 0), "true with a zero timeout is 1");
      assertFalse(wq.active());
      assertEquals(0, clock.pendingTimers(), "no timer armed on the fast path");
      assertTrue(s.reports().isEmpty(), s.reports()::toString);
    }
  }

  @Test
  void aWaiterSleepsUntilTheConditionIsTrueAndItIsWoken() throws Exception {
    try (SanitizerScope s = SanitizerScope.open("wait_event")) {
      Sleeper<Boolean> w =
          Sleeper.start(
              "waiter",
              () -> {
                wq.waitEvent(flag::get);
                return flag.get();
              });
      untilWaiters(wq, 1);
      assertTrue(wq.active());
      assertEquals(1, wq.wakeUp(), "a wake-up with the condition still false");
      untilWaiters(wq, 1); // it re-checked, found false, and went back to sleep
      assertFalse(w.done());
      flag.set(true);
      assertEquals(1, wq.wakeUp());
      assertTrue(w.join());
      assertFalse(wq.active());
      assertEquals(0, wq.wakeUp(), "nobody left to wake");
      assertTrue(s.reports().isEmpty(), s.reports()::toString);
    }
  }

  @Test
  void anUninterruptibleWaitIgnoresInterruptsAndRestoresThem() throws Exception {
    Sleeper<Boolean> w =
        Sleeper.start(
            "uninterruptible",
            () -> {
              wq.waitEvent(flag::get);
              return flag.get();
            });
    untilWaiters(wq, 1);
    w.interrupt();
    w.untilParked();
    w.interrupt();
    w.untilParked();
    assertFalse(w.done());
    flag.set(true);
    wq.wakeUpAll();
    assertTrue(w.join(), "returned only once the condition held");
    assertTrue(w.interruptedAfter(), "the pending signal is still pending");
  }

  @Test
  void anUninterruptibleWaitEnteredWithAnInterruptPendingStillSleeps() throws Exception {
    Sleeper<Boolean> w =
        Sleeper.start(
            "pre-interrupted",
            () -> {
              Thread.currentThread().interrupt();
              wq.waitEvent(flag::get);
              return flag.get();
            });
    untilWaiters(wq, 1);
    w.untilParked();
    flag.set(true);
    wq.wakeUp();
    assertTrue(w.join());
    assertTrue(w.interruptedAfter());
  }

  @Test
  void anInterruptibleWaitReturnsRestartsysAndLeavesTheInterruptSet() throws Exception {
    Sleeper<Integer> w = Sleeper.start("interruptible", () -> wq.waitEventInterruptible(flag::get));
    untilWaiters(wq, 1);
    w.interrupt();
    assertEquals(-Errno.ERESTARTSYS, w.join());
    assertTrue(w.interruptedAfter());
    assertFalse(wq.active(), "the entry left the queue");

    Sleeper<Integer> pre =
        Sleeper.start(
            "pre-interrupted",
            () -> {
              Thread.currentThread().interrupt();
              return wq.waitEventInterruptibleExclusive(flag::get);
            });
    assertEquals(-Errno.ERESTARTSYS, pre.join());
    assertTrue(pre.interruptedAfter());

    Sleeper<Integer> ready =
        Sleeper.start(
            "interrupted but ready",
            () -> {
              Thread.currentThread().interrupt();
              flag.set(true);
              return wq.waitEventInterruptible(flag::get);
            });
    assertEquals(0, ready.join(), "the condition wins over a pending signal");
  }

  @Test
  void aTimedWaitExpiresExactlyWhenTheManualClockPassesItsDeadline() throws Exception {
    Sleeper<Long> w = Sleeper.start("timed", () -> wq.waitEventTimeout(flag::get, 2 * SEC));
    untilWaiters(wq, 1);
    assertEquals(1, clock.pendingTimers());
    assertEquals(2 * SEC, clock.nextDeadline());
    assertEquals(0, clock.advanceNanos(2 * SEC - 1));
    assertFalse(w.done());
    assertEquals(1, clock.advanceNanos(1));
    assertEquals(0L, w.join(), "timed out with the condition false");
    assertFalse(wq.active());
  }

  @Test
  void aTimedWaitWokenEarlyReturnsTheExactTimeLeftAndDisarmsItsTimer() throws Exception {
    Sleeper<Long> w =
        Sleeper.start("timed", () -> wq.waitEventInterruptibleTimeout(flag::get, 2 * SEC));
    untilWaiters(wq, 1);
    clock.advanceNanos(SEC / 2);
    flag.set(true);
    wq.wakeUpInterruptible();
    assertEquals(3 * SEC / 2, w.join());
    assertEquals(0, clock.pendingTimers(), "the timeout timer was cancelled");
  }

  @Test
  void aConditionThatTurnsTrueAsTimeRunsOutReturnsOne() throws Exception {
    Sleeper<Long> w = Sleeper.start("timed", () -> wq.waitEventTimeout(flag::get, SEC));
    untilWaiters(wq, 1);
    // just before the waiter's timeout, the condition turns true without a wake-up
    clock.schedule(SEC - 1, () -> flag.set(true));
    assertEquals(2, clock.advanceNanos(SEC));
    assertEquals(1L, w.join(), "true, but only once the time was up");
  }

  @Test
  void anInterruptibleTimedWaitCanBeInterruptedOrTimeOut() throws Exception {
    Sleeper<Long> w =
        Sleeper.start("interrupted", () -> wq.waitEventInterruptibleTimeout(flag::get, SEC));
    untilWaiters(wq, 1);
    w.interrupt();
    assertEquals((long) -Errno.ERESTARTSYS, w.join());
    assertEquals(0, clock.pendingTimers());

    Sleeper<Long> t =
        Sleeper.start("expires", () -> wq.waitEventInterruptibleTimeout(flag::get, SEC));
    untilWaiters(wq, 1);
    clock.advanceNanos(SEC);
    assertEquals(0L, t.join());
  }

  @Test
  void anUninterruptibleTimedWaitIgnoresInterrupts() throws Exception {
    Sleeper<Long> w = Sleeper.start("timed", () -> wq.waitEventTimeout(flag::get, SEC));
    untilWaiters(wq, 1);
    w.interrupt();
    w.untilParked();
    assertFalse(w.done());
    clock.advanceNanos(SEC);
    assertEquals(0L, w.join());
    assertTrue(w.interruptedAfter());
  }

  @Test
  void zeroAndNegativeTimeoutsDoNotSleep() {
    try (SanitizerScope s = SanitizerScope.open("timeouts")) {
      assertEquals(0, wq.waitEventTimeout(flag::get, 0));
      assertEquals(0, wq.waitEventInterruptibleTimeout(flag::get, 0));
      assertTrue(s.reports().isEmpty());
      assertEquals(0, wq.waitEventTimeout(flag::get, -5));
      List<Report> warnings = s.reports(ReportKind.WARNING);
      assertEquals(1, warnings.size());
      assertTrue(warnings.get(0).title().contains("wrong timeout value -5"));
    }
  }

  @Test
  void maxScheduleTimeoutMeansNoTimer() throws Exception {
    Sleeper<Long> w =
        Sleeper.start(
            "forever", () -> wq.waitEventTimeout(flag::get, KernelClock.MAX_SCHEDULE_TIMEOUT));
    untilWaiters(wq, 1);
    assertEquals(0, clock.pendingTimers());
    flag.set(true);
    wq.wakeUp();
    assertEquals(KernelClock.MAX_SCHEDULE_TIMEOUT, w.join());
  }

  @Test
  void timedWaitsWorkOnTheRealClockToo() {
    WaitQueueHead real = new WaitQueueHead("real.wq");
    long t0 = System.nanoTime();
    assertEquals(0, real.waitEventTimeout(flag::get, TimeUnit.MILLISECONDS.toNanos(20)));
    assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(20));
  }

  @Test
  void timedWaitsFollowTheInstalledClock() throws Exception {
    ManualClock installed = new ManualClock();
    KernelClock previous = KernelClock.install(installed);
    try {
      WaitQueueHead sys = new WaitQueueHead("system clock wq");
      Sleeper<Long> w = Sleeper.start("timed", () -> sys.waitEventTimeout(flag::get, SEC));
      untilWaiters(sys, 1);
      assertEquals(1, installed.advanceNanos(SEC));
      assertEquals(0L, w.join());
    } finally {
      KernelClock.install(previous);
    }
  }

  @Test
  void wakeUpWakesAllNonExclusiveWaitersAndOneExclusive() throws Exception {
    AtomicInteger tokens = new AtomicInteger();
    List<Sleeper<Integer>> exclusive = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      exclusive.add(
          Sleeper.start(
              "exclusive" + i, () -> wq.waitEventInterruptibleExclusive(() -> take(tokens))));
    }
    untilWaiters(wq, 3);
    List<Sleeper<Integer>> shared = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      shared.add(Sleeper.start("shared" + i, () -> wq.waitEventInterruptible(flag::get)));
    }
    untilWaiters(wq, 5);

    tokens.set(1);
    assertEquals(3, wq.wakeUp(), "two non-exclusive, one exclusive");
    Sleeper.until(() -> countDone(exclusive) == 1);
    untilWaiters(wq, 4); // the shared ones are back, the other two exclusive never left

    tokens.set(2);
    assertEquals(4, wq.wakeUpNr(2), "two non-exclusive, two exclusive");
    for (Sleeper<Integer> e : exclusive) {
      assertEquals(0, e.join());
    }
    untilWaiters(wq, 2);
    flag.set(true);
    assertEquals(2, wq.wakeUpAll());
    for (Sleeper<Integer> s : shared) {
      assertEquals(0, s.join());
    }
    assertEquals(0, tokens.get());
  }

  @Test
  void wakeUpAllWakesEveryExclusiveWaiter() throws Exception {
    List<Sleeper<Integer>> exclusive = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      exclusive.add(
          Sleeper.start("exclusive" + i, () -> wq.waitEventInterruptibleExclusive(flag::get)));
    }
    untilWaiters(wq, 3);
    flag.set(true);
    assertEquals(3, wq.wakeUpAll());
    for (Sleeper<Integer> e : exclusive) {
      assertEquals(0, e.join());
    }
  }

  @Test
  void interruptibleWakeUpsLeaveUninterruptibleSleepersAlone() throws Exception {
    Sleeper<Boolean> deep =
        Sleeper.start(
            "uninterruptible",
            () -> {
              wq.waitEvent(flag::get);
              return true;
            });
    untilWaiters(wq, 1);
    flag.set(true);
    assertEquals(0, wq.wakeUpInterruptible());
    assertEquals(0, wq.wakeUpInterruptibleAll());
    assertEquals(1, wq.waiters());
    Sleeper<Integer> light =
        Sleeper.start("interruptible", () -> wq.waitEventInterruptible(() -> false));
    untilWaiters(wq, 2);
    assertEquals(1, wq.wakeUpInterruptibleAll());
    untilWaiters(wq, 2);
    assertEquals(2, wq.wakeUpAll());
    assertTrue(deep.join());
    light.interrupt();
    assertEquals(-Errno.ERESTARTSYS, light.join());
  }

  @Test
  void sleepingUnderASpinlockIsReported() {
    SpinLock lock = new SpinLock("test.spin");
    try (SanitizerScope s = SanitizerScope.open("atomic")) {
      flag.set(true);
      lock.lock();
      try {
        wq.waitEvent(flag::get);
        wq.waitEventTimeout(flag::get, SEC);
      } finally {
        lock.unlock();
      }
      List<Report> atomic = s.reports(ReportKind.SLEEP_IN_ATOMIC);
      assertEquals(2, atomic.size());
      assertTrue(atomic.get(0).title().contains("wait_event"), atomic.get(0).title());
      assertTrue(atomic.get(1).title().contains("wait_event_timeout"), atomic.get(1).title());
    }
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void noWakeUpIsLostOverThousandsOfRaces() throws Exception {
    int rounds = 5000;
    AtomicInteger published = new AtomicInteger();
    WaitQueueHead q = new WaitQueueHead("race.wq");
    CyclicBarrier barrier = new CyclicBarrier(2);
    Sleeper<Integer> waiter =
        Sleeper.start(
            "waiter",
            () -> {
              for (int i = 1; i <= rounds; i++) {
                barrier.await();
                int round = i;
                q.waitEvent(() -> published.get() >= round);
              }
              return rounds;
            });
    Sleeper<Integer> waker =
        Sleeper.start(
            "waker",
            () -> {
              for (int i = 1; i <= rounds; i++) {
                barrier.await();
                published.set(i);
                q.wakeUp();
              }
              return rounds;
            });
    assertEquals(rounds, waker.join());
    assertEquals(rounds, waiter.join());
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void exclusiveConsumersTakeEveryTokenExactlyOnce() throws Exception {
    int perProducer = 3000;
    AtomicInteger tokens = new AtomicInteger();
    AtomicInteger taken = new AtomicInteger();
    WaitQueueHead q = new WaitQueueHead("tokens.wq");
    List<Sleeper<Integer>> consumers = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      consumers.add(
          Sleeper.start(
              "consumer" + c,
              () -> {
                int mine = 0;
                while (q.waitEventInterruptibleExclusive(() -> take(tokens) || taken.get() < 0) == 0
                    && taken.get() >= 0) {
                  mine++;
                  if (taken.incrementAndGet() == 2 * perProducer) {
                    taken.set(-1);
                    q.wakeUpAll();
                  }
                }
                return mine;
              }));
    }
    List<Sleeper<Integer>> producers = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      producers.add(
          Sleeper.start(
              "producer" + p,
              () -> {
                for (int i = 0; i < perProducer; i++) {
                  tokens.incrementAndGet();
                  q.wakeUp();
                }
                return perProducer;
              }));
    }
    for (Sleeper<Integer> p : producers) {
      p.join();
    }
    int total = 0;
    for (Sleeper<Integer> c : consumers) {
      total += c.join();
    }
    assertEquals(2 * perProducer, total);
    assertEquals(0, tokens.get());
  }

  @Test
  void describesItself() {
    assertEquals("test.wq", wq.name());
    assertEquals("wait_queue_head test.wq", wq.toString());
  }

  private static boolean take(AtomicInteger tokens) {
    for (; ; ) {
      int t = tokens.get();
      if (t == 0) {
        return false;
      }
      if (tokens.compareAndSet(t, t - 1)) {
        return true;
      }
    }
  }

  private static int countDone(List<? extends Sleeper<?>> sleepers) {
    int n = 0;
    for (Sleeper<?> s : sleepers) {
      if (s.done()) {
        n++;
      }
    }
    return n;
  }
}
