package dev.medialife.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.usb.UsbDevice;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.fault.FaultSweep;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaDevice;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault injection at every point of allocate, and of allocate + register + delete (a driver's
 * probe and disconnect): each failure is answered with {@code -ENOMEM} or the registration's
 * errno, and leaves no leak, no report and no instance behind.
 */
@Sanitized
@Timeout(60)
class AllocatorFaultTest {
  private final AllocatorBed bed = new AllocatorBed();
  private @Nullable MediaDevice held;

  private MediaDevice held() {
    return AllocatorBed.notNull(held);
  }

  @Test
  void everyFailureOfAllocateIsEnomemAndLeavesNothing() {
    UsbDevice udev = bed.plug(1, AllocatorBed.HVR);
    FaultSweep.Result r =
        FaultSweep.run(
            "media_device_usb_allocate",
            () -> {
              Allocated a = MediaDeviceAllocator.usbAllocate(udev, AllocatorBed.VIDEO, bed.video);
              held = a.mdev();
              assertEquals(held == null, a.error() != 0);
              return a.error();
            },
            ret -> AllocatorBed.delete(held(), bed.video));
    assertTrue(r.allFailedCleanly(), r.toString());
    assertFalse(r.steps().isEmpty(), "allocate reaches at least the instance's kzalloc");
    assertTrue(r.points().contains(Kmem.FAULT_POINT), r.points().toString());
    for (FaultSweep.Step s : r.steps()) {
      assertEquals(-Errno.ENOMEM, s.result(), s.toString());
    }
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    bed.unplug(1);
  }

  @Test
  void aSharedLookupHasNoFaultPoint() {
    UsbDevice udev = bed.plug(1, AllocatorBed.HVR);
    MediaDevice owner = AllocatorBed.allocate(udev, bed.video);
    FaultSweep.Result r =
        FaultSweep.run(
            "media_device_usb_allocate (shared)",
            () -> {
              Allocated a = MediaDeviceAllocator.usbAllocate(udev, AllocatorBed.AUDIO, bed.audio);
              held = a.mdev();
              return a.error();
            },
            ret -> AllocatorBed.delete(held(), bed.audio));
    assertTrue(r.allFailedCleanly(), r.toString());
    assertTrue(r.steps().isEmpty(), "a lookup allocates nothing: " + r.points());
    assertSame(owner, held);
    assertEquals(0, bed.video.refcount());
    AllocatorBed.delete(owner, bed.video);
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    bed.unplug(1);
  }

  @Test
  void everyFailureOfAllocateRegisterDeleteUnwindsCleanly() {
    UsbDevice udev = bed.plug(1, AllocatorBed.HVR);
    List<Integer> errnos = new ArrayList<>();
    FaultSweep.Result r =
        FaultSweep.run(
            "probe: allocate + register",
            () -> {
              Allocated a = MediaDeviceAllocator.usbAllocate(udev, AllocatorBed.VIDEO, bed.video);
              MediaDevice mdev = a.mdev();
              if (mdev == null) {
                return a.error();
              }
              int ret = mdev.register(bed.video);
              if (ret != 0) {
                AllocatorBed.delete(mdev, bed.video);
                return ret;
              }
              held = mdev;
              return 0;
            },
            ret -> {
              assertTrue(held().isRegistered());
              AllocatorBed.delete(held(), bed.video);
              assertFalse(held().isRegistered());
            });
    assertTrue(r.allFailedCleanly(), r.toString());
    assertTrue(r.steps().size() >= 2, "kzalloc and at least one registration point: " + r);
    for (FaultSweep.Step s : r.steps()) {
      errnos.add(s.result());
    }
    assertEquals(-Errno.ENOMEM, errnos.get(0), "the instance's kzalloc is the first point");
    assertEquals(Kmem.FAULT_POINT, r.points().get(0));
    assertTrue(r.points().contains(MediaDevice.FAULT_MODEL_ATTR), r.points().toString());
    assertTrue(r.points().size() > 2, "registration points after the kzalloc: " + r.points());
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    bed.unplug(1);
  }
}
