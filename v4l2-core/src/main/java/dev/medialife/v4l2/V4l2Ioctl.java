package dev.medialife.v4l2;

import dev.medialife.driver.BusType;
import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.meta.KernelSymbol;
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
import org.jspecify.annotations.Nullable;

/**
 * The ioctl dispatcher of v4l2-ioctl.c ({@code video_ioctl2} and {@code __video_do_ioctl}): takes
 * the per-queue or per-device lock interruptibly, re-checks registration under it, then runs the
 * core's handler for the commands it knows (QUERYCAP, ENUM_FMT, G/S/TRY_FMT, REQBUFS, QUERYBUF,
 * QBUF, DQBUF, STREAMON, STREAMOFF, ENUMINPUT, G/S_INPUT, G_TUNER) and the driver's {@code
 * vidioc_default} for the rest. Departure: the format ioctls know only {@code
 * V4L2_BUF_TYPE_VIDEO_CAPTURE}, and a driver that lacks an op answers {@code -ENOTTY} only after
 * the argument and type checks, where the kernel's {@code valid_ioctls} answers first.
 */
@KernelSymbol("v4l2-ioctl.c")
public final class V4l2Ioctl {
  /** {@code LINUX_VERSION_CODE} of the modelled kernel: 6.12.0. */
  @KernelSymbol("LINUX_VERSION_CODE")
  public static final int LINUX_VERSION_CODE = (6 << 16) | (12 << 8);

  private V4l2Ioctl() {}

  /**
   * {@code video_ioctl2}: the default unlocked_ioctl of a V4L2 driver.
   *
   * <p>Context: process context; may sleep (the device lock).
   *
   * @param file the file
   * @param cmd the command
   * @param arg the copied-in argument, or null
   * @return the handler's result, {@code -ERESTARTSYS} when the lock wait is interrupted, {@code
   *     -ENODEV} when the node was unregistered meanwhile, {@code -ENOTTY} for an unknown command
   *     or one the driver does not handle, {@code -EFAULT} for a missing argument
   */
  @KernelSymbol({"video_ioctl2", "__video_do_ioctl"})
  public static int videoIoctl2(File file, int cmd, @Nullable IoctlArg<?> arg) {
    VideoDevice vdev = VideoDevice.devdata(file);
    V4l2Fh vfh = null;
    if (vdev.usesV4l2Fh() && file.privateData(Object.class) instanceof V4l2Fh fh) {
      vfh = fh;
    }
    Mutex lock = getLock(vdev, cmd);
    RaceWindow.at(VideoDevice.WINDOW_IOCTL_LOCK);
    if (lock != null && lock.lockInterruptible() != 0) {
      return -Errno.ERESTARTSYS;
    }
    try {
      if (!vdev.isRegistered()) {
        return -Errno.ENODEV;
      }
      V4l2IoctlOps ops = vdev.ioctlOps();
      if (ops == null) {
        return -Errno.ENOTTY;
      }
      if (cmd == Videodev2.VIDIOC_QUERYCAP) {
        if (!(arg instanceof V4l2Capability cap)) {
          return -Errno.EFAULT;
        }
        return querycap(ops, file, vfh, vdev, cap);
      }
      if (isStandard(cmd)) {
        return doStandard(ops, file, vfh, vdev, cmd, arg);
      }
      boolean validPrio = vfh != null && vdev.prio().check(vfh.prio()) >= 0;
      return ops.defaultIoctl(file, vfh, validPrio, cmd, arg);
    } finally {
      if (lock != null) {
        lock.unlock();
      }
    }
  }

  /** Whether a command is a buffer ioctl ({@code INFO_FL_QUEUE}). */
  private static boolean isQueueIoctl(int cmd) {
    return cmd == Videodev2.VIDIOC_REQBUFS
        || cmd == Videodev2.VIDIOC_QUERYBUF
        || cmd == Videodev2.VIDIOC_QBUF
        || cmd == Videodev2.VIDIOC_DQBUF
        || cmd == Videodev2.VIDIOC_STREAMON
        || cmd == Videodev2.VIDIOC_STREAMOFF;
  }

  /** Whether a command is one of the standard ioctls this dispatcher knows besides QUERYCAP. */
  private static boolean isStandard(int cmd) {
    return isQueueIoctl(cmd)
        || cmd == Videodev2.VIDIOC_ENUM_FMT
        || cmd == Videodev2.VIDIOC_G_FMT
        || cmd == Videodev2.VIDIOC_S_FMT
        || cmd == Videodev2.VIDIOC_TRY_FMT
        || cmd == Videodev2.VIDIOC_ENUMINPUT
        || cmd == Videodev2.VIDIOC_G_INPUT
        || cmd == Videodev2.VIDIOC_S_INPUT
        || cmd == Videodev2.VIDIOC_G_TUNER;
  }

  /**
   * {@code v4l2_ioctl_get_lock}: the queue's lock for a buffer ioctl when the node has a queue
   * with a lock, else the device lock.
   */
  private static @Nullable Mutex getLock(VideoDevice vdev, int cmd) {
    Vb2Queue q = vdev.queue();
    if (q != null && isQueueIoctl(cmd)) {
      Mutex ql = q.lock();
      if (ql != null) {
        return ql;
      }
    }
    return vdev.lock();
  }

  /**
   * {@code check_fmt} for the output type: allowed on a node that transmits (an output or
   * mem2mem node), not on a capture-only one.
   */
  private static boolean isTxType(VideoDevice vdev, int type) {
    return type == Vb2Queue.TYPE_VIDEO_OUTPUT && vdev.vflDir() != VideoDevice.VflDir.RX;
  }

