package dev.medialife.it.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.cli.Board;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fuzz rig can fail: each kind of finding it promises to report is reported. */
@Timeout(60)
class FuzzRigTest {
  @Test
  void aReturnValueThatIsNoErrnoIsAFinding() {
    assertEquals(0, FuzzRig.check("ok", 0));
    assertEquals(7, FuzzRig.check("a count", 7));
    assertEquals(-Errno.EINVAL, FuzzRig.check("an errno", -Errno.EINVAL));
    AssertionError e = assertThrows(AssertionError.class, () -> FuzzRig.check("ioctl", -4000));
    String msg = String.valueOf(e.getMessage());
    assertTrue(msg.contains("ioctl returned -4000"), msg);
  }

  @Test
  void anAllocationLeftAliveIsAFinding() {
    Allocation[] leaked = new Allocation[1];
    AssertionError e = assertThrows(AssertionError.class, () -> {
      try (FuzzRig rig = FuzzRig.boot(Board.Kind.USBTV)) {
        assertNotNull(rig.board().au0828());
        leaked[0] = Kmem.kzalloc("fuzz_leak", "planted by the test");
      }
    });
    String msg = String.valueOf(e.getMessage());
    assertTrue(msg.contains("fuzz_leak"), msg);
    Kmem.kfree(leaked[0]);
  }

  @Test
  void aCleanInputPasses() {
    try (FuzzRig rig = FuzzRig.boot(Board.Kind.IMX8MQ)) {
      assertTrue(rig.board().mediaDevices().size() == 2, "G1 and G2 each register one");
      assertEquals(-Errno.ENOENT, rig.task().open("/dev/nothing", 0));
    }
  }
}
