package dev.medialife.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import org.junit.jupiter.api.Test;

/** Errno values match the kernel's numbers; WARN_ON reports and returns its condition. */
@Sanitized
class ErrnoWarnTest {

  @Test
  void errnoValuesAreTheKernels() {
    assertEquals(19, Errno.ENODEV);
    assertEquals(6, Errno.ENXIO);
    assertEquals(16, Errno.EBUSY);
    assertEquals(25, Errno.ENOTTY);
    assertEquals(28, Errno.ENOSPC);
    assertEquals(512, Errno.ERESTARTSYS);
    assertEquals(515, Errno.ENOIOCTLCMD);
    assertEquals(517, Errno.EPROBE_DEFER);
  }

  @Test
  void namesAcceptEitherSign() {
    assertEquals("ENODEV", Errno.name(-Errno.ENODEV));
    assertEquals("EIO", Errno.name(Errno.EIO));
    assertEquals("0", Errno.name(0));
    assertEquals("E?999", Errno.name(-999));
    assertEquals("-ENXIO", Errno.describe(-Errno.ENXIO));
    assertEquals("3", Errno.describe(3));
    assertTrue(Errno.isError(-Errno.EINVAL));
    assertFalse(Errno.isError(0));
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void warnOnReportsAndReturnsItsCondition(SanitizerScope scope) {
    assertFalse(Warn.on(false, "never"));
    assertTrue(scope.reports().isEmpty());
    assertTrue(Warn.on(true, "no context for job_finish"));
    Warn.warn("unreachable");
    assertEquals(2, scope.reports().size());
    Report.Warning w = scope.reports(Report.Warning.class).get(0);
    assertEquals("WARNING: no context for job_finish", w.title());
    assertEquals("warnOnReportsAndReturnsItsCondition",
        w.stack().frames().get(0).getMethodName(), "Warn's own frame is skipped");
  }
}
