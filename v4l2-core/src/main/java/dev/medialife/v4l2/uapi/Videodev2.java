package dev.medialife.v4l2.uapi;

import dev.medialife.driver.Ioc;
import dev.medialife.kernel.meta.KernelSymbol;

/** Constants of {@code include/uapi/linux/videodev2.h}. */
@KernelSymbol("videodev2.h")
public final class Videodev2 {
  /** {@code VIDIOC_QUERYCAP = _IOR('V', 0, struct v4l2_capability)}. */
  @KernelSymbol("VIDIOC_QUERYCAP")
  public static final int VIDIOC_QUERYCAP = Ioc.ior('V', 0, V4l2Capability.SIZE);

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
