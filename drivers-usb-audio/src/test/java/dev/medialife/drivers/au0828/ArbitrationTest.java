package dev.medialife.drivers.au0828;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Task;
import dev.medialife.drivers.usbaudio.SndPcm;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.hw.usbtv.UsbTvStick;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaLink;
import dev.medialife.mc.MediaPipeline;
import dev.medialife.mc.SourceHooks;
import dev.medialife.v4l2.uapi.V4l2Input;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Tuner;
import dev.medialife.v4l2.uapi.Videodev2;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tuner arbitration (reference §4.6, scenarios 32 to 34) through the real callers: V4L2 ioctls,
 * the PCM node's hw_params and hw_free, and a DVB frontend open modelled as the DVB core does it
 * (enable_source of the demodulator entity under the graph mutex).
 */
@Sanitized
@Timeout(60)
class ArbitrationTest {
  private final StickBed bed = new StickBed().up();
  private final Task vt = new Task(bed.kernel, "tvtime");
  private final Task at = new Task(bed.kernel, "arecord");
  private final MediaPipeline dvbPipe = new MediaPipeline();

  @AfterEach
  void down() {
    vt.exit();
    at.exit();
    bed.down();
    assertEquals(0, bed.video.live() + bed.audio.live());
  }

  private Au0828Source src() {
    return bed.dev().source();
  }

  private MediaEntity videoEntity() {
    return StickBed.notNull(bed.dev().videoDevice().entity());
  }

  private int locked(IntSupplier body) {
    MediaDevice m = bed.mdev();
    m.graphMutex().lock();
    try {
      return body.getAsInt();
    } finally {
      m.graphMutex().unlock();
    }
  }

  /** dvb_frontend_open for read-write: enable_source(demod, pipe) under the graph mutex. */
  private int dvbOpen() {
    return locked(() -> StickBed.notNull(bed.mdev().sourceHooks())
        .enableSource(bed.dev().demodEntity(), dvbPipe));
  }

  /** dvb_frontend_release: disable_source(demod). */
  private void dvbRelease() {
    locked(() -> {
      SourceHooks h = StickBed.notNull(bed.mdev().sourceHooks());
      h.disableSource(bed.dev().demodEntity());
      return 0;
    });
  }

  private int gTuner(int fd) {
    V4l2Tuner t = new V4l2Tuner();
    return vt.ioctl(fd, Videodev2.VIDIOC_G_TUNER, t);
  }

  @Test
  void dvbOwningTheTunerMakesAudioAndAnalogVideoBusyUntilItReleases() {
    // Scenario 32.
    assertEquals(0, dvbOpen());
    assertSame(bed.dev().demodEntity(), src().owner());
    assertEquals(UsbTvStick.ROUTE_DTV, bed.stick.route());
    MediaLink l = StickBed.notNull(src().activeLink());
    assertTrue(l.isEnabled());
    assertSame(bed.dev().demodEntity(), l.sink().entity());

    int pcm = bed.openPcm(at);
    assertEquals(-Errno.EBUSY, StickBed.hwParams(at, pcm), "hw_params returns au0828's error");
    assertEquals(SndPcm.State.OPEN, bed.chip().pcmState());
    int fd = bed.openVideo(vt);
    assertEquals(-Errno.EBUSY, vt.ioctl(fd, Videodev2.VIDIOC_S_INPUT, new V4l2Int(0)));
    assertEquals(-Errno.EBUSY, gTuner(fd));
    assertEquals(0, dvbOpen(), "the same owner again is idempotent");
    assertEquals(-Errno.EBUSY, locked(() -> StickBed.notNull(bed.mdev().sourceHooks())
        .enableSource(videoEntity(), bed.dev().videoDevice().pipe())));
    assertEquals(1, src().pipelineStarts(), "no second start for the same owner");

    dvbRelease();
    assertNull(src().activeLink());
    assertFalse(l.isEnabled());
    assertEquals(0, bed.stick.route());
    assertEquals(0, StickBed.hwParams(at, pcm), "free again");
    assertSame(bed.chip().pcmEntity(), src().owner());
    assertEquals(UsbTvStick.ROUTE_AUDIO, bed.stick.route());
    assertEquals(-Errno.EBUSY, dvbOpen(), "now DVB is the one that waits");
    assertEquals(0, at.ioctl(pcm, SndPcm.HW_FREE, null));
    assertNull(src().owner());
  }

