package dev.medialife.v4l2;

import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.File;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.Module;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.mc.MediaDevice;
import org.jspecify.annotations.Nullable;

/**
 * The file operations of a sub-device node ({@code v4l2_subdev_fops}, v4l2-subdev.c), one table
 * per node: the node's pointer to its sub-device is covered by the node's own reference on it.
 * Open allocates, initialises and adds a file handle, takes {@link V4l2Subdev#tryGet()} ({@code
 * -ENODEV} for a dying sub-device), a reference on the media device's driver module when the
 * sub-device is in a media device ({@code -EBUSY} on failure; skipped when that driver or its
 * module is unknown, i.e. no parent device, no bound driver or a built-in driver) and calls
 * {@link V4l2SubdevInternalOps#open}; release reverses every step and puts the sub-device last.
 * Sub-device ioctls are not modelled: every ioctl gives {@code -ENOTTY}.
 */
@KernelSymbol("v4l2_subdev_fops")
final class V4l2SubdevFops implements V4l2FileOperations {
  /** {@code struct v4l2_subdev_fh}: the file handle and the module reference taken. */
  static final class SubdevFh {
    final Allocation mem;
    final V4l2Fh vfh;
    @Nullable Module owner;

    SubdevFh(Allocation mem) {
      this.mem = mem;
      this.vfh = new V4l2Fh(mem);
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
    SubdevFh fh = new SubdevFh(a);
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
  @KernelSymbol("subdev_ioctl")
  public int unlockedIoctl(File file, int cmd, @Nullable IoctlArg<?> arg) {
    return -Errno.ENOTTY;
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
    Kmem.kfree(fh.mem, "subdev_close");
  }
}
