package dev.medialife.v4l2;

import dev.medialife.driver.DevT;
import dev.medialife.driver.Kernel;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.locking.Mutex;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The V4L2 core's per-kernel state, set up by {@code videodev_init}: the "video4linux" character
 * device region (major {@value #VIDEO_MAJOR}, {@value #VIDEO_NUM_DEVICES} minors), the minor table
 * {@code video_devices[]}, the node-number bitmaps per type and {@code videodev_lock}, which
 * guards all three and every video device's REGISTERED flag changes.
 */
final class VideoSubsystem {
  /** {@code VIDEO_MAJOR}. */
  static final int VIDEO_MAJOR = 81;

  /** {@code VIDEO_NUM_DEVICES}. */
  static final int VIDEO_NUM_DEVICES = 256;

  final Kernel kernel;

  /** The result of the region registration: 0, or the error videodev_init would fail with. */
  final int regionError;

  /** {@code videodev_lock}. */
  final Mutex videodevLock = new Mutex("videodev_lock");

  /** {@code video_devices[]}, changed under {@link #videodevLock}, read lock-free by files. */
  private final AtomicReferenceArray<@Nullable VideoDevice> devices =
      new AtomicReferenceArray<>(VIDEO_NUM_DEVICES);

  /** {@code v4l2_fops}, shared by every video node's cdev. */
  final V4l2Fops fops = new V4l2Fops(this);

  /** {@code devnode_nums[]}, guarded by {@link #videodevLock}. */
  private final Map<VideoDevice.VflType, BitSet> nums = new EnumMap<>(VideoDevice.VflType.class);

  private VideoSubsystem(Kernel kernel, int regionError) {
    this.kernel = kernel;
    this.regionError = regionError;
    for (VideoDevice.VflType t : VideoDevice.VflType.values()) {
      nums.put(t, new BitSet(VIDEO_NUM_DEVICES));
    }
  }

  /** The state of a kernel, created by the initcall on first use. */
  static VideoSubsystem of(Kernel kernel) {
    return kernel.subsystem(VideoSubsystem.class, VideoSubsystem::init);
  }

  private static VideoSubsystem init(Kernel k) {
    int ret = k.registerChrdevRegion(DevT.mkdev(VIDEO_MAJOR, 0), VIDEO_NUM_DEVICES, "video4linux");
    Warn.on(ret != 0, "videodev: unable to get major " + VIDEO_MAJOR);
    return new VideoSubsystem(k, ret == 0 ? 0 : -Errno.EIO);
  }

  /**
   * {@code devnode_find} from {@code nr} then from 0, and the first free minor; both are taken.
   * Call with {@link #videodevLock} held.
   *
   * @return {num, minor}, or null for {@code -ENFILE}
   */
  int @Nullable [] allocate(VideoDevice vdev, VideoDevice.VflType type, int nr) {
    videodevLock.assertHeld();
    BitSet bits = bitsOf(type);
    int num = bits.nextClearBit(nr < 0 ? 0 : nr);
    if (num >= VIDEO_NUM_DEVICES) {
      num = bits.nextClearBit(0);
    }
    if (num >= VIDEO_NUM_DEVICES) {
      return null;
    }
    int minor = 0;
    while (minor < VIDEO_NUM_DEVICES && devices.get(minor) != null) {
      minor++;
    }
    if (minor == VIDEO_NUM_DEVICES) {
      return null;
    }
    bits.set(num);
    devices.set(minor, vdev);
    return new int[] {num, minor};
  }

  /**
   * Clears a slot and its number ({@code video_devices[minor] = NULL; devnode_clear}). Call with
   * {@link #videodevLock} held.
   *
   * @return false, with a warning, if the slot does not hold {@code vdev}
   */
  boolean free(VideoDevice vdev, VideoDevice.VflType type, int minor, int num) {
    videodevLock.assertHeld();
    if (Warn.on(minor < 0 || devices.get(minor) != vdev, "video_devices[" + minor + "] != " + vdev)) {
      return false;
    }
    devices.set(minor, null);
    bitsOf(type).clear(num);
    return true;
  }

  private BitSet bitsOf(VideoDevice.VflType type) {
    BitSet b = nums.get(type);
    if (b == null) {
      throw new IllegalStateException("no bitmap for " + type);
    }
    return b;
  }

  /**
   * {@code video_devdata}: the device in a minor's slot. Lock-free for open files, whose
   * reference keeps the slot; v4l2_open calls it under {@link #videodevLock}.
   */
  @Nullable VideoDevice lookup(int minor) {
    return minor < 0 || minor >= VIDEO_NUM_DEVICES ? null : devices.get(minor);
  }

  /** Whether a node number of a type is taken; takes the lock. */
  boolean numInUse(VideoDevice.VflType type, int num) {
    videodevLock.lock();
    try {
      return bitsOf(type).get(num);
    } finally {
      videodevLock.unlock();
    }
  }
}
