package dev.medialife.kernel.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.Sanitized;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A fault-injection sweep over a probe-like setup of several steps that unwinds in reverse, as
 * kernel probe functions do with their goto ladders.
 */
@Sanitized
class FaultSweepTest {

  /** A driver's private state, set up in four steps, each of which can fail. */
  static final class SampleDevice {
    @Nullable Allocation priv;
    @Nullable Allocation buffers;
    boolean irqRequested;
    @Nullable Allocation node;
    final boolean leakOnNodeFailure;

    SampleDevice(boolean leakOnNodeFailure) {
      this.leakOnNodeFailure = leakOnNodeFailure;
    }

    /** probe(): allocate, allocate, request an IRQ, register a node; unwind on failure. */
    int probe() {
      priv = Kmem.kzalloc("sample_priv", "priv");
      if (priv == null) {
        return -Errno.ENOMEM;
      }
      buffers = Kmem.kzalloc("sample_buffers", "buffers");
      if (buffers == null) {
        Kmem.kfree(priv);
        return -Errno.ENOMEM;
      }
      if (FaultInjection.shouldFail("request_irq")) {
        Kmem.kfree(buffers);
        Kmem.kfree(priv);
        return -Errno.EBUSY;
      }
      irqRequested = true;
      if (FaultInjection.shouldFail("register_node")) {
        irqRequested = false;
        if (!leakOnNodeFailure) {
          Kmem.kfree(buffers);
        }
        Kmem.kfree(priv);
        return -Errno.ENFILE;
      }
      node = Kmem.kzalloc("sample_node", "node0");
      if (node == null) {
        irqRequested = false;
        Kmem.kfree(buffers);
        Kmem.kfree(priv);
        return -Errno.ENOMEM;
      }
      return 0;
    }

    /** remove(): undo everything, in reverse. */
    void remove() {
      Kmem.kfree(node);
      irqRequested = false;
      Kmem.kfree(buffers);
      Kmem.kfree(priv);
    }
  }

  @Test
  void everyPointFailsOnceAndEveryFailureUnwindsCleanly() {
    SampleDevice dev = new SampleDevice(false);
    FaultSweep.Result result = FaultSweep.run("sample probe", dev::probe, ret -> dev.remove());

    assertEquals(0, result.baseline().result());
    assertTrue(result.baseline().reports().isEmpty());
    assertEquals(
        List.of("kmalloc", "kmalloc", "request_irq", "register_node", "kmalloc"),
        result.points());
    assertEquals(
        List.of(-Errno.ENOMEM, -Errno.ENOMEM, -Errno.EBUSY, -Errno.ENFILE, -Errno.ENOMEM),
        result.steps().stream().map(FaultSweep.Step::result).toList());
    assertTrue(result.allFailedCleanly(), () -> "unclean: " + result.unclean());
    assertEquals(List.of(), result.unclean());
    assertEquals("#3 request_irq -> -EBUSY", result.steps().get(2).toString());
    assertEquals(0, FaultInjection.hits(), "the sweep leaves injection disarmed");
  }

  @Test
  void aLeakOnOneUnwindPathIsFoundAtThatPoint() {
    SampleDevice dev = new SampleDevice(true);
    FaultSweep.Result result = FaultSweep.run("leaky probe", dev::probe, ret -> dev.remove());

    assertFalse(result.allFailedCleanly());
    List<FaultSweep.Step> unclean = result.unclean();
    assertEquals(1, unclean.size());
    FaultSweep.Step bad = unclean.get(0);
    assertEquals("register_node", bad.point());
    assertEquals(4, bad.nth());
    assertEquals(-Errno.ENFILE, bad.result());
    Report r = bad.reports().get(0);
    assertEquals(ReportKind.LEAK, r.kind());
    assertEquals("sample_buffers", ((Report.Leak) r).objectType());
    assertEquals("#4 register_node -> -ENFILE, 1 reports", bad.toString());
    assertFalse(bad.failedCleanly());
    // The leaked buffer was reported in the sweep step's own scope, so this test stays clean.
    assertNotNull(dev.buffers);
  }

  @Test
  void aFailedBaselineIsNotClean() {
    FaultSweep.Result result = FaultSweep.run("always fails", () -> -Errno.ENODEV, ret -> {});
    assertEquals(-Errno.ENODEV, result.baseline().result());
    assertEquals(List.of(), result.steps());
    assertFalse(result.allFailedCleanly());
    assertEquals("#0 (none) -> -ENODEV", result.baseline().toString());
  }

  @Test
  void aPathThatSwallowsTheFailureIsNotClean() {
    FaultSweep.Result result =
        FaultSweep.run(
            "ignores errors",
            () -> {
              FaultInjection.shouldFail("kmalloc");
              return 0;
            },
            ret -> {});
    assertEquals(1, result.steps().size());
    assertEquals(0, result.steps().get(0).result());
    assertFalse(result.allFailedCleanly());
  }
}
