package dev.medialife.v4l2;

import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.Module;
import dev.medialife.driver.PollTable;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.mc.MediaDevice;
import dev.medialife.v4l2.uapi.V4l2SubdevCapability;
import dev.medialife.v4l2.uapi.V4l2SubdevFormat;
import dev.medialife.v4l2.uapi.V4l2SubdevMbusCodeEnum;
import dev.medialife.v4l2.uapi.V4l2SubdevUapi;
import org.jspecify.annotations.Nullable;

/**
 * The file operations of a sub-device node ({@code v4l2_subdev_fops}, v4l2-subdev.c), one table
 * per node: the node's pointer to its sub-device is covered by the node's own reference on it.
 * Open allocates, initialises and adds a file handle, takes {@link V4l2Subdev#tryGet()} ({@code
 * -ENODEV} for a dying sub-device), a reference on the media device's driver module when the
 * sub-device is in a media device ({@code -EBUSY} on failure; skipped when that driver or its
 * module is unknown, i.e. no parent device, no bound driver or a built-in driver) and calls
 * {@link V4l2SubdevInternalOps#open}; release reverses every step and puts the sub-device last.
 * Each file handle carries its own TRY configuration ({@link V4l2SubdevState}), allocated at open.
 *
 * <p>The ioctls ({@code subdev_ioctl}, {@code subdev_do_ioctl_lock}, {@code subdev_do_ioctl}): the
 * node's lock if it has one, {@code -ENODEV} once the node is unregistered, then the state the
 * command's {@code which} selects (the file's TRY state, else the sub-device's active state, which
 * may be absent), locked around the call. QUERYCAP reports the version and the read-only flag;
 * G_FMT, S_FMT and ENUM_MBUS_CODE reset {@code stream} (no client here asked for streams) and go
 * through {@code v4l2_subdev_call}: a missing pad operation is {@code -ENOIOCTLCMD} before any
 * check, then {@code which} other than TRY/ACTIVE, a pad past the entity's pads (pad 0 only when it
 * has none), a non-zero stream, or TRY without pad formats are {@code -EINVAL}. S_FMT of anything
 * but TRY on a read-only node is {@code -EPERM} before all of that. Every other command goes to
 * the core {@code ioctl} operation, which is not modelled, so {@code -ENOIOCTLCMD}; as in {@code
 * video_usercopy} that leaves as {@code -ENOTTY}. A missing or mistyped argument is {@code
 * -EFAULT}. Poll answers {@code EPOLLERR}: sub-device events are not modelled.
 */
@KernelSymbol("v4l2_subdev_fops")
final class V4l2SubdevFops implements V4l2FileOperations {
  /** {@code struct v4l2_subdev_fh}: the file handle and the module reference taken. */
  static final class SubdevFh {
    final Allocation mem;
    final V4l2Fh vfh;
    final V4l2SubdevState state;
    @Nullable Module owner;

    SubdevFh(Allocation mem, V4l2SubdevState state) {
      this.mem = mem;
      this.vfh = new V4l2Fh(mem);
      this.state = state;
    }
  }

  private final V4l2Subdev sd;

  V4l2SubdevFops(V4l2Subdev sd) {
    this.sd = sd;
  }

  @Override
  @KernelSymbol("subdev_open")
  public int open(File file) {
    VideoDevice vdev = VideoDevice.devdata(file);
    Allocation a = Kmem.kzalloc("v4l2_subdev_fh", sd.name());
    if (a == null) {
      return -Errno.ENOMEM;
    }
    V4l2SubdevState.Made made = V4l2SubdevState.alloc(sd, "try");
    V4l2SubdevState st = made.state();
    if (st == null) {
      Kmem.kfree(a, "subdev_open");
      return made.error();
    }
    SubdevFh fh = new SubdevFh(a, st);
    fh.vfh.init(vdev);
    fh.vfh.add();
    if (!sd.tryGet()) {
      freeFh(fh);
      return -Errno.ENODEV;
    }
    Module m = mdevOwner();
    if (m != null) {
      if (!m.tryGet()) {
        sd.put();
        freeFh(fh);
        return -Errno.EBUSY;
      }
      fh.owner = m;
    }
    file.setPrivateData(fh);
    int ret = sd.internalOps().open(sd, file);
    if (ret < 0) {
      file.setPrivateData(null);
      putOwner(fh);
      sd.put();
      freeFh(fh);
      return ret;
    }
    return 0;
  }

