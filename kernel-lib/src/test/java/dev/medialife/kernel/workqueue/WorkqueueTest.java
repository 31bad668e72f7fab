package dev.medialife.kernel.workqueue;

import dev.medialife.kernel.wait.Sleeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.trace.TraceEvent;
import dev.medialife.kernel.trace.TraceRecorder;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@Sanitized
class WorkqueueTest {
  private final List<Workqueue> created = new ArrayList<>();
  private SanitizerScope scope = SanitizerScope.current();

  @BeforeEach
  void open(SanitizerScope testScope) {
    scope = testScope;
  }

  @AfterEach
  void close() throws InterruptedException {
    Teardown.destroyAll(created);
  }

  private Workqueue alloc(String name, int maxActive) {
    Workqueue wq = Workqueue.alloc(name, maxActive);
    created.add(wq);
    return wq;
  }

  private Workqueue ordered(String name) {
    Workqueue wq = Workqueue.allocOrdered(name);
    created.add(wq);
    return wq;
  }

  private void assertNoReports() {
    assertTrue(scope.reports().isEmpty(), scope.reports()::toString);
  }

  @Test
  void workRunsOnANamedDaemonKworker() {
    Workqueue wq = alloc("t-run", 4);
    AtomicReference<Thread> ran = new AtomicReference<>();
    Work w = new Work("t-run-work", () -> ran.set(Thread.currentThread()));
    assertTrue(wq.queue(w));
    w.flush();
    Thread worker = Objects.requireNonNull(ran.get());
    assertEquals("kworker/t-run:0", worker.getName());
    assertTrue(worker.isDaemon());
    assertFalse(w.flush(), "an idle work has nothing to flush");
    assertFalse(w.pending());
    assertEquals(0, w.busy());
    assertEquals("t-run", wq.name());
    assertEquals(4, wq.maxActive());
    assertEquals("workqueue t-run", wq.toString());
    assertEquals("work t-run-work", w.toString());
    assertEquals("t-run-work", w.name());
    assertEquals("(work_completion)(t-run-work)", w.depMap().name());
    assertEquals("(wq_completion)t-run", wq.depMap().name());
    assertNoReports();
  }

  @Test
  void queueingAPendingWorkReturnsFalseAndItRunsOnce() throws InterruptedException {
    Workqueue wq = ordered("t-once");
    Gate gate = new Gate();
    Work blocker = new Work("t-once-blocker", gate::pass);
    AtomicInteger runs = new AtomicInteger();
    Work w = new Work("t-once-work", runs::incrementAndGet);
    assertTrue(wq.queue(blocker));
    gate.awaitArrivals();
    assertEquals(Work.BUSY_RUNNING, blocker.busy());
    assertTrue(wq.queue(w));
    assertFalse(wq.queue(w));
    assertFalse(wq.queue(w));
    assertTrue(w.pending());
    assertEquals(Work.BUSY_PENDING, w.busy());
    gate.open();
    wq.flush();
    assertEquals(1, runs.get());
    assertFalse(w.pending());
    assertNoReports();
  }

  @Test
  void aWorkQueuedWhileItRunsRunsAgainButNeverConcurrently() throws InterruptedException {
    Workqueue wq = alloc("t-reent", 4);
    Gate gate = new Gate();
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger active = new AtomicInteger();
    AtomicInteger maxActive = new AtomicInteger();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    Work w =
        new Work(
            "t-reent-work",
            () -> {
              maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
              threads.add(Thread.currentThread().getName());
              if (runs.incrementAndGet() == 1) {
                gate.pass();
              }
              active.decrementAndGet();
            });
    assertTrue(wq.queue(w));
    gate.awaitArrivals();
    assertTrue(wq.queue(w), "running is not pending: it can be queued again");
    assertEquals(Work.BUSY_PENDING | Work.BUSY_RUNNING, w.busy());
    Sleeper.until(() -> wq.workers() == 2); // an idle worker exists that must not take it
    assertEquals(1, runs.get());
    gate.open();
    wq.flush();
    assertEquals(2, runs.get());
    assertEquals(1, maxActive.get());
    assertNoReports();
  }

