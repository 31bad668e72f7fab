package dev.medialife.drivers.hantro;

import static dev.medialife.drivers.hantro.HantroBed.G1;
import static dev.medialife.drivers.hantro.HantroBed.G2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.hw.imx8m.Imx8mSoc;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.fault.FaultSweep;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2Fmtdesc;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ENUM_FMT, G/S/TRY_FMT on the decoder nodes: the codecs per core and the kernel's errnos. */
@Sanitized
@Timeout(60)
class HantroFormatTest {
  private static final int OUT = Vb2Queue.TYPE_VIDEO_OUTPUT;
  private static final int CAP = Vb2Queue.TYPE_VIDEO_CAPTURE;

  private static int open(HantroBed bed, Task t, VpuCore.Kind kind) {
    VideoDevice v = bed.vpu(kind).decoderNode();
    assertNotNull(v);
    int fd = t.open(v.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    return fd;
  }

  private static List<Integer> enumerate(Task t, int fd, int type) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; ; i++) {
      V4l2Fmtdesc d = new V4l2Fmtdesc();
      d.type = type;
      d.index = i;
      int ret = t.ioctl(fd, Videodev2.VIDIOC_ENUM_FMT, d);
      if (ret != 0) {
        assertEquals(-Errno.EINVAL, ret, "past the last format");
        return out;
      }
      out.add(d.pixelformat);
    }
  }

  private static V4l2Format fmt(int type, int fourcc, int w, int h) {
    V4l2Format f = new V4l2Format();
    f.type = type;
    f.pixelformat = fourcc;
    f.width = w;
    f.height = h;
    return f;
  }

  /** QUERYCAP names the driver and the node; the core reports the m2m streaming caps. */
  @Test
  void querycapNamesTheDriverAndTheNode() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      Task t = new Task(bed.kernel, "v4l2-ctl");
      for (VpuCore.Kind kind : VpuCore.Kind.values()) {
        int fd = open(bed, t, kind);
        V4l2Capability cap = new V4l2Capability();
        assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, cap));
        assertEquals(HantroDriver.NAME, cap.driver);
        VideoDevice v = bed.vpu(kind).decoderNode();
        assertNotNull(v);
        assertEquals(v.name(), cap.card);
        assertEquals(Videodev2.V4L2_CAP_VIDEO_M2M | Videodev2.V4L2_CAP_STREAMING
            | Videodev2.V4L2_CAP_EXT_PIX_FORMAT, cap.deviceCaps, "v4l_querycap adds EXT_PIX_FORMAT");
        assertEquals(0, t.close(fd));
      }
    }
  }

  @Test
  void g1DecodesH264Mpeg2Vp8AndG2HevcVp9() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      Task t = new Task(bed.kernel, "fmt");
      int f1 = open(bed, t, G1);
      int f2 = open(bed, t, G2);
      assertEquals(List.of(HantroCodec.H264.fourcc(), HantroCodec.MPEG2.fourcc(),
          HantroCodec.VP8.fourcc()), enumerate(t, f1, OUT));
      assertEquals(List.of(HantroCodec.HEVC.fourcc(), HantroCodec.VP9.fourcc()),
          enumerate(t, f2, OUT));
      assertEquals(List.of(HantroCodec.NV12), enumerate(t, f1, CAP));
      V4l2Fmtdesc bad = new V4l2Fmtdesc();
      bad.type = OUT;
      bad.index = -1;
      assertEquals(-Errno.EINVAL, t.ioctl(f1, Videodev2.VIDIOC_ENUM_FMT, bad));
      assertEquals(0, t.close(f1));
      assertEquals(0, t.close(f2));
    }
  }

  @Test
  void tryAndSetAdjustLikeTheKernelAndRefuseWhileBuffersExist() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      Task t = new Task(bed.kernel, "fmt");
      int fd = open(bed, t, G2);
      V4l2Format g = fmt(OUT, 0, 0, 0);
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_G_FMT, g));
      assertEquals(HantroCodec.HEVC.fourcc(), g.pixelformat, "the default coded format");
      // An H.264 stream on G2: TRY_FMT falls back to the default codec; sizes clamp and align.
      V4l2Format tr = fmt(OUT, HantroCodec.H264.fourcc(), 10, 100_000);
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_TRY_FMT, tr));
      assertEquals(HantroCodec.HEVC.fourcc(), tr.pixelformat);
      assertEquals(HantroCodec.MIN_SIDE, tr.width);
      assertEquals(2304, tr.height);
      V4l2Format h264 = fmt(OUT, HantroCodec.H264.fourcc(), 64, 64);
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_S_FMT, h264));
      assertEquals(HantroCodec.HEVC.fourcc(), h264.pixelformat, "S_FMT adjusts to the default");
      V4l2Format s = fmt(OUT, HantroCodec.VP9.fourcc(), 1921, 1080);
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_S_FMT, s));
      assertEquals(1936, s.width, "aligned to 16");
      assertEquals(1088, s.height);
      V4l2Format cap = fmt(CAP, 0, 0, 0);
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_G_FMT, cap));
      assertEquals(HantroCodec.NV12, cap.pixelformat);
      assertEquals(1936, cap.width, "the decoded size follows the coded one");
      assertEquals(1936 * 1088 * 3 / 2, cap.sizeimage);
      V4l2Format tc = fmt(CAP, HantroCodec.HEVC.fourcc(), 64, 64);
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_TRY_FMT, tc));
      assertEquals(HantroCodec.NV12, tc.pixelformat);
      assertEquals(1936, tc.width);
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_S_FMT, fmt(CAP, HantroCodec.NV12, 1, 1)));
      V4l2Requestbuffers p = new V4l2Requestbuffers();
      p.type = OUT;
      p.memory = Vb2Queue.MEMORY_MMAP;
      p.count = 2;
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_REQBUFS, p));
      assertEquals(-Errno.EBUSY, t.ioctl(fd, Videodev2.VIDIOC_S_FMT, fmt(OUT,
          HantroCodec.HEVC.fourcc(), 64, 64)), "another codec with OUTPUT buffers");
      // A resolution change keeps the codec: allowed with OUTPUT buffers, and it resets the
      // decoded format.
      V4l2Format smaller = fmt(OUT, HantroCodec.VP9.fourcc(), 640, 480);
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_S_FMT, smaller));
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_G_FMT, cap));
      assertEquals(640, cap.width, "the decoded format was reset to the new coded size");
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_STREAMON, HantroBed.type(OUT)));
      assertEquals(-Errno.EBUSY, t.ioctl(fd, Videodev2.VIDIOC_S_FMT, fmt(OUT,
          HantroCodec.VP9.fourcc(), 1280, 720)), "not while streaming");
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_STREAMOFF, HantroBed.type(OUT)));
      p.type = CAP;
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_REQBUFS, p));
      assertEquals(-Errno.EBUSY, t.ioctl(fd, Videodev2.VIDIOC_S_FMT, fmt(CAP,
          HantroCodec.NV12, 64, 64)));
      assertEquals(-Errno.EBUSY, t.ioctl(fd, Videodev2.VIDIOC_S_FMT, fmt(OUT,
          HantroCodec.VP9.fourcc(), 1280, 720)), "the CAPTURE queue it would reset has buffers");
      V4l2Format unknown = fmt(99, 0, 0, 0);
      assertEquals(-Errno.EINVAL, t.ioctl(fd, Videodev2.VIDIOC_S_FMT, unknown));
      assertEquals(0, t.close(fd));
    }
  }

  /** A fault sweep over open: each failure is a clean errno and leaks nothing. */
  @Test
  void faultSweepOverOpen() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      Task t = new Task(bed.kernel, "sweep");
      VideoDevice v = bed.vpu(G1).decoderNode();
      assertNotNull(v);
      FaultSweep.Result r =
          FaultSweep.run("hantro_open", () -> t.open(v.path(), File.O_RDWR),
              fd -> assertEquals(0, t.close(fd)));
      assertTrue(r.baseline().result() >= 0);
      int injected = 0;
      for (FaultSweep.Step s : r.steps()) {
        if (!s.point().isEmpty()) {
          injected++;
          assertTrue(s.failedCleanly(), s.toString());
        }
      }
      assertTrue(injected >= 3, "fh, context and m2m context allocations: " + r.points());
    }
  }

  @Test
  void variantsAndCodecsDescribeThemselves() {
    assertSame(HantroCodec.VP8, HantroVariant.IMX8MQ_G1.find(HantroCodec.VP8.fourcc()));
    assertNull(HantroVariant.IMX8MQ_G1.find(HantroCodec.HEVC.fourcc()));
    assertEquals(HantroCodec.Core.G2, HantroCodec.VP9.core());
    assertEquals(0xd, HantroCodec.VP9.mode());
    assertTrue(HantroVariant.IMX8MQ_COMBINED.deprecated());
    assertNull(HantroVariant.IMX8MQ_COMBINED.sharedDevices());
    assertSame(HantroVariant.IMX8MQ_SHARED, HantroVariant.IMX8MQ_G2.sharedDevices());
    assertEquals(5, HantroVariant.OF_MATCH.size());
    V4l2Format f = fmt(OUT, HantroCodec.MPEG2.fourcc(), 4000, 4000);
    assertEquals(0, HantroDriver.tryFmt(HantroVariant.IMX8MM_G1, f, true));
    assertEquals(1920, f.width);
    assertEquals(1088, f.height);
  }
}