  /** The module of the media device's driver ({@code mdev->dev->driver->owner}), if known. */
  private @Nullable Module mdevOwner() {
    MediaDevice m = sd.entity().mdev();
    Device d = m == null ? null : m.dev();
    DeviceDriver drv = d == null ? null : d.driver();
    return drv == null ? null : drv.owner();
  }

  @Override
  @KernelSymbol("subdev_close")
  public int release(File file) {
    SubdevFh fh = file.privateData(SubdevFh.class);
    if (fh == null) {
      return 0;
    }
    sd.internalOps().close(sd, file);
    putOwner(fh);
    file.setPrivateData(null);
    freeFh(fh);
    sd.put();
    return 0;
  }

  @Override
  @KernelSymbol({"subdev_ioctl", "video_usercopy"})
  public int unlockedIoctl(File file, int cmd, @Nullable IoctlArg<?> arg) {
    int ret = doIoctlLock(file, cmd, arg);
    return ret == -Errno.ENOIOCTLCMD ? -Errno.ENOTTY : ret;
  }

  @Override
  @KernelSymbol("subdev_poll")
  public int poll(File file, PollTable table) {
    return FileOperations.POLLERR;
  }

  @KernelSymbol("subdev_do_ioctl_lock")
  private int doIoctlLock(File file, int cmd, @Nullable IoctlArg<?> arg) {
    VideoDevice vdev = VideoDevice.devdata(file);
    Mutex lock = vdev.lock();
    if (lock != null && lock.lockInterruptible() != 0) {
      return -Errno.ERESTARTSYS;
    }
    try {
      SubdevFh fh = file.privateData(SubdevFh.class);
      if (!vdev.isRegistered() || fh == null) {
        return -Errno.ENODEV;
      }
      V4l2SubdevState state = null;
      if (isStateIoctl(cmd)) {
        int which;
        if (cmd == V4l2SubdevUapi.VIDIOC_SUBDEV_ENUM_MBUS_CODE
            && arg instanceof V4l2SubdevMbusCodeEnum c) {
          which = c.which;
        } else if (cmd != V4l2SubdevUapi.VIDIOC_SUBDEV_ENUM_MBUS_CODE
            && arg instanceof V4l2SubdevFormat f) {
          which = f.which;
        } else {
          return -Errno.EFAULT;
        }
        state = which == V4l2SubdevUapi.V4L2_SUBDEV_FORMAT_TRY ? fh.state : sd.activeState();
      }
      if (state != null) {
        state.lock().lock();
      }
      try {
        return doIoctl(vdev, cmd, arg, state);
      } finally {
        if (state != null) {
          state.lock().unlock();
        }
      }
    } finally {
      if (lock != null) {
        lock.unlock();
      }
    }
  }

  /** The commands whose argument names a configuration ({@code subdev_ioctl_get_state}). */
  private static boolean isStateIoctl(int cmd) {
    return cmd == V4l2SubdevUapi.VIDIOC_SUBDEV_G_FMT
        || cmd == V4l2SubdevUapi.VIDIOC_SUBDEV_S_FMT
        || cmd == V4l2SubdevUapi.VIDIOC_SUBDEV_ENUM_MBUS_CODE;
  }

