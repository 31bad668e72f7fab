package dev.medialife.driver.of;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.Kernel;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.fault.FaultSweep;
import dev.medialife.kernel.testing.Sanitized;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Device-tree population, compatible matching, sibling lookup and sysfs on the platform bus. */
@Sanitized
@Timeout(30)
class PlatformBusTest {
  private static final String G1 = "nxp,imx8mq-vpu-g1";
  private static final String G2 = "nxp,imx8mq-vpu-g2";

  /** Per-SoC data, as hantro_variant. */
  record Variant(String codec) {}

  private static final List<OfDeviceId> SHARED =
      List.of(new OfDeviceId(G1, new Variant("g1")), new OfDeviceId(G2, new Variant("g2")));

  private final Kernel kernel = new Kernel();
  private final PlatformBus pb = notNull(PlatformBus.register(kernel));
  private final List<String> log = new ArrayList<>();

  private static <T> T notNull(@Nullable T t) {
    assertNotNull(t);
    return t;
  }

  private static DeviceTree soc() {
    return OfNode.builder("")
        .child(
            OfNode.builder("soc")
                .child(
                    OfNode.builder("video-codec")
                        .unitAddress("38300000")
                        .compatible(G1)
                        .property("reg", 0x38300000)
                        .property("status", "okay"))
                .child(OfNode.builder("video-codec").unitAddress("38310000").compatible(G2))
                .child(
                    OfNode.builder("blk-ctrl")
                        .unitAddress("38320000")
                        .compatible("nxp,imx8mq-vpu-blk-ctrl", "syscon")
                        .child(OfNode.builder("reset").compatible("nxp,reset"))))
        .child(OfNode.builder("chosen"))
        .buildTree();
  }

  private static List<String> names(PlatformBus bus) {
    List<String> out = new ArrayList<>();
    for (Device d : bus.bus().devices()) {
      out.add(d.name());
    }
    return out;
  }

  private PlatformDriver driver(String name, List<OfDeviceId> table, PlatformDriver.Ops ops) {
    return new PlatformDriver(name, null, table, false, ops);
  }

  @Test
  void nodesDescribeThemselves() {
    DeviceTree t = soc();
    OfNode soc = t.root().children().get(0);
    OfNode g1 = soc.children().get(0);
    assertEquals("video-codec@38300000", g1.fullName());
    assertEquals("soc", soc.fullName());
    assertEquals("38300000", g1.unitAddress());
    assertEquals("video-codec", g1.name());
    assertSame(soc, g1.parent());
    assertNull(t.root().parent());
    assertEquals(OptionalInt.of(0x38300000), g1.propertyReadU32("reg"));
    assertEquals(OptionalInt.empty(), g1.propertyReadU32("status"));
    assertEquals("okay", g1.propertyReadString("status"));
    assertNull(g1.propertyReadString("reg"));
    assertEquals(List.of(G1), g1.compatible());
    assertTrue(g1.toString().contains("video-codec@38300000"));
    assertEquals(
        List.of("", "soc", "video-codec@38300000", "video-codec@38310000", "blk-ctrl@38320000",
            "reset", "chosen"),
        t.allNodes().stream().map(OfNode::fullName).toList());
  }

  @Test
  void populateCreatesOneDevicePerCompatibleNodeInTreeOrder() {
    DeviceTree t = soc();
    assertEquals(4, pb.populate(t));
    assertEquals(
        List.of("38300000.video-codec", "38310000.video-codec", "38320000.blk-ctrl", "reset"),
        names(pb));
    assertEquals(0, pb.populate(t), "already populated nodes are skipped");
    PlatformDevice p = notNull(Of.findDeviceByNode(t.allNodes().get(2)));
    assertSame(t.allNodes().get(2), p.ofNode());
    assertSame(pb, p.platformBus());
    assertSame(kernel, pb.kernel());
    assertEquals("38300000.video-codec", p.name());
    assertEquals(2, p.device().refcount());
    assertFalse(p.put());
    assertNull(Of.findDeviceByNode(t.root()), "no compatible, no device");
    pb.depopulate(t);
    assertEquals(List.of(), names(pb));
    assertFalse(p.mem().isLive());
    assertEquals(4, pb.populate(t), "a depopulated tree can be populated again");
    pb.depopulate(t);
  }

