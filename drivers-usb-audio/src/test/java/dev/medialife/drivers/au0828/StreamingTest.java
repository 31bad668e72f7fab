package dev.medialife.drivers.au0828;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.allocator.MediaDeviceAllocator;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.Task;
import dev.medialife.drivers.usbaudio.SndPcm;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.hw.usbtv.UsbTvStick;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.time.ManualClock;
import dev.medialife.mc.MediaDevice;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Video and audio streaming at once from the stick's clock, with and without the media device
 * allocator: with it the tuner is shared under arbitration; without it each driver has a media
 * device of its own and the stick's detector sees the tuner driven by two users at once.
 */
@Sanitized
@Timeout(60)
class StreamingTest {
  private static final Duration FRAME = Duration.ofNanos(33_366_667);
  private static final Duration PERIOD = Duration.ofNanos(21_333_333);

  /** Streams video and audio together for {@code frames} frame times; returns the tuner route while both streamed. */
  private static int streamBoth(StickBed bed, Task vt, Task at, int frames) {
    ManualClock clock = new ManualClock();
    KernelClock.install(clock);
    int vfd = bed.openVideo(vt);
    StickBed.streamOn(vt, vfd, 4);
    int afd = bed.openPcm(at);
    StickBed.capture(at, afd);
    bed.stick.startClock(clock, FRAME.toNanos(), PERIOD.toNanos());
    byte[] period = new byte[SndUsbChip.PERIOD_BYTES];
    int periodsRead = 0;
    for (int f = 0; f < frames; f++) {
      clock.advance(FRAME);
      int want = f + 1;
      Sync.until(() -> bed.stick.framesProduced() >= want, "frame " + want);
      V4l2Buffer b = StickBed.buf(-1);
      assertEquals(0, vt.ioctl(vfd, Videodev2.VIDIOC_DQBUF, b));
      assertEquals(f, b.sequence);
      assertEquals(720 * 480 * 2, b.bytesused);
      assertEquals(0, vt.ioctl(vfd, Videodev2.VIDIOC_QBUF, StickBed.buf(b.index)));
      long due = clock.nanoTime() / PERIOD.toNanos();
      Sync.until(() -> bed.stick.periodsProduced() >= due, "periods up to " + due);
      for (; periodsRead < due; periodsRead++) {
        assertEquals(SndUsbChip.PERIOD_BYTES, at.read(afd, period));
      }
    }
    assertEquals(0, bed.chip().avail());
    assertEquals(periodsRead, bed.chip().periodsRead());
    assertEquals(0, at.poll(afd, FileOperations.POLLIN, 0), "the ring is empty");
    assertTrue(bed.stick.period());
    assertEquals(FileOperations.POLLIN, at.poll(afd, FileOperations.POLLIN, 0));
    int routed = bed.stick.route();
    assertEquals(0, at.ioctl(afd, SndPcm.DROP, null));
    assertEquals(1, bed.chip().periodsDiscarded(), "drop discards the unread period");
    assertEquals(0, vt.ioctl(vfd, Videodev2.VIDIOC_STREAMOFF, new V4l2Int(StickBed.CAP)));
    assertEquals(0, vt.close(vfd));
    assertEquals(0, at.close(afd));
    return routed;
  }

  @Test
  void withTheAllocatorVideoAndAudioShareTheTunerWithoutConflict() {
    StickBed bed = new StickBed().up();
    Task vt = new Task(bed.kernel, "tvtime");
    Task at = new Task(bed.kernel, "arecord");
    assertEquals(UsbTvStick.ROUTE_VIDEO | UsbTvStick.ROUTE_AUDIO, streamBoth(bed, vt, at, 6));
    assertEquals(0, bed.stick.tunerConflicts());
    assertEquals(List.of("/dev/media0"), bed.mediaNodes());
    assertNull(bed.dev().source().owner(), "both closed: the tuner is free");
    bed.down();
  }

  @Test
  void withoutTheAllocatorTwoMediaDevicesAndTheTunerIsFoughtOver() {
    PatchSwitch.MEDIA_ALLOCATOR.set(false);
    StickBed bed = new StickBed().up();
    MediaDevice video = bed.mdev();
    MediaDevice audio = StickBed.notNull(bed.chip().mediaDevice());
    assertNotSame(video, audio, "one media device per driver");
    assertEquals(List.of("/dev/media0", "/dev/media1"), bed.mediaNodes());
    assertEquals(2, MediaDeviceAllocator.instances(bed.kernel));
    assertNull(audio.sourceHooks(), "nobody arbitrates on the audio driver's device");
    Task vt = new Task(bed.kernel, "tvtime");
    Task at = new Task(bed.kernel, "arecord");
    assertEquals(UsbTvStick.ROUTE_VIDEO, streamBoth(bed, vt, at, 3), "audio was never routed");
    assertTrue(bed.stick.tunerConflicts() > 0, "the tuner was driven by two users at once");
    bed.down();
    assertEquals(List.of(), bed.mediaNodes());
  }
}