  @Test
  void videoAndAudioShareTheTunerAndOwnershipMovesWhenVideoLeaves() {
    // Scenario 33.
    int fd = bed.openVideo(vt);
    assertEquals(0, gTuner(fd));
    assertSame(videoEntity(), src().owner());
    MediaLink l = StickBed.notNull(src().activeLink());
    assertSame(bed.dev().tunerEntity(), l.source().entity());
    assertSame(bed.dev().decoderEntity(), l.sink().entity());

    int pcm = bed.openPcm(at);
    assertEquals(0, StickBed.hwParams(at, pcm));
    assertTrue(src().shared());
    assertSame(bed.chip().pcmEntity(), src().user());
    assertEquals(UsbTvStick.ROUTE_VIDEO | UsbTvStick.ROUTE_AUDIO, bed.stick.route());
    assertEquals(1, src().pipelineStarts());

    // Video closes with users == 1: its pipeline stops, audio's starts with audio's pipe.
    assertEquals(0, vt.close(fd));
    assertSame(bed.chip().pcmEntity(), src().owner());
    assertFalse(src().shared());
    assertNull(src().user());
    assertEquals(1, src().pipelineStops());
    assertEquals(2, src().pipelineStarts());
    assertSame(bed.chip().pipe(), bed.chip().pcmEntity().pad(0).pipeline());
    assertTrue(l.isEnabled());
    assertEquals(UsbTvStick.ROUTE_AUDIO, bed.stick.route());

    // Audio gives it up: the link is off and everything is forgotten.
    assertEquals(0, at.ioctl(pcm, SndPcm.HW_FREE, null));
    assertNull(src().activeLink());
    assertNull(src().owner());
    assertFalse(l.isEnabled());
    assertNull(bed.chip().pcmEntity().pad(0).pipeline());
    assertEquals(2, src().pipelineStops());
    assertEquals(0, bed.stick.route());
  }

  @Test
  void aSharingUserLeavesFirstAndTheOwnerKeepsTheLink() {
    int fd = bed.openVideo(vt);
    assertEquals(0, gTuner(fd));
    int pcm = bed.openPcm(at);
    assertEquals(0, StickBed.hwParams(at, pcm));
    assertEquals(0, at.close(pcm), "close frees the hw params and the claim");
    assertSame(videoEntity(), src().owner());
    assertFalse(src().shared());
    assertEquals(UsbTvStick.ROUTE_VIDEO, bed.stick.route());
    // A second video file keeps the link when the first closes (users > 1).
    int fd2 = bed.openVideo(vt);
    assertEquals(0, vt.close(fd));
    assertSame(videoEntity(), src().owner());
    assertEquals(0, vt.close(fd2));
    assertNull(src().owner());
  }

  @Test
  void audioOwnerKeepsTheLinkWhileMoreThanOneVideoFileIsOpen() {
    int pcm = bed.openPcm(at);
    assertEquals(0, StickBed.hwParams(at, pcm));
    int fd = bed.openVideo(vt);
    int fd2 = bed.openVideo(vt);
    assertEquals(0, gTuner(fd));
    assertTrue(src().shared());
    assertSame(videoEntity(), src().user());
    assertEquals(0, vt.close(fd), "users == 2: an audio owner keeps the video user");
    assertTrue(src().shared());
    assertEquals(0, vt.close(fd2), "the last video user leaves the share");
    assertFalse(src().shared());
    assertSame(bed.chip().pcmEntity(), src().owner());
    assertEquals(0, at.close(pcm));
    assertNull(src().owner());
  }

