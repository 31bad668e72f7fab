package dev.medialife.kernel.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.testing.Sanitized;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The four ways to arm a fault point. */
@Sanitized
class FaultInjectionTest {

  private static List<Boolean> hit(String point, int times) {
    List<Boolean> out = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      out.add(FaultInjection.shouldFail(point));
    }
    return out;
  }

  @Test
  void nothingArmedNeverFailsAndCountsNothing() {
    assertEquals(List.of(false, false, false), hit("kmalloc", 3));
    assertEquals(0, FaultInjection.hits());
    assertEquals(List.of(), FaultInjection.injected());
  }

  @Test
  void byNameFailsTheNextHitsOfThatPointOnly() {
    FaultInjection.failPoint("request_irq", 2);
    assertFalse(FaultInjection.shouldFail("kmalloc"));
    assertEquals(List.of(true, true, false), hit("request_irq", 3));
    assertEquals(List.of("request_irq", "request_irq"), FaultInjection.injected());
    FaultInjection.failPoint("ida_alloc", -1);
    assertEquals(List.of(true, true, true, true), hit("ida_alloc", 4));
  }

  @Test
  void byTheNthHitOfAPoint() {
    FaultInjection.failPointAt("kmalloc", 3);
    assertFalse(FaultInjection.shouldFail("register"));
    assertEquals(List.of(false, false, true, false), hit("kmalloc", 4));
  }

  @Test
  void failNthCountsHitsOfEveryPoint() {
    FaultInjection.failNth(3);
    assertFalse(FaultInjection.shouldFail("a"));
    assertFalse(FaultInjection.shouldFail("b"));
    assertTrue(FaultInjection.shouldFail("c"));
    assertFalse(FaultInjection.shouldFail("d"));
    assertEquals(4, FaultInjection.hits());
    assertEquals(List.of("c"), FaultInjection.injected());
  }

  @Test
  void randomFailuresAreReproducibleFromTheSeed() {
    FaultInjection.failRandomly(0.3, 42);
    List<Boolean> first = hit("kmalloc", 200);
    FaultInjection.reset();
    FaultInjection.failRandomly(0.3, 42);
    List<Boolean> second = hit("kmalloc", 200);
    assertEquals(first, second);
    long failures = first.stream().filter(b -> b).count();
    assertTrue(failures > 30 && failures < 100, "about 30 % of 200: " + failures);
    FaultInjection.reset();
    FaultInjection.failRandomly(0.3, 43);
    assertFalse(first.equals(hit("kmalloc", 200)), "another seed, another run");
  }

  @Test
  void recordingListsPointsInFirstHitOrderWithoutFailing() {
    FaultInjection.record();
    assertEquals(List.of(false, false), hit("kmalloc", 2));
    assertFalse(FaultInjection.shouldFail("register_chrdev"));
    assertEquals(List.of("kmalloc", "register_chrdev"), FaultInjection.reached());
    FaultInjection.reset();
    assertEquals(List.of(), FaultInjection.reached());
    assertFalse(FaultInjection.shouldFail("kmalloc"));
  }
}
