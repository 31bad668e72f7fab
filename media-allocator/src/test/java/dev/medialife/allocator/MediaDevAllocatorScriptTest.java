package dev.medialife.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.BusType;
import dev.medialife.driver.usb.UsbDevice;
import dev.medialife.driver.usb.UsbInterface;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaDevnode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 30 of the reference: the media_dev_allocator.sh sequence, with two USB interface
 * drivers (a video driver on interface 0 and an audio driver on interface 1 of one device) whose
 * probe allocates the shared media device (registering it if nobody has) and whose disconnect
 * deletes it. /dev/mediaN lives exactly as long as one of the two drivers is bound; rebinding
 * recreates it from scratch. Run in both unbind orders.
 */
@Sanitized
@Timeout(30)
class MediaDevAllocatorScriptTest {
  private static final String VIDEO_INTF = "1-1:1.0";
  private static final String AUDIO_INTF = "1-1:1.1";

  private final AllocatorBed bed = new AllocatorBed();
  private final AllocatorBed.MediaUsbDriver video = bed.videoDriver();
  private final AllocatorBed.MediaUsbDriver audio = bed.audioDriver();

  @Test
  void unbindVideoThenAudio() {
    run(true);
  }

  @Test
  void unbindAudioThenVideo() {
    run(false);
  }

  private MediaDevice shared(UsbDevice udev) {
    UsbInterface i0 = udev.interfaces().get(0);
    UsbInterface i1 = udev.interfaces().get(1);
    MediaDevice m0 = AllocatorBed.notNull(i0.getIntfdata(MediaDevice.class));
    MediaDevice m1 = AllocatorBed.notNull(i1.getIntfdata(MediaDevice.class));
    assertSame(m0, m1, "both drivers hold the same media device");
    return m0;
  }

  private String path(MediaDevice mdev) {
    MediaDevnode dn = AllocatorBed.notNull(mdev.devnode());
    String p = dn.path();
    assertPresent(p);
    return p;
  }

  private void assertPresent(String path) {
    assertTrue(bed.kernel.devfsLookup(path) >= 0, path + " must exist");
  }

  private void assertGone(String path) {
    assertEquals(-Errno.ENOENT, bed.kernel.devfsLookup(path), path + " must be gone");
  }

  private void run(boolean videoFirst) {
    BusType bus = bed.core.bus();
    video.register();
    audio.register();
    UsbDevice udev = bed.plug(1, AllocatorBed.HVR);
    assertEquals(1, video.probes);
    assertEquals(1, audio.probes);
    MediaDevice mdev = shared(udev);
    assertTrue(mdev.isRegistered());
    assertEquals(AllocatorBed.VIDEO, mdev.driverName(), "au0828 probed first and owns it");
    assertEquals(2, MediaDeviceAllocator.refcount(mdev));
    assertEquals(1, bed.video.refcount(), "audio pins au0828");
    String path = path(mdev);
    Allocation firstMem = mdev.mem();

    // Step 1: unbind one driver; the media device must still be present.
    String firstName = videoFirst ? AllocatorBed.VIDEO : AllocatorBed.AUDIO;
    String firstIntf = videoFirst ? VIDEO_INTF : AUDIO_INTF;
    String secondName = videoFirst ? AllocatorBed.AUDIO : AllocatorBed.VIDEO;
    String secondIntf = videoFirst ? AUDIO_INTF : VIDEO_INTF;
    assertEquals(0, bus.unbind(firstName, firstIntf));
    assertTrue(mdev.isRegistered());
    assertPresent(path);
    assertEquals(1, MediaDeviceAllocator.refcount(mdev));
    assertEquals(1, MediaDeviceAllocator.instances(bed.kernel));

    // Step 2: unbind the other; the media device must be gone, the instance unlinked and freed.
    assertEquals(0, bus.unbind(secondName, secondIntf));
    assertGone(path);
    assertFalse(mdev.isRegistered());
    assertFalse(firstMem.isLive(), "no open file: the instance is freed at the last delete");
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    assertEquals(0, bed.video.refcount(), "every pin of au0828 was given back");
    assertEquals(0, bed.audio.refcount());

    // Step 3: bind in the same order as the unbinds; the media device is back, fresh.
    assertEquals(0, bus.bind(firstName, firstIntf));
    MediaDevice fresh =
        AllocatorBed.notNull(
            udev.interfaces().get(videoFirst ? 0 : 1).getIntfdata(MediaDevice.class));
    assertNotSame(mdev, fresh);
    assertEquals(firstName, fresh.driverName(), "the first to bind owns the new instance");
    assertTrue(fresh.isRegistered());
    assertEquals(0, fresh.topologyVersion());
    assertTrue(fresh.entities().isEmpty() && fresh.links().isEmpty(), "a fresh id space");
    String freshPath = path(fresh);
    assertEquals(0, bus.bind(secondName, secondIntf));
    assertSame(fresh, shared(udev));
    assertPresent(freshPath);
    assertEquals(2, MediaDeviceAllocator.refcount(fresh));
    assertEquals(1, MediaDeviceAllocator.instances(bed.kernel));

    // Step 4: unbind/bind the media driver, then the audio driver; present throughout.
    assertEquals(0, bus.unbind(AllocatorBed.VIDEO, VIDEO_INTF));
    assertPresent(freshPath);
    assertEquals(0, bus.bind(AllocatorBed.VIDEO, VIDEO_INTF));
    assertPresent(freshPath);
    assertEquals(0, bus.unbind(AllocatorBed.AUDIO, AUDIO_INTF));
    assertPresent(freshPath);
    assertEquals(0, bus.bind(AllocatorBed.AUDIO, AUDIO_INTF));
    assertPresent(freshPath);
    assertSame(fresh, shared(udev));
    assertEquals(2, MediaDeviceAllocator.refcount(fresh));
    assertTrue(fresh.isRegistered());
    assertEquals(3, video.probes, "plug, step 3, step 4");
    assertEquals(3, audio.probes);

    // Unplug: both drivers disconnect, the last delete removes everything.
    Allocation freshMem = fresh.mem();
    bed.unplug(1);
    assertGone(freshPath);
    assertFalse(freshMem.isLive());
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    assertEquals(3, video.disconnects);
    assertEquals(3, audio.disconnects);
    assertEquals(0, bed.video.refcount());
    assertEquals(0, bed.audio.refcount());
    bed.core.deregister(audio.driver);
    bed.core.deregister(video.driver);
  }
}
