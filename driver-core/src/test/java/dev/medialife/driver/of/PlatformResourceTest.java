package dev.medialife.driver.of;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Kernel;
import dev.medialife.driver.io.IoMem;
import dev.medialife.driver.io.MmioRegion;
import dev.medialife.driver.io.RegisterFile;
import dev.medialife.driver.irq.IrqChip;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.fault.FaultInjection;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Platform resources: the board fills them while populating, drivers read them with {@code
 * platform_get_resource}, {@code devm_platform_ioremap_resource} and {@code platform_get_irq}.
 */
@Sanitized
class PlatformResourceTest {
  private static final String COMPAT = "vendor,codec";

  /** Registers that remember writes. */
  private static final class Regs implements RegisterFile {
    final Map<Integer, Integer> regs = new HashMap<>();

    @Override
    public int read(int offset) {
      return regs.getOrDefault(offset, 0);
    }

    @Override
    public void write(int offset, int value) {
      regs.put(offset, value);
    }
  }

  private final Kernel kernel = new Kernel();
  private final PlatformBus pb = notNull(PlatformBus.register(kernel));
  private final IrqChip gic = new IrqChip("gic", 32);
  private final Regs hw = new Regs();
  private final MmioRegion window = new MmioRegion("38300000.codec", 0x100, hw);
  private final DeviceTree tree =
      OfNode.builder("")
          .child(OfNode.builder("codec").unitAddress("38300000").compatible(COMPAT)
              .property("reg", 0x38300000).property("interrupts", 7))
          .child(OfNode.builder("bare").compatible(COMPAT))
          .buildTree();

  private static <T> T notNull(@Nullable T t) {
    assertNotNull(t);
    return t;
  }

  /** The board's translation: reg → window, interrupts → line 7 of the GIC. */
  private List<PlatformResource> resourcesOf(OfNode node) {
    List<PlatformResource> out = new ArrayList<>();
    if (node.propertyReadU32("reg").isPresent()) {
      out.add(PlatformResource.mem(window));
    }
    node.propertyReadU32("interrupts")
        .ifPresent(spi -> out.add(PlatformResource.irq("dec", gic, spi)));
    return out;
  }

  @Test
  void populateAttachesResourcesBeforeProbe() {
    Map<String, List<PlatformResource>> seenAtProbe = new HashMap<>();
    PlatformDriver drv =
        new PlatformDriver("codec", null, List.of(new OfDeviceId(COMPAT, null)), false,
            pdev -> {
              seenAtProbe.put(pdev.name(), pdev.resources());
              return 0;
            });
    assertEquals(0, pb.driverRegister(drv));
    assertEquals(2, pb.populate(tree, this::resourcesOf));
    List<PlatformResource> codec = seenAtProbe.get("38300000.codec");
    assertNotNull(codec);
    assertEquals(2, codec.size());
    assertEquals(List.of(), seenAtProbe.get("bare"));
    PlatformResource mem = codec.get(0);
    assertEquals(PlatformResource.IORESOURCE_MEM, mem.type());
    assertSame(window, mem.region());
    assertEquals("38300000.codec", mem.name());
    PlatformResource irq = codec.get(1);
    assertEquals(PlatformResource.IORESOURCE_IRQ, irq.type());
    assertSame(gic, irq.chip());
    assertEquals(7, irq.line());
    pb.depopulate(tree);
    pb.driverUnregister(drv);
  }

  @Test
  void driversReadTheirResources() {
    AtomicReference<@Nullable IoMem> base = new AtomicReference<>();
    List<Integer> results = new ArrayList<>();
    PlatformDriver drv =
        new PlatformDriver("codec", null, List.of(new OfDeviceId(COMPAT, null)), false,
            pdev -> {
              PlatformDevice.Mapping m = pdev.devmIoremapResource(0);
              results.add(m.error());
              results.add(pdev.devmIoremapResource(1).error());
              results.add(pdev.getIrq(0));
              results.add(pdev.getIrq(1));
              assertNull(pdev.getIrqChip(1));
              assertNull(pdev.getResource(PlatformResource.IORESOURCE_MEM, 1));
              if (m.base() != null) {
                base.set(m.base());
                assertSame(gic, pdev.getIrqChip(0));
                assertNotNull(pdev.getResource(PlatformResource.IORESOURCE_IRQ, 0));
              }
              return 0;
            });
    assertEquals(0, pb.driverRegister(drv));
    assertEquals(2, pb.populate(tree, this::resourcesOf));
    // codec: window mapped, no second window, line 7, no second line; bare: nothing at all.
    assertEquals(
        List.of(0, -Errno.EINVAL, 7, -Errno.ENXIO, -Errno.EINVAL, -Errno.EINVAL, -Errno.ENXIO,
            -Errno.ENXIO),
        results);
    IoMem m = base.get();
    assertNotNull(m);
    m.writel(0x10, 42);
    assertEquals(42, hw.read(0x10));
    PlatformDevice codec = Of.findDeviceByNode(tree.allNodes().get(1));
    assertNotNull(codec);
    codec.unregister();
    codec.put();
    assertFalse(m.isMapped(), "devres unmapped the window at unbind");
    pb.depopulate(tree);
    pb.driverUnregister(drv);
  }

  @Test
  void aFailedDevresEntryIsEnomem() {
    List<Integer> results = new ArrayList<>();
    PlatformDriver drv =
        new PlatformDriver("codec", null, List.of(new OfDeviceId(COMPAT, null)), false,
            pdev -> {
              if (pdev.getIrq(0) < 0) {
                return 0;
              }
              FaultInjection.failNth(1);
              int err = pdev.devmIoremapResource(0).error();
              FaultInjection.reset();
              results.add(err);
              return err;
            });
    assertEquals(0, pb.driverRegister(drv));
    pb.populate(tree, this::resourcesOf);
    assertEquals(List.of(-Errno.ENOMEM), results);
    pb.depopulate(tree);
    pb.driverUnregister(drv);
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void resourcesAreSetBeforeAddOnly() {
    PlatformDevice pdev = notNull(PlatformDevice.alloc(pb, "hand-made"));
    assertEquals(0, pdev.addResources(List.of(PlatformResource.mem(window))));
    assertEquals(1, pdev.resources().size());
    assertEquals(0, pdev.add());
    assertEquals(-Errno.EBUSY, pdev.addResources(List.of()));
    assertEquals(1, pdev.resources().size(), "unchanged");
    assertEquals(1, SanitizerScope.current().reports(ReportKind.WARNING).size());
    assertTrue(pdev.getIrq(0) < 0);
    pdev.unregister();
  }

  @Test
  void populateWithoutResourcesGivesEmptyTables() {
    assertEquals(2, pb.populate(tree));
    PlatformDevice codec = Of.findDeviceByNode(tree.allNodes().get(1));
    assertNotNull(codec);
    assertTrue(codec.resources().isEmpty());
    assertEquals(List.of(), OfResources.NONE.resources(tree.root()));
    codec.put();
    pb.depopulate(tree);
  }
}