  @Test
  void theEarliestCompatibleOfTheNodeWinsWhateverTheTableOrder() {
    DeviceTree t =
        OfNode.builder("")
            .child(OfNode.builder("codec").unitAddress("1").compatible("acme,soc-vpu", "acme,vpu"))
            .child(OfNode.builder("codec").unitAddress("2").compatible("acme,vpu"))
            .child(OfNode.builder("other").unitAddress("3").compatible("foo,bar"))
            .buildTree();
    List<OfDeviceId> table =
        List.of(new OfDeviceId("acme,vpu", "generic"), new OfDeviceId("acme,soc-vpu", "specific"));
    OfNode n1 = t.allNodes().get(1);
    OfNode n2 = t.allNodes().get(2);
    OfNode n3 = t.allNodes().get(3);
    assertEquals("specific", notNull(Of.matchNode(table, n1)).data());
    assertEquals("generic", notNull(Of.matchNode(table, n2)).data());
    assertNull(Of.matchNode(table, n3));
    assertSame(n1, Of.findMatchingNode(t, null, table));
    assertSame(n2, Of.findMatchingNode(t, n1, table));
    assertNull(Of.findMatchingNode(t, n2, table));

    List<Object> seen = new ArrayList<>();
    PlatformDriver drv =
        driver("acme-vpu", table, pdev -> {
          seen.add(notNull(Of.deviceGetMatchData(pdev)));
          return 0;
        });
    assertEquals(0, pb.driverRegister(drv));
    assertEquals(-Errno.EBUSY, pb.driverRegister(drv));
    assertEquals(3, pb.populate(t));
    assertEquals(List.of("specific", "generic"), seen);
    PlatformDevice other = notNull(Of.findDeviceByNode(n3));
    assertNull(other.device().driver());
    assertNull(Of.deviceGetMatchData(other), "unbound");
    other.put();
    pb.driverUnregister(drv);
    pb.depopulate(t);
  }

  /**
   * Hantro-like: each codec's probe walks the shared compatible table for its sibling, takes it
   * with of_find_device_by_node, reads its drvdata only when the sibling is bound, and puts it.
   */
  @Test
  void aDriverFindsItsSiblingThroughTheSharedTableAndPutsTheReference() {
    DeviceTree t = soc();
    assertEquals(4, pb.populate(t));
    PlatformDriver hantro =
        driver("hantro-vpu", SHARED, pdev -> {
          Variant v = (Variant) notNull(Of.deviceGetMatchData(pdev));
          for (OfNode n = Of.findMatchingNode(t, null, SHARED);
              n != null;
              n = Of.findMatchingNode(t, n, SHARED)) {
            if (n == pdev.ofNode()) {
              continue;
            }
            PlatformDevice sib = Of.findDeviceByNode(n);
            if (sib == null) {
              log.add(v.codec() + ": no sibling device");
              continue;
            }
            String data = sib.device().driver() != null ? sib.getDrvdata(String.class) : null;
            log.add(v.codec() + ": sibling " + sib.name() + " drvdata " + data);
            sib.put();
          }
          pdev.setDrvdata(v.codec() + "-state");
          return 0;
        });
    assertEquals(0, pb.driverRegister(hantro));
    assertEquals(
        List.of("g1: sibling 38310000.video-codec drvdata null",
            "g2: sibling 38300000.video-codec drvdata g1-state"),
        log);
    for (Device d : pb.bus().devices()) {
      assertEquals(1, d.refcount(), d.name() + ": the lookup reference was put");
    }
    pb.driverUnregister(hantro);
    pb.depopulate(t);
  }

