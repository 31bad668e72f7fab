package dev.medialife.drivers.au0828;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Task;
import dev.medialife.drivers.usbaudio.SndPcm;
import dev.medialife.drivers.usbaudio.SndUsbAudioDriver;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.SourceHooks;
import dev.medialife.v4l2.uapi.V4l2Tuner;
import dev.medialife.v4l2.uapi.Videodev2;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Edges of the two drivers: a stick without a function, au0828 half gone, concurrent claims. */
@Sanitized
@Timeout(60)
class EdgeTest {
  private final StickBed bed = new StickBed();

  @Test
  void aMatchingDeviceWithoutRegistersIsRefusedByBothDrivers() {
    assertEquals(0, bed.video.register(bed.core));
    assertEquals(0, bed.audio.register(bed.core));
    assertTrue(bed.host.plug(2, bed.stick.descriptor()) > 0);
    assertEquals(-Errno.ENODEV, bed.video.lastProbe());
    assertEquals(-Errno.ENODEV, bed.audio.lastProbe());
    assertEquals(List.of(), bed.mediaNodes());
    assertEquals(0, bed.host.unplug(2));
    bed.down();
  }

  /**
   * With {@code au0828-disconnect-source} off the hooks stay until au0828's release. The model
   * has unregistered the decoder and tuner at the disconnect, so the hooks find no link and
   * answer ENODEV; the kernel keeps those entities until the release and would grant the link.
   */
  @Test
  void whileAnUnboundAu0828WaitsForItsLastCloseAudioGetsEnodevFromItsHooks() {
    PatchSwitch.AU0828_DISCONNECT_SOURCE.set(false);
    try {
      unboundAu0828WithAnOpenFileUpstream();
    } finally {
      PatchSwitch.resetAll();
    }
  }

  /** With the model fix the hooks go at the disconnect: nobody arbitrates, audio is granted. */
  @Test
  void whileAnUnboundAu0828WaitsForItsLastCloseNobodyArbitrates() {
    bed.up();
    Task vt = new Task(bed.kernel, "tvtime");
    Task at = new Task(bed.kernel, "arecord");
    Au0828Dev dev = bed.dev();
    MediaDevice m = bed.mdev();
    int vfd = bed.openVideo(vt);
    bed.video.deregister(bed.core);
    assertNull(m.sourceHooks(), "the hooks went with the device");
    int afd = bed.openPcm(at);
    assertEquals(0, StickBed.hwParams(at, afd));
    assertEquals(0, vt.close(vfd));
    assertTrue(dev.released());
    assertEquals(0, at.ioctl(afd, SndPcm.HW_FREE, null));
    assertEquals(0, at.close(afd));
    bed.down();
  }

  private void unboundAu0828WithAnOpenFileUpstream() {
    bed.up();
    Task vt = new Task(bed.kernel, "tvtime");
    Task at = new Task(bed.kernel, "arecord");
    Au0828Dev dev = bed.dev();
    MediaDevice m = bed.mdev();
    int vfd = bed.openVideo(vt);
    bed.video.deregister(bed.core);
    assertSame(dev.source(), m.sourceHooks(), "the hooks stay until au0828's release");
    int afd = bed.openPcm(at);
    assertEquals(-Errno.ENODEV, StickBed.hwParams(at, afd), "no decoder any more");
    m.graphMutex().lock();
    try {
      SourceHooks h = StickBed.notNull(m.sourceHooks());
      assertEquals(-Errno.ENODEV, h.enableSource(dev.demodEntity(), null),
          "no tuner for the demodulator either");
      h.disableSource(dev.demodEntity());
    } finally {
      m.graphMutex().unlock();
    }
    assertEquals(0, vt.close(vfd));
    assertTrue(dev.released());
    assertNull(m.sourceHooks());
    assertEquals(0, StickBed.hwParams(at, afd), "nobody arbitrates now");
    assertEquals(0, at.ioctl(afd, SndPcm.HW_FREE, null));
    assertEquals(0, at.close(afd));
    assertEquals(List.of("/dev/media0"), bed.mediaNodes(), "audio still holds the device");
    bed.down();
  }