  /**
   * The {@code v4l2_ioctls[]} entries: the argument's type (else {@code -EFAULT}, as a bad user
   * pointer), the buffer type of the format ioctls (capture, and output on a node that
   * transmits; else {@code -EINVAL}), {@code v4l_enable_media_source} before S_FMT and S_INPUT,
   * then the driver's op.
   */
  private static int doStandard(
      V4l2IoctlOps ops,
      File file,
      @Nullable V4l2Fh fh,
      VideoDevice vdev,
      int cmd,
      @Nullable IoctlArg<?> arg) {
    if (cmd == Videodev2.VIDIOC_ENUM_FMT) {
      if (!(arg instanceof V4l2Fmtdesc f)) {
        return -Errno.EFAULT;
      }
      if (f.type == Vb2Queue.TYPE_VIDEO_CAPTURE) {
        return ops.enumFmtVidCap(file, fh, f);
      }
      return isTxType(vdev, f.type) ? ops.enumFmtVidOut(file, fh, f) : -Errno.EINVAL;
    }
    if (cmd == Videodev2.VIDIOC_G_FMT
        || cmd == Videodev2.VIDIOC_S_FMT
        || cmd == Videodev2.VIDIOC_TRY_FMT) {
      if (!(arg instanceof V4l2Format f)) {
        return -Errno.EFAULT;
      }
      boolean out = isTxType(vdev, f.type);
      if (f.type != Vb2Queue.TYPE_VIDEO_CAPTURE && !out) {
        return -Errno.EINVAL;
      }
      if (cmd == Videodev2.VIDIOC_G_FMT) {
        return out ? ops.gFmtVidOut(file, fh, f) : ops.gFmtVidCap(file, fh, f);
      }
      if (cmd == Videodev2.VIDIOC_TRY_FMT) {
        return out ? ops.tryFmtVidOut(file, fh, f) : ops.tryFmtVidCap(file, fh, f);
      }
      int ret = V4l2Mc.enableMediaSource(vdev);
      if (ret != 0) {
        return ret;
      }
      return out ? ops.sFmtVidOut(file, fh, f) : ops.sFmtVidCap(file, fh, f);
    }
    if (cmd == Videodev2.VIDIOC_REQBUFS) {
      return arg instanceof V4l2Requestbuffers p ? ops.reqbufs(file, fh, p) : -Errno.EFAULT;
    }
    if (cmd == Videodev2.VIDIOC_QUERYBUF
        || cmd == Videodev2.VIDIOC_QBUF
        || cmd == Videodev2.VIDIOC_DQBUF) {
      if (!(arg instanceof V4l2Buffer b)) {
        return -Errno.EFAULT;
      }
      if (cmd == Videodev2.VIDIOC_QUERYBUF) {
        return ops.querybuf(file, fh, b);
      }
      return cmd == Videodev2.VIDIOC_QBUF ? ops.qbuf(file, fh, b) : ops.dqbuf(file, fh, b);
    }
    if (cmd == Videodev2.VIDIOC_ENUMINPUT) {
      return arg instanceof V4l2Input inp ? ops.enumInput(file, fh, inp) : -Errno.EFAULT;
    }
    if (cmd == Videodev2.VIDIOC_G_TUNER) {
      return arg instanceof V4l2Tuner t ? ops.gTuner(file, fh, t) : -Errno.EFAULT;
    }
    if (!(arg instanceof V4l2Int i)) {
      return -Errno.EFAULT;
    }
    if (cmd == Videodev2.VIDIOC_STREAMON) {
      return ops.streamon(file, fh, i);
    }
    if (cmd == Videodev2.VIDIOC_STREAMOFF) {
      return ops.streamoff(file, fh, i);
    }
    if (cmd == Videodev2.VIDIOC_G_INPUT) {
      return ops.gInput(file, fh, i);
    }
    int ret = V4l2Mc.enableMediaSource(vdev);
    return ret != 0 ? ret : ops.sInput(file, fh, i);
  }

  /** {@code v4l_querycap}. */
  private static int querycap(
      V4l2IoctlOps ops, File file, @Nullable V4l2Fh fh, VideoDevice vdev, V4l2Capability cap) {
    int caps = vdev.deviceCaps();
    int need = caps | Videodev2.V4L2_CAP_DEVICE_CAPS;
    cap.version = LINUX_VERSION_CODE;
    cap.deviceCaps = caps;
    cap.capabilities = need;
    cap.busInfo = busInfo(vdev.devParent());
    int ret = ops.querycap(file, fh, cap);
    Warn.on(cap.deviceCaps != caps, vdev + ": the driver changed device_caps");
    Warn.on((cap.capabilities & need) != need, vdev + ": capabilities lack device_caps");
    cap.capabilities |= Videodev2.V4L2_CAP_EXT_PIX_FORMAT;
    cap.deviceCaps |= Videodev2.V4L2_CAP_EXT_PIX_FORMAT;
    return ret;
  }

  /** {@code media_set_bus_info}: "bus:device" of the parent, cut to 31 characters. */
  private static String busInfo(@Nullable Device parent) {
    if (parent == null) {
      return "";
    }
    BusType b = parent.bus();
    String s = (b == null ? "" : b.name() + ":") + parent.name();
    return s.length() > 31 ? s.substring(0, 31) : s;
  }
}