  @Test
  void aWorkQueuedAgainWhileItRunsIsTakenByTheWorkerThatRanItNotAnIdleOne() {
    Workqueue wq = alloc("t-self", 4);
    AtomicInteger runs = new AtomicInteger();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    AtomicReference<@Nullable Work> self = new AtomicReference<>();
    Work w =
        new Work(
            "t-self-work",
            () -> {
              threads.add(Thread.currentThread().getName());
              Work me = self.get();
              if (runs.incrementAndGet() < 50 && me != null) {
                assertTrue(wq.queue(me)); // as v4l2_m2m_job_finish kicks job_work
                assertFalse(wq.queue(me), "pending: nothing to do");
              }
            });
    self.set(w);
    assertTrue(wq.queue(w));
    wq.drain(); // a flush would not wait for the instances queued after it began
    assertEquals(50, runs.get());
    // The first re-queue started a second worker (no idle one existed), which stayed idle: the
    // item never ran on it, as the kernel's worker takes the next item without waking another.
    assertEquals(2, wq.workers());
    assertEquals(1, threads.size(), threads.toString());
    assertNoReports();
  }

  @Test
  void flushWaitsForARunningInstance() throws Exception {
    Workqueue wq = alloc("t-flush", 2);
    Gate gate = new Gate();
    AtomicBoolean finished = new AtomicBoolean();
    Work w =
        new Work(
            "t-flush-work",
            () -> {
              gate.pass();
              finished.set(true);
            });
    wq.queue(w);
    gate.awaitArrivals();
    Sleeper<Boolean> flusher = Sleeper.start("flusher", () -> w.flush() && finished.get());
    flusher.untilParked();
    assertFalse(flusher.done());
    gate.open();
    assertTrue(flusher.join(), "flush returned true, after the work had finished");
    assertNoReports();
  }

  @Test
  void flushWaitsForAPendingInstanceBehindOthers() throws Exception {
    Workqueue wq = ordered("t-flush-pending");
    Gate gate = new Gate();
    AtomicBoolean ran = new AtomicBoolean();
    wq.queue(new Work("t-flush-pending-blocker", gate::pass));
    Work w = new Work("t-flush-pending-work", () -> ran.set(true));
    gate.awaitArrivals();
    wq.queue(w);
    Sleeper<Boolean> flusher = Sleeper.start("flusher", () -> w.flush() && ran.get());
    flusher.untilParked();
    gate.open();
    assertTrue(flusher.join());
    assertNoReports();
  }

  @Test
  void cancelSyncRemovesAPendingInstance() throws InterruptedException {
    Workqueue wq = ordered("t-cancel");
    Gate gate = new Gate();
    AtomicInteger runs = new AtomicInteger();
    wq.queue(new Work("t-cancel-blocker", gate::pass));
    Work w = new Work("t-cancel-work", runs::incrementAndGet);
    gate.awaitArrivals();
    assertTrue(wq.queue(w));
    assertTrue(w.cancelSync());
    assertFalse(w.pending());
    assertFalse(w.cancelSync(), "nothing pending any more");
    assertFalse(w.flush());
    gate.open();
    wq.flush();
    assertEquals(0, runs.get());
    assertNoReports();
  }

  @Test
  void cancelSyncWaitsForARunningInstanceAndRefusesRequeueing() throws Exception {
    Workqueue wq = alloc("t-cancel-sync", 2);
    Gate gate = new Gate();
    AtomicInteger runs = new AtomicInteger();
    AtomicBoolean finished = new AtomicBoolean();
    Work w =
        new Work(
            "t-cancel-sync-work",
            () -> {
              runs.incrementAndGet();
              gate.pass();
              finished.set(true);
            });
    wq.queue(w);
    gate.awaitArrivals();
    Sleeper<String> canceller =
        Sleeper.start("canceller", () -> w.cancelSync() + " " + finished.get());
    canceller.untilParked();
    assertFalse(wq.queue(w), "queueing fails while a cancel-sync is in progress");
    assertFalse(w.pending());
    gate.open();
    assertEquals("false true", canceller.join(), "it was running, not pending; it had finished");
    assertEquals(0, w.busy());
    assertTrue(wq.queue(w), "queueable again after the cancel");
    w.flush();
    assertEquals(2, runs.get());
    assertNoReports();
  }

