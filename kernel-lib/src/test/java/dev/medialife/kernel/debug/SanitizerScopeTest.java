package dev.medialife.kernel.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Scopes collect the reports of their window; stacks and switches behave as documented. */
@Sanitized
class SanitizerScopeTest {

  private static Report.Warning warning(String message) {
    return new Report.Warning(message, Stack.capture());
  }

  @Test
  void reportsGoToTheInnermostScopeFromAnyThread(SanitizerScope test) throws Exception {
    assertSame(test, SanitizerScope.current());
    assertFalse(test.isRoot());
    try (SanitizerScope inner = SanitizerScope.open("inner")) {
      assertSame(inner, SanitizerScope.current());
      CountDownLatch done = new CountDownLatch(1);
      Thread t =
          new Thread(
              () -> {
                Sanitizers.report(warning("from a worker"));
                done.countDown();
              },
              "worker");
      t.start();
      assertTrue(done.await(10, TimeUnit.SECONDS));
      Sanitizers.report(new Report.LockNotHeld("l", Stack.capture()));
      assertEquals(2, inner.reports().size());
      assertEquals(1, inner.reports(Report.Warning.class).size());
      assertEquals(1, inner.reports(ReportKind.LOCK_NOT_HELD).size());
      assertEquals("worker", inner.reports(Report.Warning.class).get(0).stack().thread());
      assertEquals("SanitizerScope[inner, 2 reports]", inner.toString());
      assertEquals("inner", inner.name());
    }
    assertSame(test, SanitizerScope.current());
    assertTrue(test.reports().isEmpty());
  }

  @Test
  void closingOutOfOrderIsAHarnessBug() {
    SanitizerScope outer = SanitizerScope.open("outer");
    SanitizerScope inner = SanitizerScope.open("inner");
    IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
    assertTrue(String.valueOf(e.getMessage()).contains("'inner' is innermost"));
    inner.close();
    inner.close(); // closing twice is harmless
    outer.close();
  }

  @Test
  void theBootScopeIsNeverClosedAndKeepsABoundedLog() {
    SanitizerScope boot = SanitizerScope.root();
    assertTrue(boot.isRoot());
    assertThrows(IllegalStateException.class, boot::close);
    for (int i = 0; i < 1030; i++) {
      boot.add(warning("w" + i));
    }
    List<Report> kept = boot.reports();
    assertEquals(1024, kept.size());
    assertEquals("WARNING: w6", kept.get(0).title());
  }

  @Test
  void stacksCanBeSwitchedOff() {
    Stack on = Stack.capture();
    assertTrue(on.isPresent());
    assertEquals(Thread.currentThread().getName(), on.thread());
    assertTrue(on.frames().size() <= Stack.MAX_FRAMES);
    assertTrue(on.frames().get(0).getMethodName().equals("stacksCanBeSwitchedOff"),
        "sanitizer frames are skipped: " + on.frames().get(0));
    Sanitizers.configure(new SanitizerConfig(true, true, true, false));
    assertSame(Stack.NONE, Stack.capture());
    assertTrue(Stack.NONE.render("Call trace").contains("(stack capture off)"));
    assertEquals(new SanitizerConfig(true, true, true, false), Sanitizers.config());
    assertFalse(Sanitizers.stacks());
  }

  @Test
  void configureReturnsThePreviousSwitches() {
    SanitizerConfig before = Sanitizers.configure(SanitizerConfig.NONE);
    assertEquals(SanitizerConfig.ALL, before);
    assertFalse(Sanitizers.kasan() || Sanitizers.kmemleak() || Sanitizers.lockdep());
    assertEquals(SanitizerConfig.NONE, Sanitizers.configure(before));
    assertTrue(Sanitizers.kasan() && Sanitizers.kmemleak() && Sanitizers.lockdep());
  }

  @Test
  @ExpectReports({ReportKind.WARNING, ReportKind.REFCOUNT})
  void everyReportRendersItsTitleAndStacks(SanitizerScope scope) {
    Stack s = Stack.capture();
    List<Report> all =
        List.of(
            new Report.UseAfterFree("open", "t", "n", "c", "kfree", s, s, s),
            new Report.DoubleFree("t", "n", s, s, s),
            new Report.InvalidFree("t", "n", "c", s),
            new Report.Leak("t", "n", "scope", s, List.of()),
            new Report.RefcountWarning(Report.RefcountEvent.DECREMENT_HIT_ZERO, "k", s),
            new Report.CircularLocking("a", "b", List.of("b", "a"), s, s),
            new Report.RecursiveLocking("l", s, s),
            new Report.BadUnlock("l", "nobody", s),
            new Report.SleepInAtomic("msleep", List.of("l"), s),
            new Report.LockHeldAtUserReturn("ioctl", "l", s),
            new Report.LockNotHeld("l", s),
            new Report.Warning("w", s),
            new Report.HardwareAccessAfterRemove("cam0", "regs", "readl", 0x10, s));
    assertEquals(ReportKind.values().length, all.size(), "one record per kind");
    for (Report r : all) {
      assertTrue(r.render().startsWith(r.title()) || r.render().contains(r.title()), r::title);
      assertTrue(r.render().contains(getClass().getSimpleName()), "stack frames are rendered");
      assertTrue(Report.summary(r).startsWith(r.kind().name().toLowerCase(java.util.Locale.ROOT)));
    }
    assertTrue(all.get(3).render().contains("(never)"));
    assertEquals("BUG: hardware access after remove: readl at 0x10 of regs (cam0)",
        all.get(12).title());
    assertEquals("decrement hit 0; leaking memory",
        Report.RefcountEvent.DECREMENT_HIT_ZERO.message());
    Sanitizers.report(all.get(11));
    Sanitizers.report(all.get(4));
    assertEquals(2, scope.reports().size());
  }
}
