package dev.medialife.it.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.cli.Board;
import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.drivers.au0828.Au0828Dev;
import dev.medialife.drivers.hantro.HantroCodec;
import dev.medialife.drivers.hantro.HantroDev;
import dev.medialife.drivers.usbaudio.SndPcm;
import dev.medialife.drivers.usbaudio.SndPcmHwParams;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.it.Decoding;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaDevnode;
import dev.medialife.mc.MediaPipeline;
import dev.medialife.mc.SourceHooks;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.V4l2Tuner;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12, item 5: what one user does never reaches another's objects. Every test boots the
 * default board (i.MX8MQ with G1 and G2, and the USB TV stick) under the sanitizers, so a stray
 * reference or a leak fails it too.
 */
@Sanitized
@Timeout(120)
class IsolationTest {
  private static final int OUT = Vb2Queue.TYPE_VIDEO_OUTPUT;
  private static final int CAP = Vb2Queue.TYPE_VIDEO_CAPTURE;
  private static final int MMAP = Vb2Queue.MEMORY_MMAP;

  private static String mediaPath(Board board) {
    MediaDevice m = board.mediaDevices().get(0);
    MediaDevnode node = m.devnode();
    assertNotNull(node);
    return node.path();
  }

  private static String decoderPath(Board board, VpuCore.Kind core) {
    HantroDev vpu = board.vpu(core);
    assertNotNull(vpu);
    VideoDevice node = vpu.decoderNode();
    assertNotNull(node);
    return node.path();
  }

