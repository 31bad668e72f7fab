package dev.medialife.allocator;

import static dev.medialife.allocator.AllocatorBed.allocate;
import static dev.medialife.allocator.AllocatorBed.delete;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Module;
import dev.medialife.driver.usb.UsbDevice;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaDevice;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 29 of the reference (one media device per USB device, shared by its drivers, the
 * owner's module pinned once by the second caller), the initialisation from the USB device, the
 * allocator switch off (a media device per caller) and a delete of a media device the allocator
 * does not know.
 */
@Sanitized
@Timeout(30)
class SharedInstanceTest {
  private final AllocatorBed bed = new AllocatorBed();

  @Test
  void twoDriversOfOneUsbDeviceShareTheMediaDeviceAndPinTheOwnerOnce() {
    UsbDevice udev = bed.plug(1, AllocatorBed.HVR);
    MediaDevice first = allocate(udev, bed.video);
    assertEquals(1, MediaDeviceAllocator.refcount(first));
    assertEquals(0, bed.video.refcount(), "the owner pins nothing");

    MediaDevice second = allocate(udev, bed.audio);
    assertSame(first, second);
    assertEquals(2, MediaDeviceAllocator.refcount(first));
    assertEquals(1, bed.video.refcount(), "the second caller pins the owner's module once");
    assertEquals(0, bed.audio.refcount());
    assertEquals(1, MediaDeviceAllocator.instances(bed.kernel));

    // Initialised once, from the USB device, with the first caller's module name.
    assertSame(udev.device(), first.dev());
    assertEquals(AllocatorBed.VIDEO, first.driverName());
    assertEquals("HVR-950Q", first.model());
    assertEquals("4034012345", first.serial());
    assertEquals("usb-usb1-1", first.busInfo());
    assertEquals(0x0100, first.hwRevision());
    assertEquals(MediaDevice.State.INITIALIZED, first.state());
    assertFalse(first.isRegistered(), "the allocator never registers");

    // The owner allocating again takes a reference and no pin.
    MediaDevice again = allocate(udev, bed.video);
    assertSame(first, again);
    assertEquals(3, MediaDeviceAllocator.refcount(first));
    assertEquals(1, bed.video.refcount());
    delete(again, bed.video);
    assertEquals(1, bed.video.refcount(), "an owner's delete puts no module");
    assertEquals(2, MediaDeviceAllocator.refcount(first));

    // A second USB device, without a product string, gets its own media device.
    UsbDevice other = bed.plug(2, AllocatorBed.NO_PRODUCT);
    MediaDevice third = allocate(other, bed.audio);
    assertNotSame(first, third);
    assertEquals(AllocatorBed.AUDIO, third.driverName());
    assertEquals(MediaDeviceAllocator.UNKNOWN_MODEL, third.model());
    assertEquals("", third.serial());
    assertEquals("usb-usb1-2", third.busInfo());
    assertEquals(0x0203, third.hwRevision());
    assertEquals(2, MediaDeviceAllocator.instances(bed.kernel));

    delete(second, bed.audio);
    assertEquals(0, bed.video.refcount());
    assertEquals(1, MediaDeviceAllocator.refcount(first));
    assertTrue(first.mem().isLive());
    Allocation firstMem = first.mem();
    delete(first, bed.video);
    assertFalse(firstMem.isLive(), "the last delete frees the never-registered media device");
    assertEquals(0, MediaDeviceAllocator.refcount(first));
    assertEquals(1, MediaDeviceAllocator.instances(bed.kernel));
    delete(third, bed.audio);
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    bed.unplug(1);
    bed.unplug(2);
  }

  @Test
  void builtInCallersPinNoModule() {
    UsbDevice udev = bed.plug(1, AllocatorBed.HVR);
    // A built-in first caller owns an instance with no module: nobody pins anything.
    MediaDevice mdev = AllocatorBed.ok(MediaDeviceAllocator.usbAllocate(udev, "builtin", null));
    assertSame(mdev, allocate(udev, bed.audio));
    assertEquals(0, bed.audio.refcount());
    delete(mdev, bed.audio);
    assertEquals(0, bed.audio.refcount());
    MediaDeviceAllocator.delete(mdev, "builtin", null);
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    // A built-in later caller pins the owner's module like any other caller.
    MediaDevice again = allocate(udev, bed.video);
    assertSame(again, AllocatorBed.ok(MediaDeviceAllocator.usbAllocate(udev, "builtin", null)));
    assertEquals(1, bed.video.refcount());
    MediaDeviceAllocator.delete(again, "builtin", null);
    assertEquals(0, bed.video.refcount());
    delete(again, bed.video);
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    bed.unplug(1);
  }

  @Test
  void withTheAllocatorSwitchOffEachCallerGetsItsOwnMediaDevice() {
    PatchSwitch.MEDIA_ALLOCATOR.set(false);
    UsbDevice udev = bed.plug(1, AllocatorBed.HVR);
    MediaDevice v = allocate(udev, bed.video);
    MediaDevice a = allocate(udev, bed.audio);
    assertNotSame(v, a);
    assertEquals(1, MediaDeviceAllocator.refcount(v));
    assertEquals(1, MediaDeviceAllocator.refcount(a));
    assertEquals(0, bed.video.refcount(), "no sharing, no pin");
    assertEquals(AllocatorBed.VIDEO, v.driverName());
    assertEquals(AllocatorBed.AUDIO, a.driverName());
    assertEquals(2, MediaDeviceAllocator.instances(bed.kernel));

    assertEquals(0, v.register(bed.video));
    assertEquals(0, a.register(bed.audio));
    Allocation vmem = v.mem();
    delete(v, bed.video);
    assertFalse(vmem.isLive());
    assertTrue(a.isRegistered(), "the other caller's media device is independent");
    assertEquals(1, MediaDeviceAllocator.instances(bed.kernel));
    assertEquals(0, bed.video.refcount());
    delete(a, bed.audio);
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    bed.unplug(1);
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void deletingAMediaDeviceTheAllocatorDoesNotKnowWarnsAndChangesNothing(SanitizerScope scope) {
    UsbDevice udev = bed.plug(1, AllocatorBed.HVR);
    MediaDevice known = allocate(udev, bed.video);
    assertSame(known, allocate(udev, bed.audio));
    Allocation mem = AllocatorBed.notNull(Kmem.kzalloc("foreign_media_device", "foreign"));
    MediaDevice foreign = new MediaDevice(bed.kernel, mem);
    foreign.setDev(udev.device());
    foreign.setModel("foreign");
    foreign.setRelease(m -> Kmem.kfree(mem, "foreign_release"));
    foreign.init();

    MediaDeviceAllocator.delete(foreign, AllocatorBed.AUDIO, bed.audio);

    List<Report> warnings = scope.reports(ReportKind.WARNING);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).title().contains("which the allocator does not know"),
        warnings.get(0).title());
    assertEquals(1, bed.video.refcount(), "no module put for an unknown media device");
    assertEquals(2, MediaDeviceAllocator.refcount(known));
    assertEquals(0, MediaDeviceAllocator.refcount(foreign));
    assertEquals(1, MediaDeviceAllocator.instances(bed.kernel));
    assertTrue(mem.isLive());
    assertEquals(MediaDevice.State.INITIALIZED, foreign.state());

    assertTrue(foreign.put());
    assertFalse(mem.isLive());
    delete(known, bed.audio);
    delete(known, bed.video);
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    bed.unplug(1);
  }
}
