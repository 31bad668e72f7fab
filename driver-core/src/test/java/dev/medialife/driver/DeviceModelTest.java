package dev.medialife.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.fault.FaultInjection;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Devices, buses, drivers and sysfs bind/unbind, with the kernel's ordering and errors. */
@Sanitized
class DeviceModelTest {
  private final TestBed bed = new TestBed();

  @Test
  void lastPutRunsTheReleaseWhichFreesTheContainer() {
    TestBed.PlainDevice p = new TestBed.PlainDevice(bed.kernel, bed.bus, "d0");
    assertEquals(1, p.dev.refcount());
    assertSame(p.dev, p.dev.get());
    assertFalse(p.dev.put());
    assertTrue(p.mem.isLive());
    assertTrue(p.dev.put());
    assertFalse(p.mem.isLive());
    assertSame(p, p.dev.container(TestBed.PlainDevice.class));
  }

  @Test
  @ExpectReports({ReportKind.WARNING, ReportKind.LEAK})
  void aDeviceWithoutReleaseIsReportedAndLeaked(SanitizerScope scope) {
    Allocation a = Kmem.kzalloc("broken_device", "no-release");
    assertNotNull(a);
    Device d = new Device(bed.kernel, this, a, "no-release");
    assertTrue(d.put());
    assertTrue(a.isLive(), "nothing could free it");
    assertTrue(scope.reports(Report.Warning.class).get(0).title().contains("no release()"));
  }

  @Test
  @ExpectReports({ReportKind.USE_AFTER_FREE, ReportKind.REFCOUNT})
  void getAfterTheLastPutIsAUseAfterFree(SanitizerScope scope) {
    TestBed.PlainDevice p = new TestBed.PlainDevice(bed.kernel, bed.bus, "gone");
    p.dev.put();
    p.dev.get();
    assertEquals("get_device", scope.reports(Report.UseAfterFree.class).get(0).access());
    assertEquals("sample_device_release",
        scope.reports(Report.UseAfterFree.class).get(0).freedBy());
  }

  @Test
  void addValidatesAndUnwinds() {
    TestBed.PlainDevice p = new TestBed.PlainDevice(bed.kernel, bed.bus, "");
    assertEquals(-Errno.EINVAL, p.dev.add());
    p.dev.setName("named");
    FaultInjection.failPoint(Device.FAULT_ADD, 1);
    assertEquals(-Errno.ENOMEM, p.dev.add());
    assertEquals(1, p.dev.refcount(), "a failed add leaves only the caller's reference");
    assertEquals(Device.State.INITIALIZED, p.dev.state());
    assertEquals(List.of(), bed.bus.devices());
    assertTrue(p.dev.put());
  }

