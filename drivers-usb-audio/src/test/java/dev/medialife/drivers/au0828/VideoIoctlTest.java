package dev.medialife.drivers.au0828;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.FileOperations;
import dev.medialife.driver.Task;
import dev.medialife.hw.usbtv.UsbTvStick;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaPipeline;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2Fmtdesc;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.V4l2Input;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.V4l2Tuner;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The au0828 capture node's ioctls, and stream start refused while DVB holds the tuner. */
@Sanitized
@Timeout(60)
class VideoIoctlTest {
  private final StickBed bed = new StickBed().up();
  private final Task vt = new Task(bed.kernel, "v4l2-ctl");

  @AfterEach
  void down() {
    vt.exit();
    bed.down();
    assertEquals(0, bed.video.live());
  }

  @Test
  void formatsInputsAndTunerAnswerAsTheCardHasThem() {
    int fd = bed.openVideo(vt);
    V4l2Capability cap = new V4l2Capability();
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, cap));
    assertEquals(Au0828Dev.NAME, cap.driver);
    assertTrue((cap.capabilities & Videodev2.V4L2_CAP_TUNER) != 0);
    V4l2Fmtdesc d = new V4l2Fmtdesc();
    d.type = Vb2Queue.TYPE_VIDEO_CAPTURE;
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_ENUM_FMT, d));
    assertEquals(Videodev2.V4L2_PIX_FMT_UYVY, d.pixelformat);
    d.index = 1;
    assertEquals(-Errno.EINVAL, vt.ioctl(fd, Videodev2.VIDIOC_ENUM_FMT, d));
    V4l2Format f = new V4l2Format();
    f.type = Vb2Queue.TYPE_VIDEO_CAPTURE;
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_G_FMT, f));
    assertEquals(720, f.width);
    f.width = 100;
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_TRY_FMT, f));
    assertEquals(720, f.width, "the decoder has one size");
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_S_FMT, f));
    for (int i = 0; i < 3; i++) {
      V4l2Input in = new V4l2Input();
      in.index = i;
      assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_ENUMINPUT, in));
      assertEquals(i == 0 ? Videodev2.V4L2_INPUT_TYPE_TUNER : Videodev2.V4L2_INPUT_TYPE_CAMERA,
          in.type);
    }
    V4l2Input bad = new V4l2Input();
    bad.index = 3;
    assertEquals(-Errno.EINVAL, vt.ioctl(fd, Videodev2.VIDIOC_ENUMINPUT, bad),
        "the HVR-950Q's fourth input slot is undefined");
    bad.index = 4;
    assertEquals(-Errno.EINVAL, vt.ioctl(fd, Videodev2.VIDIOC_ENUMINPUT, bad));
    bad.index = -1;
    assertEquals(-Errno.EINVAL, vt.ioctl(fd, Videodev2.VIDIOC_ENUMINPUT, bad));
    assertEquals(-Errno.EINVAL, vt.ioctl(fd, Videodev2.VIDIOC_S_INPUT, new V4l2Int(-1)));
    V4l2Tuner t = new V4l2Tuner();
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_G_TUNER, t));
    assertEquals(0xffff, t.signal, "TV input: the tuner has a signal");
    t.index = 1;
    assertEquals(-Errno.EINVAL, vt.ioctl(fd, Videodev2.VIDIOC_G_TUNER, t));

    StickBed.streamOn(vt, fd, 2);
    assertEquals(-Errno.EBUSY, vt.ioctl(fd, Videodev2.VIDIOC_S_FMT, f), "not while streaming");
    assertEquals(0, vt.poll(fd, FileOperations.POLLIN, 0), "nothing captured yet");
    assertTrue(bed.stick.frame());
    assertEquals(FileOperations.POLLIN, vt.poll(fd, FileOperations.POLLIN, 0));
    assertEquals(0, vt.close(fd));
  }

  @Test
  void streamStartIsRefusedWhileDvbHoldsTheTunerAndTheBuffersComeBack() {
    MediaPipeline dvb = new MediaPipeline();
    bed.mdev().graphMutex().lock();
    try {
      assertEquals(0, StickBed.notNull(bed.mdev().sourceHooks())
          .enableSource(bed.dev().demodEntity(), dvb));
    } finally {
      bed.mdev().graphMutex().unlock();
    }
    int fd = bed.openVideo(vt);
    V4l2Requestbuffers r = new V4l2Requestbuffers();
    r.count = 2;
    r.type = StickBed.CAP;
    r.memory = StickBed.MMAP;
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_REQBUFS, r));
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_QBUF, StickBed.buf(0)));
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_QBUF, StickBed.buf(1)));
    assertEquals(-Errno.EBUSY, vt.ioctl(fd, Videodev2.VIDIOC_STREAMON, new V4l2Int(StickBed.CAP)));
    Vb2Queue q = bed.dev().queue();
    assertEquals(0, q.ownedByDriver(), "start_streaming gave its buffers back");
    V4l2Buffer b = StickBed.buf(0);
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_QUERYBUF, b));
    assertEquals(V4l2Buffer.FLAG_QUEUED, b.flags & V4l2Buffer.FLAG_QUEUED);
    assertEquals(UsbTvStick.ROUTE_DTV, bed.stick.route());
    assertEquals(0, bed.stick.tunerConflicts());
    bed.mdev().graphMutex().lock();
    try {
      StickBed.notNull(bed.mdev().sourceHooks()).disableSource(bed.dev().demodEntity());
    } finally {
      bed.mdev().graphMutex().unlock();
    }
    assertNull(bed.dev().source().owner());
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_STREAMON, new V4l2Int(StickBed.CAP)));
    assertTrue(bed.stick.frame());
    assertEquals(0, vt.ioctl(fd, Videodev2.VIDIOC_DQBUF, StickBed.buf(-1)));
    assertEquals(0, vt.close(fd));
  }
}
