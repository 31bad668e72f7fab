package dev.medialife.v4l2.uapi;

import dev.medialife.driver.Ioc;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.v4l2.vb2.V4l2Buffer;

/** Constants of {@code include/uapi/linux/videodev2.h}. */
@KernelSymbol("videodev2.h")
public final class Videodev2 {
  /** {@code VIDIOC_QUERYCAP = _IOR('V', 0, struct v4l2_capability)}. */
  @KernelSymbol("VIDIOC_QUERYCAP")
  public static final int VIDIOC_QUERYCAP = Ioc.ior('V', 0, V4l2Capability.SIZE);

  /** {@code VIDIOC_ENUM_FMT = _IOWR('V', 2, struct v4l2_fmtdesc)}. */
  @KernelSymbol("VIDIOC_ENUM_FMT")
  public static final int VIDIOC_ENUM_FMT = Ioc.iowr('V', 2, V4l2Fmtdesc.SIZE);

  /** {@code VIDIOC_G_FMT = _IOWR('V', 4, struct v4l2_format)}. */
  @KernelSymbol("VIDIOC_G_FMT")
  public static final int VIDIOC_G_FMT = Ioc.iowr('V', 4, V4l2Format.SIZE);

  /** {@code VIDIOC_S_FMT = _IOWR('V', 5, struct v4l2_format)}. */
  @KernelSymbol("VIDIOC_S_FMT")
  public static final int VIDIOC_S_FMT = Ioc.iowr('V', 5, V4l2Format.SIZE);

  /** {@code VIDIOC_REQBUFS = _IOWR('V', 8, struct v4l2_requestbuffers)}. */
  @KernelSymbol("VIDIOC_REQBUFS")
  public static final int VIDIOC_REQBUFS = Ioc.iowr('V', 8, V4l2Requestbuffers.SIZE);

  /** {@code VIDIOC_QUERYBUF = _IOWR('V', 9, struct v4l2_buffer)}. */
  @KernelSymbol("VIDIOC_QUERYBUF")
  public static final int VIDIOC_QUERYBUF = Ioc.iowr('V', 9, V4l2Buffer.SIZE);

  /** {@code VIDIOC_QBUF = _IOWR('V', 15, struct v4l2_buffer)}. */
  @KernelSymbol("VIDIOC_QBUF")
  public static final int VIDIOC_QBUF = Ioc.iowr('V', 15, V4l2Buffer.SIZE);

  /** {@code VIDIOC_DQBUF = _IOWR('V', 17, struct v4l2_buffer)}. */
  @KernelSymbol("VIDIOC_DQBUF")
  public static final int VIDIOC_DQBUF = Ioc.iowr('V', 17, V4l2Buffer.SIZE);

  /** {@code VIDIOC_STREAMON = _IOW('V', 18, int)}. */
  @KernelSymbol("VIDIOC_STREAMON")
  public static final int VIDIOC_STREAMON = Ioc.iow('V', 18, V4l2Int.SIZE);

  /** {@code VIDIOC_STREAMOFF = _IOW('V', 19, int)}. */
  @KernelSymbol("VIDIOC_STREAMOFF")
  public static final int VIDIOC_STREAMOFF = Ioc.iow('V', 19, V4l2Int.SIZE);

  /** {@code VIDIOC_ENUMINPUT = _IOWR('V', 26, struct v4l2_input)}. */
  @KernelSymbol("VIDIOC_ENUMINPUT")
  public static final int VIDIOC_ENUMINPUT = Ioc.iowr('V', 26, V4l2Input.SIZE);

  /** {@code VIDIOC_G_TUNER = _IOWR('V', 29, struct v4l2_tuner)}. */
  @KernelSymbol("VIDIOC_G_TUNER")
  public static final int VIDIOC_G_TUNER = Ioc.iowr('V', 29, V4l2Tuner.SIZE);

  /** {@code VIDIOC_G_INPUT = _IOR('V', 38, int)}. */
  @KernelSymbol("VIDIOC_G_INPUT")
  public static final int VIDIOC_G_INPUT = Ioc.ior('V', 38, V4l2Int.SIZE);

  /** {@code VIDIOC_S_INPUT = _IOWR('V', 39, int)}. */
  @KernelSymbol("VIDIOC_S_INPUT")
  public static final int VIDIOC_S_INPUT = Ioc.iowr('V', 39, V4l2Int.SIZE);

  /** {@code VIDIOC_TRY_FMT = _IOWR('V', 64, struct v4l2_format)}. */
  @KernelSymbol("VIDIOC_TRY_FMT")
  public static final int VIDIOC_TRY_FMT = Ioc.iowr('V', 64, V4l2Format.SIZE);

