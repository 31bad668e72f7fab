package dev.medialife.v4l2;

import dev.medialife.driver.Cdev;
import dev.medialife.driver.DevT;
import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Module;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.locking.SpinLock;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.mc.EntityObjType;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaPipeline;
import dev.medialife.mc.MediaGraph;
import dev.medialife.mc.MediaInterface;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A V4L2 device node ({@code struct video_device}, v4l2-dev.c): {@code /dev/videoN} and friends,
 * embedded in driver memory, with its struct device, character device, minor and node number, the
 * REGISTERED flag, the list of open file handles and, with a media device, an entity and an
 * interface.
 *
 * <p>Lifetime, as §6.2 of the reference: {@link #register} takes a minor, a number, the cdev and
 * the struct device, the MC objects and a {@link V4l2Device} reference, and sets REGISTERED last.
 * {@link #unregister()} clears REGISTERED under {@code videodev_lock}, wakes every file handle and
 * unregisters the struct device. The release runs at the last {@link #put()}, which is the last
 * close after unregistration: it frees the minor slot, the cdev and the number, removes the MC
 * objects, calls the driver's release and then puts the v4l2_device if that has a release
 * callback. A minor or number is reused only after the release.
 *
 * <p>The file operations ({@code v4l2_fops}) check REGISTERED before calling the driver: open and
 * ioctl give {@code -ENODEV}, poll {@code EPOLLERR | EPOLLHUP | EPOLLPRI}, read {@code -ENODEV};
 * release always runs. The ioctl dispatcher re-checks REGISTERED after taking the device lock;
 * the window before it is {@value #WINDOW_IOCTL_LOCK}, the one between open's two checks is
 * {@value #WINDOW_OPEN}, and the one in unregistration between the flag and the node's removal
 * is {@value #WINDOW_UNREGISTER}.
 *
 * <p>Implementation notes: the flags and the numbers are volatile; the minor table, the numbers
 * and the REGISTERED clear are guarded by {@code videodev_lock}; the file handle list by {@code
 * fh_lock}. Lock order: {@code vdev->lock}, then {@code videodev_lock}.
 */
@KernelSymbol("video_device")
public final class VideoDevice {
  /** The window between the ioctl wrapper's REGISTERED check and taking the device lock. */
  public static final String WINDOW_IOCTL_LOCK = "video_ioctl_lock";

  /** The window in v4l2_open between taking the reference and calling the driver's open. */
  public static final String WINDOW_OPEN = "v4l2_open";

  /** The window in unregistration after REGISTERED is cleared, before the node is removed. */
  public static final String WINDOW_UNREGISTER = "video_unregister_device";

  /** {@code V4L2_FL_REGISTERED}: the bit number of the registration flag. */
  @KernelSymbol("V4L2_FL_REGISTERED")
  public static final int V4L2_FL_REGISTERED = 0;

  /** {@code V4L2_FL_USES_V4L2_FH}: the bit number set by {@link V4l2Fh#init}. */
  @KernelSymbol("V4L2_FL_USES_V4L2_FH")
  public static final int V4L2_FL_USES_V4L2_FH = 1;

  /**
   * {@code V4L2_FL_SUBDEV_RO_DEVNODE}: the bit number set on a sub-device node registered by
   * {@link V4l2Device#registerRoSubdevNodes()}.
   */
  @KernelSymbol("V4L2_FL_SUBDEV_RO_DEVNODE")
  public static final int V4L2_FL_SUBDEV_RO_DEVNODE = 3;

  /** The node types ({@code enum vfl_devnode_type}). */
  @KernelSymbol("vfl_devnode_type")
  public enum VflType {
    /** {@code VFL_TYPE_VIDEO}: /dev/videoN. */
    VIDEO("video", MediaUapi.MEDIA_INTF_T_V4L_VIDEO, MediaUapi.MEDIA_ENT_F_IO_V4L),
    /** {@code VFL_TYPE_VBI}: /dev/vbiN. */
    VBI("vbi", MediaUapi.MEDIA_INTF_T_V4L_VBI, MediaUapi.MEDIA_ENT_F_IO_VBI),
    /** {@code VFL_TYPE_RADIO}: /dev/radioN; not an entity. */
    RADIO("radio", MediaUapi.MEDIA_INTF_T_V4L_RADIO, MediaUapi.MEDIA_ENT_F_UNKNOWN),
    /** {@code VFL_TYPE_SUBDEV}: /dev/v4l-subdevN; its entity is the sub-device's. */
    SUBDEV("v4l-subdev", MediaUapi.MEDIA_INTF_T_V4L_SUBDEV, MediaUapi.MEDIA_ENT_F_UNKNOWN);

    private final String base;
    private final int intfType;
    private final int function;

    VflType(String base, int intfType, int function) {
      this.base = base;
      this.intfType = intfType;
      this.function = function;
    }

    /**
     * The node name's base.
     *
     * @return for example "video"
     */
    @KernelSymbol("name_base")
    public String base() {
      return base;
    }
  }

  /** The direction of a node ({@code enum vfl_devnode_direction}). */
  @KernelSymbol("vfl_devnode_direction")
  public enum VflDir {
    /** {@code VFL_DIR_RX}: capture. */
    RX,
    /** {@code VFL_DIR_TX}: output. */
    TX,
    /** {@code VFL_DIR_M2M}: memory to memory; the core makes no MC objects for it. */
    M2M
  }

  private static final V4l2FileOperations NO_FOPS = new V4l2FileOperations() {};

  private final VideoSubsystem subsys;
  private final Allocation mem;
  private final @Nullable Allocation ownMem;
  private final Device dev;

  /** {@code fh_lock}: guards {@link #fhList}. */
  private final SpinLock fhLock = new SpinLock("video_device.fh_lock");

  private final List<V4l2Fh> fhList = new ArrayList<>();

  private volatile String name = "";
  private volatile @Nullable V4l2Device v4l2Dev;
  private volatile V4l2FileOperations fops = NO_FOPS;
  private volatile @Nullable V4l2IoctlOps ioctlOps;
  private volatile @Nullable Mutex lock;
  private volatile @Nullable Vb2Queue queue;
  private volatile @Nullable Consumer<VideoDevice> release;
  private volatile VflType vflType = VflType.VIDEO;
  private volatile VflDir vflDir = VflDir.RX;
  private volatile int deviceCaps;
  private volatile int flags;
  private volatile int minor = -1;
  private volatile int num = -1;
  private volatile @Nullable Device devParent;
  private volatile @Nullable V4l2PrioState prio;
  private volatile @Nullable Cdev cdev;
  private volatile @Nullable MediaEntity entity;
  private final MediaPipeline pipe = new MediaPipeline();
  private volatile @Nullable MediaInterface intfDevnode;
  private volatile MediaPad[] entityPads = new MediaPad[0];

  /**
   * A video device embedded in driver memory, all zero but for its struct device.
   *
   * @param kernel the kernel it will be registered in
   * @param containerMem the memory of the structure that embeds it
   */
  @KernelSymbol("video_device")
  public VideoDevice(Kernel kernel, Allocation containerMem) {
    this(kernel, containerMem, null);
  }

  private VideoDevice(Kernel kernel, Allocation containerMem, @Nullable Allocation own) {
    this.subsys = VideoSubsystem.of(kernel);
    this.mem = containerMem.embed("video_device", "video_device");
    this.ownMem = own;
    this.dev = new Device(kernel, this, containerMem, "video");
  }

  /**
   * {@code video_device_alloc}: a video device in its own allocation, to be freed by {@link
   * #release(VideoDevice)}.
   *
   * @param kernel the kernel
   * @return the device, or null when the allocation fails
   */
  @KernelSymbol("video_device_alloc")
  public static @Nullable VideoDevice alloc(Kernel kernel) {
    Allocation a = Kmem.kzalloc("video_device", "video_device");
    return a == null ? null : new VideoDevice(kernel, a, a);
  }

  /**
   * {@code video_device_release}: frees a device made by {@link #alloc}; a release callback.
   *
   * @param vdev the device
   */
  @KernelSymbol("video_device_release")
  public static void release(VideoDevice vdev) {
    Allocation a = vdev.ownMem;
    if (Warn.on(a == null, "video_device_release of an embedded " + vdev)) {
      return;
    }
    Kmem.kfree(a, "video_device_release");
  }

  /**
   * {@code video_device_release_empty}: a release callback that does nothing, for video devices
   * embedded in memory the driver frees itself.
   *
   * @param vdev the device
   */
  @KernelSymbol("video_device_release_empty")
  public static void releaseEmpty(VideoDevice vdev) {
    // Nothing: the driver owns the memory.
  }

  /**
   * {@code video_devdata}: the video device a file was opened on.
   *
   * @param file a file of a video node
   * @return the device
   * @throws ClassCastException if the file is not on a video node (a harness bug)
   * @throws IllegalStateException if the file's node was released, which an open file prevents
   */
  @KernelSymbol("video_devdata")
  public static VideoDevice devdata(File file) {
    VideoDevice v = ((V4l2Fops) file.cdev().fops()).devdata(file);
    if (v == null) {
      throw new IllegalStateException(file + " has no video device: its slot was freed");
    }
    return v;
  }

  // ---------------------------------------------------------------- fields the driver fills

  /**
   * The name, also the entity's name.
   *
   * @return the name
   */
  @KernelSymbol("video_device.name")
  public String name() {
    return name;
  }

  /**
   * Sets the name.
   *
   * @param n the name
   */
  @KernelSymbol("video_device.name")
  public void setName(String n) {
    name = n;
  }

  /**
   * The v4l2_device; required for registration.
   *
   * @return the device, or null
   */
  @KernelSymbol("video_device.v4l2_dev")
  public @Nullable V4l2Device v4l2Dev() {
    return v4l2Dev;
  }

  /**
   * Sets the v4l2_device.
   *
   * @param v the device
   */
  @KernelSymbol("video_device.v4l2_dev")
  public void setV4l2Dev(@Nullable V4l2Device v) {
    v4l2Dev = v;
  }

  /**
   * The driver's file operations.
   *
   * @return the table (a table of defaults when none was set)
   */
  @KernelSymbol("video_device.fops")
  public V4l2FileOperations fops() {
    return fops;
  }

  /**
   * Sets the driver's file operations.
   *
   * @param f the table
   */
  @KernelSymbol("video_device.fops")
  public void setFops(V4l2FileOperations f) {
    fops = f;
  }

  /**
   * The driver's ioctl handlers.
   *
   * @return the handlers, or null: every ioctl gives {@code -ENOTTY}
   */
  @KernelSymbol("video_device.ioctl_ops")
  public @Nullable V4l2IoctlOps ioctlOps() {
    return ioctlOps;
  }

  /**
   * Sets the ioctl handlers.
   *
   * @param ops the handlers
   */
  @KernelSymbol("video_device.ioctl_ops")
  public void setIoctlOps(@Nullable V4l2IoctlOps ops) {
    ioctlOps = ops;
  }

  /**
   * The device lock the dispatcher takes around every handler.
   *
   * @return the lock, or null when the driver serialises itself
   */
  @KernelSymbol("video_device.lock")
  public @Nullable Mutex lock() {
    return lock;
  }

  /**
   * Sets the device lock.
   *
   * @param m the lock
   */
  @KernelSymbol("video_device.lock")
  public void setLock(@Nullable Mutex m) {
    lock = m;
  }

  /**
   * The vb2 queue the {@link Vb2Ioctls} helpers work on; its lock, if set, is the one the
   * dispatcher takes for the buffer ioctls.
   *
   * @return the queue, or null
   */
  @KernelSymbol("video_device.queue")
  public @Nullable Vb2Queue queue() {
    return queue;
  }

  /**
   * Sets the vb2 queue.
   *
   * @param q the queue
   */
  @KernelSymbol("video_device.queue")
  public void setQueue(@Nullable Vb2Queue q) {
    queue = q;
  }

  /**
   * Sets the release callback, mandatory: {@link #release(VideoDevice)}, {@link #releaseEmpty} or
   * the driver's own.
   *
   * @param r the callback
   */
  @KernelSymbol("video_device.release")
  public void setRelease(@Nullable Consumer<VideoDevice> r) {
    release = r;
  }

  /**
   * The node type, set by {@link #register}.
   *
   * @return the type
   */
  @KernelSymbol("video_device.vfl_type")
  public VflType vflType() {
    return vflType;
  }

  /**
   * The direction.
   *
   * @return RX, TX or M2M
   */
  @KernelSymbol("video_device.vfl_dir")
  public VflDir vflDir() {
    return vflDir;
  }

  /**
   * Sets the direction; M2M nodes get no MC objects from the core.
   *
   * @param d the direction
   */
  @KernelSymbol("video_device.vfl_dir")
  public void setVflDir(VflDir d) {
    vflDir = d;
  }

  /**
   * The node's capabilities, V4L2_CAP_*.
   *
   * @return the caps
   */
  @KernelSymbol("video_device.device_caps")
  public int deviceCaps() {
    return deviceCaps;
  }

  /**
   * Sets the node's capabilities; required (non-zero) except for sub-device nodes.
   *
   * @param caps the caps
   */
  @KernelSymbol("video_device.device_caps")
  public void setDeviceCaps(int caps) {
    deviceCaps = caps;
  }

  /**
   * The parent device; defaults to the v4l2_device's at registration.
   *
   * @return the parent, or null
   */
  @KernelSymbol("video_device.dev_parent")
  public @Nullable Device devParent() {
    return devParent;
  }

  /**
   * Sets the parent device.
   *
   * @param p the parent
   */
  @KernelSymbol("video_device.dev_parent")
  public void setDevParent(@Nullable Device p) {
    devParent = p;
  }

  /**
   * The priority state: the node's own, or the v4l2_device's.
   *
   * @return the state
   * @throws IllegalStateException before a v4l2_device is set (a driver bug)
   */
  @KernelSymbol("video_device.prio")
  public V4l2PrioState prio() {
    V4l2PrioState p = prio;
    if (p != null) {
      return p;
    }
    V4l2Device v = v4l2Dev;
    if (v == null) {
      throw new IllegalStateException(this + " has no v4l2_device");
    }
    return v.prio();
  }

  /**
   * Sets a priority state of the node's own.
   *
   * @param p the state, or null for the v4l2_device's
   */
  @KernelSymbol("video_device.prio")
  public void setPrio(@Nullable V4l2PrioState p) {
    prio = p;
  }

  // ---------------------------------------------------------------- state

  /**
   * {@code video_is_registered}.
   *
   * @return the REGISTERED flag
   */
  @KernelSymbol("video_is_registered")
  public boolean isRegistered() {
    return testFlag(V4L2_FL_REGISTERED);
  }

  /**
   * Whether the node's files use {@link V4l2Fh}.
   *
   * @return the USES_V4L2_FH flag
   */
  @KernelSymbol("V4L2_FL_USES_V4L2_FH")
  public boolean usesV4l2Fh() {
    return testFlag(V4L2_FL_USES_V4L2_FH);
  }

  private boolean testFlag(int bit) {
    return (flags & (1 << bit)) != 0;
  }

  private synchronized void setFlag(int bit, boolean on) {
    flags = on ? flags | (1 << bit) : flags & ~(1 << bit);
  }

  void setUsesV4l2Fh() {
    setFlag(V4L2_FL_USES_V4L2_FH, true);
  }

  /**
   * Whether this is a read-only sub-device node.
   *
   * @return the V4L2_FL_SUBDEV_RO_DEVNODE bit
   */
  @KernelSymbol("V4L2_FL_SUBDEV_RO_DEVNODE")
  public boolean isSubdevRo() {
    return testFlag(V4L2_FL_SUBDEV_RO_DEVNODE);
  }

  void setSubdevRo() {
    setFlag(V4L2_FL_SUBDEV_RO_DEVNODE, true);
  }

  /**
   * The minor, or -1 when none is held.
   *
   * @return the minor
   */
  @KernelSymbol("video_device.minor")
  public int minor() {
    return minor;
  }

  /**
   * The node number, or -1 when none is held.
   *
   * @return for example 0 for /dev/video0
   */
  @KernelSymbol("video_device.num")
  public int num() {
    return num;
  }

  /**
   * The node's path.
   *
   * @return for example "/dev/video0"
   */
  @JavaOnly("devtmpfs path")
  public String path() {
    return "/dev/" + dev.name();
  }

  /**
   * The struct device.
   *
   * @return the device
   */
  @KernelSymbol("video_device.dev")
  public Device device() {
    return dev;
  }

  /**
   * The pipeline embedded in the video device ({@code vdev->pipe}), which {@code
   * v4l_enable_media_source} hands to the media device's {@code enable_source}.
   *
   * @return the pipeline
   */
  @KernelSymbol("video_device.pipe")
  public MediaPipeline pipe() {
    return pipe;
  }

  /**
   * The MC entity made at registration (video and VBI nodes with a media device).
   *
   * @return the entity, or null
   */
  @KernelSymbol("video_device.entity")
  public @Nullable MediaEntity entity() {
    return entity;
  }

  /**
   * The pads of the entity registration will make, as a driver calls {@code
   * media_entity_pads_init(&vdev->entity, ...)} before {@code video_register_device} (au0828 gives
   * its video node one sink pad, fed by the decoder). Without this call the entity has no pads.
   *
   * @param pads the pads, in index order
   */
  @KernelSymbol("media_entity_pads_init")
  public void setEntityPads(MediaPad... pads) {
    this.entityPads = pads.clone();
  }

  /**
   * The MC interface made at registration.
   *
   * @return the interface, or null
   */
  @KernelSymbol("video_device.intf_devnode")
  public @Nullable MediaInterface intfDevnode() {
    return intfDevnode;
  }

  /**
   * The memory of the video device (a view of its container's allocation).
   *
   * @return the view
   */
  @JavaOnly("model memory")
  public Allocation mem() {
    return mem;
  }

  /**
   * The number of file handles on the node's list.
   *
   * @return the count
   */
  @JavaOnly("list_count_nodes(&vdev->fh_list)")
  public int fhCount() {
    fhLock.lock();
    try {
      return fhList.size();
    } finally {
      fhLock.unlock();
    }
  }

  void fhAdd(V4l2Fh fh) {
    fhLock.lock();
    try {
      fhList.add(0, fh);
    } finally {
      fhLock.unlock();
    }
  }

  void fhRemove(V4l2Fh fh) {
    fhLock.lock();
    try {
      fhList.remove(fh);
    } finally {
      fhLock.unlock();
    }
  }

  List<V4l2Fh> fhSnapshot() {
    fhLock.lock();
    try {
      return List.copyOf(fhList);
    } finally {
      fhLock.unlock();
    }
  }

  // ---------------------------------------------------------------- references

  /**
   * {@code video_get}: a reference on the struct device.
   *
   * @return this
   */
  @KernelSymbol("video_get")
  public VideoDevice get() {
    dev.get();
    return this;
  }

  /**
   * {@code video_put}: the last reference runs the release.
   *
   * @return true if this put released the node
   */
  @KernelSymbol("video_put")
  public boolean put() {
    return dev.put();
  }

  // ---------------------------------------------------------------- registration

  /**
   * {@code video_register_device}: the node goes live.
   *
   * <p>On an error from {@code device_register} the struct device's reference is put, so the
   * release (the driver's included) has already run when this returns, as in the kernel; on every
   * earlier error nothing is left behind and the driver still owns the device. An MC failure is
   * not an error: the node works without its entity and interface, as in the kernel.
   *
   * <p>Context: process context; may sleep.
   *
   * @param type the node type
   * @param nr the wanted node number, or -1 for the first free one
   * @param owner the module whose code the driver's operations are, or null
   * @return 0; {@code -EINVAL} without a release callback, a v4l2_device or device caps (with a
   *     warning); {@code -ENFILE} without a free number or minor; {@code -EIO} when the kernel's
   *     videodev_init could not get major 81; or the cdev or device error
   */
  @KernelSymbol({"video_register_device", "__video_register_device"})
  public int register(VflType type, int nr, @Nullable Module owner) {
    if (!mem.check("video_register_device")) {
      return -Errno.ENODEV;
    }
    if (subsys.regionError != 0) {
      return subsys.regionError;
    }
    if (Warn.on(isRegistered() || dev.state() != Device.State.INITIALIZED,
        "video_register_device of " + name + " twice")) {
      return -Errno.EINVAL;
    }
    minor = -1;
    if (Warn.on(release == null, "video_register_device of " + name + " without a release")) {
      return -Errno.EINVAL;
    }
    V4l2Device v = v4l2Dev;
    if (v == null) {
      Warn.warn("video_register_device of " + name + " without a v4l2_device");
      return -Errno.EINVAL;
    }
    if (Warn.on(
        type != VflType.SUBDEV && deviceCaps == 0,
        "video_register_device of " + name + " without device_caps")) {
      return -Errno.EINVAL;
    }
    vflType = type;
    cdev = null;
    if (devParent == null) {
      devParent = v.dev();
    }
    int[] got;
    subsys.videodevLock.lock();
    try {
      got = subsys.allocate(this, type, nr);
    } finally {
      subsys.videodevLock.unlock();
    }
    if (got == null) {
      return -Errno.ENFILE;
    }
    num = got[0];
    minor = got[1];
    int devt = DevT.mkdev(VideoSubsystem.VIDEO_MAJOR, minor);
    Cdev c = new Cdev(subsys.fops, owner);
    int ret = c.add(dev.kernel(), devt, 1);
    if (ret < 0) {
      subsys.videodevLock.lock();
      try {
        subsys.free(this, type, minor, num);
      } finally {
        subsys.videodevLock.unlock();
      }
      minor = -1;
      num = -1;
      return ret;
    }
    cdev = c;
    dev.setDevt(devt);
    dev.setParent(devParent);
    dev.setName(type.base() + num);
    dev.setRelease(d -> d.container(VideoDevice.class).devRelease());
    v.get();
    subsys.videodevLock.lock();
    try {
      ret = dev.register();
    } finally {
      subsys.videodevLock.unlock();
    }
    if (ret < 0) {
      dev.put();
      return ret;
    }
    if (vflDir != VflDir.M2M) {
      registerMediaController(v, type);
    }
    setFlag(V4L2_FL_REGISTERED, true);
    return 0;
  }

  /** {@code video_register_media_controller}; the error is only logged by the caller. */
  private int registerMediaController(V4l2Device v, VflType type) {
    MediaDevice m = v.mdev();
    if (m == null) {
      return 0;
    }
    MediaEntity e = null;
    if (type.function != MediaUapi.MEDIA_ENT_F_UNKNOWN) {
      e = new MediaEntity(mem, name, type.function);
      e.setObjType(EntityObjType.VIDEO_DEVICE);
      e.setDevnode(VideoSubsystem.VIDEO_MAJOR, minor);
      MediaPad[] pads = entityPads;
      int ret = pads.length == 0 ? 0 : e.padsInit(pads);
      if (ret < 0) {
        return ret;
      }
      ret = m.registerEntity(e);
      if (ret < 0) {
        return ret;
      }
      entity = e;
    }
    MediaInterface intf = m.devnodeCreate(type.intfType, 0, VideoSubsystem.VIDEO_MAJOR, minor);
    if (intf == null) {
      unregisterEntity(m);
      return -Errno.ENOMEM;
    }
    intfDevnode = intf;
    if (e != null
        && MediaGraph.createIntfLink(
                e, intf, MediaUapi.MEDIA_LNK_FL_ENABLED | MediaUapi.MEDIA_LNK_FL_IMMUTABLE)
            == null) {
      removeIntf(m);
      unregisterEntity(m);
      return -Errno.ENOMEM;
    }
    return 0;
  }

  private void unregisterEntity(MediaDevice m) {
    MediaEntity e = entity;
    entity = null;
    if (e != null) {
      m.unregisterEntity(e);
    }
  }

  private void removeIntf(MediaDevice m) {
    MediaInterface i = intfDevnode;
    intfDevnode = null;
    if (i != null) {
      m.devnodeRemove(i);
    }
  }

  /**
   * {@code video_unregister_device}: clears REGISTERED under {@code videodev_lock} so that no open
   * or system call reaches the driver any more, wakes every file handle's sleepers, and
   * unregisters the struct device (the node disappears; the registration reference goes). Does
   * nothing for a node not registered.
   *
   * <p>Context: process context; may sleep.
   */
  @KernelSymbol("video_unregister_device")
  public void unregister() {
    if (!mem.check("video_unregister_device") || !isRegistered()) {
      return;
    }
    subsys.videodevLock.lock();
    try {
      setFlag(V4L2_FL_REGISTERED, false);
    } finally {
      subsys.videodevLock.unlock();
    }
    RaceWindow.at(WINDOW_UNREGISTER);
    if (usesV4l2Fh()) {
      V4l2Fh.eventWakeAll(this);
    }
    dev.unregister();
  }

  /** {@code v4l2_device_release}: the struct device's release, at its last put. */
  private void devRelease() {
    V4l2Device v = v4l2Dev;
    subsys.videodevLock.lock();
    try {
      if (!subsys.free(this, vflType, minor, num)) {
        return;
      }
      Cdev c = cdev;
      if (c != null) {
        c.del();
      }
      cdev = null;
      minor = -1;
      num = -1;
    } finally {
      subsys.videodevLock.unlock();
    }
    if (v == null) {
      return;
    }
    MediaDevice m = v.mdev();
    if (m != null && vflDir != VflDir.M2M) {
      removeIntf(m);
      unregisterEntity(m);
    }
    boolean putV4l2 = v.hasRelease();
    Consumer<VideoDevice> r = release;
    if (r != null) {
      r.accept(this);
    }
    if (putV4l2) {
      v.put();
    }
  }

  @Override
  public String toString() {
    return "video_device " + dev.name() + (isRegistered() ? "" : " (unregistered)");
  }
}
