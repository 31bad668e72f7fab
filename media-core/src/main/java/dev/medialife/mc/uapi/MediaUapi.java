package dev.medialife.mc.uapi;

import dev.medialife.driver.Ioc;
import dev.medialife.kernel.meta.KernelSymbol;

/** Constants of {@code include/uapi/linux/media.h}. */
@KernelSymbol("include/uapi/linux/media.h")
public final class MediaUapi {
  private MediaUapi() {}

  /** The ioctl type character of the media controller. */
  private static final char TYPE = '|';

  /** {@code MEDIA_IOC_DEVICE_INFO}. */
  @KernelSymbol("MEDIA_IOC_DEVICE_INFO")
  public static final int MEDIA_IOC_DEVICE_INFO = Ioc.iowr(TYPE, 0x00, MediaDeviceInfo.SIZE);

  /** {@code MEDIA_IOC_ENUM_ENTITIES}. */
  @KernelSymbol("MEDIA_IOC_ENUM_ENTITIES")
  public static final int MEDIA_IOC_ENUM_ENTITIES = Ioc.iowr(TYPE, 0x01, MediaEntityDesc.SIZE);

  /** {@code MEDIA_IOC_ENUM_LINKS}. */
  @KernelSymbol("MEDIA_IOC_ENUM_LINKS")
  public static final int MEDIA_IOC_ENUM_LINKS = Ioc.iowr(TYPE, 0x02, MediaLinksEnum.SIZE);

  /** {@code MEDIA_IOC_SETUP_LINK}. */
  @KernelSymbol("MEDIA_IOC_SETUP_LINK")
  public static final int MEDIA_IOC_SETUP_LINK = Ioc.iowr(TYPE, 0x03, MediaLinkDesc.SIZE);

  /** {@code MEDIA_IOC_G_TOPOLOGY}. */
  @KernelSymbol("MEDIA_IOC_G_TOPOLOGY")
  public static final int MEDIA_IOC_G_TOPOLOGY = Ioc.iowr(TYPE, 0x04, MediaV2Topology.SIZE);

  // Entity functions.
  /** {@code MEDIA_ENT_F_BASE}. */
  @KernelSymbol("MEDIA_ENT_F_BASE")
  public static final int MEDIA_ENT_F_BASE = 0x00000000;

  /** {@code MEDIA_ENT_F_OLD_BASE}. */
  @KernelSymbol("MEDIA_ENT_F_OLD_BASE")
  public static final int MEDIA_ENT_F_OLD_BASE = 0x00010000;

  /** {@code MEDIA_ENT_F_OLD_SUBDEV_BASE}. */
  @KernelSymbol("MEDIA_ENT_F_OLD_SUBDEV_BASE")
  public static final int MEDIA_ENT_F_OLD_SUBDEV_BASE = 0x00020000;

  /** {@code MEDIA_ENT_F_UNKNOWN}: an entity whose function is not set (a driver bug). */
  @KernelSymbol("MEDIA_ENT_F_UNKNOWN")
  public static final int MEDIA_ENT_F_UNKNOWN = MEDIA_ENT_F_BASE;

  /** {@code MEDIA_ENT_F_V4L2_SUBDEV_UNKNOWN}. */
  @KernelSymbol("MEDIA_ENT_F_V4L2_SUBDEV_UNKNOWN")
  public static final int MEDIA_ENT_F_V4L2_SUBDEV_UNKNOWN = MEDIA_ENT_F_OLD_SUBDEV_BASE;

  /** {@code MEDIA_ENT_F_DTV_DEMOD}. */
  @KernelSymbol("MEDIA_ENT_F_DTV_DEMOD")
  public static final int MEDIA_ENT_F_DTV_DEMOD = MEDIA_ENT_F_BASE + 0x00001;

  /** {@code MEDIA_ENT_F_TS_DEMUX}. */
  @KernelSymbol("MEDIA_ENT_F_TS_DEMUX")
  public static final int MEDIA_ENT_F_TS_DEMUX = MEDIA_ENT_F_BASE + 0x00002;

