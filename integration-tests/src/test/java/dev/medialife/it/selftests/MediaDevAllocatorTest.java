package dev.medialife.it.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.allocator.MediaDeviceAllocator;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.File;
import dev.medialife.driver.Module;
import dev.medialife.driver.Task;
import dev.medialife.drivers.au0828.Au0828Dev;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * media_dev_allocator.sh au0828 snd-usb-audio (reference §8.7, scenario 30) on the USB TV stick
 * with the real drivers: the media driver on interface 1-1:1.0 and the audio driver on 1-1:1.1 are
 * unbound and bound through the USB bus's sysfs files in the script's order, and after every step
 * {@code ls /dev/media*} and an open of the node show whether the shared media device is present.
 *
 * <p>It must be present exactly while at least one of the two drivers holds it. At every step the
 * test also checks what the script cannot see: the allocator's instance (one list entry, the same
 * media device in both drivers, a fresh one after both left), its reference count, and the module
 * pin the second user holds on the first user's module. The script unbinds the media driver
 * first; the test also runs it with the two drivers' roles swapped in steps 1 to 3. A last test
 * tries rmmod, as regression_test.txt suggests: the pin makes the owner's module refuse to go.
 */
@Sanitized
@Timeout(30)
class MediaDevAllocatorTest {
  @ParameterizedTest(name = "media driver first: {0}")
  @ValueSource(booleans = {true, false})
  void theSharedMediaDeviceLivesExactlyWhileOneOfTheTwoDriversHoldsIt(boolean mediaFirst)
      throws Exception {
    try (Rig rig = Rig.boot(Target.STICK_UNBIND)) {
      Module au0828 = owner(rig, Rig.AU0828);
      Module sndUsbAudio = owner(rig, Rig.SND_USB_AUDIO);
      MediaDevice mdev = shared(rig);
      String path = present(rig, Target.STICK_DRIVER);
      int entities = mdev.entities().size();
      Allocation firstMem = mdev.mem();
      assertEquals(2, MediaDeviceAllocator.refcount(mdev));
      assertEquals(1, au0828.refcount(), "snd-usb-audio pins au0828, the instance's owner");
      assertEquals(0, sndUsbAudio.refcount());

      String firstDrv = mediaFirst ? Rig.AU0828 : Rig.SND_USB_AUDIO;
      String firstIntf = mediaFirst ? Rig.VIDEO_INTF : Rig.AUDIO_INTF;
      String secondDrv = mediaFirst ? Rig.SND_USB_AUDIO : Rig.AU0828;
      String secondIntf = mediaFirst ? Rig.AUDIO_INTF : Rig.VIDEO_INTF;

      // 1. Unbind the first driver: the media device must still be present.
      assertEquals(0, rig.usb().unbind(firstDrv, firstIntf));
      assertSame(mdev, shared(rig), "the remaining driver holds the same instance");
      assertEquals(path, present(rig, Target.STICK_DRIVER));
      assertEquals(1, MediaDeviceAllocator.refcount(mdev));
      assertEquals(1, MediaDeviceAllocator.instances(rig.kernel()));
      assertEquals(mediaFirst ? 1 : 0, au0828.refcount(),
          "the pin is held by snd-usb-audio's use, not au0828's");

      // 2. Unbind the second: the media device must be gone, the instance unlinked and freed.
      assertEquals(0, rig.usb().unbind(secondDrv, secondIntf));
      assertGone(rig, path);
      assertFalse(mdev.isRegistered());
      assertFalse(firstMem.isLive(), "no file is open: freed at the last delete");
      assertEquals(0, MediaDeviceAllocator.instances(rig.kernel()));
      assertEquals(0, au0828.refcount(), "every pin given back");
      assertEquals(0, sndUsbAudio.refcount());

      // 3. Bind the first driver again: present, a fresh instance it owns; then the second.
      assertEquals(0, rig.usb().bind(firstDrv, firstIntf));
      MediaDevice fresh = Rig.notNull(rig.mediaDevice(), "a media device after the bind");
      assertNotSame(mdev, fresh);
      String owner = mediaFirst ? Target.STICK_DRIVER : Rig.SND_USB_AUDIO;
      assertEquals(owner, fresh.driverName(), "the first to allocate owns the new instance");
      String freshPath = present(rig, owner);
      assertEquals(1, MediaDeviceAllocator.refcount(fresh));
      assertEquals(0, rig.usb().bind(secondDrv, secondIntf));
      assertSame(fresh, shared(rig));
      assertEquals(freshPath, present(rig, owner));
      assertEquals(2, MediaDeviceAllocator.refcount(fresh));
      assertEquals(1, MediaDeviceAllocator.instances(rig.kernel()));
      assertEquals(entities, fresh.entities().size(), "both drivers built their graph again");
      Module pinned = mediaFirst ? au0828 : sndUsbAudio;
      assertEquals(1, pinned.refcount(), "the second user pins the owner's module");

      // 4. Unbind media (present), bind media (present), unbind audio (present), bind audio
      //    (present): always the same instance under the same node.
      assertEquals(0, rig.usb().unbind(Rig.AU0828, Rig.VIDEO_INTF));
      assertEquals(freshPath, present(rig, owner));
      assertEquals(1, MediaDeviceAllocator.refcount(fresh));
      assertEquals(0, rig.usb().bind(Rig.AU0828, Rig.VIDEO_INTF));
      assertEquals(freshPath, present(rig, owner));
      assertEquals(2, MediaDeviceAllocator.refcount(fresh));
      assertEquals(0, rig.usb().unbind(Rig.SND_USB_AUDIO, Rig.AUDIO_INTF));
      assertEquals(freshPath, present(rig, owner));
      assertEquals(1, MediaDeviceAllocator.refcount(fresh));
      assertEquals(0, rig.usb().bind(Rig.SND_USB_AUDIO, Rig.AUDIO_INTF));
      assertEquals(freshPath, present(rig, owner));
      assertSame(fresh, shared(rig));
      assertEquals(2, MediaDeviceAllocator.refcount(fresh));
      assertEquals(1, MediaDeviceAllocator.instances(rig.kernel()));
      assertEquals(entities, fresh.entities().size());
      assertEquals(1, pinned.refcount(), "one pin, however often the users came and went");
      assertEquals(0, (mediaFirst ? sndUsbAudio : au0828).refcount());
    }
  }

