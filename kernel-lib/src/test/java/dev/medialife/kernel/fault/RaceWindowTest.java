package dev.medialife.kernel.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.testing.Sanitized;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Race windows run each armed action once, in order, on the passing thread. */
@Sanitized
class RaceWindowTest {

  @Test
  void unarmedWindowsDoNothingAndCountNothing() {
    RaceWindow.at("w");
    assertEquals(0, RaceWindow.passes("w"));
    assertFalse(RaceWindow.pending("w"));
  }

  @Test
  void armedActionsRunOncePerPassInOrder() {
    List<String> ran = new ArrayList<>();
    RaceWindow.arm("w", () -> ran.add("first"));
    RaceWindow.arm("w", () -> ran.add("second"));
    assertTrue(RaceWindow.pending("w"));
    RaceWindow.at("other");
    RaceWindow.at("w");
    assertEquals(List.of("first"), ran);
    RaceWindow.at("w");
    RaceWindow.at("w");
    assertEquals(List.of("first", "second"), ran);
    assertFalse(RaceWindow.pending("w"));
    assertEquals(3, RaceWindow.passes("w"));
    assertEquals(1, RaceWindow.passes("other"));
  }

  @Test
  void anActionMayPassAnotherWindow() {
    AtomicInteger inner = new AtomicInteger();
    RaceWindow.arm("inner", inner::incrementAndGet);
    RaceWindow.arm("outer", () -> RaceWindow.at("inner"));
    RaceWindow.at("outer");
    assertEquals(1, inner.get());
  }

  @Test
  void resetDisarms() {
    AtomicInteger ran = new AtomicInteger();
    RaceWindow.arm("w", ran::incrementAndGet);
    RaceWindow.reset();
    RaceWindow.at("w");
    assertEquals(0, ran.get());
    assertFalse(RaceWindow.pending("w"));
  }

  @Test
  void theActionRunsOnThePassingThreadAndCanHoldItInTheWindow() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    List<String> order = new ArrayList<>();
    RaceWindow.arm(
        "check-then-use",
        () -> {
          inside.countDown();
          try {
            assertTrue(go.await(10, TimeUnit.SECONDS));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    Thread t =
        new Thread(
            () -> {
              RaceWindow.at("check-then-use");
              synchronized (order) {
                order.add("use");
              }
            });
    t.start();
    assertTrue(inside.await(10, TimeUnit.SECONDS));
    synchronized (order) {
      order.add("teardown");
    }
    go.countDown();
    t.join(10_000);
    assertFalse(t.isAlive());
    assertEquals(List.of("teardown", "use"), order);
  }
}