  /** {@code MEDIA_ENT_F_IO_V4L}: a V4L2 video device node. */
  @KernelSymbol("MEDIA_ENT_F_IO_V4L")
  public static final int MEDIA_ENT_F_IO_V4L = MEDIA_ENT_F_OLD_BASE + 1;

  /** {@code MEDIA_ENT_F_IO_DTV}. */
  @KernelSymbol("MEDIA_ENT_F_IO_DTV")
  public static final int MEDIA_ENT_F_IO_DTV = MEDIA_ENT_F_BASE + 0x01001;

  /** {@code MEDIA_ENT_F_IO_VBI}. */
  @KernelSymbol("MEDIA_ENT_F_IO_VBI")
  public static final int MEDIA_ENT_F_IO_VBI = MEDIA_ENT_F_BASE + 0x01002;

  /** {@code MEDIA_ENT_F_CAM_SENSOR}. */
  @KernelSymbol("MEDIA_ENT_F_CAM_SENSOR")
  public static final int MEDIA_ENT_F_CAM_SENSOR = MEDIA_ENT_F_OLD_SUBDEV_BASE + 1;

  /** {@code MEDIA_ENT_F_ATV_DECODER}: an analog video decoder. */
  @KernelSymbol("MEDIA_ENT_F_ATV_DECODER")
  public static final int MEDIA_ENT_F_ATV_DECODER = MEDIA_ENT_F_OLD_SUBDEV_BASE + 4;

  /** {@code MEDIA_ENT_F_TUNER}. */
  @KernelSymbol("MEDIA_ENT_F_TUNER")
  public static final int MEDIA_ENT_F_TUNER = MEDIA_ENT_F_OLD_SUBDEV_BASE + 5;

  /** {@code MEDIA_ENT_F_IF_VID_DECODER}. */
  @KernelSymbol("MEDIA_ENT_F_IF_VID_DECODER")
  public static final int MEDIA_ENT_F_IF_VID_DECODER = MEDIA_ENT_F_BASE + 0x02001;

  /** {@code MEDIA_ENT_F_IF_AUD_DECODER}. */
  @KernelSymbol("MEDIA_ENT_F_IF_AUD_DECODER")
  public static final int MEDIA_ENT_F_IF_AUD_DECODER = MEDIA_ENT_F_BASE + 0x02002;

  /** {@code MEDIA_ENT_F_AUDIO_CAPTURE}. */
  @KernelSymbol("MEDIA_ENT_F_AUDIO_CAPTURE")
  public static final int MEDIA_ENT_F_AUDIO_CAPTURE = MEDIA_ENT_F_BASE + 0x03001;

  /** {@code MEDIA_ENT_F_AUDIO_PLAYBACK}. */
  @KernelSymbol("MEDIA_ENT_F_AUDIO_PLAYBACK")
  public static final int MEDIA_ENT_F_AUDIO_PLAYBACK = MEDIA_ENT_F_BASE + 0x03002;

  /** {@code MEDIA_ENT_F_AUDIO_MIXER}. */
  @KernelSymbol("MEDIA_ENT_F_AUDIO_MIXER")
  public static final int MEDIA_ENT_F_AUDIO_MIXER = MEDIA_ENT_F_BASE + 0x03003;

  /** {@code MEDIA_ENT_F_PROC_VIDEO_SCALER}. */
  @KernelSymbol("MEDIA_ENT_F_PROC_VIDEO_SCALER")
  public static final int MEDIA_ENT_F_PROC_VIDEO_SCALER = MEDIA_ENT_F_BASE + 0x4005;

  /** {@code MEDIA_ENT_F_PROC_VIDEO_ENCODER}. */
  @KernelSymbol("MEDIA_ENT_F_PROC_VIDEO_ENCODER")
  public static final int MEDIA_ENT_F_PROC_VIDEO_ENCODER = MEDIA_ENT_F_BASE + 0x4007;