  /**
   * regression_test.txt's "also try rmmod": the module of the media device's owner cannot be
   * unloaded while the other driver uses the shared media device (the pin taken in {@code
   * media_device_usb_allocate}); the other module can, and then the owner's too, the last one
   * taking the media device with it.
   */
  @Test
  void rmmodOfTheOwnersModuleIsRefusedWhileTheOtherDriverPinsIt() throws Exception {
    try (Rig rig = Rig.boot(Target.STICK_UNBIND)) {
      Module au0828 = owner(rig, Rig.AU0828);
      Module sndUsbAudio = owner(rig, Rig.SND_USB_AUDIO);
      MediaDevice mdev = shared(rig);
      String path = present(rig, Target.STICK_DRIVER);
      assertEquals(-Errno.EBUSY, au0828.unload(), "rmmod au0828: in use by snd-usb-audio");
      assertEquals(Module.State.LIVE, au0828.state());
      assertSame(mdev, shared(rig));
      assertEquals(0, sndUsbAudio.unload(), "rmmod snd_usb_audio");
      assertEquals(path, present(rig, Target.STICK_DRIVER), "au0828 still holds it");
      assertEquals(1, MediaDeviceAllocator.refcount(mdev));
      assertEquals(0, au0828.refcount(), "the pin went with snd-usb-audio's delete");
      assertEquals(0, au0828.unload(), "rmmod au0828");
      assertGone(rig, path);
      assertEquals(0, MediaDeviceAllocator.instances(rig.kernel()));
      assertFalse(mdev.mem().isLive());
    }
  }

  private static Module owner(Rig rig, String driver) {
    DeviceDriver d = Rig.notNull(rig.usb().findDriver(driver), driver + " registered");
    return Rig.notNull(d.owner(), driver + "'s module");
  }

  /** The media device both drivers hold; fails unless they hold the same one. */
  private static MediaDevice shared(Rig rig) {
    Au0828Dev a = rig.board.au0828();
    SndUsbChip c = rig.board.sndChip();
    MediaDevice m = Rig.notNull(rig.mediaDevice(), "a driver holds a media device");
    if (a != null) {
      assertSame(m, a.mediaDevice());
    }
    if (c != null) {
      assertSame(m, c.mediaDevice(), "au0828 and snd-usb-audio share one media device");
    }
    return m;
  }

  /** {@code ls /dev/media*} shows one node, and it opens as the stick's media device. */
  private static String present(Rig rig, String driver) {
    List<String> nodes = rig.mediaNodes();
    assertEquals(1, nodes.size(), "ls /dev/media*: " + nodes);
    String path = nodes.get(0);
    assertEquals(rig.mediaPath(), path);
    Task t = new Task(rig.kernel(), "ls");
    int fd = t.open(path, File.O_RDWR);
    assertTrue(fd >= 0, "open " + path + ": " + Errno.describe(fd));
    MediaDeviceInfo info = new MediaDeviceInfo();
    assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, info));
    assertEquals(Target.STICK_MODEL, info.model);
    assertEquals(driver, info.driver);
    assertEquals(0, t.close(fd));
    return path;
  }

  private static void assertGone(Rig rig, String path) {
    assertEquals(List.of(), rig.mediaNodes(), "ls /dev/media*");
    Task t = new Task(rig.kernel(), "ls");
    assertEquals(-Errno.ENOENT, t.open(path, File.O_RDWR));
  }
}
