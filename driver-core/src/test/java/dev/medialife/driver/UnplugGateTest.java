package dev.medialife.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.testing.Sanitized;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The unplug gate: drains calls in flight, refuses new ones, wakes sleepers. */
@Sanitized
@Timeout(60)
class UnplugGateTest {

  @Test
  void unplugWaitsForTheCallInsideAndThenRefusesNewOnes() throws Exception {
    UnplugGate gate = new UnplugGate("video0");
    assertTrue(gate.enter());
    assertEquals(1, gate.inFlight());
    AtomicInteger woken = new AtomicInteger();
    CountDownLatch unplugged = new CountDownLatch(1);
    Thread t = new Thread(() -> {
      gate.unplug(woken::incrementAndGet);
      unplugged.countDown();
    }, "unbind");
    t.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!gate.isUnplugged() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(gate.isUnplugged());
    assertFalse(gate.enter(), "new calls are refused once unplug has begun");
    assertEquals(1, unplugged.getCount(), "unplug has not returned while a call is inside");
    gate.exit();
    assertTrue(unplugged.await(10, TimeUnit.SECONDS));
    assertEquals(1, woken.get(), "sleepers were woken once");
    assertEquals(0, gate.inFlight());
    gate.unplug(woken::incrementAndGet); // idempotent, returns at once
    assertTrue(gate.toString().contains("unplugged"));
  }

  @Test
  void concurrentCallsAgainstUnplugEitherRunFullyInsideOrAreRefused() throws Exception {
    for (int round = 0; round < 200; round++) {
      UnplugGate gate = new UnplugGate("media0");
      int callers = 3;
      CyclicBarrier start = new CyclicBarrier(callers + 1);
      AtomicInteger insideAfterUnplug = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      boolean[] unplugDone = new boolean[1];
      List<Thread> ts = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        Thread t = new Thread(() -> {
          await(start);
          for (int i = 0; i < 200; i++) {
            if (!gate.enter()) {
              refused.incrementAndGet();
              continue;
            }
            synchronized (unplugDone) {
              if (unplugDone[0]) {
                insideAfterUnplug.incrementAndGet();
              }
            }
            gate.exit();
          }
        });
        ts.add(t);
        t.start();
      }
      await(start);
      gate.unplug(() -> {});
      synchronized (unplugDone) {
        unplugDone[0] = true;
      }
      for (Thread t : ts) {
        t.join(10_000);
      }
      assertEquals(0, insideAfterUnplug.get(), "no call is inside after unplug returned");
      assertEquals(0, gate.inFlight());
      assertFalse(gate.enter());
    }
  }

  private static void await(CyclicBarrier b) {
    try {
      b.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