  /** {@code MEDIA_ENT_F_PROC_VIDEO_DECODER}: a stateless or stateful decoder (Hantro). */
  @KernelSymbol("MEDIA_ENT_F_PROC_VIDEO_DECODER")
  public static final int MEDIA_ENT_F_PROC_VIDEO_DECODER = MEDIA_ENT_F_BASE + 0x4008;

  /** {@code MEDIA_ENT_F_VID_MUX}. */
  @KernelSymbol("MEDIA_ENT_F_VID_MUX")
  public static final int MEDIA_ENT_F_VID_MUX = MEDIA_ENT_F_BASE + 0x5001;

  /** {@code MEDIA_ENT_F_CONN_RF}: an RF connector. */
  @KernelSymbol("MEDIA_ENT_F_CONN_RF")
  public static final int MEDIA_ENT_F_CONN_RF = MEDIA_ENT_F_BASE + 0x30001;

  /** {@code MEDIA_ENT_F_CONN_SVIDEO}: an S-Video connector. */
  @KernelSymbol("MEDIA_ENT_F_CONN_SVIDEO")
  public static final int MEDIA_ENT_F_CONN_SVIDEO = MEDIA_ENT_F_BASE + 0x30002;

  /** {@code MEDIA_ENT_F_CONN_COMPOSITE}: a composite connector. */
  @KernelSymbol("MEDIA_ENT_F_CONN_COMPOSITE")
  public static final int MEDIA_ENT_F_CONN_COMPOSITE = MEDIA_ENT_F_BASE + 0x30003;

  /** {@code MEDIA_ENT_T_DEVNODE_UNKNOWN}: what ENUM_ENTITIES reports for a non-legacy devnode. */
  @KernelSymbol("MEDIA_ENT_T_DEVNODE_UNKNOWN")
  public static final int MEDIA_ENT_T_DEVNODE_UNKNOWN = MEDIA_ENT_F_OLD_BASE | 0x0000ffff;

  // Entity flags.
  /** {@code MEDIA_ENT_FL_DEFAULT}. */
  @KernelSymbol("MEDIA_ENT_FL_DEFAULT")
  public static final int MEDIA_ENT_FL_DEFAULT = 1;

  /** {@code MEDIA_ENT_FL_CONNECTOR}. */
  @KernelSymbol("MEDIA_ENT_FL_CONNECTOR")
  public static final int MEDIA_ENT_FL_CONNECTOR = 1 << 1;

  /** {@code MEDIA_ENT_ID_FLAG_NEXT}: ENUM_ENTITIES returns the next entity after the id. */
  @KernelSymbol("MEDIA_ENT_ID_FLAG_NEXT")
  public static final int MEDIA_ENT_ID_FLAG_NEXT = 1 << 31;

  // Pad flags.
  /** {@code MEDIA_PAD_FL_SINK}. */
  @KernelSymbol("MEDIA_PAD_FL_SINK")
  public static final int MEDIA_PAD_FL_SINK = 1;

  /** {@code MEDIA_PAD_FL_SOURCE}. */
  @KernelSymbol("MEDIA_PAD_FL_SOURCE")
  public static final int MEDIA_PAD_FL_SOURCE = 1 << 1;

  /** {@code MEDIA_PAD_FL_MUST_CONNECT}. */
  @KernelSymbol("MEDIA_PAD_FL_MUST_CONNECT")
  public static final int MEDIA_PAD_FL_MUST_CONNECT = 1 << 2;

  // Link flags.
  /** {@code MEDIA_LNK_FL_ENABLED}. */
  @KernelSymbol("MEDIA_LNK_FL_ENABLED")
  public static final int MEDIA_LNK_FL_ENABLED = 1;

  /** {@code MEDIA_LNK_FL_IMMUTABLE}. */
  @KernelSymbol("MEDIA_LNK_FL_IMMUTABLE")
  public static final int MEDIA_LNK_FL_IMMUTABLE = 1 << 1;

  /** {@code MEDIA_LNK_FL_DYNAMIC}. */
  @KernelSymbol("MEDIA_LNK_FL_DYNAMIC")
  public static final int MEDIA_LNK_FL_DYNAMIC = 1 << 2;