  @Test
  void sysfsBindAndUnbindGoThroughThePlatformBus() {
    DeviceTree t = soc();
    pb.populate(t);
    PlatformDriver hantro = driver("hantro-vpu", SHARED, pdev -> {
      log.add("probe " + pdev.name());
      return 0;
    });
    pb.driverRegister(hantro);
    assertEquals(0, pb.bus().unbind("hantro-vpu", "38300000.video-codec"));
    assertEquals(-Errno.ENODEV, pb.bus().bind("hantro-vpu", "38320000.blk-ctrl"), "no match");
    assertEquals(0, pb.bus().bind("hantro-vpu", "38300000.video-codec"));
    assertEquals(
        List.of("probe 38300000.video-codec", "probe 38310000.video-codec",
            "probe 38300000.video-codec"),
        log);
    assertEquals("hantro-vpu", hantro.name());
    assertTrue(hantro.toString().contains("hantro-vpu"));
    pb.depopulate(t);
    pb.driverUnregister(hantro);
  }

  @Test
  void aDeviceWithoutNodeMatchesByDriverName() {
    PlatformDevice p = notNull(PlatformDevice.alloc(pb, "serial8250"));
    assertNull(p.ofNode());
    assertEquals(0, p.add());
    List<String> removed = new ArrayList<>();
    PlatformDriver drv =
        driver("serial8250", List.of(new OfDeviceId("ns16550", null)), new PlatformDriver.Ops() {
          @Override
          public int probe(PlatformDevice pdev) {
            return 0;
          }

          @Override
          public void remove(PlatformDevice pdev) {
            removed.add(pdev.name());
          }
        });
    pb.driverRegister(drv);
    assertSame(drv.driver(), p.device().driver());
    assertNull(Of.deviceGetMatchData(p), "no node");
    p.unregister();
    assertEquals(List.of("serial8250"), removed);
    assertTrue(p.toString().contains("serial8250"));
    pb.driverUnregister(drv);
  }

  @Test
  void unregisterHidesAndTheLastPutFrees() {
    DeviceTree t = soc();
    pb.populate(t);
    OfNode g1 = t.allNodes().get(2);
    PlatformDevice held = notNull(Of.findDeviceByNode(g1));
    assertSame(held, held.get());
    held.put();
    held.unregister();
    assertNull(Of.findDeviceByNode(g1), "gone from the bus");
    assertTrue(held.mem().isLive(), "our reference keeps it");
    assertTrue(held.put());
    assertFalse(held.mem().isLive());
    pb.depopulate(t);
  }

  @Test
  void theBusIsRegisteredOnce() {
    assertNull(PlatformBus.register(kernel));
    assertSame(pb.bus(), kernel.bus(PlatformBus.NAME));
    assertEquals("platform bus", pb.toString());
  }

  @Test
  void faultSweepOverPopulateLeavesNoLeak() {
    DeviceTree t = soc();
    FaultSweep.Result r = FaultSweep.run("of_platform_populate", () -> pb.populate(t),
        ret -> pb.depopulate(t));
    assertTrue(r.allFailedCleanly(), () -> "unclean: " + r.unclean());
    assertEquals(8, r.steps().size(), "per node: kmalloc and device_add");
  }

  /** of_find_device_by_node racing with the unregister and final put: never a use-after-free. */
  @Test
  void lookupsRacingWithUnregisterNeverTouchAFreedDevice() throws Exception {
    for (int i = 0; i < 300; i++) {
      DeviceTree t = soc();
      pb.populate(t);
      OfNode g1 = t.allNodes().get(2);
      CountDownLatch started = new CountDownLatch(1);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger found = new AtomicInteger();
      Thread looker = new Thread(() -> {
        started.countDown();
        while (!stop.get()) {
          PlatformDevice p = Of.findDeviceByNode(g1);
          if (p != null) {
            found.incrementAndGet();
            p.put();
          }
        }
      });
      looker.start();
      started.await();
      pb.depopulate(t);
      stop.set(true);
      looker.join(10_000);
      assertFalse(looker.isAlive());
      assertNull(Of.findDeviceByNode(g1));
    }
  }
}
