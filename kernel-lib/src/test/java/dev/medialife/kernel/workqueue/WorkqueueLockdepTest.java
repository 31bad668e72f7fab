package dev.medialife.kernel.workqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerConfig;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.locking.Lockdep;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.locking.SpinLock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lockdep sees work items and workqueues as pseudo-locks, as the kernel's does: a flush or cancel
 * under a lock the work function takes is a circular dependency, and a work that waits for itself
 * is recursive locking, reported instead of deadlocking.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkqueueLockdepTest {
  private final List<Workqueue> created = new ArrayList<>();
  private final SanitizerConfig saved = Sanitizers.config();

  @BeforeEach
  void reset() {
    Lockdep.reset();
  }

  @AfterEach
  void destroy() throws InterruptedException {
    Sanitizers.configure(saved);
    Teardown.destroyAll(created);
  }

  private Workqueue alloc(String name, int maxActive) {
    Workqueue wq = Workqueue.alloc(name, maxActive);
    created.add(wq);
    return wq;
  }

  private static void lockdepOff() {
    SanitizerConfig c = Sanitizers.config();
    Sanitizers.configure(new SanitizerConfig(c.kasan(), c.kmemleak(), false, c.stacks()));
  }

  @Test
  void flushingAWorkUnderALockItTakesIsACircularDependency() {
    Workqueue wq = alloc("ld-flush", 2);
    Mutex lock = new Mutex("ld-flush.lock");
    Work w =
        new Work(
            "ld-flush-work",
            () -> {
              lock.lock();
              lock.unlock();
            });
    try (SanitizerScope s = SanitizerScope.open("flush under lock")) {
      wq.queue(w);
      w.flush(); // teaches lockdep (work) -> lock, with nothing held here
      assertTrue(s.reports().isEmpty(), s.reports()::toString);
      lock.lock();
      try {
        assertFalse(w.flush(), "idle: no wait, but the dependency is still checked");
      } finally {
        lock.unlock();
      }
      assertEquals(1, s.reports(ReportKind.CIRCULAR_LOCKING).size());
      assertEquals(1, s.reports().size());
      Report.CircularLocking r = s.reports(Report.CircularLocking.class).get(0);
      assertTrue(r.render().contains("(work_completion)(ld-flush-work)"), r.render());
    }
  }

  @Test
  void cancelSyncUnderALockTheWorkTakesIsACircularDependency() {
    Workqueue wq = alloc("ld-cancel", 2);
    Mutex lock = new Mutex("ld-cancel.lock");
    Work w =
        new Work(
            "ld-cancel-work",
            () -> {
              lock.lock();
              lock.unlock();
            });
    try (SanitizerScope s = SanitizerScope.open("cancel under lock")) {
      wq.queue(w);
      w.flush();
      lock.lock();
      try {
        assertFalse(w.cancelSync());
      } finally {
        lock.unlock();
      }
      assertEquals(1, s.reports(ReportKind.CIRCULAR_LOCKING).size());
      assertEquals(1, s.reports().size());
    }
  }

  @Test
  void flushingTheWorkqueueUnderALockAWorkTakesIsACircularDependency() {
    Workqueue wq = alloc("ld-flush-wq", 2);
    Mutex lock = new Mutex("ld-flush-wq.lock");
    Work w =
        new Work(
            "ld-flush-wq-work",
            () -> {
              lock.lock();
              lock.unlock();
            });
    try (SanitizerScope s = SanitizerScope.open("flush_workqueue under lock")) {
      wq.queue(w);
      wq.flush();
      assertTrue(s.reports().isEmpty(), s.reports()::toString);
      lock.lock();
      try {
        wq.flush();
      } finally {
        lock.unlock();
      }
      assertEquals(1, s.reports(ReportKind.CIRCULAR_LOCKING).size());
      assertTrue(
          s.reports().get(0).render().contains("(wq_completion)ld-flush-wq"),
          s.reports().get(0).render());
    }
  }

  @Test
  void aWorkThatFlushesOrCancelSyncsItselfIsRecursiveLockingAndDoesNotHang() {
    Workqueue wq = alloc("ld-self", 2);
    AtomicReference<String> results = new AtomicReference<>();
    Work[] self = new Work[1];
    self[0] =
        new Work(
            "ld-self-work",
            () -> {
              Work me = Objects.requireNonNull(Work.current());
              boolean flushed = me.flush();
              boolean requeued = wq.queue(me);
              boolean cancelled = me.cancelSync();
              results.set(flushed + " " + requeued + " " + cancelled);
            });
    try (SanitizerScope s = SanitizerScope.open("self flush")) {
      wq.queue(self[0]);
      wq.flush();
      assertEquals("false true true", results.get(), "the requeued instance was cancelled");
      assertEquals(2, s.reports(ReportKind.RECURSIVE_LOCKING).size());
      assertEquals(2, s.reports().size());
      assertFalse(self[0].pending());
    }
  }

  @Test
  void withLockdepOffASelfFlushIsStillReportedAndDoesNotHang() {
    Workqueue wq = alloc("ld-self-off", 2);
    AtomicReference<String> results = new AtomicReference<>();
    Work w =
        new Work(
            "ld-self-off-work",
            () -> {
              Work me = Objects.requireNonNull(Work.current());
              results.set(me.flush() + " " + me.cancelSync());
            });
    try (SanitizerScope s = SanitizerScope.open("self flush, lockdep off")) {
      lockdepOff();
      wq.queue(w);
      wq.flush();
      assertEquals("false false", results.get());
      List<Report> warnings = s.reports(ReportKind.WARNING);
      assertEquals(2, warnings.size());
      assertTrue(warnings.get(0).title().contains("flush_work"), warnings.get(0).title());
      assertTrue(warnings.get(1).title().contains("cancel_work_sync"), warnings.get(1).title());
      assertEquals(2, s.reports().size());
    }
  }

  @Test
  void aWorkerThatWaitsForItsOwnWorkqueueIsReported() {
    Workqueue wq = alloc("ld-own-wq", 2);
    Work w =
        new Work(
            "ld-own-wq-work",
            () -> {
              wq.flush();
              wq.drain();
              wq.destroy();
            });
    try (SanitizerScope s = SanitizerScope.open("own workqueue")) {
      wq.queue(w);
      w.flush();
      assertEquals(3, s.reports(ReportKind.RECURSIVE_LOCKING).size());
      assertEquals(3, s.reports().size());
      assertTrue(wq.queue(w), "the workqueue was not destroyed from its own worker");
      w.flush();
      assertEquals(6, s.reports(ReportKind.RECURSIVE_LOCKING).size(), "the second run too");
    }
  }

  @Test
  void withLockdepOffAWorkerWaitingForItsOwnWorkqueueIsWarnedAbout() {
    Workqueue wq = alloc("ld-own-wq-off", 2);
    Work w =
        new Work(
            "ld-own-wq-off-work",
            () -> {
              wq.flush();
              wq.drain();
              wq.destroy();
            });
    try (SanitizerScope s = SanitizerScope.open("own workqueue, lockdep off")) {
      lockdepOff();
      wq.queue(w);
      w.flush();
      List<Report> warnings = s.reports(ReportKind.WARNING);
      assertEquals(3, warnings.size());
      assertTrue(warnings.get(0).title().contains("flush_workqueue"));
      assertTrue(warnings.get(1).title().contains("drain_workqueue"));
      assertTrue(warnings.get(2).title().contains("destroy_workqueue"));
    }
  }

  @Test
  void anOrderedWorkerFlushingWorkQueuedBehindItIsReportedAndDoesNotHang() {
    Workqueue wq = Workqueue.allocOrdered("ld-ordered");
    created.add(wq);
    Work behind = new Work("ld-ordered-behind", () -> {});
    AtomicReference<Boolean> flushed = new AtomicReference<>();
    Work first =
        new Work(
            "ld-ordered-first",
            () -> {
              wq.queue(behind);
              flushed.set(behind.flush());
            });
    try (SanitizerScope s = SanitizerScope.open("ordered self-dependency")) {
      wq.queue(first);
      wq.flush();
      behind.flush();
      assertEquals("false", String.valueOf(flushed.get()));
      assertEquals(1, s.reports(ReportKind.RECURSIVE_LOCKING).size());
      assertTrue(
          s.reports().get(0).render().contains("(wq_completion)ld-ordered"),
          s.reports().get(0).render());
      assertEquals(1, s.reports().size());
    }
  }

  @Test
  void withLockdepOffAnOrderedSelfDependencyIsWarnedAbout() {
    Workqueue wq = Workqueue.allocOrdered("ld-ordered-off");
    created.add(wq);
    Work behind = new Work("ld-ordered-off-behind", () -> {});
    AtomicReference<Boolean> flushed = new AtomicReference<>();
    Work first =
        new Work(
            "ld-ordered-off-first",
            () -> {
              wq.queue(behind);
              flushed.set(behind.flush());
            });
    try (SanitizerScope s = SanitizerScope.open("ordered self-dependency, lockdep off")) {
      lockdepOff();
      wq.queue(first);
      wq.flush();
      assertEquals("false", String.valueOf(flushed.get()));
      List<Report> warnings = s.reports(ReportKind.WARNING);
      assertEquals(1, warnings.size());
      assertTrue(warnings.get(0).title().contains("queued behind"), warnings.get(0).title());
    }
  }

  @Test
  void anOrderedFlushFromAnotherThreadWaitsNormally() {
    Workqueue wq = Workqueue.allocOrdered("ld-ordered-ok");
    created.add(wq);
    Work w = new Work("ld-ordered-ok-work", () -> {});
    try (SanitizerScope s = SanitizerScope.open("ordered flush")) {
      wq.queue(w);
      w.flush();
      assertFalse(w.pending());
      assertTrue(s.reports().isEmpty(), s.reports()::toString);
    }
  }

  @Test
  void flushingUnderASpinlockIsSleepingInAtomicContext() {
    Workqueue wq = alloc("ld-atomic", 1);
    Work w = new Work("ld-atomic-work", () -> {});
    SpinLock spin = new SpinLock("ld-atomic.spin");
    try (SanitizerScope s = SanitizerScope.open("atomic flush")) {
      spin.lock();
      try {
        w.flush();
        w.cancelSync();
        wq.flush();
      } finally {
        spin.unlock();
      }
      List<Report> atomic = s.reports(ReportKind.SLEEP_IN_ATOMIC);
      assertEquals(3, atomic.size());
      assertTrue(atomic.get(0).title().contains("flush_work"), atomic.get(0).title());
      assertTrue(atomic.get(1).title().contains("cancel_work_sync"), atomic.get(1).title());
      assertTrue(atomic.get(2).title().contains("flush_workqueue"), atomic.get(2).title());
    }
  }
}
