package dev.medialife.driver.io;

import dev.medialife.driver.irq.Board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.Devres;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.fault.FaultInjection;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Register accesses, unmapping, managed mappings and accesses after remove. */
@Sanitized
class IoMemTest {
  /** A register file that remembers writes and logs every access. */
  private static final class FakeRegs implements RegisterFile {
    final Map<Integer, Integer> regs = new HashMap<>();
    final List<String> log = new ArrayList<>();

    @Override
    public int read(int offset) {
      log.add("read " + offset);
      return regs.getOrDefault(offset, 0);
    }

    @Override
    public void write(int offset, int value) {
      log.add("write " + offset + " " + value);
      regs.put(offset, value);
    }
  }

  private final Board board = new Board();
  private final FakeRegs hw = new FakeRegs();
  private final MmioRegion region = new MmioRegion("cam0 regs", 0x20, hw);

  @Test
  void readsAndWritesReachTheRegisterFile() {
    Device dev = board.addDevice("cam0");
    IoMem base = IoMem.ioremap(dev, region);
    base.writel(0x04, 7);
    base.writel(0x1c, -1);
    assertEquals(7, base.readl(0x04));
    assertEquals(-1, base.readl(0x1c));
    assertEquals(List.of("write 4 7", "write 28 -1", "read 4", "read 28"), hw.log);
    assertTrue(base.isMapped());
    assertEquals(region, base.region());
    assertEquals("iomem cam0 regs of cam0", base.toString());
    base.iounmap();
    dev.unregister();
  }

  @Test
  @ExpectReports(ReportKind.HW_ACCESS_AFTER_REMOVE)
  void accessAfterIounmapIsReportedAndDoesNotReachTheHardware(SanitizerScope scope) {
    Device dev = board.addDevice("cam0");
    IoMem base = IoMem.ioremap(dev, region);
    base.iounmap();
    assertFalse(base.isMapped());
    assertEquals(IoMem.DEAD_BUS, base.readl(0x10));
    base.writel(0x08, 1);
    assertEquals(List.of(), hw.log);
    List<Report.HardwareAccessAfterRemove> r =
        scope.reports(Report.HardwareAccessAfterRemove.class);
    assertEquals(2, r.size());
    assertEquals(
        "BUG: hardware access after remove: readl at 0x10 of cam0 regs (cam0)", r.get(0).title());
    assertEquals("writel", r.get(1).access());
    assertEquals(8, r.get(1).offset());
    assertTrue(r.get(0).render().contains("IoMemTest"), "the access stack is rendered");
    assertEquals("iomem cam0 regs of cam0 (dead)", base.toString());
    dev.unregister();
  }

  @Test
  @ExpectReports(ReportKind.HW_ACCESS_AFTER_REMOVE)
  void aDevmMappingIsDeadAfterUnbind(SanitizerScope scope) {
    IoMem[] base = new IoMem[1];
    board.register("cam", dev -> {
      base[0] = IoMem.devmIoremap(dev, region);
      return base[0] == null ? -Errno.ENOMEM : 0;
    });
    Device dev = board.addDevice("cam0");
    IoMem m = base[0];
    assertNotNull(m);
    assertEquals(1, Devres.count(dev));
    m.writel(0, 1);
    assertEquals(0, board.bus.unbind("cam", "cam0"));
    assertFalse(m.isMapped());
    assertEquals(IoMem.DEAD_BUS, m.readl(0)); // e.g. a late interrupt handler reading status
    assertEquals(List.of("write 0 1"), hw.log);
    assertEquals("cam0", scope.reports(Report.HardwareAccessAfterRemove.class).get(0).device());
    dev.unregister();
  }

  @Test
  @ExpectReports(ReportKind.HW_ACCESS_AFTER_REMOVE)
  void anUnmanagedMappingTheDriverForgotIsDeadAfterUnbind() {
    IoMem[] base = new IoMem[1];
    board.register("cam", dev -> {
      base[0] = IoMem.ioremap(dev, region); // never unmapped: the bug
      return 0;
    });
    Device dev = board.addDevice("cam0");
    IoMem m = base[0];
    assertNotNull(m);
    assertTrue(m.isMapped());
    assertEquals(0, board.bus.unbind("cam", "cam0"));
    assertFalse(m.isMapped());
    m.writel(0x04, 3);
    assertEquals(List.of(), hw.log);
    dev.unregister();
  }

  @Test
  void devmIoremapFailsCleanlyWhenDevresCannotAllocate() {
    Device dev = board.addDevice("cam0");
    FaultInjection.failPoint("kmalloc", 1);
    @Nullable IoMem m = IoMem.devmIoremap(dev, region);
    assertNull(m);
    assertEquals(0, Devres.count(dev));
    dev.unregister();
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void badOffsetsAndDoubleUnmapWarnAndDoNothing(SanitizerScope scope) {
    Device dev = board.addDevice("cam0");
    IoMem base = IoMem.ioremap(dev, region);
    assertEquals(IoMem.DEAD_BUS, base.readl(-4));
    assertEquals(IoMem.DEAD_BUS, base.readl(0x02));
    base.writel(0x20, 1);
    base.writel(0x1e, 1);
    assertEquals(List.of(), hw.log);
    base.iounmap();
    base.iounmap();
    List<String> titles = scope.reports(ReportKind.WARNING).stream().map(Report::title).toList();
    assertEquals(5, titles.size());
    assertEquals("WARNING: readl at bad offset 0x2 of cam0 regs", titles.get(1));
    assertEquals("WARNING: iounmap of cam0 regs twice", titles.get(4));
    dev.unregister();
  }

  @Test
  void aRegionHasANonNegativeSize() {
    assertThrows(IllegalArgumentException.class, () -> new MmioRegion("bad", -1, hw));
    assertEquals(0, new MmioRegion("empty", 0, hw).size());
  }
}