  /** {@code MEDIA_LNK_FL_LINK_TYPE}: the link type field, bits 28 to 31. */
  @KernelSymbol("MEDIA_LNK_FL_LINK_TYPE")
  public static final int MEDIA_LNK_FL_LINK_TYPE = 0xf << 28;

  /** {@code MEDIA_LNK_FL_DATA_LINK}. */
  @KernelSymbol("MEDIA_LNK_FL_DATA_LINK")
  public static final int MEDIA_LNK_FL_DATA_LINK = 0;

  /** {@code MEDIA_LNK_FL_INTERFACE_LINK}. */
  @KernelSymbol("MEDIA_LNK_FL_INTERFACE_LINK")
  public static final int MEDIA_LNK_FL_INTERFACE_LINK = 1 << 28;

  /** {@code MEDIA_LNK_FL_ANCILLARY_LINK}. */
  @KernelSymbol("MEDIA_LNK_FL_ANCILLARY_LINK")
  public static final int MEDIA_LNK_FL_ANCILLARY_LINK = 2 << 28;

  // Interface types.
  /** {@code MEDIA_INTF_T_DVB_FE}. */
  @KernelSymbol("MEDIA_INTF_T_DVB_FE")
  public static final int MEDIA_INTF_T_DVB_FE = 0x00000100;

  /** {@code MEDIA_INTF_T_V4L_VIDEO}. */
  @KernelSymbol("MEDIA_INTF_T_V4L_VIDEO")
  public static final int MEDIA_INTF_T_V4L_VIDEO = 0x00000200;

  /** {@code MEDIA_INTF_T_V4L_VBI}. */
  @KernelSymbol("MEDIA_INTF_T_V4L_VBI")
  public static final int MEDIA_INTF_T_V4L_VBI = 0x00000201;

  /** {@code MEDIA_INTF_T_V4L_RADIO}. */
  @KernelSymbol("MEDIA_INTF_T_V4L_RADIO")
  public static final int MEDIA_INTF_T_V4L_RADIO = 0x00000202;

  /** {@code MEDIA_INTF_T_V4L_SUBDEV}. */
  @KernelSymbol("MEDIA_INTF_T_V4L_SUBDEV")
  public static final int MEDIA_INTF_T_V4L_SUBDEV = 0x00000203;

  /** {@code MEDIA_INTF_T_ALSA_PCM_CAPTURE}. */
  @KernelSymbol("MEDIA_INTF_T_ALSA_PCM_CAPTURE")
  public static final int MEDIA_INTF_T_ALSA_PCM_CAPTURE = 0x00000300;

  /** {@code MEDIA_INTF_T_ALSA_PCM_PLAYBACK}. */
  @KernelSymbol("MEDIA_INTF_T_ALSA_PCM_PLAYBACK")
  public static final int MEDIA_INTF_T_ALSA_PCM_PLAYBACK = 0x00000301;

  /** {@code MEDIA_INTF_T_ALSA_CONTROL}. */
  @KernelSymbol("MEDIA_INTF_T_ALSA_CONTROL")
  public static final int MEDIA_INTF_T_ALSA_CONTROL = 0x00000302;

  /**
   * The media API version of the modelled kernel, {@code KERNEL_VERSION(6, 12, 0)}, reported as
   * {@code media_version} and {@code driver_version} by DEVICE_INFO.
   */
  @KernelSymbol("LINUX_VERSION_CODE")
  public static final int MEDIA_VERSION = (6 << 16) | (12 << 8);

  /**
   * Copies {@code src} into a C character array of {@code size} bytes, as {@code strscpy} does:
   * cut to {@code size - 1} characters so the NUL fits.
   *
   * @param src the string
   * @param size the array size
   * @return what the array holds
   */
  @KernelSymbol("strscpy")
  public static String strscpy(String src, int size) {
    return src.length() < size ? src : src.substring(0, size - 1);
  }
}
