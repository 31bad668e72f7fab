package dev.medialife.kernel.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.medialife.kernel.Warn;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerConfig;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.fault.FaultInjection;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.time.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The extension itself, run through the JUnit Platform test kit on sample test classes: a test
 * fails on an undeclared report and on a leak, passes with a matching declaration, and fails when
 * a declared report does not appear.
 */
class SanitizerExtensionTest {

  private static Events run(Class<?> sample) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(sample))
        .configurationParameter(TestKitSample.PARAMETER, "true")
        .execute()
        .testEvents();
  }

  private static String failureMessage(Events events) {
    List<String> messages = new ArrayList<>();
    for (Event e : events.failed().list()) {
      Optional<Throwable> t =
          e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
              .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable);
      t.ifPresent(x -> messages.add(String.valueOf(x.getMessage())));
    }
    return String.join("\n", messages);
  }

  @Test
  void aCleanTestPasses() {
    Events events = run(CleanSample.class);
    assertEquals(1, events.succeeded().count());
    assertEquals(0, events.failed().count());
  }

  @Test
  void aLeakFailsTheTestWithItsReport() {
    Events events = run(LeakySample.class);
    assertEquals(1, events.failed().count());
    String message = failureMessage(events);
    assertTrue(message.contains("1 unexpected sanitizer report(s)"), message);
    assertTrue(message.contains("kmemleak: unreferenced object video_device 'leaked'"), message);
    assertTrue(message.contains("Allocated by task"), message);
  }

  @Test
  void anUndeclaredUseAfterFreeFailsTheTest() {
    Events events = run(UseAfterFreeSample.class);
    assertEquals(1, events.failed().count());
    assertTrue(failureMessage(events).contains("BUG: KASAN: use-after-free in ioctl"));
  }

  @Test
  void aDeclaredReportPassesAndMethodDeclarationsOverrideTheClass() {
    Events events = run(DeclaredSample.class);
    assertEquals(2, events.succeeded().count(), () -> failureMessage(events));
  }

  @Test
  void aDeclaredReportThatDoesNotAppearFailsTheTest() {
    Events events = run(StaleDeclarationSample.class);
    assertEquals(1, events.failed().count());
    String message = failureMessage(events);
    assertTrue(message.contains("expected report kind(s) that did not appear: [WARNING]"), message);
  }

  @Test
  void switchesFaultsAndLockOrderAreResetAroundEachTest() {
    Events events = run(IsolationSample.class);
    assertEquals(2, events.succeeded().count(), () -> failureMessage(events));
    assertEquals(SanitizerConfig.ALL, Sanitizers.config());
    assertEquals(0, FaultInjection.hits());
  }

  @Test
  void verdictListsBothProblems() {
    String v =
        SanitizerExtension.verdict(
            List.of(new dev.medialife.kernel.debug.Report.Warning(
                "x", dev.medialife.kernel.debug.Stack.NONE)),
            java.util.EnumSet.of(ReportKind.LEAK));
    assertTrue(v.contains("1 unexpected") && v.contains("did not appear: [LEAK]"), v);
    assertEquals("", SanitizerExtension.verdict(List.of(), java.util.EnumSet.noneOf(ReportKind.class)));
  }

  // --- samples, run only through the test kit (surefire skips nested classes) ---

  @TestKitSample
  @Sanitized
  static class CleanSample {
    @Test
    void freesWhatItAllocates(SanitizerScope scope) {
      Allocation a = Kmem.kzalloc("video_device", "ok");
      assertNotNull(a);
      Kmem.kfree(a);
      assertTrue(scope.reports().isEmpty());
    }
  }

  @TestKitSample
  @Sanitized
  static class LeakySample {
    @Test
    void leaks() {
      assertNotNull(Kmem.kzalloc("video_device", "leaked"));
    }
  }

  @TestKitSample
  @Sanitized
  static class UseAfterFreeSample {
    @Test
    void usesAfterFree() {
      Allocation a = Kmem.kzalloc("media_device", "gone");
      assertNotNull(a);
      Kmem.kfree(a);
      a.check("ioctl");
    }
  }

  @TestKitSample
  @Sanitized
  @ExpectReports(ReportKind.WARNING)
  static class DeclaredSample {
    @Test
    void warnsAsDeclaredOnTheClass() {
      Warn.on(true, "declared");
    }

    @Test
    @ExpectReports(ReportKind.USE_AFTER_FREE)
    void methodDeclarationReplacesTheClassOne() {
      Allocation a = Kmem.kzalloc("media_device", "gone");
      assertNotNull(a);
      Kmem.kfree(a);
      a.check("ioctl");
    }
  }

  @TestKitSample
  @Sanitized
  static class StaleDeclarationSample {
    @Test
    @ExpectReports(ReportKind.WARNING)
    void declaresAWarningButDoesNotWarn() {}
  }

  @TestKitSample
  @Sanitized
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class IsolationSample {
    @Test
    @Order(1)
    void changesEverything() {
      Mutex a = new Mutex("sample.a");
      Mutex b = new Mutex("sample.b");
      a.lock();
      b.lock();
      b.unlock();
      a.unlock();
      Sanitizers.configure(SanitizerConfig.NONE);
      FaultInjection.failPoint("kmalloc", -1);
      KernelClock.install(new ManualClock());
    }

    @Test
    @Order(2)
    void startsFresh(SanitizerScope scope) {
      assertEquals(SanitizerConfig.ALL, Sanitizers.config());
      assertFalse(KernelClock.system() instanceof ManualClock, "the clock was restored");
      Allocation x = Kmem.kzalloc("x", "x");
      assertNotNull(x, "faults were disarmed");
      Kmem.kfree(x);
      Mutex a = new Mutex("sample.a");
      Mutex b = new Mutex("sample.b");
      b.lock();
      a.lock(); // the first test's a -> b order was forgotten: no inversion
      a.unlock();
      b.unlock();
      assertTrue(scope.reports().isEmpty());
    }
  }
}
