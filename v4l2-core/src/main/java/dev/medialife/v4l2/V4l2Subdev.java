package dev.medialife.v4l2;

import dev.medialife.driver.Module;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.mc.EntityObjType;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import org.jspecify.annotations.Nullable;

/**
 * A V4L2 sub-device ({@code struct v4l2_subdev}, v4l2-subdev.c): a sensor, decoder or other block
 * driven by its own driver and registered with a bridge's {@link V4l2Device}. It is embedded in
 * the sub-device driver's memory and embeds a {@link MediaEntity} of type {@link
 * EntityObjType#V4L2_SUBDEV}.
 *
 * <p>Lifetime, after the 2017 memo (§7.1): the sub-device has no count of its own; {@link #get()},
 * {@link #put()} and {@link #tryGet()} are {@code v4l2_subdev_get/put/try_get}, wrappers on the
 * embedded entity's reference count, and the entity's release calls {@link
 * V4l2SubdevInternalOps#release}, where the driver frees its memory. The references are:
 *
 * <ul>
 *   <li>the driver's own, from construction, which the driver drops with {@link #put()} after
 *       unregistering (as with {@code v4l2_device_put});
 *   <li>the registration's, taken by {@link V4l2Device#registerSubdev} and dropped by {@link
 *       V4l2Device#unregisterSubdev} (through {@code media_device_unregister_entity} when the
 *       entity is in a media device, directly otherwise);
 *   <li>the device node's, held from {@link V4l2Device#registerSubdevNodes} until the node's
 *       release, because the node stores the pointer (golden rule 1);
 *   <li>one per open file of the node, taken with {@link #tryGet()} (a dying sub-device cannot
 *       be opened: {@code -ENODEV}).
 * </ul>
 *
 * <p>Deviation: newer kernels call the release directly from unregistration when there is no
 * node; here it runs at the last reference, whichever that is.
 *
 * <p>Implementation notes: the fields are volatile; registration state changes only under the
 * driver's serialisation (probe and remove) and the v4l2_device's subdev list lock.
 */
@KernelSymbol("v4l2_subdev")
public final class V4l2Subdev {
  /** {@code V4L2_SUBDEV_FL_HAS_DEVNODE}: the sub-device wants a node. */
  @KernelSymbol("V4L2_SUBDEV_FL_HAS_DEVNODE")
  public static final int FL_HAS_DEVNODE = 1 << 2;

  private static final V4l2SubdevInternalOps NO_OPS = new V4l2SubdevInternalOps() {};

  private final Allocation mem;
  private final MediaEntity entity;
  private final String name;
  private final @Nullable Module owner;
  private volatile int flags;
  private volatile V4l2SubdevInternalOps internalOps = NO_OPS;
  private volatile @Nullable VideoDevice devnode;
  private volatile @Nullable V4l2Device v4l2Dev;
  private volatile @Nullable V4l2SubdevPadOps padOps;
  private volatile @Nullable V4l2SubdevState activeState;

  /**
   * The media device the entity was registered in, which then owns the registration reference.
   */
  volatile @Nullable MediaDevice entityMdev;

  /** {@code sd->owner_v4l2_dev}: no module reference was taken at registration. */
  volatile boolean ownerV4l2Dev;

  /**
   * {@code v4l2_subdev_init} of a sub-device embedded in driver memory, with its entity
   * ({@code sd->entity.name} and {@code function}); holds the driver's reference.
   *
   * @param containerMem the memory of the structure that embeds it
   * @param name the name, also the entity's; must not be empty for registration
   * @param function the entity function, MEDIA_ENT_F_*
   * @param owner the module of the sub-device driver ({@code THIS_MODULE}), or null for built-in
   */
  @KernelSymbol("v4l2_subdev_init")
  public V4l2Subdev(Allocation containerMem, String name, int function, @Nullable Module owner) {
    this.mem = containerMem.embed("v4l2_subdev", name);
    this.name = name;
    this.owner = owner;
    this.entity = new MediaEntity(containerMem, name, function);
    entity.setObjType(EntityObjType.V4L2_SUBDEV);
    entity.setRelease(e -> internalOps.release(this));
  }

  /**
   * The name.
   *
   * @return the name
   */
  @KernelSymbol("v4l2_subdev.name")
  public String name() {
    return name;
  }

  /**
   * The owner module.
   *
   * @return the module, or null
   */
  @KernelSymbol("v4l2_subdev.owner")
  public @Nullable Module owner() {
    return owner;
  }

  /**
   * The embedded entity.
   *
   * @return the entity
   */
  @KernelSymbol("v4l2_subdev.entity")
  public MediaEntity entity() {
    return entity;
  }