  @Test
  void aNodeNameCollisionFailsTheSecondAddCleanly() {
    Device parent = bed.addDevice("parent");
    TestBed.PlainDevice a = new TestBed.PlainDevice(bed.kernel, bed.bus, "node");
    a.dev.setDevt(DevT.mkdev(240, 0));
    a.dev.setParent(parent);
    assertEquals(0, a.dev.add());
    assertEquals(2, parent.refcount(), "a child pins its parent");
    assertEquals(DevT.mkdev(240, 0), bed.kernel.devfsLookup("/dev/node"));
    TestBed.PlainDevice b = new TestBed.PlainDevice(bed.kernel, bed.bus, "node");
    b.dev.setDevt(DevT.mkdev(240, 1));
    b.dev.setParent(parent);
    assertEquals(-Errno.EEXIST, b.dev.add());
    assertEquals(2, parent.refcount());
    b.dev.put();
    a.dev.unregister();
    assertEquals(-Errno.ENOENT, bed.kernel.devfsLookup("/dev/node"));
    assertEquals(1, parent.refcount());
    parent.unregister();
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void addingTwiceWarns() {
    Device d = bed.addDevice("twice");
    assertEquals(-Errno.EEXIST, d.add());
    d.del();
    d.del(); // deleting again does nothing
    assertEquals(Device.State.DELETED, d.state());
    d.put();
  }

  @Test
  void deviceAddProbesRegisteredDriversAndDelRemoves() {
    DeviceDriver drv = bed.loggingDriver("cam", 0);
    assertEquals(0, bed.bus.driverRegister(drv));
    assertSame(bed.bus, drv.bus());
    Device d = bed.addDevice("cam0");
    Device other = bed.addDevice("mic0");
    assertSame(drv, d.driver());
    assertNull(other.driver());
    d.setDrvdata("state");
    assertEquals("state", d.drvdata(String.class));
    d.unregister();
    other.unregister();
    assertEquals(List.of("probe cam cam0", "remove cam cam0"), bed.log);
    assertNull(d.drvdata(String.class));
  }

  @Test
  void registeringADriverBindsExistingDevicesAndADuplicateNameIsBusy() {
    Device d = bed.addDevice("cam0");
    DeviceDriver drv = bed.loggingDriver("cam", 0);
    assertEquals(0, bed.bus.driverRegister(drv));
    assertEquals(-Errno.EBUSY, bed.bus.driverRegister(bed.loggingDriver("cam", 0)));
    assertSame(drv, d.driver());
    bed.bus.driverUnregister(drv);
    bed.bus.driverUnregister(drv); // not registered any more: nothing
    assertNull(d.driver());
    assertNull(drv.bus());
    d.unregister();
    assertEquals(List.of("probe cam cam0", "remove cam cam0"), bed.log);
  }

  @Test
  void aFailedProbeLetsTheNextMatchingDriverTry() {
    assertEquals(0, bed.bus.driverRegister(bed.loggingDriver("c", -Errno.EPROBE_DEFER)));
    DeviceDriver good = bed.loggingDriver("ca", 0);
    assertEquals(0, bed.bus.driverRegister(good));
    Device d = bed.addDevice("cam0");
    assertSame(good, d.driver());
    d.unregister();
    assertEquals(List.of("probe c cam0", "probe ca cam0", "remove ca cam0"), bed.log);
  }

  @Test
  void sysfsBindAndUnbindAnswerAsTheKernelDoes() {
    DeviceDriver drv = bed.loggingDriver("cam", 0);
    bed.bus.driverRegister(drv);
    Device d = bed.addDevice("cam0");
    Device mic = bed.addDevice("mic0");
    assertEquals(-Errno.ENOENT, bed.bus.bind("nosuch", "cam0"));
    assertEquals(-Errno.ENODEV, bed.bus.bind("cam", "cam9"));
    assertEquals(-Errno.ENODEV, bed.bus.bind("cam", "mic0"), "no match");
    assertEquals(-Errno.EBUSY, bed.bus.bind("cam", "cam0"), "already bound");
    assertEquals(-Errno.ENODEV, bed.bus.unbind("cam", "mic0"), "not bound to it");
    assertEquals(-Errno.ENODEV, bed.bus.unbind("cam", "cam9"));
    assertEquals(-Errno.ENOENT, bed.bus.unbind("nosuch", "cam0"));
    assertEquals(0, bed.bus.unbind("cam", "cam0"));
    assertNull(d.driver());
    assertEquals(0, bed.bus.bind("cam", "cam0"));
    assertSame(drv, d.driver());
    assertEquals(1, d.refcount(), "bind and unbind drop the lookup reference");
    assertSame(drv, bed.bus.findDriver("cam"));
    assertNull(bed.bus.findDriver("none"));
    assertNull(bed.bus.findDevice("none"));
    d.unregister();
    mic.unregister();
  }

  @Test
  void aProbeErrorIsPropagatedThroughBind() {
    DeviceDriver failing = bed.loggingDriver("cam", -Errno.EIO);
    bed.bus.driverRegister(failing);
    Device d = bed.addDevice("cam0");
    assertNull(d.driver());
    assertEquals(-Errno.EIO, bed.bus.bind("cam", "cam0"));
    d.unregister();
    assertEquals(-Errno.ENODEV, bed.bus.bind("cam", "cam0"), "gone from the bus");
  }

  @Test
  void suppressBindAttrsRefusesManualBindAndUnbind() {
    DeviceDriver subdev =
        new DeviceDriver("sensor", null, true, dev -> 0);
    bed.bus.driverRegister(subdev);
    Device d = bed.addDevice("sensor0");
    assertSame(subdev, d.driver());
    assertEquals(-Errno.ENOENT, bed.bus.unbind("sensor", "sensor0"));
    assertSame(subdev, d.driver());
    assertEquals(-Errno.ENOENT, bed.bus.bind("sensor", "sensor0"));
    assertTrue(subdev.suppressBindAttrs());
    d.unregister();
  }

  @Test
  void busesAreNamedOnce() {
    assertEquals(-Errno.EEXIST, bed.kernel.busRegister(new BusType("sample", (d, drv) -> true)));
    assertSame(bed.bus, bed.kernel.bus("sample"));
    assertNull(bed.kernel.bus("usb"));
    assertEquals("bus sample", bed.bus.toString());
  }
}
