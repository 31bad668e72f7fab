package dev.medialife.kernel.workqueue;

import dev.medialife.kernel.wait.Sleeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.time.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Races with exact expected counts: every successful queue runs exactly once unless a cancel took
 * it, a flush sees its instance's effects, a cancel-sync leaves the work idle, a work never runs
 * concurrently with itself.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@Sanitized
class WorkqueueRaceTest {
  private static final int THREADS = 4;
  private final List<Workqueue> created = new ArrayList<>();
  @AfterEach
  void close() throws InterruptedException {
    Teardown.destroyAll(created);
  }

  private Workqueue alloc(String name) {
    Workqueue wq = Workqueue.alloc(name, THREADS);
    created.add(wq);
    return wq;
  }

  private interface Body {
    int run(int thread) throws Exception;
  }

  /** Runs {@code body} on {@link #THREADS} threads released together; returns their sum. */
  private static int race(Body body) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Sleeper<Integer>> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int id = t;
      threads.add(
          Sleeper.start(
              "racer" + t,
              () -> {
                start.await();
                return body.run(id);
              }));
    }
    int sum = 0;
    for (Sleeper<Integer> s : threads) {
      sum += s.join();
    }
    return sum;
  }

  /**
   * Lets the workers in now and then: on two cores the racers could otherwise run alone. This only
   * widens the race windows; no assertion depends on it.
   */
  @SuppressWarnings("ThreadPriorityCheck") // perturbs scheduling on purpose, never for ordering
  private static void yieldSometimes(int i) {
    if (i % 32 == 0) {
      Thread.yield();
    }
  }

  @Test
  void everySuccessfulQueueRunsExactlyOnceAndNeverConcurrently() throws Exception {
    Workqueue wq = alloc("race-queue");
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger active = new AtomicInteger();
    AtomicInteger maxActive = new AtomicInteger();
    Work w =
        new Work(
            "race-queue-work",
            () -> {
              maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
              runs.incrementAndGet();
              active.decrementAndGet();
            });
    int queued =
        race(
            t -> {
              int ok = 0;
              for (int i = 0; i < 5000; i++) {
                yieldSometimes(i);
                if (wq.queue(w)) {
                  ok++;
                }
              }
              return ok;
            });
    wq.flush();
    assertEquals(queued, runs.get());
    assertEquals(1, maxActive.get());
  }

  @Test
  void queuedInstancesEitherRunOrAreCancelled() throws Exception {
    Workqueue wq = alloc("race-cancel");
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    Work w = new Work("race-cancel-work", runs::incrementAndGet);
    int queued =
        race(
            t -> {
              int ok = 0;
              for (int i = 0; i < 5000; i++) {
                yieldSometimes(i);
                if (t % 2 == 0) {
                  ok += wq.queue(w) ? 1 : 0;
                } else if (w.cancel()) {
                  cancelled.incrementAndGet();
                }
              }
              return ok;
            });
    w.flush();
    wq.flush();
    assertEquals(queued, runs.get() + cancelled.get());
  }

  @Test
  void cancelSyncRacingWithQueueingLeavesTheWorkIdleOnceQueueingStops() throws Exception {
    Workqueue wq = alloc("race-cancel-sync");
    AtomicInteger runs = new AtomicInteger();
    Work w = new Work("race-cancel-sync-work", runs::incrementAndGet);
    int total = 0;
    for (int round = 0; round < 300; round++) {
      CyclicBarrier stop = new CyclicBarrier(THREADS);
      int queued =
          race(
              t -> {
                int ok = 0;
                for (int i = 0; i < 5; i++) {
                  if (t == 0) {
                    w.cancelSync();
                  } else {
                    ok += wq.queue(w) ? 1 : 0;
                  }
                }
                stop.await();
                return ok;
              });
      w.cancelSync();
      assertEquals(0, w.busy(), "round " + round + ": neither pending nor running");
      int after = runs.get();
      wq.flush();
      assertEquals(after, runs.get(), "round " + round + ": nothing ran after the cancel");
      assertTrue(runs.get() <= total + queued);
      total += queued;
    }
  }

  @Test
  void aFlushSeesTheEffectsOfTheInstanceItWaitedFor() throws Exception {
    Workqueue wq = alloc("race-flush");
    AtomicInteger requested = new AtomicInteger();
    AtomicInteger served = new AtomicInteger();
    Work w = new Work("race-flush-work", () -> served.set(requested.get()));
    int failures =
        race(
            t -> {
              int bad = 0;
              for (int i = 0; i < 2000; i++) {
                int mine = requested.incrementAndGet();
                wq.queue(w);
                w.flush();
                if (served.get() < mine) {
                  bad++;
                }
              }
              return bad;
            });
    assertEquals(0, failures, "a flush returned before the instance that saw its request ran");
  }

  @Test
  void everyDelayedInstanceRunsOnceUnlessModDelayedReplacedIt() throws Exception {
    ManualClock clock = new ManualClock();
    Workqueue wq = Workqueue.alloc("race-delayed", THREADS, clock);
    created.add(wq);
    AtomicInteger runs = new AtomicInteger();
    DelayedWork dw = new DelayedWork("race-delayed-work", runs::incrementAndGet);
    // an instance is created by a successful queue_delayed_work and by a mod_delayed_work that
    // found the work idle (false); a mod that found it pending (true) replaces that instance
    AtomicInteger armers = new AtomicInteger(THREADS - 1);
    int instances =
        race(
            t -> {
              if (t == 0) {
                while (armers.get() > 0) { // past any armed deadline, for as long as anyone arms
                  clock.advanceNanos(4);
                }
                return 0;
              }
              int created = 0;
              for (int i = 0; i < 3000; i++) {
                yieldSometimes(i);
                if (t == 1) {
                  created += wq.modDelayed(dw, 1 + i % 3) ? 0 : 1;
                } else {
                  created += wq.queueDelayed(dw, 1 + i % 3) ? 1 : 0;
                }
              }
              armers.decrementAndGet();
              return created;
            });
    clock.advanceNanos(10);
    dw.work().flush();
    assertEquals(instances, runs.get());
    assertEquals(0, dw.work().busy());
    assertEquals(0, clock.pendingTimers());
  }
}
