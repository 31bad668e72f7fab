package dev.medialife.mc;

import dev.medialife.driver.BusType;
import dev.medialife.driver.DevT;
import dev.medialife.driver.Kernel;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.locking.Mutex;
import java.util.BitSet;

/**
 * The media controller's per-kernel state, set up by its initcall: the "media" bus, the dynamic
 * major with {@value #MEDIA_NUM_DEVICES} minors, the minor bitmap and the global devnode mutex
 * (mc-devnode.c's file-scope statics).
 */
final class MediaSubsystem {
  /** {@code MEDIA_NUM_DEVICES}. */
  static final int MEDIA_NUM_DEVICES = 256;

  final Kernel kernel;
  final BusType bus;
  final int major;

  /** {@code media_devnode_lock}: guards {@link #minors} and every devnode's flags and media_dev. */
  final Mutex devnodeLock = new Mutex("media_devnode_lock");

  /** {@code media_devnode_nums}, guarded by {@link #devnodeLock}. */
  private final BitSet minors = new BitSet(MEDIA_NUM_DEVICES);

  private MediaSubsystem(Kernel kernel, BusType bus, int major) {
    this.kernel = kernel;
    this.bus = bus;
    this.major = major;
  }

  /** {@code media_devnode_init}: the bus and the chrdev region, once per kernel. */
  static MediaSubsystem of(Kernel kernel) {
    return kernel.subsystem(MediaSubsystem.class, MediaSubsystem::init);
  }

  private static MediaSubsystem init(Kernel k) {
    int devt = k.allocChrdevRegion(0, MEDIA_NUM_DEVICES, "media");
    BusType bus = new BusType("media", (dev, drv) -> false);
    k.busRegister(bus);
    return new MediaSubsystem(k, bus, devt < 0 ? 0 : DevT.major(devt));
  }

  /** First free minor, or {@code -ENFILE}; call with {@link #devnodeLock} held. */
  int allocMinor() {
    devnodeLock.assertHeld();
    int m = minors.nextClearBit(0);
    if (m >= MEDIA_NUM_DEVICES) {
      return -Errno.ENFILE;
    }
    minors.set(m);
    return m;
  }

  /** Frees a minor; call with {@link #devnodeLock} held. */
  void freeMinor(int minor) {
    devnodeLock.assertHeld();
    minors.clear(minor);
  }

  /** Whether a minor is taken, for tests and the topology output. */
  boolean minorInUse(int minor) {
    devnodeLock.lock();
    try {
      return minors.get(minor);
    } finally {
      devnodeLock.unlock();
    }
  }
}
