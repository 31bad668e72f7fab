package dev.medialife.drivers.hantro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Kernel;
import dev.medialife.driver.io.MmioRegion;
import dev.medialife.driver.io.RegisterFile;
import dev.medialife.driver.irq.IrqChip;
import dev.medialife.driver.of.DeviceTree;
import dev.medialife.driver.of.Of;
import dev.medialife.driver.of.OfNode;
import dev.medialife.driver.of.PlatformBus;
import dev.medialife.driver.of.PlatformDevice;
import dev.medialife.driver.of.PlatformResource;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.m2m.V4l2M2mDev;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Probes on hand-made trees: the deprecated combined binding (a private scheduler, a warning),
 * and nodes whose resources are missing (the kernel's errnos from the resource helpers).
 */
@Sanitized
class HantroProbeErrorTest {
  /** Registers that remember nothing: reads are 0, so nothing ever interrupts. */
  private static final RegisterFile DUMMY =
      new RegisterFile() {
        @Override
        public int read(int offset) {
          return 0;
        }

        @Override
        public void write(int offset, int value) {}
      };

  private final Kernel kernel = new Kernel();
  private final PlatformBus pb = notNull(PlatformBus.register(kernel));
  private final IrqChip gic = new IrqChip("gic", 16);
  private final HantroDriver driver = new HantroDriver(null);

  private static <T> T notNull(@Nullable T t) {
    assertNotNull(t);
    return t;
  }

  private static DeviceTree tree(String compatible) {
    return OfNode.builder("")
        .child(OfNode.builder("video-codec").unitAddress("38300000").compatible(compatible))
        .buildTree();
  }

  private PlatformDevice only(DeviceTree t) {
    PlatformDevice p = Of.findDeviceByNode(t.allNodes().get(1));
    assertNotNull(p);
    p.put();
    return p;
  }

  @Test
  void theDeprecatedCombinedBindingGetsAPrivateScheduler() {
    DeviceTree t = tree("nxp,imx8mq-vpu");
    MmioRegion regs = new MmioRegion("vpu", 0x10000, DUMMY);
    assertEquals(0, driver.register(pb));
    assertEquals(1, pb.populate(t, n -> n.compatible().isEmpty() ? List.of()
        : List.of(PlatformResource.mem(regs), PlatformResource.irq("g1", gic, 3))));
    HantroDev vpu = HantroDriver.vpu(only(t));
    assertNotNull(vpu);
    assertTrue(vpu.variant().deprecated());
    V4l2M2mDev m2m = vpu.m2mDev();
    assertNotNull(m2m);
    assertEquals(1, m2m.refcount());
    pb.depopulate(t);
    driver.unregister(pb);
  }

  @Test
  void missingResourcesFailTheProbeWithTheKernelsErrnos() {
    assertEquals(0, driver.register(pb));
    DeviceTree noRegs = tree("nxp,imx8mq-vpu-g1");
    assertEquals(1, pb.populate(noRegs));
    PlatformDevice p = only(noRegs);
    assertNull(HantroDriver.vpu(p), "no register window: not bound");
    assertEquals(-Errno.EINVAL, pb.bus().bind(HantroDriver.NAME, p.name()));
    pb.depopulate(noRegs);
    DeviceTree noIrq = tree("nxp,imx8mm-vpu-g1");
    MmioRegion regs = new MmioRegion("vpu", 0x10000, DUMMY);
    assertEquals(1, pb.populate(noIrq, n -> n.compatible().isEmpty() ? List.of()
        : List.of(PlatformResource.mem(regs))));
    PlatformDevice q = only(noIrq);
    assertNull(HantroDriver.vpu(q));
    assertEquals(-Errno.ENXIO, pb.bus().bind(HantroDriver.NAME, q.name()));
    pb.depopulate(noIrq);
    driver.unregister(pb);
    assertTrue(driver.toString().contains("hantro"));
  }
}
