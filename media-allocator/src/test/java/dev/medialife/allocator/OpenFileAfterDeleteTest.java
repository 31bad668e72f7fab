package dev.medialife.allocator;

import static dev.medialife.allocator.AllocatorBed.allocate;
import static dev.medialife.allocator.AllocatorBed.delete;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.driver.usb.UsbDevice;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaDevnode;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaUapi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An open /dev/mediaN survives the allocator's last delete under the media lifetime rules: the
 * node is unregistered and the instance unlinked at once, DEVICE_INFO fails with {@code -EIO},
 * and the instance memory goes only at the last close, without a report.
 */
@Sanitized
@Timeout(30)
class OpenFileAfterDeleteTest {
  private final AllocatorBed bed = new AllocatorBed();

  @Test
  void anOpenFileKeepsTheInstanceUntilTheLastClose(SanitizerScope scope) {
    UsbDevice udev = bed.plug(1, AllocatorBed.HVR);
    MediaDevice mdev = allocate(udev, bed.video);
    assertSame(mdev, allocate(udev, bed.audio));
    assertTrue(mdev.lifetimeRules());
    assertEquals(0, mdev.register(bed.video));
    MediaDevnode dn = AllocatorBed.notNull(mdev.devnode());
    String path = dn.path();

    Task app = new Task(bed.kernel, "media-ctl");
    int fd = app.open(path, File.O_RDWR);
    assertTrue(fd >= 0, "open " + path + ": " + fd);
    MediaDeviceInfo info = new MediaDeviceInfo();
    assertEquals(0, app.ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, info));
    assertEquals(AllocatorBed.VIDEO, info.driver);
    assertEquals("HVR-950Q", info.model);
    assertEquals("4034012345", info.serial);
    assertEquals("usb-usb1-1", info.busInfo);
    assertEquals(0x0100, info.hwRevision);

    int pinned = bed.video.refcount();
    assertTrue(pinned >= 1, "snd-usb-audio pins au0828");
    Allocation mem = mdev.mem();
    delete(mdev, bed.video);
    assertTrue(mdev.isRegistered(), "one user left");
    delete(mdev, bed.audio);
    assertFalse(mdev.isRegistered());
    assertEquals(-Errno.ENOENT, bed.kernel.devfsLookup(path));
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    assertEquals(pinned - 1, bed.video.refcount(), "the audio pin was given back");
    assertTrue(mem.isLive(), "the open file holds the instance");

    assertEquals(-Errno.EIO, app.ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, new MediaDeviceInfo()));
    assertTrue(mem.isLive());
    assertEquals(0, app.close(fd));
    assertFalse(mem.isLive(), "freed at the last close");
    assertEquals(0, bed.video.refcount());
    assertTrue(scope.reports().isEmpty(), scope.reports().toString());
    bed.unplug(1);
  }
}
