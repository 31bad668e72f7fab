package dev.medialife.mc;

import dev.medialife.driver.Cdev;
import dev.medialife.driver.DevT;
import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.Module;
import dev.medialife.driver.PollTable;
import dev.medialife.driver.UnplugGate;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import org.jspecify.annotations.Nullable;

/**
 * The media device node ({@code struct media_devnode}): the character device {@code /dev/mediaN},
 * its struct device and minor, the REGISTERED flag, and the file operations wrapper of
 * mc-devnode.c that checks registration before calling into the media device.
 *
 * <p>With the media lifetime rules the devnode is embedded in its media device (the memo): its
 * struct device's reference count is the media device's, every open file holds a reference, and
 * system calls pass an {@link UnplugGate} so that unregistration waits for the ones in flight.
 * Without them (mainline since 4.9) the devnode is a separate allocation: open files keep only
 * the devnode alive, and a system call that passed the REGISTERED check can still reach a media
 * device the driver has freed; the window is marked {@value #WINDOW_IOCTL} for tests.
 *
 * <p>File operations, as in the kernel: open after unregistration gives {@code -ENXIO}; ioctl and
 * read give {@code -EIO}; poll gives {@code POLLERR | POLLHUP}; release always runs and drops the
 * device reference. The minor is freed only when the devnode is released.
 */
@KernelSymbol("media_devnode")
public final class MediaDevnode implements FileOperations {
  /** The race window between the REGISTERED check and the use of the media device. */

  public static final String WINDOW_IOCTL = "media_ioctl";

  private final MediaSubsystem subsys;
  private final MediaDevice owner;
  private final Device dev;
  private final @Nullable Allocation separateMem;
  private final @Nullable UnplugGate gate;
  private volatile @Nullable MediaDevice mediaDev;
  private volatile boolean registered;
  private volatile int minor = -1;
  private volatile @Nullable Cdev cdev;

  private MediaDevnode(
      MediaSubsystem subsys, MediaDevice mdev, Allocation mem, @Nullable Allocation separateMem) {
    this.subsys = subsys;
    this.owner = mdev;
    this.separateMem = separateMem;
    this.dev = new Device(subsys.kernel, this, mem, "media");
    if (separateMem == null) {
      this.gate = new UnplugGate("media devnode");
      dev.setRelease(d -> mdev.devnodeReleased(this));
    } else {
      this.gate = null;
      dev.setRelease(d -> releaseSeparate());
    }
  }

  /** The devnode embedded in its media device (lifetime rules), made by media_device_init. */
  static MediaDevnode embedded(MediaSubsystem subsys, MediaDevice mdev, Allocation mdevMem) {
    return new MediaDevnode(subsys, mdev, mdevMem, null);
  }

  /** The separately allocated devnode of mainline, made at registration. */
  static MediaDevnode separate(MediaSubsystem subsys, MediaDevice mdev, Allocation own) {
    return new MediaDevnode(subsys, mdev, own, own);
  }

  /**
   * The devnode's struct device.
   *
   * @return the device
   */
  @KernelSymbol("media_devnode.dev")
  public Device device() {
    return dev;
  }

  /**
   * The minor, or -1 when none is held.
   *
   * @return the minor
   */
  @KernelSymbol("media_devnode.minor")
  public int minor() {
    return minor;
  }

  /**
   * The device node's path.
   *
   * @return "/dev/mediaN"
   */
  @JavaOnly("devtmpfs path")
  public String path() {
    return "/dev/" + dev.name();
  }

  /**
   * Whether the node is registered.
   *
   * @return the MEDIA_FLAG_REGISTERED bit
   */
  @KernelSymbol("media_devnode_is_registered")
  public boolean isRegistered() {
    return registered;
  }

  /**
   * The unplug gate of the lifetime rules, or null in mainline mode.
   *
   * @return the gate
   */
  @JavaOnly("the memo's in-flight syscall counter")
  public @Nullable UnplugGate gate() {
    return gate;
  }