  @Test
  void repeatedEnablesAreIdempotentAndAnUnknownInputClaimsNothing() {
    // Scenario 34.
    int fd = bed.openVideo(vt);
    assertEquals(0, gTuner(fd));
    assertEquals(0, gTuner(fd));
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_S_INPUT, new V4l2Int(0)));
    assertEquals(1, src().pipelineStarts(), "one start for three enables of the same owner");
    assertSame(videoEntity(), src().owner());
    // The HVR-950Q defines three inputs: the fourth slot is refused, as any past the table.
    assertEquals(-Errno.EINVAL, vt.ioctl(fd, Videodev2.VIDIOC_S_INPUT, new V4l2Int(3)));
    assertEquals(-Errno.EINVAL, vt.ioctl(fd, Videodev2.VIDIOC_S_INPUT, new V4l2Int(4)));
    V4l2Input slot = new V4l2Input();
    slot.index = 3;
    assertEquals(-Errno.EINVAL, vt.ioctl(fd, Videodev2.VIDIOC_ENUMINPUT, slot));
    assertEquals(0, vt.close(fd));
    assertNull(src().activeLink());
    // An input of another type (a board with a DEBUG, CABLE or DVB input).
    bed.dev().forceInputType(Au0828Dev.Vmux.DEBUG);
    fd = bed.openVideo(vt);
    assertEquals(0, gTuner(fd), "enable_source returns 0 for an unknown input type");
    assertNull(src().activeLink(), "and claims nothing");
    assertNull(src().owner());
    assertEquals(0, bed.stick.route());
    assertEquals(0, dvbOpen(), "the tuner is still free for DVB");
    dvbRelease();
    V4l2Int in = new V4l2Int(-1);
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_G_INPUT, in));
    assertEquals(0, in.value, "the refused S_INPUTs left the input alone");
  }

  /**
   * What the stress harness's tuner-conflict counter sees, with au0828 as upstream has it: two
   * video files are open and one switches to TV from Composite (claimed while it was alone). The
   * switch gives the Composite claim up only for the last video user (disable_source returns
   * early while video owns the link and dev->users is above one) and enable_source is a no-op
   * for the same owner, so video streams from the tuner while au0828 holds the Composite link.
   * Audio then shares that link (the share rule does not compare sources), so neither is routed
   * to the tuner and the stick counts a conflict when audio starts.
   */
  @Test
  void anInputSwitchWithTwoVideoFilesKeepsTheOldClaimUpstream() {
    int fd = bed.openVideo(vt);
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_S_INPUT, new V4l2Int(1)));
    MediaLink composite = StickBed.notNull(src().activeLink());
    assertEquals("Composite", composite.source().entity().name());
    int other = bed.openVideo(vt);
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_S_INPUT, new V4l2Int(0)));
    assertSame(composite, src().activeLink(), "still the Composite link, though the input is TV");
    StickBed.streamOn(vt, fd, 4);
    int pcm = bed.openPcm(at);
    StickBed.capture(at, pcm);
    assertTrue(src().shared(), "audio shares the Composite link");
    assertEquals(0, bed.stick.route(), "nothing is routed to the tuner");
    assertEquals(1, bed.stick.tunerConflicts(), "video and audio both drive the tuner");
    assertEquals(0, at.close(pcm));
    assertEquals(0, vt.close(other));
    assertEquals(0, vt.close(fd));
    assertNull(src().activeLink());
  }

  @Test
  void compositeAndSvideoInputsFeedTheDecoderFromTheirConnectors() {
    int fd = bed.openVideo(vt);
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_S_INPUT, new V4l2Int(1)));
    assertEquals(0, vt.close(fd), "the S_INPUT's own claim (TV, chosen before the switch) goes");
    fd = bed.openVideo(vt);
    assertEquals(0, gTuner(fd));
    MediaLink l = StickBed.notNull(src().activeLink());
    assertEquals("Composite", l.source().entity().name());
    assertEquals(0, bed.stick.route(), "the tuner is not routed for a connector");
    assertEquals(-Errno.EBUSY, dvbOpen(), "one link at a time: analog owner, digital requester");
    assertEquals(0, vt.close(fd));
    assertNull(src().activeLink());
    assertFalse(l.isEnabled());
  }

  /**
   * au0828_v4l2_close at the last user asks for the source (v4l_enable_media_source, so that the
   * tuner can be put in standby), and _vb2_fop_release's v4l2_fh_exit gives it back: a close with
   * nothing owning the tuner takes the link and releases it again.
   */
  @Test
  void theLastCloseTakesTheSourceAndV4l2FhExitGivesItBack() {
    int vfd = bed.openVideo(vt);
    assertEquals(0, src().pipelineStarts());
    assertEquals(0, vt.close(vfd));
    assertEquals(1, src().pipelineStarts(), "enable_source at the last close");
    assertEquals(1, src().pipelineStops(), "disable_source from v4l2_fh_exit");
    assertNull(src().owner());
  }

  /** The last close's enable_source is refused while DVB holds the tuner: nothing changes. */
  @Test
  void theLastCloseLeavesATunerHeldByDvbAlone() {
    assertEquals(0, dvbOpen());
    int vfd = bed.openVideo(vt);
    assertEquals(0, vt.close(vfd));
    assertEquals(bed.dev().demodEntity(), src().owner());
    assertEquals(1, src().pipelineStarts());
    dvbRelease();
    assertNull(src().owner());
  }

  /**
   * vidioc_s_input: selecting the input already selected does nothing; a new input gives back the
   * source and asks for it again (a new pipeline start), so the video node still owns the tuner
   * afterwards and DVB still cannot take it.
   */
  @Test
  void sInputGivesBackTheSourceAndAsksForItAgain() {
    int vfd = bed.openVideo(vt);
    assertEquals(0, vt.ioctl(vfd, Videodev2.VIDIOC_G_TUNER, new V4l2Tuner()));
    assertEquals(videoEntity(), src().owner(), "G_TUNER took the source");
    int starts = src().pipelineStarts();
    assertEquals(0, vt.ioctl(vfd, Videodev2.VIDIOC_S_INPUT, new V4l2Int(0)), "same input");
    assertEquals(starts, src().pipelineStarts(), "same input: the source is not touched");
    assertEquals(0, vt.ioctl(vfd, Videodev2.VIDIOC_S_INPUT, new V4l2Int(2)));
    assertEquals(starts + 1, src().pipelineStarts(), "given back and asked for again");
    assertEquals(videoEntity(), src().owner());
    assertEquals(-Errno.EBUSY, dvbOpen(), "analog still holds the tuner");
    assertEquals(0, vt.close(vfd));
  }

  /**
   * Inside au0828_usb_disconnect, before the node goes, G_TUNER on an open file still reaches the
   * driver: dev->decoder stays cached, so au0828_enable_source answers 0 for the entity that owns
   * the link, and so does G_TUNER (the model used to forget the decoder and answer EBUSY).
   */
  @Test
  void gTunerInsideDisconnectStillFindsTheDecoder() {
    int vfd = bed.openVideo(vt);
    assertEquals(0, vt.ioctl(vfd, Videodev2.VIDIOC_G_TUNER, new V4l2Tuner()));
    assertEquals(videoEntity(), src().owner());
    int[] ret = new int[2];
    CountDownLatch inWindow = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    RaceWindow.arm(Au0828Dev.WINDOW_ANALOG_UNREGISTER, () -> {
      inWindow.countDown();
      Sync.await(done, "G_TUNER inside the disconnect");
    });
    Thread task = Sync.start("tvtime", () -> {
      Sync.await(inWindow, "disconnect in au0828_analog_unregister");
      V4l2Tuner t = new V4l2Tuner();
      t.index = 1;
      ret[0] = vt.ioctl(vfd, Videodev2.VIDIOC_G_TUNER, t);
      ret[1] = vt.ioctl(vfd, Videodev2.VIDIOC_G_TUNER, new V4l2Tuner());
      done.countDown();
    });
    bed.unplug();
    Sync.join(task);
    assertEquals(-Errno.EINVAL, ret[0], "the index is checked before the source");
    assertEquals(0, ret[1]);
    assertEquals(-Errno.ENODEV, vt.ioctl(vfd, Videodev2.VIDIOC_G_TUNER, new V4l2Tuner()));
    assertEquals(0, vt.close(vfd));
  }
}
