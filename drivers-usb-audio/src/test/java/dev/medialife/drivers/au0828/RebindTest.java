package dev.medialife.drivers.au0828;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.BusType;
import dev.medialife.driver.Task;
import dev.medialife.driver.usb.UsbCore;
import dev.medialife.drivers.usbaudio.SndPcm;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaPipeline;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Tuner;
import dev.medialife.v4l2.uapi.Videodev2;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * au0828 unbound and bound again through sysfs while snd-usb-audio stays bound and a video file
 * of the first au0828 is still open: the order the race harness's {@code --unbind-usb-drivers}
 * found ({@code stress --board usbtv --cycles 6 --seed 7 --unbind-usb-drivers}: "pad
 * pcmC0D0c:0 is already part of another pipeline" under snd-usb-audio's HW_PARAMS). The video
 * stream owns the tuner, so au0828 started the video node's pipeline, and that pipeline spans
 * the decoder's audio link into the mixer and the PCM entity of snd-usb-audio.
 */
@Sanitized
@Timeout(60)
class RebindTest {
  private final StickBed bed = new StickBed().up();
  private final Task vt = new Task(bed.kernel, "tvtime");
  private final Task at = new Task(bed.kernel, "arecord");

  @AfterEach
  void down() {
    PatchSwitch.resetAll();
    vt.exit();
    at.exit();
    bed.down();
    assertEquals(0, bed.video.live() + bed.audio.live());
  }

  private int sysfs(boolean bind) {
    return sysfs(Au0828Dev.NAME, 0, bind);
  }

  private int sysfs(String driver, int intfNo, boolean bind) {
    BusType bus = StickBed.notNull(bed.kernel.bus(UsbCore.NAME));
    String intf = bed.intf(intfNo).device().name();
    return bind ? bus.bind(driver, intf) : bus.unbind(driver, intf);
  }

  /**
   * snd-usb-audio unbound while a START is between its state check and the trigger: the
   * disconnect waits for the ioctl (usb_audio_disconnect waits for snd_usb_lock_shutdown's
   * users) before it stops the capture and unmaps the registers, so the trigger's register
   * write never reaches an unmapped device (the stress CI run caught that as "hardware access
   * after remove") and the stick's capture ends stopped.
   */
  @Test
  void aPcmStartInFlightFinishesBeforeTheAudioDisconnectUnmaps() {
    SndUsbChip chip = bed.chip();
    int pfd = bed.openPcm(at);
    assertEquals(0, StickBed.hwParams(at, pfd));
    assertEquals(0, at.ioctl(pfd, SndPcm.PREPARE, null));
    CountDownLatch parked = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    RaceWindow.arm(SndUsbChip.WINDOW_TRIGGER, () -> {
      parked.countDown();
      Sync.await(go, "the disconnect to be waiting");
    });
    int[] ret = {1, 1};
    Thread start = Sync.start("arecord", () -> ret[0] = at.ioctl(pfd, SndPcm.START, null));
    Sync.await(parked, "START at the trigger");
    Thread unbind = Sync.start("unbind", () -> ret[1] = sysfs(SndUsbChip.NAME, 1, false));
    Sync.until(() -> unbind.getState() == Thread.State.WAITING,
        "the disconnect waiting for the ioctl");
    go.countDown();
    Sync.join(start);
    Sync.join(unbind);
    assertEquals(0, ret[0], "the START that passed its check completes");
    assertEquals(0, ret[1]);
    assertEquals(SndPcm.State.DISCONNECTED, chip.pcmState());
    assertFalse(bed.stick.period(), "the disconnect stopped the capture the START began");
    assertEquals(0, at.close(pfd));
    assertTrue(chip.released());
  }

  /**
   * Upstream: the old au0828 keeps its hooks and its started pipeline until its last close, the
   * new one takes the hooks over, the old file's close reaches the new state and stops nothing.
   * The PCM's pad is still in the old video pipeline: HW_PARAMS warns and fails with EINVAL, the
   * new video node cannot start its pipeline (EBUSY), and the old au0828's release clears the
   * new one's hooks.
   */
  @Test
  @ExpectReports(ReportKind.WARNING)
  void audioHwParamsAfterRebindHitsTheOldVideoPipelineUpstream() {
    PatchSwitch.AU0828_DISCONNECT_SOURCE.set(false);
    try {
      rebindUnderAStreamUpstream();
    } finally {
      PatchSwitch.resetAll();
    }
  }

  private void rebindUnderAStreamUpstream() {
    Au0828Dev old = bed.dev();
    SndUsbChip chip = bed.chip();
    MediaDevice m = bed.mdev();
    int oldFd = bed.openVideo(vt);
    StickBed.streamOn(vt, oldFd, 4);
    MediaPipeline oldPipe = old.videoDevice().pipe();
    assertSame(oldPipe, chip.pcmEntity().pad(0).pipeline(), "the video pipeline spans the PCM");

    assertEquals(0, sysfs(false));
    assertFalse(old.released(), "the open file keeps the old au0828");
    assertSame(old.source(), m.sourceHooks(), "upstream keeps the hooks until the release");
    assertSame(oldPipe, chip.pcmEntity().pad(0).pipeline(), "and the pipeline started");

    assertEquals(0, sysfs(true));
    Au0828Dev fresh = bed.dev();
    assertNotSame(old, fresh);
    assertSame(fresh.source(), m.sourceHooks(), "the new au0828 took the hooks over");

    int pfd = bed.openPcm(at);
    assertEquals(-Errno.EINVAL, StickBed.hwParams(at, pfd), "media_pipeline_start's WARN_ON");
    assertNull(fresh.source().owner());
    int newFd = bed.openVideo(vt);
    assertEquals(-Errno.EBUSY, vt.ioctl(newFd, Videodev2.VIDIOC_G_TUNER, tuner()),
        "the mixer's pads are still in the old pipeline");

    assertEquals(0, vt.close(oldFd));
    assertTrue(old.released());
    assertNull(m.sourceHooks(), "the old au0828's release cleared the new one's hooks");
    assertSame(oldPipe, chip.pcmEntity().pad(0).pipeline(), "nothing ever stopped it");
    assertEquals(0, vt.close(newFd));
    assertEquals(0, at.close(pfd));
  }

  /**
   * With the model fix, the disconnect stops the pipeline it started and takes its hooks away:
   * the PCM's pad is free, the new au0828 arbitrates, audio and the new video share the tuner.
   */
  @Test
  void audioHwParamsAfterRebindIsGranted() {
    Au0828Dev old = bed.dev();
    SndUsbChip chip = bed.chip();
    MediaDevice m = bed.mdev();
    int oldFd = bed.openVideo(vt);
    StickBed.streamOn(vt, oldFd, 4);
    int starts = old.source().pipelineStarts();

    assertEquals(0, sysfs(false));
    assertFalse(old.released(), "the open file keeps the old au0828");
    assertNull(m.sourceHooks(), "the hooks went with the device");
    assertNull(chip.pcmEntity().pad(0).pipeline(), "the video pipeline was stopped");
    assertNull(old.source().activeLink());
    assertEquals(starts, old.source().pipelineStops(), "one stop per start");
    assertFalse(bed.stick.frame(), "the disconnect stopped the stream (au0828_uninit_isoc)");

    assertEquals(0, sysfs(true));
    Au0828Dev fresh = bed.dev();
    assertSame(fresh.source(), m.sourceHooks());

    int pfd = bed.openPcm(at);
    StickBed.capture(at, pfd);
    assertSame(chip.pcmEntity(), fresh.source().owner(), "audio owns the new au0828's tuner");
    assertSame(chip.pipe(), chip.pcmEntity().pad(0).pipeline());
    int newFd = bed.openVideo(vt);
    StickBed.streamOn(vt, newFd, 4);
    assertTrue(fresh.source().shared(), "video shares it");

    assertEquals(0, vt.close(oldFd), "the old file's close reaches the new hooks harmlessly");
    assertTrue(old.released());
    assertSame(fresh.source(), m.sourceHooks(), "the old release leaves the new hooks alone");
    assertSame(chip.pcmEntity(), fresh.source().owner());
    assertEquals(0, vt.close(newFd));
    assertEquals(0, at.ioctl(pfd, SndPcm.DROP, null));
    assertEquals(0, at.ioctl(pfd, SndPcm.HW_FREE, null));
    assertNull(fresh.source().activeLink(), "HW_FREE gave the tuner back");
    assertNull(chip.pcmEntity().pad(0).pipeline());
    assertEquals(0, at.close(pfd));
    assertEquals(0, bed.stick.tunerConflicts(), "every consumer of the tuner was granted it");
  }

  /**
   * With the model fix, audio owning the tuner when au0828 goes: the disconnect stops the audio
   * pipeline au0828 started, so the PCM's HW_FREE (with no hooks to ask) and the next HW_PARAMS
   * under the new au0828 find a free pad.
   */
  @Test
  void audioOwnerSurvivesTheVideoDriversRebind() {
    SndUsbChip chip = bed.chip();
    MediaDevice m = bed.mdev();
    int pfd = bed.openPcm(at);
    StickBed.capture(at, pfd);
    assertSame(chip.pcmEntity(), bed.dev().source().owner());

    assertEquals(0, sysfs(false));
    assertNull(m.sourceHooks());
    assertNull(chip.pcmEntity().pad(0).pipeline(), "au0828 stopped what it started");
    assertEquals(0, at.ioctl(pfd, SndPcm.DROP, null));
    assertEquals(0, at.ioctl(pfd, SndPcm.HW_FREE, null));

    assertEquals(0, sysfs(true));
    Au0828Dev fresh = bed.dev();
    assertEquals(0, StickBed.hwParams(at, pfd));
    assertSame(chip.pcmEntity(), fresh.source().owner());
    assertNotNull(fresh.source().activeLink());
    assertEquals(0, at.ioctl(pfd, SndPcm.HW_FREE, null));
    assertNull(fresh.source().activeLink());
    assertEquals(0, at.close(pfd));
  }

  /**
   * The disconnect stops the running capture under the queue lock, as vb2_video_unregister_device
   * does: a STREAMOFF (or a STREAMON putting fresh buffers on the active list) of the open file
   * waits until the stop is done. Without the lock a STREAMON could queue its buffers in the
   * middle of the stop, which then completed them as ERROR under the failing start_streaming
   * ("start_streaming failed and the driver completed", once in a 60 s seed-77 stress run).
   */
  @Test
  void aStreamCallWaitsForTheDisconnectsStop() {
    Au0828Dev dev = bed.dev();
    int fd = bed.openVideo(vt);
    StickBed.streamOn(vt, fd, 4);
    CountDownLatch parked = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    RaceWindow.arm(Au0828Dev.WINDOW_STOP_STREAM, () -> {
      parked.countDown();
      Sync.await(go, "the STREAMOFF to be waiting");
    });
    int[] ret = {1, 1};
    Thread unbind = Sync.start("unbind", () -> ret[0] = sysfs(false));
    Sync.await(parked, "the disconnect at the stop");
    Thread streamoff = Sync.start("tvtime", () ->
        ret[1] = vt.ioctl(fd, Videodev2.VIDIOC_STREAMOFF, new V4l2Int(StickBed.CAP)));
    Sync.until(() -> streamoff.getState() == Thread.State.WAITING,
        "STREAMOFF waiting for dev->lock");
    assertEquals(4, dev.queue().ownedByDriver(), "nothing was completed under the waiter");
    go.countDown();
    Sync.join(unbind);
    Sync.join(streamoff);
    assertEquals(0, ret[0]);
    assertTrue(ret[1] == 0 || ret[1] == -Errno.ENODEV, "after the stop: " + ret[1]);
    assertEquals(0, dev.queue().ownedByDriver());
    assertEquals(0, vt.close(fd));
    assertTrue(dev.released());
  }

  private static V4l2Tuner tuner() {
    return new V4l2Tuner();
  }
}