  /**
   * {@code media_devnode_register}: minor, device, cdev, REGISTERED.
   *
   * @return 0, {@code -ENFILE} without a free minor, or the cdev/device error
   */
  int register(@Nullable Module module) {
    subsys.devnodeLock.lock();
    int m;
    try {
      m = subsys.allocMinor();
      if (m >= 0) {
        minor = m;
      }
    } finally {
      subsys.devnodeLock.unlock();
    }
    if (m < 0) {
      return m;
    }
    mediaDev = owner;
    dev.setBus(subsys.bus);
    dev.setDevt(DevT.mkdev(subsys.major, m));
    dev.setName("media" + m);
    dev.setParent(owner.dev());
    Cdev c = new Cdev(this, module);
    int ret = c.deviceAdd(dev);
    if (ret != 0) {
      subsys.devnodeLock.lock();
      try {
        subsys.freeMinor(m);
        minor = -1;
        mediaDev = null;
      } finally {
        subsys.devnodeLock.unlock();
      }
      return ret;
    }
    cdev = c;
    registered = true;
    return 0;
  }

  /** {@code media_devnode_unregister_prepare}: from now on every file operation fails. */
  void unregisterPrepare() {
    subsys.devnodeLock.lock();
    try {
      registered = false;
    } finally {
      subsys.devnodeLock.unlock();
    }
  }

  /** Waits for system calls in flight (lifetime rules only). */
  void drain() {
    UnplugGate g = gate;
    if (g != null) {
      g.unplug(() -> {});
    }
  }

  /** {@code media_devnode_unregister}: the node disappears; media_dev is cleared. */
  void unregister() {
    subsys.devnodeLock.lock();
    try {
      Cdev c = cdev;
      if (c != null) {
        c.deviceDel(dev);
      }
      mediaDev = null;
    } finally {
      subsys.devnodeLock.unlock();
    }
  }

  /** Frees the minor at release, under the devnode lock. */
  void freeMinor() {
    subsys.devnodeLock.lock();
    try {
      int m = minor;
      if (m >= 0) {
        subsys.freeMinor(m);
        minor = -1;
      }
    } finally {
      subsys.devnodeLock.unlock();
    }
  }

  private void releaseSeparate() {
    freeMinor();
    Allocation a = separateMem;
    if (a != null) {
      Kmem.kfree(a, "media_devnode_release");
    }
  }

  @Override
  @KernelSymbol("media_open")
  public int open(File file) {
    subsys.devnodeLock.lock();
    try {
      if (!registered) {
        return -Errno.ENXIO;
      }
      dev.get();
    } finally {
      subsys.devnodeLock.unlock();
    }
    file.setPrivateData(this);
    return 0;
  }

  @Override
  @KernelSymbol("media_release")
  public int release(File file) {
    dev.put();
    return 0;
  }

  @Override
  @KernelSymbol({"media_ioctl", "media_device_ioctl"})
  public int ioctl(File file, int cmd, @Nullable IoctlArg<?> arg) {
    UnplugGate g = gate;
    if (g != null && !g.enter()) {
      return -Errno.EIO;
    }
    try {
      if (!registered) {
        return -Errno.EIO;
      }
      MediaDevice m = mediaDev;
      RaceWindow.at(WINDOW_IOCTL);
      if (m == null) {
        return -Errno.EIO;
      }
      return m.ioctl(cmd, arg);
    } finally {
      if (g != null) {
        g.exit();
      }
    }
  }

  @Override
  @KernelSymbol("media_poll")
  public int poll(File file, PollTable table) {
    if (!registered) {
      return POLLERR | POLLHUP;
    }
    return DEFAULT_POLLMASK;
  }

  @Override
  @KernelSymbol("media_read")
  public int read(File file, byte[] buf) {
    if (!registered) {
      return -Errno.EIO;
    }
    return -Errno.EINVAL;
  }

  @Override
  public String toString() {
    return "media devnode " + dev.name() + (registered ? "" : " (unregistered)");
  }
}
