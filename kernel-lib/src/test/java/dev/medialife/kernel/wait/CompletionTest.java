package dev.medialife.kernel.wait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.locking.Lockdep;
import dev.medialife.kernel.locking.SpinLock;
import dev.medialife.kernel.time.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CompletionTest {
  private static final long SEC = TimeUnit.SECONDS.toNanos(1);

  private final ManualClock clock = new ManualClock();
  private final Completion done = new Completion("test.done", clock);

  @BeforeEach
  void resetLockdep() {
    Lockdep.reset();
  }

  @Test
  void completionsAccumulateAndEachWaitConsumesOne() {
    try (SanitizerScope s = SanitizerScope.open("counting")) {
      assertFalse(done.done());
      assertFalse(done.tryWait());
      done.complete();
      done.complete();
      done.complete();
      assertTrue(done.done());
      done.waitFor();
      assertEquals(0, done.waitForInterruptible());
      assertEquals(SEC, done.waitForTimeout(SEC), "done at once: the whole timeout is left");
      assertFalse(done.done());
      assertFalse(done.tryWait());
      assertEquals(0, done.waitForTimeout(0));
      done.complete();
      assertEquals(1, done.waitForInterruptibleTimeout(0), "done with a zero timeout is 1");
      assertTrue(s.reports().isEmpty(), s.reports()::toString);
    }
  }

  @Test
  void completeAllLetsEveryoneThroughUntilReinit() throws Exception {
    List<Sleeper<Integer>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiters.add(Sleeper.start("waiter" + i, done::waitForInterruptible));
    }
    Sleeper.until(() -> allParked(waiters));
    done.completeAll();
    for (Sleeper<Integer> w : waiters) {
      assertEquals(0, w.join());
    }
    for (int i = 0; i < 5; i++) {
      assertTrue(done.tryWait(), "complete_all is never consumed");
    }
    done.complete();
    assertTrue(done.done(), "complete() leaves a completed-for-all completion so");
    assertEquals("completion test.done (done all)", done.toString());
    done.reinit();
    assertFalse(done.done());
    assertEquals("completion test.done (done 0)", done.toString());
    assertEquals("test.done", done.name());
  }

  @Test
  void completeWakesOneWaiterPerCompletion() throws Exception {
    AtomicInteger passed = new AtomicInteger();
    List<Sleeper<Boolean>> waiters = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      waiters.add(
          Sleeper.start(
              "waiter" + i,
              () -> {
                done.waitFor();
                passed.incrementAndGet();
                return true;
              }));
    }
    Sleeper.until(() -> allParked(waiters));
    done.complete();
    Sleeper.until(() -> passed.get() == 1);
    assertFalse(done.tryWait(), "the one completion was consumed by the waiter it woke");
    done.complete();
    for (Sleeper<Boolean> w : waiters) {
      assertTrue(w.join());
    }
    assertEquals(2, passed.get());
    assertFalse(done.done());
  }

  @Test
  void anUninterruptibleWaitIgnoresInterrupts() throws Exception {
    Sleeper<Boolean> w =
        Sleeper.start(
            "waiter",
            () -> {
              done.waitFor();
              return true;
            });
    w.untilParked();
    w.interrupt();
    w.untilParked();
    assertFalse(w.done());
    done.complete();
    assertTrue(w.join());
    assertTrue(w.interruptedAfter());
  }

  @Test
  void interruptibleWaitsReturnRestartsys() throws Exception {
    Sleeper<Integer> w = Sleeper.start("waiter", done::waitForInterruptible);
    w.untilParked();
    w.interrupt();
    assertEquals(-Errno.ERESTARTSYS, w.join());
    assertTrue(w.interruptedAfter());

    Sleeper<Long> timed = Sleeper.start("timed", () -> done.waitForInterruptibleTimeout(SEC));
    timed.untilParked();
    timed.interrupt();
    assertEquals((long) -Errno.ERESTARTSYS, timed.join());
    assertEquals(0, clock.pendingTimers());

    Sleeper<Long> zero =
        Sleeper.start(
            "zero timeout",
            () -> {
              Thread.currentThread().interrupt();
              return done.waitForInterruptibleTimeout(0);
            });
    assertEquals((long) -Errno.ERESTARTSYS, zero.join(), "the kernel checks the signal first");

    done.complete();
    Sleeper<Integer> ready =
        Sleeper.start(
            "ready",
            () -> {
              Thread.currentThread().interrupt();
              return done.waitForInterruptible();
            });
    assertEquals(0, ready.join(), "a done completion is consumed even with a signal pending");
    assertFalse(done.done());
  }

  @Test
  void timedWaitsTimeOutOnTheManualClockOrReturnTheExactTimeLeft() throws Exception {
    Sleeper<Long> expires = Sleeper.start("expires", () -> done.waitForTimeout(2 * SEC));
    expires.untilParked();
    Sleeper.until(() -> clock.pendingTimers() == 1);
    assertEquals(0, clock.advanceNanos(2 * SEC - 1));
    assertFalse(expires.done());
    assertEquals(1, clock.advanceNanos(1));
    assertEquals(0L, expires.join());

    Sleeper<Long> early = Sleeper.start("early", () -> done.waitForInterruptibleTimeout(2 * SEC));
    early.untilParked();
    Sleeper.until(() -> clock.pendingTimers() == 1);
    clock.advanceNanos(SEC / 4);
    done.complete();
    assertEquals(7 * SEC / 4, early.join());
    assertEquals(0, clock.pendingTimers());
    assertFalse(done.done());
  }

  @Test
  void negativeTimeoutsAreReported() {
    try (SanitizerScope s = SanitizerScope.open("negative")) {
      assertEquals(0, done.waitForTimeout(-1));
      assertEquals(1, s.reports(ReportKind.WARNING).size());
    }
  }

  @Test
  void waitingUnderASpinlockIsReported() {
    SpinLock lock = new SpinLock("completion.spin");
    try (SanitizerScope s = SanitizerScope.open("atomic")) {
      done.complete();
      lock.lock();
      try {
        done.waitFor();
      } finally {
        lock.unlock();
      }
      List<Report> atomic = s.reports(ReportKind.SLEEP_IN_ATOMIC);
      assertEquals(1, atomic.size());
      assertTrue(atomic.get(0).title().contains("wait_for_completion"), atomic.get(0).title());
      assertEquals(1, s.reports().size());
    }
  }

  @Test
  void aCompletionWithoutAClockUsesTheRealOne() {
    Completion real = new Completion("real");
    assertEquals(0, real.waitForTimeout(TimeUnit.MILLISECONDS.toNanos(5)));
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void noCompletionIsLostBetweenProducersAndConsumers() throws Exception {
    int perProducer = 5000;
    Completion c = new Completion("race");
    List<Sleeper<Integer>> consumers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      consumers.add(
          Sleeper.start(
              "consumer" + i,
              () -> {
                for (int n = 0; n < perProducer; n++) {
                  c.waitFor();
                }
                return perProducer;
              }));
    }
    List<Sleeper<Integer>> producers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      producers.add(
          Sleeper.start(
              "producer" + i,
              () -> {
                for (int n = 0; n < perProducer; n++) {
                  c.complete();
                }
                return perProducer;
              }));
    }
    for (Sleeper<Integer> p : producers) {
      p.join();
    }
    for (Sleeper<Integer> w : consumers) {
      assertEquals(perProducer, w.join());
    }
    assertFalse(c.done(), "every completion consumed exactly once");
  }

  private static boolean allParked(List<? extends Sleeper<?>> sleepers) {
    for (Sleeper<?> s : sleepers) {
      if (s.thread().getState() != Thread.State.WAITING) {
        return false;
      }
    }
    return true;
  }
}