  @Test
  void cancelReturnsTrueIffPendingAndDoesNotWait() throws InterruptedException {
    Workqueue wq = alloc("t-cancel-nowait", 2);
    Gate gate = new Gate();
    AtomicInteger runs = new AtomicInteger();
    Work w =
        new Work(
            "t-cancel-nowait-work",
            () -> {
              if (runs.incrementAndGet() == 1) {
                gate.pass();
              }
            });
    wq.queue(w);
    gate.awaitArrivals();
    assertFalse(w.cancel(), "running, not pending");
    assertTrue(wq.queue(w));
    assertTrue(w.cancel());
    assertFalse(w.cancel());
    assertEquals(Work.BUSY_RUNNING, w.busy());
    gate.open();
    w.flush();
    assertEquals(1, runs.get());
    assertNoReports();
  }

  @Test
  void flushWorkqueueWaitsForEverythingQueuedBeforeItOnly() throws Exception {
    Workqueue wq = alloc("t-flush-wq", 3);
    Gate gate = new Gate(3);
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < 10; i++) {
      wq.queue(
          new Work(
              "t-flush-wq-" + i,
              () -> {
                gate.pass();
                done.incrementAndGet();
              }));
    }
    gate.awaitArrivals();
    assertEquals(3, wq.workers());
    Sleeper<Integer> flusher =
        Sleeper.start(
            "flusher",
            () -> {
              wq.flush();
              return done.get();
            });
    flusher.untilParked();
    Gate later = new Gate();
    Work after = new Work("t-flush-wq-later", later::pass);
    wq.queue(after);
    gate.open();
    assertEquals(10, flusher.join(), "all ten done; the later one is not waited for");
    later.awaitArrivals();
    assertEquals(Work.BUSY_RUNNING, after.busy());
    later.open();
    wq.flush();
    assertEquals(3, wq.workers(), "never more workers than max_active");
    assertNoReports();
  }

  @Test
  void anOrderedWorkqueueRunsItemsOneAtATimeInQueueingOrder() {
    Workqueue wq = ordered("t-ordered");
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger active = new AtomicInteger();
    AtomicInteger maxActive = new AtomicInteger();
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int n = i;
      expected.add(n);
      wq.queue(
          new Work(
              "t-ordered-" + i,
              () -> {
                maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                order.add(n);
                active.decrementAndGet();
              }));
    }
    wq.flush();
    assertEquals(expected, order);
    assertEquals(1, maxActive.get());
    assertEquals(1, wq.workers());
    assertEquals(1, wq.maxActive());
    assertNoReports();
  }

  @Test
  void maxActiveBoundsConcurrency() throws InterruptedException {
    Workqueue wq = alloc("t-max", 2);
    Gate gate = new Gate(2);
    AtomicInteger active = new AtomicInteger();
    AtomicInteger maxActive = new AtomicInteger();
    for (int i = 0; i < 5; i++) {
      wq.queue(
          new Work(
              "t-max-" + i,
              () -> {
                maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                gate.pass();
                active.decrementAndGet();
              }));
    }
    gate.awaitArrivals();
    assertEquals(2, wq.workers());
    gate.open();
    wq.flush();
    assertEquals(2, maxActive.get());
    assertEquals(2, wq.workers());
    assertNoReports();
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void aThrowingWorkIsReportedAndItsWorkerCarriesOn() {
    Workqueue wq = ordered("t-throw");
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    wq.queue(
        new Work(
            "t-throw-runtime",
            () -> {
              threads.add(Thread.currentThread().getName());
              throw new IllegalStateException("work boom");
            }));
    wq.queue(
        new Work(
            "t-throw-error",
            () -> {
              threads.add(Thread.currentThread().getName());
              throw new AssertionError("work assertion");
            }));
    wq.queue(new Work("t-throw-after", () -> threads.add(Thread.currentThread().getName())));
    wq.flush();
    assertEquals(List.of("kworker/t-throw:0", "kworker/t-throw:0", "kworker/t-throw:0"), threads);
    List<Report> warnings = scope.reports(ReportKind.WARNING);
    assertEquals(2, warnings.size());
    assertTrue(warnings.get(0).title().contains("work boom"), warnings.get(0).title());
    assertTrue(warnings.get(1).title().contains("work assertion"), warnings.get(1).title());
    assertEquals(2, scope.reports().size());
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void aWorkThatReturnsHoldingALockIsReported() {
    Workqueue wq = ordered("t-leak");
    Mutex m = new Mutex("t-leak.mutex");
    wq.queue(new Work("t-leak-work", m::lock));
    wq.flush();
    List<Report> warnings = scope.reports(ReportKind.WARNING);
    assertEquals(1, warnings.size());
    String title = warnings.get(0).title();
    assertTrue(title.contains("workqueue leaked lock"), title);
    assertTrue(title.contains("t-leak-work"), title);
    assertTrue(title.contains("t-leak.mutex"), title);
  }

  @Test
  void currentWorkIsTheItemTheWorkerRuns() {
    Workqueue wq = alloc("t-current", 1);
    AtomicReference<Work> seen = new AtomicReference<>();
    Work[] self = new Work[1];
    self[0] = new Work("t-current-work", () -> seen.set(Work.current()));
    wq.queue(self[0]);
    self[0].flush();
    assertSame(self[0], seen.get());
    assertNull(Work.current());
    assertNoReports();
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void theSystemWorkqueueRunsScheduledWorkAndCannotBeDestroyed() {
    Workqueue sys = Workqueue.system();
    assertSame(sys, Workqueue.system());
    assertEquals("events", sys.name());
    assertEquals(Workqueue.DFL_ACTIVE, sys.maxActive());
    AtomicReference<String> thread = new AtomicReference<>();
    Work w = new Work("t-system-work", () -> thread.set(Thread.currentThread().getName()));
    assertTrue(w.schedule());
    w.flush();
    String name = String.valueOf(thread.get());
    assertTrue(name.startsWith("kworker/events:"), name);
    sys.destroy();
    assertEquals(1, scope.reports(ReportKind.WARNING).size());
    assertTrue(w.schedule(), "still alive");
    w.flush();
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void destroyDrainsChainedWorkStopsWorkersAndRefusesLaterWork() {
    Workqueue wq = Workqueue.alloc("t-destroy", 3);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    AtomicInteger runs = new AtomicInteger();
    Work second =
        new Work(
            "t-destroy-chained",
            () -> {
              threads.add(Thread.currentThread());
              runs.incrementAndGet();
            });
    for (int i = 0; i < 5; i++) {
      wq.queue(
          new Work(
              "t-destroy-" + i,
              () -> {
                threads.add(Thread.currentThread());
                runs.incrementAndGet();
                wq.queue(second);
              }));
    }
    wq.destroy();
    assertTrue(runs.get() >= 6 && runs.get() <= 10, "five, plus the chained one at least once");
    assertFalse(second.pending());
    for (Thread t : threads) {
      assertFalse(t.isAlive(), t.getName());
    }
    assertNoReports();
    assertFalse(wq.queue(second));
    assertFalse(wq.queueDelayed(new DelayedWork("t-destroy-delayed", () -> {}), 10));
    wq.destroy();
    List<Report> warnings = scope.reports(ReportKind.WARNING);
    assertEquals(3, warnings.size());
    assertTrue(warnings.get(0).title().contains("queue_work: workqueue t-destroy is destroyed"));
    assertTrue(warnings.get(1).title().contains("queue_delayed_work"));
    assertTrue(warnings.get(2).title().contains("destroyed twice"));
  }

  @Test
  void anInterruptedDestroyStillJoinsItsWorkersAndKeepsTheInterrupt() throws Exception {
    Workqueue wq = Workqueue.alloc("t-destroy-interrupted", 2);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    Work w = new Work("t-destroy-interrupted-work", () -> threads.add(Thread.currentThread()));
    wq.queue(w);
    w.flush();
    Sleeper<Boolean> destroyer =
        Sleeper.start(
            "destroyer",
            () -> {
              Thread.currentThread().interrupt();
              wq.destroy();
              return Thread.currentThread().isInterrupted();
            });
    assertTrue(destroyer.join());
    assertEquals(1, threads.size());
    for (Thread t : threads) {
      assertFalse(t.isAlive());
    }
    assertNoReports();
  }

  @Test
  void aWorkerMayFlushAnotherWorkqueue() {
    Workqueue a = alloc("t-cross-a", 1);
    Workqueue b = alloc("t-cross-b", 1);
    AtomicBoolean bRan = new AtomicBoolean();
    AtomicBoolean seenByA = new AtomicBoolean();
    Work onB = new Work("t-cross-b-work", () -> bRan.set(true));
    Work onA =
        new Work(
            "t-cross-a-work",
            () -> {
              b.queue(onB);
              b.flush();
              seenByA.set(bRan.get());
            });
    a.queue(onA);
    a.flush();
    assertTrue(seenByA.get());
    assertNoReports();
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void drainAllowsChainedWorkButRefusesOutsiders() throws Exception {
    Workqueue wq = alloc("t-drain", 2);
    Gate gate = new Gate();
    AtomicBoolean chainedRan = new AtomicBoolean();
    AtomicBoolean outsiderRan = new AtomicBoolean();
    Work chained = new Work("t-drain-chained", () -> chainedRan.set(true));
    Work outsider = new Work("t-drain-outsider", () -> outsiderRan.set(true));
    AtomicBoolean chainedQueued = new AtomicBoolean();
    wq.queue(
        new Work(
            "t-drain-first",
            () -> {
              gate.pass();
              chainedQueued.set(wq.queue(chained));
            }));
    gate.awaitArrivals();
    Sleeper<Boolean> drainer =
        Sleeper.start(
            "drainer",
            () -> {
              wq.drain();
              return chainedRan.get();
            });
    drainer.untilParked();
    assertFalse(wq.queue(outsider));
    gate.open();
    assertTrue(drainer.join(), "drain waited for the chained work too");
    assertTrue(chainedQueued.get());
    assertFalse(outsiderRan.get());
    List<Report> warnings = scope.reports(ReportKind.WARNING);
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).title().contains("draining"), warnings.get(0).title());
    assertTrue(wq.queue(outsider), "accepted again once drained");
    outsider.flush();
    assertTrue(outsiderRan.get());
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void maxActiveIsClampedLikeTheKernels() {
    Workqueue dfl = alloc("t-clamp-dfl", 0);
    assertEquals(Workqueue.DFL_ACTIVE, dfl.maxActive());
    assertNoReports();
    assertEquals(Workqueue.MAX_ACTIVE, alloc("t-clamp-big", 1000).maxActive());
    assertEquals(1, alloc("t-clamp-neg", -3).maxActive());
    List<Report> warnings = scope.reports(ReportKind.WARNING);
    assertEquals(2, warnings.size());
    assertTrue(warnings.get(0).title().contains("max_active 1000 requested for t-clamp-big"));
  }

  @Test
  void workRunsAreTracedOnTheWorkersTrack() {
    Workqueue wq = ordered("t-trace");
    Work w = new Work("t-trace-work-unique", () -> {});
    wq.queue(w);
    w.flush();
    List<TraceEvent> mine = new ArrayList<>();
    for (TraceEvent e : TraceRecorder.global().snapshot()) {
      if (e.name().equals("t-trace-work-unique")) {
        mine.add(e);
      }
    }
    assertEquals(2, mine.size());
    assertEquals(TraceEvent.Phase.BEGIN, mine.get(0).phase());
    assertEquals(TraceEvent.Phase.END, mine.get(1).phase());
    assertEquals("workqueue", mine.get(0).category());
    assertEquals("kworker/t-trace:0", mine.get(0).track());
    assertTrue(mine.get(0).timestampNanos() <= mine.get(1).timestampNanos());
  }
}
