package dev.medialife.kernel.locking;

import static dev.medialife.kernel.locking.LockdepTest.onThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.debug.Stack;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When lockdep saves a stack: on a lock class's first use, on a dependency it has not recorded
 * yet, and for a report; never for an acquisition that teaches it nothing.
 */
@Sanitized
@Timeout(30)
class LockdepStacksTest {

  private static void nest(Mutex outer, Mutex inner) {
    outer.lock();
    inner.lock();
    inner.unlock();
    outer.unlock();
  }

  private static void takeAndReturnToUser(Mutex m) {
    m.lock();
    Lockdep.checkNoLocksHeld("ioctl");
    m.unlock();
  }

  @Test
  @ExpectReports(ReportKind.LOCK_HELD_AT_USER_RETURN)
  void aLockTakenAgainShowsWhereItsClassWasFirstTaken(SanitizerScope scope) throws Exception {
    Mutex m = new Mutex("test.stacks.once");
    onThread("first", () -> takeAndReturnToUser(m));
    onThread("second", () -> takeAndReturnToUser(m));
    List<Report.LockHeldAtUserReturn> r = scope.reports(Report.LockHeldAtUserReturn.class);
    assertEquals(2, r.size());
    // The first acquisition is the class's first use: its own stack, unmarked.
    assertEquals("first", r.get(0).acquired().thread());
    assertTrue(r.get(0).acquired().isPresent());
    assertFalse(r.get(0).render().contains("first taken"), r.get(0).render());
    // The second saved none: the report shows the first use's stack and says so.
    assertEquals("first", r.get(1).acquired().thread());
    assertEquals(r.get(0).acquired().frames(), r.get(1).acquired().frames());
    assertTrue(r.get(1).render().contains("where the lock class was first taken"), r.get(1).render());
  }

  @Test
  @ExpectReports(ReportKind.LOCK_HELD_AT_USER_RETURN)
  void aNewDependencySavesTheStackOfThatAcquisition(SanitizerScope scope) throws Exception {
    Mutex outer = new Mutex("test.stacks.outer");
    Mutex inner = new Mutex("test.stacks.inner");
    onThread("warm", () -> nest(outer, inner)); // first use of both classes, outer -> inner
    Mutex other = new Mutex("test.stacks.other");
    onThread(
        "new-order",
        () -> {
          other.lock(); // first use of "other"
          inner.lock(); // other -> inner is new: this acquisition's stack is saved
          Lockdep.checkNoLocksHeld("ioctl");
          inner.unlock();
          other.unlock();
        });
    List<Report.LockHeldAtUserReturn> r = scope.reports(Report.LockHeldAtUserReturn.class);
    assertEquals(2, r.size());
    Report.LockHeldAtUserReturn innerHeld = r.get(1);
    assertEquals("test.stacks.inner", innerHeld.lock());
    assertEquals("new-order", innerHeld.acquired().thread(), "not the class's first use");
    assertFalse(innerHeld.render().contains("first taken"), innerHeld.render());
  }

  @Test
  @ExpectReports(ReportKind.RECURSIVE_LOCKING)
  void aRecursiveAcquisitionReportsTheStackOfTheRetake(SanitizerScope scope) {
    Mutex m = new Mutex("test.stacks.recursive");
    m.lock();
    m.lock();
    m.unlock();
    m.unlock();
    Report.RecursiveLocking r = scope.reports(Report.RecursiveLocking.class).get(0);
    assertTrue(r.again().isPresent() && r.firstAcquired().isPresent());
    assertEquals(
        "aRecursiveAcquisitionReportsTheStackOfTheRetake", methodAfterLocking(r.again()));
    assertNotEquals(r.firstAcquired(), r.again(), "taken at two different lines");
  }

  /** The first frame outside the locking package: where the lock call was made. */
  private static String methodAfterLocking(Stack s) {
    for (StackTraceElement e : s.frames()) {
      if (!e.getClassName().equals(Lockdep.class.getName())
          && !e.getClassName().equals(Mutex.class.getName())) {
        return e.getMethodName();
      }
    }
    return "";
  }
}