  /** {@code V4L2_PIX_FMT_UYVY}: the fourcc 'UYVY', what au0828 captures. */
  @KernelSymbol("V4L2_PIX_FMT_UYVY")
  public static final int V4L2_PIX_FMT_UYVY = fourcc('U', 'Y', 'V', 'Y');

  /** {@code V4L2_PIX_FMT_YUYV}: the fourcc 'YUYV'. */
  @KernelSymbol("V4L2_PIX_FMT_YUYV")
  public static final int V4L2_PIX_FMT_YUYV = fourcc('Y', 'U', 'Y', 'V');

  /** {@code V4L2_INPUT_TYPE_TUNER}. */
  @KernelSymbol("V4L2_INPUT_TYPE_TUNER")
  public static final int V4L2_INPUT_TYPE_TUNER = 1;

  /** {@code V4L2_INPUT_TYPE_CAMERA}: any non-tuner input. */
  @KernelSymbol("V4L2_INPUT_TYPE_CAMERA")
  public static final int V4L2_INPUT_TYPE_CAMERA = 2;

  /** {@code V4L2_TUNER_ANALOG_TV}. */
  @KernelSymbol("V4L2_TUNER_ANALOG_TV")
  public static final int V4L2_TUNER_ANALOG_TV = 2;

  /** {@code V4L2_BUF_CAP_SUPPORTS_MMAP}. */
  @KernelSymbol("V4L2_BUF_CAP_SUPPORTS_MMAP")
  public static final int V4L2_BUF_CAP_SUPPORTS_MMAP = 1 << 0;

  /** {@code V4L2_BUF_CAP_SUPPORTS_USERPTR}. */
  @KernelSymbol("V4L2_BUF_CAP_SUPPORTS_USERPTR")
  public static final int V4L2_BUF_CAP_SUPPORTS_USERPTR = 1 << 1;

  /** {@code V4L2_BUF_CAP_SUPPORTS_DMABUF}. */
  @KernelSymbol("V4L2_BUF_CAP_SUPPORTS_DMABUF")
  public static final int V4L2_BUF_CAP_SUPPORTS_DMABUF = 1 << 2;

  /**
   * {@code v4l2_fourcc}: four characters, the first in the low byte.
   *
   * @param a the first character
   * @param b the second
   * @param c the third
   * @param d the fourth
   * @return the code
   */
  @KernelSymbol("v4l2_fourcc")
  public static int fourcc(char a, char b, char c, char d) {
    return (a & 0xff) | (b & 0xff) << 8 | (c & 0xff) << 16 | (d & 0xff) << 24;
  }

  /** {@code V4L2_CAP_VIDEO_CAPTURE}. */
  @KernelSymbol("V4L2_CAP_VIDEO_CAPTURE")
  public static final int V4L2_CAP_VIDEO_CAPTURE = 0x00000001;

  /** {@code V4L2_CAP_VIDEO_OUTPUT}. */
  @KernelSymbol("V4L2_CAP_VIDEO_OUTPUT")
  public static final int V4L2_CAP_VIDEO_OUTPUT = 0x00000002;

  /** {@code V4L2_CAP_VBI_CAPTURE}. */
  @KernelSymbol("V4L2_CAP_VBI_CAPTURE")
  public static final int V4L2_CAP_VBI_CAPTURE = 0x00000010;

  /** {@code V4L2_CAP_VIDEO_M2M}. */
  @KernelSymbol("V4L2_CAP_VIDEO_M2M")
  public static final int V4L2_CAP_VIDEO_M2M = 0x00008000;

  /** {@code V4L2_CAP_TUNER}. */
  @KernelSymbol("V4L2_CAP_TUNER")
  public static final int V4L2_CAP_TUNER = 0x00010000;

  /** {@code V4L2_CAP_RADIO}. */
  @KernelSymbol("V4L2_CAP_RADIO")
  public static final int V4L2_CAP_RADIO = 0x00040000;

  /** {@code V4L2_CAP_EXT_PIX_FORMAT}: added by the core to every QUERYCAP answer. */
  @KernelSymbol("V4L2_CAP_EXT_PIX_FORMAT")
  public static final int V4L2_CAP_EXT_PIX_FORMAT = 0x00200000;

  /** {@code V4L2_CAP_READWRITE}. */
  @KernelSymbol("V4L2_CAP_READWRITE")
  public static final int V4L2_CAP_READWRITE = 0x01000000;

  /** {@code V4L2_CAP_STREAMING}. */
  @KernelSymbol("V4L2_CAP_STREAMING")
  public static final int V4L2_CAP_STREAMING = 0x04000000;

  /** {@code V4L2_CAP_DEVICE_CAPS}: the device_caps field is valid. */
  @KernelSymbol("V4L2_CAP_DEVICE_CAPS")
  public static final int V4L2_CAP_DEVICE_CAPS = 0x80000000;

  private Videodev2() {}
}
