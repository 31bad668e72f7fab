package dev.medialife.allocator;

import static dev.medialife.allocator.AllocatorBed.allocate;
import static dev.medialife.allocator.AllocatorBed.delete;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.usb.UsbDevice;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaDevice;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The allocator's lookup race, made deterministic with {@link
 * MediaDeviceAllocator#WINDOW_RELEASE}: an allocate for the same USB device runs inside the last
 * delete's release, after the count reached zero and before the release takes the allocator lock
 * (the same thread will do: the lock is not held there). With the fix the lookup's get-unless-zero
 * fails and the racer gets a fresh media device; with the kernel's plain {@code kref_get} the racer
 * gets the dying one ("addition on 0") and its later use is a use-after-free.
 */
@Sanitized
@Timeout(30)
class LookupRaceTest {
  private final AllocatorBed bed = new AllocatorBed();

  private List<MediaDevice> armRacingAllocate(UsbDevice udev) {
    List<MediaDevice> raced = new ArrayList<>();
    RaceWindow.arm(
        MediaDeviceAllocator.WINDOW_RELEASE, () -> raced.add(allocate(udev, bed.audio)));
    return raced;
  }

  @Test
  void withTheFixTheRacingAllocateGetsAFreshMediaDevice(SanitizerScope scope) {
    UsbDevice udev = bed.plug(1, AllocatorBed.HVR);
    MediaDevice dying = allocate(udev, bed.video);
    Allocation dyingMem = dying.mem();
    List<MediaDevice> raced = armRacingAllocate(udev);

    delete(dying, bed.video);

    assertEquals(1, RaceWindow.passes(MediaDeviceAllocator.WINDOW_RELEASE));
    assertEquals(1, raced.size(), "the racing allocate ran inside the release");
    MediaDevice fresh = raced.get(0);
    assertNotSame(dying, fresh);
    assertFalse(dyingMem.isLive(), "the dying instance was released");
    assertTrue(fresh.mem().isLive());
    assertEquals(1, MediaDeviceAllocator.refcount(fresh));
    assertEquals(AllocatorBed.AUDIO, fresh.driverName(), "the racer owns the fresh instance");
    assertEquals(0, bed.video.refcount(), "the dying instance's owner was not pinned");
    assertEquals(1, MediaDeviceAllocator.instances(bed.kernel),
        "the release unlinked only its own instance");

    // The fresh instance is the one the USB device maps to now.
    assertSame(fresh, allocate(udev, bed.video));
    assertEquals(1, bed.audio.refcount());
    delete(fresh, bed.video);
    delete(fresh, bed.audio);
    assertEquals(0, bed.audio.refcount());
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    assertTrue(scope.reports().isEmpty(), scope.reports().toString());
    bed.unplug(1);
  }

  @Test
  @ExpectReports({ReportKind.REFCOUNT, ReportKind.USE_AFTER_FREE})
  void withTheKernelsPlainGetTheRacerGetsTheDyingMediaDevice(SanitizerScope scope) {
    PatchSwitch.ALLOCATOR_LOOKUP_FIX.set(false);
    UsbDevice udev = bed.plug(1, AllocatorBed.HVR);
    MediaDevice dying = allocate(udev, bed.video);
    Allocation dyingMem = dying.mem();
    List<MediaDevice> raced = armRacingAllocate(udev);

    delete(dying, bed.video);

    assertEquals(1, raced.size());
    assertSame(dying, raced.get(0), "the lookup handed out the instance being released");
    List<Report.RefcountWarning> rc = scope.reports(Report.RefcountWarning.class);
    assertEquals(1, rc.size(), scope.reports().toString());
    assertEquals(Report.RefcountEvent.ADDITION_ON_ZERO, rc.get(0).event());
    assertTrue(rc.get(0).title().contains("addition on 0"), rc.get(0).title());
    assertTrue(rc.get(0).object().contains("media_device_instance 1-1"), rc.get(0).object());
    assertFalse(dyingMem.isLive(), "the release went ahead and freed it under the racer");
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    assertTrue(scope.reports(ReportKind.USE_AFTER_FREE).isEmpty());

    // The racer uses the media device it was given: registering it and deleting it touch freed
    // memory.
    MediaDevice mine = raced.get(0);
    assertEquals(-Errno.ENODEV, mine.register(bed.audio));
    delete(mine, bed.audio);
    List<Report.UseAfterFree> uaf = scope.reports(Report.UseAfterFree.class);
    assertEquals(2, uaf.size(), uaf.toString());
    assertEquals("media_device_register", uaf.get(0).access());
    assertEquals("media_device_delete", uaf.get(1).access());
    assertEquals("media_device_instance", uaf.get(1).allocationType());
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    bed.unplug(1);
  }

  @Test
  @ExpectReports(ReportKind.USE_AFTER_FREE)
  void aStrayMediaDevicePutBeforeTheReleaseIsReportedThere(SanitizerScope scope) {
    UsbDevice udev = bed.plug(1, AllocatorBed.HVR);
    MediaDevice mdev = allocate(udev, bed.video);
    // A buggy driver drops the allocator's media_device reference while the release runs:
    // the release finds the instance freed and stops, reporting the access.
    RaceWindow.arm(MediaDeviceAllocator.WINDOW_RELEASE, () -> assertTrue(mdev.put()));
    delete(mdev, bed.video);
    List<Report.UseAfterFree> uaf = scope.reports(Report.UseAfterFree.class);
    assertEquals(1, uaf.size(), scope.reports().toString());
    assertEquals("media_device_release", uaf.get(0).access());
    assertFalse(mdev.mem().isLive());
    bed.unplug(1);
  }
}
