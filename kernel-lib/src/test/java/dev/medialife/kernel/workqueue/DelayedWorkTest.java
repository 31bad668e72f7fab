package dev.medialife.kernel.workqueue;

import dev.medialife.kernel.wait.Sleeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@Sanitized
class DelayedWorkTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long SEC = TimeUnit.SECONDS.toNanos(1);

  private final ManualClock clock = new ManualClock();
  private final List<Workqueue> created = new ArrayList<>();
  private final List<Long> runTimes = Collections.synchronizedList(new ArrayList<>());
  private SanitizerScope scope = SanitizerScope.current();

  @BeforeEach
  void open(SanitizerScope testScope) {
    scope = testScope;
  }

  @AfterEach
  void close() throws InterruptedException {
    Teardown.destroyAll(created);
  }

  private Workqueue wq(String name) {
    Workqueue wq = Workqueue.alloc(name, 2, clock);
    created.add(wq);
    return wq;
  }

  private DelayedWork recording(String name) {
    return new DelayedWork(name, () -> runTimes.add(clock.nanoTime()));
  }

  private void assertNoReports() {
    assertTrue(scope.reports().isEmpty(), scope.reports()::toString);
  }

  @Test
  void aTwoSecondWatchdogRunsExactlyWhenTheClockPassesTwoSecondsAndNotBefore() {
    Workqueue wq = wq("dw-watchdog");
    DelayedWork watchdog = recording("dw-watchdog-work");
    long realStart = System.nanoTime();
    assertTrue(wq.queueDelayed(watchdog, KernelClock.msecs(2000)));
    assertTrue(watchdog.pending());
    assertEquals(Work.BUSY_PENDING, watchdog.work().busy());
    assertEquals(0, clock.advance(Duration.ofMillis(1999)));
    assertEquals(List.of(), runTimes);
    assertTrue(watchdog.pending());
    assertEquals(1, clock.advanceNanos(MS));
    assertEquals(List.of(2 * SEC), runTimes, "it already ran when advance returned");
    assertFalse(watchdog.pending());
    assertTrue(System.nanoTime() - realStart < SEC, "no real waiting");
    clock.advance(Duration.ofSeconds(10));
    assertEquals(1, runTimes.size());
    assertSame(clock, wq.clock());
    assertEquals("dw-watchdog-work", watchdog.name());
    assertEquals("delayed_work dw-watchdog-work", watchdog.toString());
    assertNoReports();
  }

  @Test
  void aZeroDelayQueuesAtOnce() {
    Workqueue wq = wq("dw-zero");
    DelayedWork dw = recording("dw-zero-work");
    assertTrue(wq.queueDelayed(dw, 0));
    dw.work().flush();
    assertEquals(List.of(0L), runTimes);
    assertEquals(0, clock.pendingTimers());
    assertNoReports();
  }

  @Test
  void queueingAPendingDelayedWorkReturnsFalse() {
    Workqueue wq = wq("dw-pending");
    DelayedWork dw = recording("dw-pending-work");
    assertTrue(wq.queueDelayed(dw, SEC));
    assertFalse(wq.queueDelayed(dw, 5 * SEC));
    assertFalse(wq.queueDelayed(dw, 0));
    assertFalse(wq.queue(dw.work()), "the embedded work is pending too");
    assertEquals(1, clock.pendingTimers());
    clock.advanceNanos(5 * SEC);
    assertEquals(List.of(SEC), runTimes);
    assertNoReports();
  }

  @Test
  void cancelDisarmsAPendingTimerAndReturnsTrueOnlyThen() {
    Workqueue wq = wq("dw-cancel");
    DelayedWork dw = recording("dw-cancel-work");
    assertFalse(dw.cancel(), "idle");
    wq.queueDelayed(dw, SEC);
    assertTrue(dw.cancel());
    assertFalse(dw.pending());
    assertEquals(0, clock.pendingTimers());
    assertFalse(dw.cancel());
    clock.advanceNanos(2 * SEC);
    assertEquals(List.of(), runTimes);
    wq.queueDelayed(dw, SEC);
    assertTrue(dw.cancelSync());
    assertFalse(dw.cancelSync());
    assertNoReports();
  }

  @Test
  void modDelayedRearmsAPendingTimerOrQueuesAnIdleWork() {
    Workqueue wq = wq("dw-mod");
    DelayedWork dw = recording("dw-mod-work");
    assertFalse(wq.modDelayed(dw, 2 * SEC), "idle: queued, returns false");
    assertTrue(wq.modDelayed(dw, SEC / 2), "pending: its timer is modified");
    assertEquals(1, clock.pendingTimers());
    clock.advanceNanos(SEC / 2);
    assertEquals(List.of(SEC / 2), runTimes);
    clock.advanceNanos(3 * SEC);
    assertEquals(1, runTimes.size(), "the first timer was really disarmed");
    wq.queueDelayed(dw, SEC);
    assertTrue(wq.modDelayed(dw, 0), "a zero delay queues at once");
    dw.work().flush();
    assertEquals(2, runTimes.size());
    assertEquals(0, clock.pendingTimers());
    assertNoReports();
  }

  @Test
  void flushDelayedWorkRunsAnArmedWorkNowAndWaits() throws Exception {
    Workqueue wq = wq("dw-flush");
    Gate gate = new Gate();
    DelayedWork dw =
        new DelayedWork(
            "dw-flush-work",
            () -> {
              gate.pass();
              runTimes.add(clock.nanoTime());
            });
    assertFalse(dw.flush(), "idle");
    wq.queueDelayed(dw, 10 * SEC);
    assertFalse(dw.work().flush(), "flush_work does not fire the timer");
    assertTrue(dw.pending());
    Sleeper<String> flusher = Sleeper.start("flusher", () -> dw.flush() + " " + runTimes);
    gate.awaitArrivals(); // it runs although the clock has not moved
    assertEquals(0, clock.pendingTimers());
    flusher.untilParked();
    gate.open();
    assertEquals("true [0]", flusher.join(), "flush waited for the run it started");
    assertFalse(dw.pending());
    assertNoReports();
  }

  @Test
  void aSelfRearmingWorkRunsOncePerPeriodWithinOneAdvance() {
    Workqueue wq = wq("dw-periodic");
    DelayedWork[] poll = new DelayedWork[1];
    poll[0] =
        new DelayedWork(
            "dw-periodic-work",
            () -> {
              runTimes.add(clock.nanoTime());
              wq.queueDelayed(poll[0], SEC);
            });
    wq.queueDelayed(poll[0], SEC);
    assertEquals(5, clock.advanceNanos(5 * SEC + SEC / 2));
    assertEquals(List.of(SEC, 2 * SEC, 3 * SEC, 4 * SEC, 5 * SEC), runTimes);
    assertTrue(poll[0].cancelSync());
    assertEquals(0, clock.pendingTimers());
    assertNoReports();
  }

  @Test
  void advancingFromAWorkerOfTheSameWorkqueueDoesNotWaitForItself() {
    Workqueue wq = Workqueue.allocOrdered("dw-self-advance", clock);
    created.add(wq);
    DelayedWork later = recording("dw-self-advance-later");
    AtomicInteger fired = new AtomicInteger(-1);
    Work advancer = new Work("dw-self-advance-advancer", () -> fired.set(clock.advanceNanos(SEC)));
    wq.queueDelayed(later, SEC);
    wq.queue(advancer);
    advancer.flush();
    later.work().flush();
    assertEquals(1, fired.get());
    assertEquals(List.of(SEC), runTimes);
    assertNoReports();
  }

  @Test
  void cancellingAQueuedInstanceReleasesTheAdvancingThread() throws Exception {
    Workqueue wq = Workqueue.allocOrdered("dw-cancel-queued", clock);
    created.add(wq);
    Gate gate = new Gate();
    wq.queue(new Work("dw-cancel-queued-blocker", gate::pass));
    gate.awaitArrivals();
    DelayedWork dw = recording("dw-cancel-queued-work");
    wq.queueDelayed(dw, SEC);
    Sleeper<Integer> advancer = Sleeper.start("advancer", () -> clock.advanceNanos(SEC));
    Sleeper.until(() -> clock.pendingTimers() == 0 && dw.work().busy() == Work.BUSY_PENDING);
    advancer.untilParked(); // waiting for the work, which waits behind the blocker
    assertTrue(dw.cancel());
    assertEquals(1, advancer.join());
    gate.open();
    wq.flush();
    assertEquals(List.of(), runTimes);
    assertNoReports();
  }

  @Test
  void aTimerCallbackThatLostTheRaceWithACancelOrRearmDoesNothing() throws Exception {
    Workqueue wq = wq("dw-stale");
    DelayedWork dw = recording("dw-stale-work");
    for (boolean rearm : new boolean[] {false, true}) {
      runTimes.clear();
      wq.queueDelayed(dw, SEC);
      Sleeper<Integer> advancer;
      WorkPool.LOCK.lock();
      try {
        // the clock pops the timer, then its callback blocks on the workqueue lock
        advancer = Sleeper.start("advancer", () -> clock.advanceNanos(SEC));
        Sleeper.until(() -> WorkPool.LOCK.hasQueuedThread(advancer.thread()));
        assertTrue(dw.cancel(), "pending: the timer had fired but not yet queued the work");
        if (rearm) {
          assertTrue(wq.queueDelayed(dw, SEC), "a new instance with a new timer");
        }
      } finally {
        WorkPool.LOCK.unlock();
      }
      assertEquals(1, advancer.join());
      assertEquals(List.of(), runTimes, "the stale callback queued nothing");
      assertEquals(rearm, dw.pending());
      if (rearm) {
        clock.advanceNanos(SEC);
        assertEquals(List.of(3 * SEC), runTimes, "only the new instance ran, at its own time");
      }
    }
    assertNoReports();
  }

  @Test
  void modDelayedDuringACancelSyncQueuesNothingAndReturnsTrue() throws Exception {
    Workqueue wq = wq("dw-mod-cancel");
    Gate gate = new Gate();
    DelayedWork dw = new DelayedWork("dw-mod-cancel-work", gate::pass);
    wq.queueDelayed(dw, 0);
    gate.awaitArrivals();
    Sleeper<Boolean> canceller = Sleeper.start("canceller", dw::cancelSync);
    canceller.untilParked();
    assertTrue(wq.modDelayed(dw, SEC), "the kernel's -ENOENT becomes true");
    assertFalse(wq.queueDelayed(dw, SEC));
    assertFalse(dw.pending());
    assertEquals(0, clock.pendingTimers());
    gate.open();
    assertFalse(canceller.join(), "it was running, not pending");
    assertNoReports();
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void aTimerFiringOnADestroyedWorkqueueIsReportedAndDropped() {
    Workqueue wq = Workqueue.alloc("dw-destroyed", 1, clock);
    DelayedWork dw = recording("dw-destroyed-work");
    DelayedWork flushed = recording("dw-destroyed-flushed");
    wq.queueDelayed(dw, SEC);
    wq.queueDelayed(flushed, SEC);
    wq.destroy(); // drain does not wait for timers, as in the kernel
    assertNoReports();
    assertFalse(flushed.flush(), "dropped, not run");
    assertEquals(1, clock.pendingTimers(), "flush disarmed its timer");
    assertEquals(1, clock.advanceNanos(SEC));
    assertEquals(List.of(), runTimes);
    assertFalse(dw.pending());
    assertFalse(flushed.pending());
    List<Report> warnings = scope.reports(ReportKind.WARNING);
    assertEquals(2, warnings.size());
    assertTrue(warnings.get(0).title().contains("flush_delayed_work"), warnings.get(0).title());
    assertTrue(warnings.get(1).title().contains("delayed_work_timer_fn"), warnings.get(1).title());
    assertFalse(wq.modDelayed(dw, SEC));
    assertEquals(3, scope.reports().size());
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void queueingDelayedWorkOnADrainingWorkqueueIsRefused() throws Exception {
    Workqueue wq = wq("dw-draining");
    Gate gate = new Gate();
    wq.queue(new Work("dw-draining-blocker", gate::pass));
    gate.awaitArrivals();
    Sleeper<Boolean> drainer =
        Sleeper.start(
            "drainer",
            () -> {
              wq.drain();
              return true;
            });
    drainer.untilParked();
    DelayedWork dw = recording("dw-draining-work");
    assertFalse(wq.queueDelayed(dw, SEC));
    assertFalse(dw.pending());
    gate.open();
    assertTrue(drainer.join());
    assertEquals(1, scope.reports(ReportKind.WARNING).size());
  }

  @Test
  void theRealClockRunsDelayedWorkToo() throws InterruptedException {
    Workqueue wq = Workqueue.alloc("dw-real", 1, KernelClock.real());
    created.add(wq);
    CountDownLatch ran = new CountDownLatch(1);
    DelayedWork dw = new DelayedWork("dw-real-work", ran::countDown);
    assertTrue(wq.queueDelayed(dw, MS));
    assertTrue(ran.await(5, TimeUnit.SECONDS));
    assertNoReports();
  }

  @Test
  void theSystemWorkqueueUsesTheInstalledClock() {
    KernelClock previous = KernelClock.install(clock);
    try {
      DelayedWork dw = recording("dw-system-work");
      assertSame(clock, Workqueue.system().clock());
      assertTrue(dw.schedule(2 * SEC));
      assertEquals(1, clock.advanceNanos(2 * SEC));
      assertEquals(List.of(2 * SEC), runTimes);
    } finally {
      KernelClock.install(previous);
    }
    assertNoReports();
  }

  @Test
  void aQueuedDelayedInstanceCanBeFlushedAndCancelledLikeAnyWork() {
    Workqueue wq = wq("dw-embedded");
    AtomicBoolean ran = new AtomicBoolean();
    DelayedWork dw = new DelayedWork("dw-embedded-work", () -> ran.set(true));
    wq.queueDelayed(dw, SEC);
    assertTrue(dw.work().cancelSync(), "cancel_work_sync on the embedded work sees the timer");
    assertEquals(0, clock.pendingTimers());
    clock.advanceNanos(SEC);
    assertFalse(ran.get());
    assertNoReports();
  }
}