  @Test
  void aRequesterWithoutAPipeIsRefused() {
    bed.up();
    MediaDevice m = bed.mdev();
    m.graphMutex().lock();
    try {
      SourceHooks h = StickBed.notNull(m.sourceHooks());
      assertEquals(-Errno.EINVAL, h.enableSource(bed.dev().demodEntity(), null));
      assertNull(bed.dev().source().activeLink(), "the link went back to disabled");
      h.disableSource(bed.dev().demodEntity());
    } finally {
      m.graphMutex().unlock();
    }
    bed.down();
  }

  @Test
  void concurrentVideoAndAudioClaimsAlwaysShareAndLeaveNothingBehind() throws Exception {
    bed.up();
    Task vt = new Task(bed.kernel, "tvtime");
    Task at = new Task(bed.kernel, "arecord");
    int afd = bed.openPcm(at);
    int rounds = 200;
    CyclicBarrier barrier = new CyclicBarrier(2);
    AtomicInteger bad = new AtomicInteger();
    Thread video = Sync.start("video", () -> {
      for (int i = 0; i < rounds; i++) {
        await(barrier);
        int fd = vt.open(bed.dev().videoDevice().path(), dev.medialife.driver.File.O_RDWR);
        if (fd < 0 || vt.ioctl(fd, Videodev2.VIDIOC_G_TUNER, new V4l2Tuner()) != 0
            || vt.close(fd) != 0) {
          bad.incrementAndGet();
        }
      }
    });
    Thread audio = Sync.start("audio", () -> {
      for (int i = 0; i < rounds; i++) {
        await(barrier);
        if (StickBed.hwParams(at, afd) != 0 || at.ioctl(afd, SndPcm.HW_FREE, null) != 0) {
          bad.incrementAndGet();
        }
      }
    });
    Sync.join(video);
    Sync.join(audio);
    assertEquals(0, bad.get(), "analog video and audio always share");
    assertNull(bed.dev().source().activeLink());
    assertNull(bed.dev().source().owner());
    assertEquals(0, bed.stick.route());
    assertEquals(bed.dev().source().pipelineStarts(), bed.dev().source().pipelineStops());
    assertEquals(0, at.close(afd));
    bed.down();
  }

  private static void await(CyclicBarrier b) {
    try {
      b.await();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theAudioDriverRunsOutOfCardNumbersAndGivesThemBack() {
    SndUsbAudioDriver audio = bed.audio;
    assertEquals(0, audio.register(bed.core));
    dev.medialife.driver.usb.UsbHost big = bed.core.addHost(2, SndUsbAudioDriver.CARDS + 1);
    List<dev.medialife.hw.usbtv.UsbTvStick> sticks = new java.util.ArrayList<>();
    for (int i = 0; i <= SndUsbAudioDriver.CARDS; i++) {
      dev.medialife.hw.usbtv.UsbTvStick s =
          new dev.medialife.hw.usbtv.UsbTvStick("HVR-950Q", "SN" + i, 0x0100);
      assertTrue(s.plug(big, i + 1) > 0);
      sticks.add(s);
      assertEquals(i < SndUsbAudioDriver.CARDS ? 0 : -Errno.ENODEV, audio.lastProbe(),
          "card " + i);
    }
    assertEquals(SndUsbAudioDriver.CARDS, audio.live());
    assertEquals(0, sticks.get(0).unplug());
    assertEquals(0, sticks.get(SndUsbAudioDriver.CARDS).unplug());
    assertTrue(sticks.get(SndUsbAudioDriver.CARDS).plug(big, 1) > 0);
    assertEquals(0, audio.lastProbe(), "card 0 is free again");
    for (dev.medialife.hw.usbtv.UsbTvStick s : sticks) {
      if (s.present()) {
        assertEquals(0, s.unplug());
      }
    }
    assertEquals(0, audio.live());
    bed.down();
  }
}
