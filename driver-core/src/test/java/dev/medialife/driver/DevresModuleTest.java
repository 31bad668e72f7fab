package dev.medialife.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.fault.FaultInjection;
import dev.medialife.kernel.fault.FaultSweep;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** devres release order and failure unwinding; module references and unload. */
@Sanitized
class DevresModuleTest {
  private final TestBed bed = new TestBed();

  /** A probe of several managed steps, logging what its releases do. */
  private DeviceDriver managedDriver(List<String> log, int failAtStep) {
    return new DeviceDriver(
        "cam",
        null,
        false,
        new DeviceDriver.Ops() {
          @Override
          public int probe(Device dev) {
            for (int step = 1; step <= 3; step++) {
              int s = step;
              if (Devres.kzalloc(dev, "cam_buf", "buf" + s) == null) {
                return -Errno.ENOMEM;
              }
              if (Devres.addAction(dev, "step" + s, () -> log.add("release " + s)) != 0) {
                return -Errno.ENOMEM;
              }
              if (s == failAtStep) {
                return -Errno.EIO;
              }
            }
            return 0;
          }

          @Override
          public void remove(Device dev) {
            log.add("remove");
          }
        });
  }

  @Test
  void devresIsReleasedInReverseOrderAfterRemove() {
    List<String> log = new ArrayList<>();
    bed.bus.driverRegister(managedDriver(log, 0));
    Device d = bed.addDevice("cam0");
    assertEquals(6, Devres.count(d));
    d.unregister();
    assertEquals(List.of("remove", "release 3", "release 2", "release 1"), log);
  }

  @Test
  void aFailedProbeReleasesWhatItRegistered() {
    List<String> log = new ArrayList<>();
    bed.bus.driverRegister(managedDriver(log, 2));
    Device d = bed.addDevice("cam0");
    assertNull(d.driver());
    assertEquals(0, Devres.count(d));
    assertEquals(List.of("release 2", "release 1"), log);
    d.unregister();
  }

  @Test
  void faultSweepOverAManagedProbeLeavesNoLeak() {
    List<String> log = new ArrayList<>();
    bed.bus.driverRegister(managedDriver(log, 0));
    FaultSweep.Result r =
        FaultSweep.run(
            "managed probe",
            () -> {
              TestBed.PlainDevice p = TestBed.tryCreate(bed.kernel, bed.bus, "cam0");
              if (p == null) {
                return -Errno.ENOMEM;
              }
              int ret = p.dev.add();
              if (ret != 0) {
                p.dev.put();
                return ret;
              }
              if (p.dev.driver() == null) {
                p.dev.unregister();
                return -Errno.ENOMEM;
              }
              return 0;
            },
            ret -> bed.unregister("cam0"));
    assertTrue(r.allFailedCleanly(), () -> "unclean: " + r.unclean());
    // the device itself, device_add, then per step: devm buffer, its devres node, the action's devres node.
    assertEquals(
        List.of("kmalloc", Device.FAULT_ADD, "kmalloc", "kmalloc", "kmalloc", "kmalloc", "kmalloc",
            "kmalloc", "kmalloc", "kmalloc", "kmalloc"),
        r.points());
  }

  @Test
  void addActionOrResetRunsTheActionWhenItCannotRegister() {
    Device d = bed.addDevice("x0");
    List<String> log = new ArrayList<>();
    FaultInjection.failPoint("kmalloc", 1);
    assertEquals(-Errno.ENOMEM, Devres.addActionOrReset(d, "a", () -> log.add("ran")));
    assertEquals(List.of("ran"), log);
    FaultInjection.failPoint("kmalloc", 1);
    assertNull(Devres.kzalloc(d, "t", "n"));
    FaultInjection.failPointAt("kmalloc", 3); // the buffer succeeds, its devres node fails
    assertNull(Devres.kzalloc(d, "t", "n"));
    assertEquals(0, Devres.count(d));
    d.unregister();
  }

  @Test
  @ExpectReports(ReportKind.USE_AFTER_FREE)
  void devmMemoryUsedAfterUnbindIsReportedAsDevm(SanitizerScope scope) {
    Allocation[] priv = new Allocation[1];
    bed.bus.driverRegister(
        new DeviceDriver(
            "cam",
            null,
            false,
            dev -> {
              priv[0] = Devres.kzalloc(dev, "cam_priv", "cam0 priv");
              return priv[0] == null ? -Errno.ENOMEM : 0;
            }));
    Device d = bed.addDevice("cam0");
    assertNotNull(priv[0]);
    assertEquals(0, bed.bus.unbind("cam", "cam0"));
    assertFalse(priv[0].check("irq handler"));
    Report.UseAfterFree r = scope.reports(Report.UseAfterFree.class).get(0);
    assertEquals("devm", r.freedBy());
    assertEquals("cam_priv", r.objectType());
    d.unregister();
  }

  @Test
  void moduleReferencesBlockUnloadAndUnloadUnbindsItsDrivers() {
    Module mod = new Module("sample_drv");
    DeviceDriver drv =
        new DeviceDriver(
            "cam",
            mod,
            false,
            new DeviceDriver.Ops() {
              @Override
              public int probe(Device dev) {
                bed.log.add("probe");
                return 0;
              }

              @Override
              public void remove(Device dev) {
                bed.log.add("remove");
              }
            });
    assertEquals(0, bed.bus.driverRegister(drv));
    Device d = bed.addDevice("cam0");
    assertTrue(mod.tryGet());
    assertEquals(1, mod.refcount());
    assertEquals(-Errno.EBUSY, mod.unload());
    assertEquals(Module.State.LIVE, mod.state());
    mod.put();
    assertEquals(0, mod.unload());
    assertEquals(Module.State.GONE, mod.state());
    assertNull(d.driver(), "the module's exit unregistered its driver");
    assertNull(bed.bus.findDriver("cam"));
    assertFalse(mod.tryGet());
    assertEquals(-Errno.ENOENT, mod.unload());
    assertEquals(List.of("probe", "remove"), bed.log);
    assertEquals("sample_drv", mod.name());
    assertTrue(mod.toString().contains("GONE"));
    d.unregister();
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void anUnbalancedModulePutWarns() {
    Module mod = new Module("m");
    mod.put();
    assertEquals(0, mod.refcount());
  }
}
