package dev.medialife.kernel.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Lock classes exempt from validation ({@code lockdep_set_novalidate_class}). */
@Sanitized
@Timeout(30)
class LockdepNoValidateTest {
  @Test
  void twoLocksOfANoValidateClassNestWithoutAReport(SanitizerScope scope) {
    LockClass c = LockClass.noValidate("test.novalidate_parent_child");
    assertTrue(c.isNoValidate());
    Mutex parent = new Mutex("parent", c);
    Mutex child = new Mutex("child", c);
    parent.lock();
    child.lock();
    assertTrue(child.isHeldByCurrentThread(), "still tracked and taken");
    child.unlock();
    parent.unlock();
    assertTrue(scope.reports().isEmpty());
  }

  @Test
  void noOrderIsRecordedThroughANoValidateLock(SanitizerScope scope) {
    Mutex dev = new Mutex("dev", LockClass.noValidate("test.novalidate_dev"));
    Mutex global = new Mutex("test.novalidate_global");
    dev.lock();
    global.lock();
    global.unlock();
    dev.unlock();
    global.lock();
    dev.lock();
    assertEquals(2, Lockdep.heldLocks().size(), "both are tracked as held");
    dev.unlock();
    global.unlock();
    assertTrue(scope.reports().isEmpty());
  }

  @Test
  @ExpectReports(ReportKind.RECURSIVE_LOCKING)
  void ordinaryClassesAreStillValidated(SanitizerScope scope) {
    LockClass c = LockClass.of("test.validated_pair");
    assertFalse(c.isNoValidate());
    Mutex a = new Mutex("a", c);
    Mutex b = new Mutex("b", c);
    a.lock();
    b.lock();
    b.unlock();
    a.unlock();
    assertEquals(1, scope.reports(ReportKind.RECURSIVE_LOCKING).size());
  }
}
