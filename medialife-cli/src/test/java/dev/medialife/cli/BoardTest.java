package dev.medialife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every board boots, probes and tears down with the sanitizers quiet and nothing left over. */
@Sanitized
class BoardTest {
  @ParameterizedTest
  @EnumSource(Board.Kind.class)
  void bootsAndTearsDownCleanly(Board.Kind kind) throws Exception {
    try (Board b = Board.boot(kind)) {
      int expected = (kind.soc() == null ? 0 : 2) + (kind.hasStick() ? 1 : 0);
      assertEquals(expected, b.mediaDevices().size());
      assertEquals(kind, b.kind());
      assertTrue(b.toString().contains(kind.cliName()));
      List<String> dev = b.kernel().devfsList();
      assertEquals(expected, dev.stream().filter(p -> p.startsWith("/dev/media")).count(), dev.toString());
    }
  }

  @Test
  void describesItself() {
    assertEquals("NXP i.MX8MQ EVK VPU (G1 + G2) + USB TV stick on 1-1",
        Board.Kind.DEFAULT.describe());
    assertEquals("USB TV stick on 1-1", Board.Kind.USBTV.describe());
    assertEquals("NXP i.MX8MM EVK VPU (G1 + G2)", Board.Kind.IMX8MM.describe());
  }

  @Test
  void bindAndUnbindACore() throws Exception {
    try (Board b = Board.boot(Board.Kind.IMX8MQ)) {
      assertNotNull(b.vpu(VpuCore.Kind.G2));
      assertEquals(0, b.unbind(VpuCore.Kind.G2));
      assertNull(b.vpu(VpuCore.Kind.G2));
      assertEquals(1, b.mediaDevices().size());
      assertEquals(0, b.bind(VpuCore.Kind.G2));
      assertEquals(2, b.mediaDevices().size());
      assertNotNull(b.soc());
      assertNotNull(b.hantro());
      assertThrows(IllegalStateException.class, b::stick);
      assertEquals(-Errno.ENODEV, b.plug());
      assertNull(b.au0828());
      assertNull(b.sndChip());
    }
  }

  @Test
  void stickOnlyBoardHasNoSoc() throws Exception {
    try (Board b = Board.boot(Board.Kind.USBTV)) {
      assertThrows(IllegalStateException.class, b::soc);
      assertThrows(IllegalStateException.class, b::hantro);
      assertNotNull(b.au0828());
      assertNotNull(b.sndChip());
      assertEquals(0, b.unplug());
      assertNull(b.au0828());
      assertNull(b.sndChip());
      assertEquals(0, b.usbDriverObjects());
      assertEquals(0, b.mediaDevices().size());
      assertTrue(b.plug() > 0);
      assertEquals(-Errno.EBUSY, b.plug(), "already plugged");
    }
  }
}
