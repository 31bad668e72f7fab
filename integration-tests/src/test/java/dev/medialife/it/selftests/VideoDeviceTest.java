package dev.medialife.it.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.cli.Board;
import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.drivers.au0828.Au0828Dev;
import dev.medialife.drivers.hantro.HantroDev;
import dev.medialife.drivers.usbaudio.SndPcm;
import dev.medialife.drivers.usbaudio.SndPcmHwParams;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.hw.usbtv.UsbTvStick;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaPipeline;
import dev.medialife.mc.SourceHooks;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2Tuner;
import dev.medialife.v4l2.uapi.Videodev2;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * video_device_test.c (reference §8.4): a task opens /dev/videoX, keeps the descriptor and issues
 * VIDIOC_QUERYCAP and VIDIOC_G_TUNER in a loop while the node's driver goes away. On the stick's
 * au0828 capture node both succeed until the node is unregistered and fail with ENODEV from then
 * on; the driver's memory stays until the descriptor closes. au0828's G_TUNER asks for the tuner
 * first (enable_source), so it fails with EBUSY while DVB holds the tuner, and succeeds while PCM
 * capture holds it (video and audio capture share the analog link, reference §4.6). A node without
 * a tuner, the Hantro decoder, has no G_TUNER handler: ENOTTY.
 */
@Sanitized
@Timeout(60)
class VideoDeviceTest {
  /** Loop iterations (one QUERYCAP and one G_TUNER each) in each quiet phase. */
  static final int CALLS = 200;

  /** Bound of the phase that races the removal. */
  static final int RACING_MAX = 1_000_000;

  /** The card name au0828 reports for the stick. */
  static final String CARD = "Hauppauge HVR-950Q";

  /** One loop iteration: QUERYCAP's and G_TUNER's results, and whether their contents matched. */
  private record Pair(int querycap, int gTuner, boolean contents) {}

  @ParameterizedTest
  @EnumSource(value = Target.class, names = {"STICK_UNBIND", "STICK_UNPLUG"})
  void querycapAndGTunerGiveEnodevOnceTheNodeIsUnregistered(Target target) throws Exception {
    try (Rig rig = Rig.boot(target)) {
      Au0828Dev dev = Rig.notNull(rig.board.au0828(), "au0828 bound");
      VideoDevice vdev = dev.videoDevice();
      String path = vdev.path();
      Task task = new Task(rig.kernel(), "video_device_test");
      int fd = task.open(path, File.O_RDWR);
      assertTrue(fd >= 0, "open " + path + ": " + Errno.describe(fd));

      KeptFdLoop.Phases<Pair> phases = KeptFdLoop.run("video_device_test", rig, target, CALLS,
          RACING_MAX, (max, until) -> loop(task, fd, max, until),
          () -> {
            assertEquals(-Errno.ENOENT, task.open(path, File.O_RDWR), "the node is gone");
            assertFalse(dev.released(), "the kept descriptor keeps au0828's memory");
            assertTrue(dev.mem().isLive());
          });

      List<Pair> before = phases.before();
      assertTrue(before.stream().allMatch(p -> p.querycap() == 0 && p.gTuner() == 0
          && p.contents()), "before the removal both succeed, as the au0828 tuner: " + before);
      List<Pair> racing = phases.racing();
      int capRank = 0;
      int tunerRank = 0;
      for (int i = 0; i < racing.size(); i++) {
        Pair p = racing.get(i);
        int cr = rank(p.querycap(), false);
        int tr = rank(p.gTuner(), true);
        assertTrue(cr >= capRank && tr >= tunerRank && cr >= 0 && tr >= 0,
            "while the removal runs each ioctl goes from success to ENODEV and never back;"
                + " iteration " + i + " gave " + Errno.describe(p.querycap()) + ", "
                + Errno.describe(p.gTuner()));
        capRank = cr;
        tunerRank = tr;
      }
      for (List<Pair> after : List.of(phases.after(), phases.restored())) {
        assertTrue(after.stream().allMatch(p -> p.querycap() == -Errno.ENODEV
            && p.gTuner() == -Errno.ENODEV), "after the removal both fail with ENODEV");
      }

      Au0828Dev fresh = Rig.notNull(rig.board.au0828(), "au0828 bound again");
      assertNotSame(dev, fresh);
      String freshPath = fresh.videoDevice().path();
      assertNotEquals(path, freshPath, "the old node number is held until the last close");
      assertEquals(0, task.close(fd));
      assertTrue(dev.released(), "au0828's memory goes at the last close");
      assertFalse(dev.mem().isLive());

      Task again = new Task(rig.kernel(), "video_device_test");
      int fd2 = again.open(freshPath, File.O_RDWR);
      assertTrue(fd2 >= 0, "open " + freshPath + ": " + Errno.describe(fd2));
      List<Pair> fresher = loop(again, fd2, 1, null);
      assertEquals(new Pair(0, 0, true), fresher.get(0), "the new node answers");
      assertEquals(0, again.close(fd2));
    }
  }

