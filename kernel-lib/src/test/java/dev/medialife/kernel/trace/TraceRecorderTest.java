package dev.medialife.kernel.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.time.ManualClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TraceRecorderTest {
  private final ManualClock clock = new ManualClock();

  @Test
  void recordsEventsOldestFirstWithTheClocksTimestamps() {
    TraceRecorder r = new TraceRecorder(16, clock);
    r.begin("m2m", "device_run", "G1");
    clock.advanceNanos(1500);
    r.instant("hantro", "irq", "G1", Map.of("status", 0x10));
    clock.advanceNanos(500);
    r.end("m2m", "device_run", "G1");
    r.counter("m2m", "queued", "ctx0", Map.of("jobs", 3));
    r.record("m2m", "custom", TraceEvent.Phase.INSTANT, "G2", Map.of());
    List<TraceEvent> events = r.snapshot();
    assertEquals(
        List.of(
            new TraceEvent(0, "m2m", "device_run", TraceEvent.Phase.BEGIN, "G1", Map.of()),
            new TraceEvent(
                1500, "hantro", "irq", TraceEvent.Phase.INSTANT, "G1", Map.of("status", 16)),
            new TraceEvent(2000, "m2m", "device_run", TraceEvent.Phase.END, "G1", Map.of()),
            new TraceEvent(
                2000, "m2m", "queued", TraceEvent.Phase.COUNTER, "ctx0", Map.of("jobs", 3)),
            new TraceEvent(2000, "m2m", "custom", TraceEvent.Phase.INSTANT, "G2", Map.of())),
        events);
    assertEquals(5, r.size());
    assertEquals(16, r.capacity());
    assertEquals(0, r.dropped());
    assertEquals("TraceRecorder[5/16, dropped 0]", r.toString());
  }

  @Test
  void aFullBufferDropsTheOldestAndCountsThem() {
    TraceRecorder r = new TraceRecorder(3, clock);
    for (int i = 0; i < 10; i++) {
      clock.advanceNanos(1);
      r.instant("t", "e" + i, "x", Map.of());
    }
    List<String> names = new ArrayList<>();
    for (TraceEvent e : r.snapshot()) {
      names.add(e.name());
    }
    assertEquals(List.of("e7", "e8", "e9"), names);
    assertEquals(7, r.dropped());
    assertEquals(3, r.size());
    r.clear();
    assertEquals(List.of(), r.snapshot());
    assertEquals(0, r.dropped());
    assertEquals(0, r.size());
    r.instant("t", "after", "x", Map.of());
    assertEquals("after", r.snapshot().get(0).name());
  }

  @Test
  void aDisabledRecorderRecordsNothingAndKeepsWhatItHad() {
    TraceRecorder r = new TraceRecorder(4, clock);
    r.begin("t", "kept", "x");
    r.disable();
    assertFalse(r.isEnabled());
    r.begin("t", "b", "x");
    r.end("t", "b", "x");
    r.instant("t", "i", "x", Map.of());
    r.counter("t", "c", "x", Map.of("v", 1));
    r.record("t", "r", TraceEvent.Phase.INSTANT, "x", Map.of());
    r.printk("p");
    assertEquals(1, r.size());
    r.enable();
    assertTrue(r.isEnabled());
    r.end("t", "kept", "x");
    assertEquals(2, r.size());
  }

  @Test
  void argumentsAreCopiedKeepTheirOrderAndRejectNulls() {
    TraceRecorder r = new TraceRecorder(4, clock);
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("z", 1);
    args.put("a", "two");
    args.put("m", true);
    r.instant("t", "args", "x", args);
    args.put("late", 4);
    Map<String, Object> recorded = r.snapshot().get(0).args();
    assertEquals(List.of("z", "a", "m"), new ArrayList<>(recorded.keySet()));
    assertThrows(UnsupportedOperationException.class, () -> recorded.put("x", 1));
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("bad", null);
    assertThrows(NullPointerException.class, () -> r.instant("t", "n", "x", withNull));
    assertEquals(1, r.size());
  }

  @Test
  void printkRecordsAMessageOnTheCallersTrack() {
    TraceRecorder r = new TraceRecorder(2, clock);
    r.printk("hello");
    TraceEvent e = r.snapshot().get(0);
    assertEquals("printk", e.category());
    assertEquals("trace_printk", e.name());
    assertEquals(TraceEvent.Phase.INSTANT, e.phase());
    assertEquals(Thread.currentThread().getName(), e.track());
    assertEquals(Map.of("msg", "hello"), e.args());
  }

  @Test
  void phasesHaveTheirChromeCodes() {
    assertEquals("B", TraceEvent.Phase.BEGIN.code());
    assertEquals("E", TraceEvent.Phase.END.code());
    assertEquals("i", TraceEvent.Phase.INSTANT.code());
    assertEquals("C", TraceEvent.Phase.COUNTER.code());
  }

  @Test
  void capacityMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new TraceRecorder(0));
    assertThrows(IllegalArgumentException.class, () -> new TraceRecorder(-1, clock));
  }

  @Test
  void theGlobalRecorderIsOneEnabledDefaultSizedBufferOnTheInstalledClock() {
    TraceRecorder g = TraceRecorder.global();
    assertSame(g, TraceRecorder.global());
    assertTrue(g.isEnabled());
    assertEquals(TraceRecorder.DEFAULT_CAPACITY, g.capacity());
    KernelClock previous = KernelClock.install(new ManualClock(12345));
    try {
      TraceRecorder own = new TraceRecorder(1);
      own.instant("t", "installed", "x", Map.of());
      assertEquals(12345, own.snapshot().get(0).timestampNanos());
    } finally {
      KernelClock.install(previous);
    }
  }

  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void concurrentWritersLoseNothingButTheOverwrittenAndStayInTimestampOrder() throws Exception {
    int threads = 4;
    int perThread = 20_000;
    int capacity = 1000;
    TraceRecorder r = new TraceRecorder(capacity, KernelClock.real());
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String track = "w" + t;
      Thread w =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                for (int i = 0; i < perThread; i++) {
                  r.counter("t", "n", track, Map.of("i", i));
                }
              });
      writers.add(w);
      w.start();
    }
    for (Thread w : writers) {
      w.join();
    }
    List<TraceEvent> events = r.snapshot();
    assertEquals(capacity, events.size());
    assertEquals((long) threads * perThread - capacity, r.dropped());
    Map<String, Integer> lastPerTrack = new HashMap<>();
    for (int i = 1; i < events.size(); i++) {
      assertTrue(events.get(i - 1).timestampNanos() <= events.get(i).timestampNanos());
    }
    for (TraceEvent e : events) {
      int v = (Integer) Objects.requireNonNull(e.args().get("i"));
      Integer prev = lastPerTrack.put(e.track(), v);
      assertTrue(prev == null || prev < v, "per-writer order is kept");
    }
    int newest = 0;
    for (int v : lastPerTrack.values()) {
      newest = Math.max(newest, v);
    }
    assertEquals(perThread - 1, newest, "the newest events survived");
  }
}
