package dev.medialife.v4l2;

import dev.medialife.driver.File;
import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2Fmtdesc;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.V4l2Input;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.V4l2Tuner;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import org.jspecify.annotations.Nullable;

/**
 * A driver's ioctl handlers ({@code struct v4l2_ioctl_ops}), called by {@link
 * V4l2Ioctl#videoIoctl2} with the device lock held and the node registered. Every handler is
 * optional: the default answers {@code -ENOTTY}, as a NULL pointer does.
 */
@KernelSymbol("v4l2_ioctl_ops")
public interface V4l2IoctlOps {
  /**
   * VIDIOC_QUERYCAP: fills driver, card and bus_info. The core has set version, capabilities and
   * device_caps before the call; a driver must not change device_caps.
   *
   * @param file the file
   * @param fh the file handle, or null when the node does not use v4l2_fh
   * @param cap the struct to fill
   * @return 0 or a negative errno
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_querycap")
  default int querycap(File file, @Nullable V4l2Fh fh, V4l2Capability cap) {
    return -Errno.ENOTTY;
  }

  /**
   * ENUM_FMT: describes capture format {@code f.index}.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param f the description to fill; {@code index} and {@code type} are set
   * @return 0, or {@code -EINVAL} past the last format; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_enum_fmt_vid_cap")
  default int enumFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Fmtdesc f) {
    return -Errno.ENOTTY;
  }

  /**
   * G_FMT for a capture type: the current format.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param f the format to fill
   * @return 0 or a negative errno; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_g_fmt_vid_cap")
  default int gFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Format f) {
    return -Errno.ENOTTY;
  }

  /**
   * S_FMT for a capture type: sets the format, adjusting it to what the hardware can do; called
   * after the media source is enabled.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param f the wanted format, adjusted in place
   * @return 0, or {@code -EBUSY} while streaming; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_s_fmt_vid_cap")
  default int sFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Format f) {
    return -Errno.ENOTTY;
  }

  /**
   * TRY_FMT for a capture type: adjusts the format as S_FMT would, changing nothing.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param f the wanted format, adjusted in place
   * @return 0 or a negative errno; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_try_fmt_vid_cap")
  default int tryFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Format f) {
    return -Errno.ENOTTY;
  }

  /**
   * ENUM_FMT for an output type (a mem2mem node's coded formats): describes output format {@code
   * f.index}.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param f the description to fill; {@code index} and {@code type} are set
   * @return 0, or {@code -EINVAL} past the last format; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_enum_fmt_vid_out")
  default int enumFmtVidOut(File file, @Nullable V4l2Fh fh, V4l2Fmtdesc f) {
    return -Errno.ENOTTY;
  }

  /**
   * G_FMT for an output type.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param f the format to fill
   * @return 0 or a negative errno; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_g_fmt_vid_out")
  default int gFmtVidOut(File file, @Nullable V4l2Fh fh, V4l2Format f) {
    return -Errno.ENOTTY;
  }

  /**
   * S_FMT for an output type: sets the format, adjusting it to what the hardware can do.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param f the wanted format, adjusted in place
   * @return 0, or {@code -EBUSY} while buffers exist; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_s_fmt_vid_out")
  default int sFmtVidOut(File file, @Nullable V4l2Fh fh, V4l2Format f) {
    return -Errno.ENOTTY;
  }

  /**
   * TRY_FMT for an output type: adjusts the format as S_FMT would, changing nothing.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param f the wanted format, adjusted in place
   * @return 0 or a negative errno; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_try_fmt_vid_out")
  default int tryFmtVidOut(File file, @Nullable V4l2Fh fh, V4l2Format f) {
    return -Errno.ENOTTY;
  }

  /**
   * REQBUFS; usually {@link Vb2Ioctls#reqbufs}.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param p the request
   * @return 0 or a negative errno; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_reqbufs")
  default int reqbufs(File file, @Nullable V4l2Fh fh, V4l2Requestbuffers p) {
    return -Errno.ENOTTY;
  }

  /**
   * QUERYBUF; usually {@link Vb2Ioctls#querybuf}.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param b the descriptor
   * @return 0 or a negative errno; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_querybuf")
  default int querybuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
    return -Errno.ENOTTY;
  }

  /**
   * QBUF; usually {@link Vb2Ioctls#qbuf}.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param b the descriptor
   * @return 0 or a negative errno; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_qbuf")
  default int qbuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
    return -Errno.ENOTTY;
  }

  /**
   * DQBUF; usually {@link Vb2Ioctls#dqbuf}.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param b the descriptor
   * @return 0 or a negative errno; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_dqbuf")
  default int dqbuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
    return -Errno.ENOTTY;
  }

  /**
   * STREAMON; usually {@link Vb2Ioctls#streamon}.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param type the buffer type
   * @return 0 or a negative errno; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_streamon")
  default int streamon(File file, @Nullable V4l2Fh fh, V4l2Int type) {
    return -Errno.ENOTTY;
  }

  /**
   * STREAMOFF; usually {@link Vb2Ioctls#streamoff}.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param type the buffer type
   * @return 0 or a negative errno; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_streamoff")
  default int streamoff(File file, @Nullable V4l2Fh fh, V4l2Int type) {
    return -Errno.ENOTTY;
  }

  /**
   * ENUMINPUT: describes input {@code inp.index}.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param inp the description to fill
   * @return 0, or {@code -EINVAL} past the last input; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_enum_input")
  default int enumInput(File file, @Nullable V4l2Fh fh, V4l2Input inp) {
    return -Errno.ENOTTY;
  }

  /**
   * G_INPUT: the current input.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param i the index to fill
   * @return 0 or a negative errno; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_g_input")
  default int gInput(File file, @Nullable V4l2Fh fh, V4l2Int i) {
    return -Errno.ENOTTY;
  }

  /**
   * S_INPUT: selects an input; called after the media source is enabled.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param i the index
   * @return 0, or {@code -EINVAL} for a bad index; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_s_input")
  default int sInput(File file, @Nullable V4l2Fh fh, V4l2Int i) {
    return -Errno.ENOTTY;
  }

  /**
   * G_TUNER: describes tuner {@code t.index}.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param t the description to fill
   * @return 0 or a negative errno; the default {@code -ENOTTY}
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_g_tuner")
  default int gTuner(File file, @Nullable V4l2Fh fh, V4l2Tuner t) {
    return -Errno.ENOTTY;
  }

  /**
   * Every command the core does not know ({@code vidioc_default}).
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param validPrio whether the handle passes the priority check
   * @param cmd the command
   * @param arg the argument, or null
   * @return 0 or a negative errno; {@code -ENOTTY} for a command the driver does not know
   */
  @KernelSymbol("v4l2_ioctl_ops.vidioc_default")
  default int defaultIoctl(
      File file, @Nullable V4l2Fh fh, boolean validPrio, int cmd, @Nullable IoctlArg<?> arg) {
    return -Errno.ENOTTY;
  }
}