  /**
   * The flags, V4L2_SUBDEV_FL_*.
   *
   * @return the flags
   */
  @KernelSymbol("v4l2_subdev.flags")
  public int flags() {
    return flags;
  }

  /**
   * Sets the flags.
   *
   * @param f the flags
   */
  @KernelSymbol("v4l2_subdev.flags")
  public void setFlags(int f) {
    flags = f;
  }

  /**
   * The internal operations.
   *
   * @return the table (defaults when none was set)
   */
  @KernelSymbol("v4l2_subdev.internal_ops")
  public V4l2SubdevInternalOps internalOps() {
    return internalOps;
  }

  /**
   * Sets the internal operations.
   *
   * @param ops the table
   */
  @KernelSymbol("v4l2_subdev.internal_ops")
  public void setInternalOps(V4l2SubdevInternalOps ops) {
    internalOps = ops;
  }

  /**
   * The device node, set by {@link V4l2Device#registerSubdevNodes} and cleared by its release.
   *
   * @return the node, or null
   */
  @KernelSymbol("v4l2_subdev.devnode")
  public @Nullable VideoDevice devnode() {
    return devnode;
  }

  void setDevnode(@Nullable VideoDevice v) {
    devnode = v;
  }

  /**
   * The v4l2_device it is registered with.
   *
   * @return the device, or null when not registered
   */
  @KernelSymbol("v4l2_subdev.v4l2_dev")
  public @Nullable V4l2Device v4l2Dev() {
    return v4l2Dev;
  }

  void setV4l2Dev(@Nullable V4l2Device v) {
    v4l2Dev = v;
  }

  /**
   * The pad operations ({@code sd->ops->pad}).
   *
   * @return the table, or null when the driver has none
   */
  @KernelSymbol("v4l2_subdev_ops.pad")
  public @Nullable V4l2SubdevPadOps padOps() {
    return padOps;
  }

  /**
   * Sets the pad operations, as {@code v4l2_subdev_init} does with the driver's ops table.
   *
   * @param ops the table, or null
   */
  @KernelSymbol("v4l2_subdev_ops.pad")
  public void setPadOps(@Nullable V4l2SubdevPadOps ops) {
    padOps = ops;
  }

  /**
   * {@code v4l2_subdev_init_finalize}: allocates the active state (a format per pad, initialised
   * by {@link V4l2SubdevInternalOps#initState}). The driver frees it with {@link #cleanup()}.
   *
   * @return 0, {@code -ENOMEM}, or the error of {@code init_state}
   */
  @KernelSymbol("v4l2_subdev_init_finalize")
  public int initFinalize() {
    V4l2SubdevState.Made m = V4l2SubdevState.alloc(this, "active");
    activeState = m.state();
    return m.error();
  }

  /**
   * {@code v4l2_subdev_cleanup}: frees the active state, if any.
   */
  @KernelSymbol("v4l2_subdev_cleanup")
  public void cleanup() {
    V4l2SubdevState s = activeState;
    activeState = null;
    if (s != null) {
      s.free();
    }
  }

  /**
   * {@code v4l2_subdev_get_unlocked_active_state}: the active state, without locking it.
   *
   * @return the state, or null when the driver did not call {@link #initFinalize()}
   */
  @KernelSymbol("v4l2_subdev_get_unlocked_active_state")
  public @Nullable V4l2SubdevState activeState() {
    return activeState;
  }

  /**
   * {@code v4l2_subdev_get}: a reference on the entity; the caller must hold one already.
   *
   * @return this
   */
  @KernelSymbol("v4l2_subdev_get")
  public V4l2Subdev get() {
    entity.get();
    return this;
  }

  /**
   * {@code v4l2_subdev_try_get}: a reference unless the sub-device is being released.
   *
   * @return true if a reference was taken
   */
  @KernelSymbol("v4l2_subdev_try_get")
  public boolean tryGet() {
    return entity.tryGet();
  }

  /**
   * {@code v4l2_subdev_put}: the last reference releases the entity and then calls {@link
   * V4l2SubdevInternalOps#release}.
   *
   * @return true if this put released the sub-device
   */
  @KernelSymbol("v4l2_subdev_put")
  public boolean put() {
    return entity.put();
  }

  /**
   * The reference count (the entity's).
   *
   * @return the count
   */
  @KernelSymbol("kref_read")
  public int refcount() {
    return entity.refcount();
  }

  /**
   * The memory of the sub-device (a view of its container's allocation).
   *
   * @return the view
   */
  @JavaOnly("model memory")
  public Allocation mem() {
    return mem;
  }

  @Override
  public String toString() {
    return "v4l2_subdev " + name;
  }
}
