package dev.medialife.allocator;

import static dev.medialife.allocator.AllocatorBed.allocate;
import static dev.medialife.allocator.AllocatorBed.delete;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Module;
import dev.medialife.driver.usb.UsbDevice;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaDevice;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 31 of the reference: every delete by a non-owner does exactly one {@code module_put}
 * of the owner's module, matching the get in allocate, even when that get failed because the
 * owner's module was unloading. The kernel's {@code module_put} on a count of zero warns
 * ({@code WARN_ON(atomic_dec_if_positive(...) < 0)}); the model does the same and keeps the count
 * at zero.
 */
@Sanitized
@Timeout(30)
class ModulePinBalanceTest {
  private final AllocatorBed bed = new AllocatorBed();

  @Test
  void everyNonOwnerDeleteUnpinsTheOwnerOnce() {
    UsbDevice udev = bed.plug(1, AllocatorBed.HVR);
    Module dvb = new Module("dvb_usb");
    MediaDevice mdev = allocate(udev, bed.video);
    assertSame(mdev, allocate(udev, bed.audio));
    assertSame(mdev, allocate(udev, dvb));
    assertSame(mdev, allocate(udev, bed.audio));
    assertEquals(3, bed.video.refcount(), "one pin per non-owner allocate");
    assertEquals(0, bed.audio.refcount());
    assertEquals(0, dvb.refcount());
    assertEquals(4, MediaDeviceAllocator.refcount(mdev));

    delete(mdev, dvb);
    assertEquals(2, bed.video.refcount());
    delete(mdev, bed.audio);
    assertEquals(1, bed.video.refcount());
    delete(mdev, bed.audio);
    assertEquals(0, bed.video.refcount());
    // The owner's own delete puts nothing.
    delete(mdev, bed.video);
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    assertEquals(0, bed.video.refcount());
    bed.unplug(1);
  }

  @Test
  void aPinnedOwnerCannotUnload() {
    UsbDevice udev = bed.plug(1, AllocatorBed.HVR);
    MediaDevice mdev = allocate(udev, bed.video);
    assertSame(mdev, allocate(udev, bed.audio));
    assertEquals(-Errno.EBUSY, bed.video.unload());
    assertEquals(Module.State.LIVE, bed.video.state());
    delete(mdev, bed.audio);
    delete(mdev, bed.video);
    assertEquals(0, bed.video.unload());
    bed.unplug(1);
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void aDeleteAfterAFailedPinStillPutsTheOwnersModule(SanitizerScope scope) {
    UsbDevice udev = bed.plug(1, AllocatorBed.HVR);
    MediaDevice mdev = allocate(udev, bed.video);
    List<MediaDevice> raced = new ArrayList<>();
    // au0828's module exit: while it is GOING, snd-usb-audio probes and allocates (its
    // try_module_get of au0828 fails; the allocator only logs it), then au0828's own driver
    // goes and deletes.
    bed.video.onExit(
        () -> {
          raced.add(allocate(udev, bed.audio));
          assertEquals(0, bed.video.refcount(), "try_module_get failed on a GOING module");
          delete(mdev, bed.video);
        });
    assertEquals(0, bed.video.unload());
    assertEquals(Module.State.GONE, bed.video.state());
    assertEquals(1, raced.size());
    assertSame(mdev, raced.get(0), "the instance is returned all the same");
    assertEquals(1, MediaDeviceAllocator.refcount(mdev));
    assertTrue(scope.reports().isEmpty(), "a failed pin is only logged: " + scope.reports());

    // snd-usb-audio's delete still puts au0828's module: unbalanced, so module_put warns.
    delete(mdev, bed.audio);
    List<Report> warnings = scope.reports(ReportKind.WARNING);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(
        warnings.get(0).title().contains("module_put on au0828 with no reference held"),
        warnings.get(0).title());
    assertEquals(0, bed.video.refcount(), "the count does not go negative");
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    bed.unplug(1);
  }
}