  private static int deviceInfo(Task t, int fd) {
    return t.ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, new MediaDeviceInfo());
  }

  /** An fd number is an index into its own task's table: another task's same number is EBADF. */
  @Test
  void anFdMeansNothingInAnotherTask() throws Exception {
    try (Board board = Board.boot(Board.Kind.DEFAULT)) {
      Task owner = new Task(board.kernel(), "owner");
      Task other = new Task(board.kernel(), "other");
      int fd = owner.open(mediaPath(board), File.O_RDWR);
      assertTrue(fd >= 0, Errno.describe(fd));
      assertEquals(0, deviceInfo(owner, fd));
      assertEquals(-Errno.EBADF, deviceInfo(other, fd), "the number is not open in this task");
      assertEquals(-Errno.EBADF, other.close(fd), "and cannot be closed from it");
      // The other task gets the same number for a file of its own: it reaches that file only.
      int otherFd = other.open(decoderPath(board, VpuCore.Kind.G1), File.O_RDWR);
      assertEquals(fd, otherFd, "lowest free number in each task");
      assertEquals(-Errno.ENOTTY, deviceInfo(other, otherFd), "a video node, not the media node");
      assertEquals(0, other.ioctl(otherFd, Videodev2.VIDIOC_QUERYCAP, new V4l2Capability()));
      assertEquals(0, deviceInfo(owner, fd), "the owner's file is untouched");
      assertEquals(1, owner.exit(), "exit closes the one file each task still has");
      assertEquals(1, other.exit());
    }
  }

  /** After close the number is dead; reused by a later open, it reaches only the new file. */
  @Test
  void aClosedFdCannotReachItsOldFile() throws Exception {
    try (Board board = Board.boot(Board.Kind.DEFAULT)) {
      Task t = new Task(board.kernel(), "app");
      int fd = t.open(mediaPath(board), File.O_RDWR);
      assertTrue(fd >= 0, Errno.describe(fd));
      assertEquals(0, t.close(fd));
      assertEquals(-Errno.EBADF, deviceInfo(t, fd));
      assertEquals(-Errno.EBADF, t.read(fd, new byte[16]));
      assertEquals(-Errno.EBADF, t.close(fd), "closing twice");
      int reused = t.open(decoderPath(board, VpuCore.Kind.G2), File.O_RDWR);
      assertEquals(fd, reused, "the number is reused");
      assertEquals(-Errno.ENOTTY, deviceInfo(t, reused), "the old media file is out of reach");
      V4l2Capability cap = new V4l2Capability();
      assertEquals(0, t.ioctl(reused, Videodev2.VIDIOC_QUERYCAP, cap));
      assertEquals("hantro-vpu", cap.driver);
      assertEquals(1, t.exit());
    }
  }

  /** One decoder session's record of what it got back. */
  private record Session(String path, HantroCodec codec, long base, List<Long> stamps) {}

  /**
   * Four contexts on the scheduler G1 and G2 share (two per core) decode at once, each stamping
   * its bitstream buffers from its own range; the decoder copies the stamp into the decoded
   * frame. Every frame a context dequeues carries one of its own stamps, in order, and none is
   * missing: no context ever received another's buffer.
   */
  @Test
  void anM2mContextOnlyEverGetsItsOwnBuffers() throws Exception {
    int frames = 16;
    try (Board board = Board.boot(Board.Kind.DEFAULT)) {
      List<Session> sessions = List.of(
          new Session(decoderPath(board, VpuCore.Kind.G1), HantroCodec.H264, 1_000_000,
              new ArrayList<>()),
          new Session(decoderPath(board, VpuCore.Kind.G1), HantroCodec.H264, 2_000_000,
              new ArrayList<>()),
          new Session(decoderPath(board, VpuCore.Kind.G2), HantroCodec.HEVC, 3_000_000,
              new ArrayList<>()),
          new Session(decoderPath(board, VpuCore.Kind.G2), HantroCodec.HEVC, 4_000_000,
              new ArrayList<>()));
      CyclicBarrier streaming = new CyclicBarrier(sessions.size());
      List<Thread> threads = new ArrayList<>();
      List<AtomicReference<String>> failures = new ArrayList<>();
      for (Session s : sessions) {
        AtomicReference<String> failure = new AtomicReference<>("did not finish");
        failures.add(failure);
        Task t = new Task(board.kernel(), "dec-" + s.base());
        threads.add(Sync.start(t.comm(), () -> {
          failure.set(decode(t, s, frames, streaming));
          t.exit();
        }));
      }
      for (Thread th : threads) {
        Sync.join(th);
      }
      for (int i = 0; i < sessions.size(); i++) {
        Session s = sessions.get(i);
        assertEquals("", failures.get(i).get(), s.toString());
        List<Long> want = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
          want.add(s.base() + f);
        }
        assertEquals(want, s.stamps(), "context " + s.base() + " got exactly its own frames");
      }
      assertEquals(0, board.hantro().metrics().snapshot().overlaps());
    }
  }

  /** Runs one session; returns "" or what went wrong. */
  private static String decode(Task t, Session s, int frames, CyclicBarrier streaming) {
    int fd = t.open(s.path(), File.O_RDWR);
    if (fd < 0) {
      return "open " + Errno.describe(fd);
    }
    int ret = Decoding.start(t, fd, s.codec(), 2);
    if (ret < 0) {
      return "setup " + Errno.describe(ret);
    }
    try {
      streaming.await(Sync.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      return "barrier " + e;
    }
    int next = 0;
    for (; next < 2; next++) {
      ret = queue(t, fd, next, s.base() + next);
      if (ret < 0) {
        return "QBUF " + Errno.describe(ret);
      }
    }
    for (int done = 0; done < frames; done++) {
      V4l2Buffer cap = new V4l2Buffer(0, CAP, MMAP);
      ret = t.ioctl(fd, Videodev2.VIDIOC_DQBUF, cap);
      ret = ret < 0 ? ret : t.ioctl(fd, Videodev2.VIDIOC_DQBUF, new V4l2Buffer(0, OUT, MMAP));
      if (ret < 0) {
        return "DQBUF " + Errno.describe(ret);
      }
      s.stamps().add(cap.timestamp);
      if (next < frames) {
        ret = queue(t, fd, cap.index, s.base() + next++);
        if (ret < 0) {
          return "QBUF " + Errno.describe(ret);
        }
      }
    }
    ret = t.ioctl(fd, Videodev2.VIDIOC_STREAMOFF, new V4l2Int(OUT));
    ret = ret < 0 ? ret : t.ioctl(fd, Videodev2.VIDIOC_STREAMOFF, new V4l2Int(CAP));
    ret = ret < 0 ? ret : t.close(fd);
    return ret < 0 ? "teardown " + Errno.describe(ret) : "";
  }

  private static int queue(Task t, int fd, int index, long stamp) {
    int ret = t.ioctl(fd, Videodev2.VIDIOC_QBUF, new V4l2Buffer(index, CAP, MMAP));
    V4l2Buffer out = new V4l2Buffer(index, OUT, MMAP);
    out.bytesused = 4096;
    out.timestamp = stamp;
    return ret < 0 ? ret : t.ioctl(fd, Videodev2.VIDIOC_QBUF, out);
  }

  /**
   * The tuner has one owner at a time (au0828's enable_source, reference §4.6). arecord takes it
   * with HW_PARAMS; the TV viewer may join that analog route (audio and analog video are the one
   * sharing the kernel allows), but a DVB frontend opened now is refused with EBUSY, and once it
   * owns the tuner, audio and analog video are refused in turn. The stick never sees the analog
   * and the digital route driven at once.
   */
  @Test
  void nobodyDrivesTheTunerWhileAnotherRouteHoldsIt() throws Exception {
    try (Board board = Board.boot(Board.Kind.USBTV)) {
      Au0828Dev dev = board.au0828();
      SndUsbChip chip = board.sndChip();
      assertNotNull(dev);
      assertNotNull(chip);
      MediaDevice mdev = dev.mediaDevice();
      assertNotNull(mdev);
      MediaPipeline dvbPipe = new MediaPipeline();
      Task arecord = new Task(board.kernel(), "arecord");
      Task tvtime = new Task(board.kernel(), "tvtime");
      try {
        int afd = arecord.open(chip.path(), File.O_RDWR);
        int vfd = tvtime.open(dev.videoDevice().path(), File.O_RDWR);
        assertTrue(afd >= 0 && vfd >= 0);
        assertEquals(0, arecord.ioctl(afd, SndPcm.HW_PARAMS, SndPcmHwParams.standard(4)));
        assertEquals(0, tvtime.ioctl(vfd, Videodev2.VIDIOC_G_TUNER, new V4l2Tuner()),
            "analog video shares audio's route");
        assertEquals(-Errno.EBUSY, dvbOpen(mdev, dev, dvbPipe), "DVB waits for the analog users");
        assertEquals(0, arecord.ioctl(afd, SndPcm.HW_FREE, null));
        assertEquals(0, tvtime.close(vfd), "the viewer leaves too");
        assertEquals(0, dvbOpen(mdev, dev, dvbPipe), "the tuner is free: DVB takes it");
        assertEquals(-Errno.EBUSY,
            arecord.ioctl(afd, SndPcm.HW_PARAMS, SndPcmHwParams.standard(4)), "audio waits");
        int vfd2 = tvtime.open(dev.videoDevice().path(), File.O_RDWR);
        assertEquals(-Errno.EBUSY, tvtime.ioctl(vfd2, Videodev2.VIDIOC_G_TUNER, new V4l2Tuner()),
            "and so does analog video");
        assertEquals(0, board.stick().tunerConflicts(), "never analog and digital at once");
        dvbRelease(mdev, dev);
      } finally {
        tvtime.exit();
        arecord.exit();
      }
    }
  }

  /** dvb_frontend_open read-write: enable_source(demod) under the graph mutex. */
  private static int dvbOpen(MediaDevice mdev, Au0828Dev dev, MediaPipeline pipe) {
    mdev.graphMutex().lock();
    try {
      SourceHooks h = mdev.sourceHooks();
      assertNotNull(h);
      return h.enableSource(dev.demodEntity(), pipe);
    } finally {
      mdev.graphMutex().unlock();
    }
  }

  /** dvb_frontend_release: disable_source(demod) under the graph mutex. */
  private static void dvbRelease(MediaDevice mdev, Au0828Dev dev) {
    mdev.graphMutex().lock();
    try {
      SourceHooks h = mdev.sourceHooks();
      assertNotNull(h);
      h.disableSource(dev.demodEntity());
    } finally {
      mdev.graphMutex().unlock();
    }
  }
}