  @KernelSymbol("subdev_do_ioctl")
  private int doIoctl(VideoDevice vdev, int cmd, @Nullable IoctlArg<?> arg,
      @Nullable V4l2SubdevState state) {
    boolean ro = vdev.isSubdevRo();
    if (cmd == V4l2SubdevUapi.VIDIOC_SUBDEV_QUERYCAP) {
      if (!(arg instanceof V4l2SubdevCapability cap)) {
        return -Errno.EFAULT;
      }
      cap.version = V4l2Ioctl.LINUX_VERSION_CODE;
      cap.capabilities = ro ? V4l2SubdevUapi.V4L2_SUBDEV_CAP_RO_SUBDEV : 0;
      return 0;
    }
    if (cmd == V4l2SubdevUapi.VIDIOC_SUBDEV_G_FMT && arg instanceof V4l2SubdevFormat f) {
      f.stream = 0;
      return callFmt(padOp(false), state, f);
    }
    if (cmd == V4l2SubdevUapi.VIDIOC_SUBDEV_S_FMT && arg instanceof V4l2SubdevFormat f) {
      if (f.which != V4l2SubdevUapi.V4L2_SUBDEV_FORMAT_TRY && ro) {
        return -Errno.EPERM;
      }
      f.stream = 0;
      return callFmt(padOp(true), state, f);
    }
    if (cmd == V4l2SubdevUapi.VIDIOC_SUBDEV_ENUM_MBUS_CODE
        && arg instanceof V4l2SubdevMbusCodeEnum c) {
      c.stream = 0;
      V4l2SubdevPadOps ops = sd.padOps();
      V4l2SubdevPadOps.MbusCodeOp op = ops == null ? null : ops.enumMbusCode();
      if (op == null) {
        return -Errno.ENOIOCTLCMD;
      }
      int ret = checkArgs(c.which, c.pad, c.stream, state);
      return ret != 0 ? ret : op.call(sd, state, c);
    }
    // The core ioctl operation (v4l2_subdev_call(sd, core, ioctl, ...)) is not modelled.
    return -Errno.ENOIOCTLCMD;
  }

  private V4l2SubdevPadOps.@Nullable FmtOp padOp(boolean set) {
    V4l2SubdevPadOps ops = sd.padOps();
    if (ops == null) {
      return null;
    }
    return set ? ops.setFmt() : ops.getFmt();
  }

  /** {@code v4l2_subdev_call} of get_fmt or set_fmt, through {@code call_get/set_fmt}. */
  @KernelSymbol({"v4l2_subdev_call", "check_format"})
  private int callFmt(V4l2SubdevPadOps.@Nullable FmtOp op, @Nullable V4l2SubdevState state,
      V4l2SubdevFormat f) {
    if (op == null) {
      return -Errno.ENOIOCTLCMD;
    }
    int ret = checkArgs(f.which, f.pad, f.stream, state);
    return ret != 0 ? ret : op.call(sd, state, f);
  }

  /** {@code check_which}, {@code check_pad} and {@code check_state}, in that order. */
  @KernelSymbol({"check_which", "check_pad", "check_state"})
  private int checkArgs(int which, int pad, int stream, @Nullable V4l2SubdevState state) {
    if (which != V4l2SubdevUapi.V4L2_SUBDEV_FORMAT_TRY
        && which != V4l2SubdevUapi.V4L2_SUBDEV_FORMAT_ACTIVE) {
      return -Errno.EINVAL;
    }
    int n = sd.entity().numPads();
    // pad is a u32: compare unsigned. Without pads only pad 0 is allowed.
    if (n > 0 ? Integer.compareUnsigned(pad, n) >= 0 : pad != 0) {
      return -Errno.EINVAL;
    }
    if (stream != 0) {
      return -Errno.EINVAL;
    }
    if (which == V4l2SubdevUapi.V4L2_SUBDEV_FORMAT_TRY && (state == null || !state.hasPads())) {
      return -Errno.EINVAL;
    }
    return 0;
  }

  private static void putOwner(SubdevFh fh) {
    Module m = fh.owner;
    fh.owner = null;
    if (m != null) {
      m.put();
    }
  }

  private static void freeFh(SubdevFh fh) {
    fh.vfh.del();
    fh.vfh.exit();
    fh.state.free();
    Kmem.kfree(fh.mem, "subdev_close");
  }
}
