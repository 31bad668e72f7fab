package dev.medialife.v4l2;

import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.locking.SpinLock;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.ref.Kref;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Module;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaGraph;
import dev.medialife.mc.MediaInterface;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The top-level V4L2 device of a driver ({@code struct v4l2_device}, v4l2-device.c), embedded in
 * the driver's private structure. It is reference counted: {@link #register} sets the count to
 * one, every registered {@link VideoDevice} holds one more, and the last {@link #put()} calls the
 * optional release callback. {@link #unregister()} does not drop the initial reference: a driver
 * with a release callback calls {@link #put()} itself afterwards.
 *
 * <p>Sub-devices (§6.4) are kept on a list guarded by {@code v4l2_dev->lock}, a spinlock;
 * {@link #unregister()} unregisters every one of them.
 *
 * <p>Implementation notes: the fields are volatile; name, parent and drvdata change only in
 * register, disconnect and unregister, which the driver serialises (probe and remove).
 */
@KernelSymbol("v4l2_device")
public final class V4l2Device {
  /** {@code sizeof(v4l2_dev->name)} minus the NUL. */
  private static final int NAME_MAX = 35;

  private final Allocation mem;
  private final V4l2PrioState prio = new V4l2PrioState();
  private volatile Kref ref = new Kref("v4l2_device", 0);
  private volatile String name = "";
  private volatile @Nullable Device dev;
  private volatile @Nullable MediaDevice mdev;
  private volatile @Nullable Consumer<V4l2Device> release;

  /** {@code v4l2_dev->lock}: guards {@link #subdevs}. */
  private final SpinLock subdevLock = new SpinLock("v4l2_device.lock");

  private final List<V4l2Subdev> subdevs = new ArrayList<>();

  /**
   * A v4l2_device embedded in a driver structure; all zero until {@link #register}.
   *
   * @param containerMem the memory of the structure that embeds it
   */
  @KernelSymbol("v4l2_device")
  public V4l2Device(Allocation containerMem) {
    this.mem = containerMem.embed("v4l2_device", "v4l2_device");
  }

  /**
   * {@code v4l2_device_register}: reference count 1, a reference on {@code parent}, the default
   * name "driver devname", and the parent's driver data set to this device if it had none.
   *
   * @param parent the hardware's device, or null, in which case the name must be set already
   * @return 0, or {@code -EINVAL} without a parent and a name (with a warning)
   */
  @KernelSymbol("v4l2_device_register")
  public int register(@Nullable Device parent) {
    if (!mem.check("v4l2_device_register")) {
      return -Errno.EINVAL;
    }
    prio.init();
    ref = new Kref("v4l2_device " + name);
    if (parent != null) {
      parent.get();
    }
    dev = parent;
    if (parent == null) {
      if (Warn.on(name.isEmpty(), "v4l2_device_register without a device or a name")) {
        return -Errno.EINVAL;
      }
      return 0;
    }
    if (name.isEmpty()) {
      DeviceDriver drv = parent.driver();
      String n = (drv == null ? "" : drv.name() + " ") + parent.name();
      name = n.length() > NAME_MAX ? n.substring(0, NAME_MAX) : n;
    }
    if (parent.drvdata(Object.class) == null) {
      parent.setDrvdata(this);
    }
    return 0;
  }

  /**
   * {@code v4l2_device_disconnect}: for hot-unplug, before the final unregister. Clears the
   * parent's driver data if it points here and drops the parent reference.
   */
  @KernelSymbol("v4l2_device_disconnect")
  public void disconnect() {
    Device d = dev;
    if (d == null) {
      return;
    }
    if (d.drvdata(Object.class) == this) {
      d.setDrvdata(null);
    }
    d.put();
    dev = null;
  }

  /**
   * {@code v4l2_device_unregister}: disconnects and clears the name, which makes a second call a
   * no-op. The initial reference stays.
   */
  @KernelSymbol("v4l2_device_unregister")
  public void unregister() {
    if (!mem.check("v4l2_device_unregister") || name.isEmpty()) {
      return;
    }
    disconnect();
    for (V4l2Subdev sd : subdevs()) {
      unregisterSubdev(sd);
    }
    name = "";
  }

  /**
   * {@code v4l2_device_get}.
   *
   * @return this device
   */
  @KernelSymbol("v4l2_device_get")
  public V4l2Device get() {
    mem.check("v4l2_device_get");
    ref.get();
    return this;
  }

  /**
   * {@code v4l2_device_put}: the last reference calls the release callback, if any.
   *
   * @return true if this put released the device
   */
  @KernelSymbol("v4l2_device_put")
  public boolean put() {
    if (!mem.check("v4l2_device_put")) {
      return false;
    }
    return ref.put(this, V4l2Device::releaseRef);
  }

  private static void releaseRef(V4l2Device v) {
    Consumer<V4l2Device> r = v.release;
    if (r != null) {
      r.accept(v);
    }
  }

  /**
   * The reference count.
   *
   * @return the count
   */
  @KernelSymbol("kref_read")
  public int refcount() {
    return ref.read();
  }

  /**
   * Sets the release callback ({@code v4l2_dev->release}). With one, every video device's release
   * drops its v4l2_device reference; without one, the core never puts the v4l2_device.
   *
   * @param r the callback, or null
   */
  @KernelSymbol("v4l2_device.release")
  public void setRelease(@Nullable Consumer<V4l2Device> r) {
    release = r;
  }

  /**
   * Whether a release callback is set.
   *
   * @return true with one
   */
  @KernelSymbol("v4l2_device.release")
  public boolean hasRelease() {
    return release != null;
  }

  /**
   * The name; empty before registration and after unregistration.
   *
   * @return the name
   */
  @KernelSymbol("v4l2_device.name")
  public String name() {
    return name;
  }

  /**
   * Sets the name; before {@link #register} to override the default.
   *
   * @param n the name, cut to 35 characters
   */
  @KernelSymbol("v4l2_device.name")
  public void setName(String n) {
    name = n.length() > NAME_MAX ? n.substring(0, NAME_MAX) : n;
  }

  /**
   * The parent device; null before registration and after disconnect.
   *
   * @return the device, or null
   */
  @KernelSymbol("v4l2_device.dev")
  public @Nullable Device dev() {
    return dev;
  }

  /**
   * The media device, or null when the driver has none.
   *
   * @return the media device
   */
  @KernelSymbol("v4l2_device.mdev")
  public @Nullable MediaDevice mdev() {
    return mdev;
  }

  /**
   * Sets the media device the driver's nodes register their entities and interfaces in.
   *
   * @param m the media device, or null
   */
  @KernelSymbol("v4l2_device.mdev")
  public void setMdev(@Nullable MediaDevice m) {
    mdev = m;
  }

  /**
   * The priority state shared by the nodes that have none of their own.
   *
   * @return the state
   */
  @KernelSymbol("v4l2_device.prio")
  public V4l2PrioState prio() {
    return prio;
  }

  /**
   * The memory of this v4l2_device (a view of its container's allocation).
   *
   * @return the view
   */
  @JavaOnly("model memory")
  public Allocation mem() {
    return mem;
  }

  // ---------------------------------------------------------------- sub-devices

  /**
   * {@code v4l2_device_register_subdev} (§6.4). No module reference is taken when the
   * sub-device's owner is the bridge driver's own module, i.e. the module of the driver bound to
   * {@link #dev()}; with no parent device or no bound driver the owner is always taken (as the
   * kernel's {@code v4l2_dev->dev && v4l2_dev->dev->driver} test does), and a null owner (built
   * in) needs none. The registration holds a reference on the sub-device, dropped by {@link
   * #unregisterSubdev}. Control handlers are not modelled.
   *
   * <p>Context: process context; may sleep.
   *
   * @param sd the sub-device
   * @return 0; {@code -EINVAL} for a null, registered or unnamed sub-device; {@code -ENODEV} when
   *     the owner module is going away; the error of the entity registration or of {@link
   *     V4l2SubdevInternalOps#registered}, after undoing everything
   */
  @KernelSymbol("v4l2_device_register_subdev")
  public int registerSubdev(@Nullable V4l2Subdev sd) {
    if (!mem.check("v4l2_device_register_subdev")
        || sd == null
        || sd.v4l2Dev() != null
        || sd.name().isEmpty()) {
      return -Errno.EINVAL;
    }
    Device d = dev;
    DeviceDriver drv = d == null ? null : d.driver();
    Module owner = sd.owner();
    boolean ownerV4l2Dev = drv != null && owner == drv.owner();
    if (!ownerV4l2Dev && owner != null && !owner.tryGet()) {
      return -Errno.ENODEV;
    }
    sd.ownerV4l2Dev = ownerV4l2Dev || owner == null;
    sd.setV4l2Dev(this);
    sd.get();
    MediaDevice m = mdev;
    int ret = 0;
    if (m != null) {
      ret = m.registerEntity(sd.entity());
      if (ret < 0) {
        sd.put();
      } else {
        sd.entityMdev = m;
      }
    }
    if (ret == 0) {
      ret = sd.internalOps().registered(sd);
      if (ret < 0) {
        dropRegistration(sd);
      }
    }
    if (ret < 0) {
      sd.setV4l2Dev(null);
      putOwner(sd);
      return ret;
    }
    subdevLock.lock();
    try {
      subdevs.add(sd);
    } finally {
      subdevLock.unlock();
    }
    return 0;
  }

  /**
   * Unregisters the entity, which puts the registration reference (or did already, if the media
   * device was unregistered first), or puts it directly when the entity is in no media device.
   */
  private static void dropRegistration(V4l2Subdev sd) {
    MediaDevice m = sd.entityMdev;
    sd.entityMdev = null;
    if (m != null) {
      m.unregisterEntity(sd.entity());
    } else {
      sd.put();
    }
  }

  private static void putOwner(V4l2Subdev sd) {
    Module owner = sd.owner();
    if (!sd.ownerV4l2Dev && owner != null) {
      owner.put();
    }
  }

  /**
   * {@code v4l2_device_unregister_subdev} (§6.4): off the list, {@link
   * V4l2SubdevInternalOps#unregistered}, {@code v4l2_dev} cleared, the entity unregistered (with
   * its pads and links; with the media lifetime rules at its last reference), the node
   * unregistered, the owner module put. The registration reference goes last, so that the
   * sub-device is not touched after a put that may have released it. Does nothing for a
   * sub-device not registered.
   *
   * <p>Context: process context; may sleep.
   *
   * @param sd the sub-device
   */
  @KernelSymbol("v4l2_device_unregister_subdev")
  public static void unregisterSubdev(V4l2Subdev sd) {
    V4l2Device v = sd.v4l2Dev();
    if (v == null) {
      return;
    }
    sd.get();
    v.subdevLock.lock();
    try {
      v.subdevs.remove(sd);
    } finally {
      v.subdevLock.unlock();
    }
    sd.internalOps().unregistered(sd);
    sd.setV4l2Dev(null);
    dropRegistration(sd);
    VideoDevice node = sd.devnode();
    if (node != null) {
      node.unregister();
    }
    putOwner(sd);
    sd.put();
  }

  /**
   * {@code v4l2_device_register_subdev_nodes}: a {@code /dev/v4l-subdevN} node for every
   * registered sub-device with {@link V4l2Subdev#FL_HAS_DEVNODE} and no node yet, owned by the
   * sub-device's module, holding a reference on the sub-device until its release (which clears
   * {@code sd->devnode}, puts the sub-device and frees the node), and, with a media device, an
   * interface link from the node's interface to the entity. On a failure every node made by this
   * call is unregistered again.
   *
   * <p>Context: process context; may sleep.
   *
   * @return 0; {@code -EINVAL} without a parent device or media device to find the kernel in;
   *     {@code -ENOMEM}; or the error of {@link VideoDevice#register}
   */
  @KernelSymbol("v4l2_device_register_subdev_nodes")
  public int registerSubdevNodes() {
    return registerSubdevNodes(false);
  }

  /**
   * {@code v4l2_device_register_ro_subdev_nodes}: as {@link #registerSubdevNodes()}, but the
   * nodes are read-only: the ioctls that would change the active configuration answer {@code
   * -EPERM} and QUERYCAP reports {@code V4L2_SUBDEV_CAP_RO_SUBDEV}.
   *
   * <p>Context: process context; may sleep.
   *
   * @return as {@link #registerSubdevNodes()}
   */
  @KernelSymbol("v4l2_device_register_ro_subdev_nodes")
  public int registerRoSubdevNodes() {
    return registerSubdevNodes(true);
  }

  @KernelSymbol("__v4l2_device_register_subdev_nodes")
  private int registerSubdevNodes(boolean readOnly) {
    Kernel k = kernel();
    if (k == null) {
      return -Errno.EINVAL;
    }
    List<V4l2Subdev> made = new ArrayList<>();
    for (V4l2Subdev sd : subdevs()) {
      if ((sd.flags() & V4l2Subdev.FL_HAS_DEVNODE) == 0 || sd.devnode() != null) {
        continue;
      }
      int ret = registerSubdevNode(k, sd, readOnly);
      if (ret == 0) {
        made.add(sd);
        ret = linkSubdevNode(sd);
      }
      if (ret < 0) {
        for (V4l2Subdev s : made) {
          VideoDevice node = s.devnode();
          if (node != null) {
            node.unregister();
          }
        }
        return ret;
      }
    }
    return 0;
  }

  private int registerSubdevNode(Kernel k, V4l2Subdev sd, boolean readOnly) {
    VideoDevice vdev = VideoDevice.alloc(k);
    if (vdev == null) {
      return -Errno.ENOMEM;
    }
    if (readOnly) {
      vdev.setSubdevRo();
    }
    vdev.setName(sd.name());
    vdev.setV4l2Dev(this);
    vdev.setFops(new V4l2SubdevFops(sd));
    boolean[] released = new boolean[1];
    vdev.setRelease(
        v -> {
          released[0] = true;
          subdevNodeRelease(sd, v);
        });
    int ret = vdev.register(VideoDevice.VflType.SUBDEV, -1, sd.owner());
    if (ret < 0) {
      if (!released[0]) {
        VideoDevice.release(vdev);
      }
      return ret;
    }
    sd.get();
    sd.setDevnode(vdev);
    return 0;
  }

  private int linkSubdevNode(V4l2Subdev sd) {
    VideoDevice vdev = sd.devnode();
    if (mdev == null || vdev == null) {
      return 0;
    }
    MediaInterface intf = vdev.intfDevnode();
    if (intf == null
        || MediaGraph.createIntfLink(
                sd.entity(), intf, MediaUapi.MEDIA_LNK_FL_ENABLED | MediaUapi.MEDIA_LNK_FL_IMMUTABLE)
            == null) {
      return -Errno.ENOMEM;
    }
    return 0;
  }

  /** {@code v4l2_device_release_subdev_node}: the release of a sub-device node. */
  private static void subdevNodeRelease(V4l2Subdev sd, VideoDevice vdev) {
    boolean held = sd.devnode() == vdev;
    if (held) {
      sd.setDevnode(null);
    }
    VideoDevice.release(vdev);
    if (held) {
      sd.put();
    }
  }

  private @Nullable Kernel kernel() {
    Device d = dev;
    if (d != null) {
      return d.kernel();
    }
    MediaDevice m = mdev;
    return m == null ? null : m.kernel();
  }

  /**
   * The registered sub-devices ({@code v4l2_dev->subdevs}), oldest first.
   *
   * @return a snapshot of the list
   */
  @KernelSymbol("v4l2_device.subdevs")
  public List<V4l2Subdev> subdevs() {
    subdevLock.lock();
    try {
      return List.copyOf(subdevs);
    } finally {
      subdevLock.unlock();
    }
  }

  @Override
  public String toString() {
    return "v4l2_device " + name;
  }
}
