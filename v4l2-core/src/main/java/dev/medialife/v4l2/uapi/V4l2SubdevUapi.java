package dev.medialife.v4l2.uapi;

import dev.medialife.driver.Ioc;
import dev.medialife.kernel.meta.KernelSymbol;

/** Constants of {@code include/uapi/linux/v4l2-subdev.h}: the sub-device node's commands. */
@KernelSymbol("v4l2-subdev.h")
public final class V4l2SubdevUapi {
  /** {@code V4L2_SUBDEV_FORMAT_TRY}: the file handle's own, negotiation-only configuration. */
  @KernelSymbol("V4L2_SUBDEV_FORMAT_TRY")
  public static final int V4L2_SUBDEV_FORMAT_TRY = 0;

  /** {@code V4L2_SUBDEV_FORMAT_ACTIVE}: the configuration applied to the device. */
  @KernelSymbol("V4L2_SUBDEV_FORMAT_ACTIVE")
  public static final int V4L2_SUBDEV_FORMAT_ACTIVE = 1;

  /** {@code V4L2_SUBDEV_CAP_RO_SUBDEV}: the node was registered read-only. */
  @KernelSymbol("V4L2_SUBDEV_CAP_RO_SUBDEV")
  public static final int V4L2_SUBDEV_CAP_RO_SUBDEV = 0x1;

  /** {@code VIDIOC_SUBDEV_QUERYCAP = _IOR('V', 0, struct v4l2_subdev_capability)}. */
  @KernelSymbol("VIDIOC_SUBDEV_QUERYCAP")
  public static final int VIDIOC_SUBDEV_QUERYCAP = Ioc.ior('V', 0, V4l2SubdevCapability.SIZE);

  /** {@code VIDIOC_SUBDEV_ENUM_MBUS_CODE = _IOWR('V', 2, struct v4l2_subdev_mbus_code_enum)}. */
  @KernelSymbol("VIDIOC_SUBDEV_ENUM_MBUS_CODE")
  public static final int VIDIOC_SUBDEV_ENUM_MBUS_CODE =
      Ioc.iowr('V', 2, V4l2SubdevMbusCodeEnum.SIZE);

  /** {@code VIDIOC_SUBDEV_G_FMT = _IOWR('V', 4, struct v4l2_subdev_format)}. */
  @KernelSymbol("VIDIOC_SUBDEV_G_FMT")
  public static final int VIDIOC_SUBDEV_G_FMT = Ioc.iowr('V', 4, V4l2SubdevFormat.SIZE);

  /** {@code VIDIOC_SUBDEV_S_FMT = _IOWR('V', 5, struct v4l2_subdev_format)}. */
  @KernelSymbol("VIDIOC_SUBDEV_S_FMT")
  public static final int VIDIOC_SUBDEV_S_FMT = Ioc.iowr('V', 5, V4l2SubdevFormat.SIZE);

  /** {@code MEDIA_BUS_FMT_SRGGB10_1X10}: 10-bit raw Bayer, one sample per bus cycle. */
  @KernelSymbol("MEDIA_BUS_FMT_SRGGB10_1X10")
  public static final int MEDIA_BUS_FMT_SRGGB10_1X10 = 0x300f;

  /** {@code MEDIA_BUS_FMT_SRGGB8_1X8}: 8-bit raw Bayer. */
  @KernelSymbol("MEDIA_BUS_FMT_SRGGB8_1X8")
  public static final int MEDIA_BUS_FMT_SRGGB8_1X8 = 0x3014;

  private V4l2SubdevUapi() {}
}