  @Test
  void gTunerIsBusyWhileDvbHoldsTheTunerAndSharedWhilePcmCaptureHoldsIt() throws Exception {
    try (Rig rig = Rig.boot(Target.STICK_UNPLUG)) {
      Board b = rig.board;
      Au0828Dev dev = Rig.notNull(b.au0828(), "au0828 bound");
      SndUsbChip chip = Rig.notNull(b.sndChip(), "snd-usb-audio bound");
      MediaDevice mdev = Rig.notNull(dev.mediaDevice(), "the shared media device");
      MediaPipeline dvb = new MediaPipeline();
      Task tv = new Task(rig.kernel(), "video_device_test");
      Task arecord = new Task(rig.kernel(), "arecord");
      int fd = tv.open(dev.videoDevice().path(), File.O_RDWR);
      assertTrue(fd >= 0);

      // dvb_frontend_open for read-write: enable_source(demod) under the graph mutex.
      assertEquals(0, underGraphMutex(mdev,
          () -> hooks(mdev).enableSource(dev.demodEntity(), dvb)));
      assertEquals(UsbTvStick.ROUTE_DTV, b.stick().route());
      List<Pair> busy = loop(tv, fd, CALLS, null);
      assertTrue(busy.stream().allMatch(p -> p.querycap() == 0 && p.gTuner() == -Errno.EBUSY),
          "QUERYCAP works, G_TUNER is EBUSY while DVB holds the tuner");
      // dvb_frontend_release.
      underGraphMutex(mdev, () -> {
        hooks(mdev).disableSource(dev.demodEntity());
        return 0;
      });

      // PCM capture takes the tuner at hw_params; analog video may share it.
      int pcm = arecord.open(chip.path(), File.O_RDWR);
      assertTrue(pcm >= 0);
      assertEquals(0, arecord.ioctl(pcm, SndPcm.HW_PARAMS, SndPcmHwParams.standard(4)));
      assertEquals(UsbTvStick.ROUTE_AUDIO, b.stick().route());
      List<Pair> shared = loop(tv, fd, CALLS, null);
      assertTrue(shared.stream().allMatch(p -> p.querycap() == 0 && p.gTuner() == 0
          && p.contents()), "G_TUNER shares the analog link with PCM capture: " + shared.get(0));
      assertEquals(-Errno.EBUSY, underGraphMutex(mdev,
          () -> hooks(mdev).enableSource(dev.demodEntity(), dvb)),
          "DVB cannot share with analog users");
      assertEquals(0, arecord.ioctl(pcm, SndPcm.HW_FREE, null));
      assertEquals(0, arecord.close(pcm));
      assertEquals(0, tv.close(fd));
      assertEquals(0, b.stick().tunerConflicts(), "the tuner never served two masters");
    }
  }

  @ParameterizedTest
  @EnumSource(VpuCore.Kind.class)
  void gTunerOnANodeWithoutATunerIsNotATunerIoctl(VpuCore.Kind core) throws Exception {
    try (Rig rig = Rig.boot(core == VpuCore.Kind.G1 ? Target.G1 : Target.G2)) {
      HantroDev vpu = Rig.notNull(rig.board.vpu(core), "the core is bound");
      VideoDevice node = Rig.notNull(vpu.decoderNode(), "its decoder node");
      Task task = new Task(rig.kernel(), "video_device_test");
      int fd = task.open(node.path(), File.O_RDWR);
      assertTrue(fd >= 0);
      for (int i = 0; i < CALLS; i++) {
        V4l2Capability cap = new V4l2Capability();
        assertEquals(0, task.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, cap));
        assertEquals(Target.HANTRO, cap.driver);
        V4l2Tuner t = new V4l2Tuner();
        t.name = "untouched";
        assertEquals(-Errno.ENOTTY, task.ioctl(fd, Videodev2.VIDIOC_G_TUNER, t));
        assertEquals("untouched", t.name, "nothing is copied back on an error");
      }
      assertEquals(0, task.close(fd));
    }
  }

  /**
   * Where a result of the racing phase stands: 0 success, 2 ENODEV, -1 anything else. A G_TUNER
   * that passed the registration check just before the unregister may meet a disconnecting
   * au0828 whose enable_source no longer knows the decoder (ENODEV, which v4l2-mc reports as
   * EBUSY): rank 1, allowed only between the successes and the ENODEVs.
   */
  private static int rank(int ret, boolean gTuner) {
    if (ret == 0) {
      return 0;
    }
    if (ret == -Errno.ENODEV) {
      return 2;
    }
    return gTuner && ret == -Errno.EBUSY ? 1 : -1;
  }

  private static SourceHooks hooks(MediaDevice mdev) {
    return Rig.notNull(mdev.sourceHooks(), "au0828's enable_source/disable_source");
  }

  private static int underGraphMutex(MediaDevice mdev, IntSupplier body) {
    mdev.graphMutex().lock();
    try {
      return body.getAsInt();
    } finally {
      mdev.graphMutex().unlock();
    }
  }

  /**
   * Runs QUERYCAP and G_TUNER {@code max} times, or until {@code until} opens (checked before
   * each iteration) if it is given.
   */
  private static List<Pair> loop(Task task, int fd, int max, @Nullable CountDownLatch until) {
    List<Pair> out = new ArrayList<>();
    for (int i = 0; i < max && (until == null || until.getCount() > 0); i++) {
      V4l2Capability cap = new V4l2Capability();
      int qc = task.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, cap);
      V4l2Tuner t = new V4l2Tuner();
      int gt = task.ioctl(fd, Videodev2.VIDIOC_G_TUNER, t);
      boolean contents = (qc != 0 || (Target.STICK_DRIVER.equals(cap.driver)
          && CARD.equals(cap.card)))
          && (gt != 0 || t.type == Videodev2.V4L2_TUNER_ANALOG_TV);
      out.add(new Pair(qc, gt, contents));
    }
    return out;
  }
}
