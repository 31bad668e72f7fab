package dev.medialife.v4l2;

import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.ref.Kref;
import dev.medialife.mc.MediaDevice;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The top-level V4L2 device of a driver ({@code struct v4l2_device}, v4l2-device.c), embedded in
 * the driver's private structure. It is reference counted: {@link #register} sets the count to
 * one, every registered {@link VideoDevice} holds one more, and the last {@link #put()} calls the
 * optional release callback. {@link #unregister()} does not drop the initial reference: a driver
 * with a release callback calls {@link #put()} itself afterwards.
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

  @Override
  public String toString() {
    return "v4l2_device " + name;
  }
}
