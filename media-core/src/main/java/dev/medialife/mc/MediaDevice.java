package dev.medialife.mc;

import dev.medialife.driver.BusType;
import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Module;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.fault.FaultInjection;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.ref.Kref;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A media device ({@code struct media_device}): the graph of entities, pads, links and interfaces
 * of one piece of hardware, and its device node {@code /dev/mediaN}.
 *
 * <p>A driver embeds the media device in its own structure, fills in {@link #setDev dev}, {@link
 * #setModel model} and the other identification fields, calls {@link #init()}, registers its
 * entities and links, and calls {@link #register} last, so userspace never sees a half-built
 * graph. At unbind it calls {@link #unregister()} and then {@link #put()}.
 *
 * <p><b>Lifetime.</b> With the media lifetime rules ({@link PatchSwitch#MEDIA_LIFETIME}, the
 * default) the devnode is embedded in the media device and its struct device's reference count
 * is the media device's: {@code init} gives the driver one reference, every open file and every
 * registered entity holds another, and when the last goes the minor is freed, the device is
 * cleaned up and the driver's {@link #setRelease release callback} frees the driver's memory.
 * {@code unregister} waits for system calls in flight before it takes the graph apart. With the
 * switch off the model behaves as mainline: the devnode is allocated at registration and outlives
 * the media device as long as files are open, the driver's {@code put} frees its memory at once,
 * and a system call racing the unbind can touch freed memory.
 *
 * <p>Implementation notes: the graph lists, the id counter and the entity index are guarded by
 * the graph mutex ({@code graph_mutex}, held by the media ioctls); lists are insertion-ordered
 * sets, so removal is O(1) and iteration follows the kernel's list order. The switch is read once,
 * by {@code init}. Lock order: graph mutex, then {@code media_devnode_lock}.
 */
@KernelSymbol("media_device")
public final class MediaDevice {
  /** Fault point of the sysfs "model" attribute created at registration. */

  public static final String FAULT_MODEL_ATTR = "device_create_file";

  /** Fault point of the entity index allocation at entity registration. */

  public static final String FAULT_ENTITY_IDX = "ida_alloc";

  /** Fault point of growing the power-management graph walk at entity registration. */

  public static final String FAULT_PM_WALK = "media_graph_walk_init";

  /** Where a media device is in its life. */
  @JavaOnly("model state")
  public enum State {
    /** Zeroed memory, not yet initialised. */
    ZEROED,
    /** After {@code media_device_init}. */
    INITIALIZED,
    /** Registered: {@code /dev/mediaN} exists. */
    REGISTERED,
    /** Unregistered; may still be referenced. */
    UNREGISTERED,
    /** Cleaned up (released, with the lifetime rules). */
    CLEANED
  }

  private static final int WALK_CHUNK = 64;

  private final Kernel kernel;
  private final Allocation mem;
  private final Mutex graphMutex = new Mutex("media_device.graph_mutex");

  private volatile @Nullable Device dev;
  private volatile String model = "";
  private volatile String driverName = "";
  private volatile String serial = "";
  private volatile String busInfo = "";
  private volatile int hwRevision;
  private volatile @Nullable MediaDeviceOps ops;
  private final @Nullable Object container;
  private volatile @Nullable Consumer<MediaDevice> release;
  private volatile @Nullable SourceHooks sourceHooks;
  private volatile @Nullable Object sourcePriv;

  private volatile State state = State.ZEROED;
  private volatile boolean lifetime;
  private volatile @Nullable MediaSubsystem subsys;
  private volatile @Nullable MediaDevnode devnode;
  private volatile @Nullable Kref kref;
  private final AtomicLong topologyVersion = new AtomicLong();

  // Guarded by graphMutex.
  final Set<MediaEntity> entities = new LinkedHashSet<>();
  final Set<MediaInterface> interfaces = new LinkedHashSet<>();
  final Set<MediaPad> pads = new LinkedHashSet<>();
  final Set<MediaLink> links = new LinkedHashSet<>();
  private final List<EntityNotify> entityNotify = new ArrayList<>();
  private final BitSet entityIdx = new BitSet();
  private int idCounter;
  private int entityIdxMax;
  private int walkIdxMax;

  /** Who holds counted references on whom, to catch circular references (the memo forbids them). */
  final RefGraph refs = new RefGraph();

  /**
   * A zeroed media device embedded in a driver structure.
   *
   * @param kernel the kernel
   * @param containerMem the memory of the structure that embeds it
   */
  @KernelSymbol("media_device")
  public MediaDevice(Kernel kernel, Allocation containerMem) {
    this(kernel, null, containerMem);
  }

  /**
   * A zeroed media device embedded in a driver structure that {@link #container} gives back, as
   * the kernel's {@code container_of(mdev, struct foo, mdev)} does.
   *
   * @param kernel the kernel
   * @param container the Java object that embeds the media device, or null if none needs it
   * @param containerMem the memory of that object
   */
  @KernelSymbol("media_device")
  public MediaDevice(Kernel kernel, @Nullable Object container, Allocation containerMem) {
    this.kernel = kernel;
    this.container = container;
    this.mem = containerMem.embed("media_device", "media_device");
  }

  /**
   * The object that embeds this media device, as {@code container_of} finds it.
   *
   * @return the container given at construction, or null
   */
  @KernelSymbol("container_of")
  public @Nullable Object container() {
    return container;
  }

  // ---------------------------------------------------------------- fields the driver fills

  /**
   * Sets the parent device ({@code mdev->dev}); required before {@link #init()}.
   *
   * @param parent the hardware's device
   */
  @KernelSymbol("media_device.dev")
  public void setDev(@Nullable Device parent) {
    this.dev = parent;
  }

  /**
   * The parent device.
   *
   * @return the device, or null
   */
  @KernelSymbol("media_device.dev")
  public @Nullable Device dev() {
    return dev;
  }

  /**
   * Sets the model name; required before {@link #init()}.
   *
   * @param m the model
   */
  @KernelSymbol("media_device.model")
  public void setModel(String m) {
    this.model = m;
  }

  /**
   * The model name.
   *
   * @return the model
   */
  @KernelSymbol("media_device.model")
  public String model() {
    return model;
  }

  /**
   * Sets the driver name reported by DEVICE_INFO instead of the parent's driver name.
   *
   * @param name the driver name
   */
  @KernelSymbol("media_device.driver_name")
  public void setDriverName(String name) {
    this.driverName = name;
  }

  /**
   * The driver name as DEVICE_INFO reports it: {@code driver_name} if set, else the name of the
   * parent device's driver, else empty.
   *
   * @return the name
   */
  @KernelSymbol("media_device.driver_name")
  public String driverName() {
    if (!driverName.isEmpty()) {
      return driverName;
    }
    Device d = dev;
    DeviceDriver drv = d == null ? null : d.driver();
    return drv == null ? "" : drv.name();
  }

  /**
   * Sets the serial number.
   *
   * @param s the serial
   */
  @KernelSymbol("media_device.serial")
  public void setSerial(String s) {
    this.serial = s;
  }

  /**
   * The serial number.
   *
   * @return the serial
   */
  @KernelSymbol("media_device.serial")
  public String serial() {
    return serial;
  }

  /**
   * Sets the bus information; when empty at {@link #init()} it is derived from the parent.
   *
   * @param info the bus information
   */
  @KernelSymbol("media_device.bus_info")
  public void setBusInfo(String info) {
    this.busInfo = info;
  }

  /**
   * The bus information.
   *
   * @return the bus information
   */
  @KernelSymbol("media_device.bus_info")
  public String busInfo() {
    return busInfo;
  }

  /**
   * Sets the hardware revision.
   *
   * @param rev the revision
   */
  @KernelSymbol("media_device.hw_revision")
  public void setHwRevision(int rev) {
    this.hwRevision = rev;
  }

  /**
   * The hardware revision.
   *
   * @return the revision
   */
  @KernelSymbol("media_device.hw_revision")
  public int hwRevision() {
    return hwRevision;
  }

  /**
   * Sets the operations.
   *
   * @param o the operations
   */
  @KernelSymbol("media_device.ops")
  public void setOps(@Nullable MediaDeviceOps o) {
    this.ops = o;
  }

  /**
   * The operations.
   *
   * @return the operations, or null
   */
  @KernelSymbol("media_device.ops")
  public @Nullable MediaDeviceOps ops() {
    return ops;
  }

  /**
   * Installs the release callback run when the last reference goes (with the lifetime rules: the
   * last of the driver's, the open files' and the registered entities'); it frees the driver's
   * memory. Set it before {@link #init()}.
   *
   * @param r the callback
   */
  @KernelSymbol("media_device_ops.release")
  public void setRelease(@Nullable Consumer<MediaDevice> r) {
    this.release = r;
  }

  /**
   * Installs the {@code enable_source}/{@code disable_source} hooks and their private data.
   *
   * @param hooks the hooks, or null to remove them
   * @param priv the {@code source_priv} data
   */
  @KernelSymbol({"media_device.enable_source", "media_device.source_priv"})
  public void setSourceHooks(@Nullable SourceHooks hooks, @Nullable Object priv) {
    this.sourceHooks = hooks;
    this.sourcePriv = priv;
  }

  /**
   * The source hooks, or null when no driver arbitrates a shared source.
   *
   * @return the hooks
   */
  @KernelSymbol("media_device.enable_source")
  public @Nullable SourceHooks sourceHooks() {
    return sourceHooks;
  }

  /**
   * The private data of the source hooks.
   *
   * @return {@code source_priv}
   */
  @KernelSymbol("media_device.source_priv")
  public @Nullable Object sourcePriv() {
    return sourcePriv;
  }

  // ---------------------------------------------------------------- lifetime

  /**
   * {@code media_device_init}: initialises the lists, the graph mutex and the entity index, and
   * derives {@code bus_info} from the parent when empty. With the lifetime rules it also
   * initialises the embedded devnode, whose reference count starts at one, held by the driver.
   */
  @KernelSymbol("media_device_init")
  public void init() {
    if (!mem.check("media_device_init")
        || Warn.on(state != State.ZEROED, "media_device_init on an initialised media device")) {
      return;
    }
    lifetime = PatchSwitch.MEDIA_LIFETIME.enabled();
    MediaSubsystem s = MediaSubsystem.of(kernel);
    subsys = s;
    Device parent = dev;
    if (busInfo.isEmpty() && parent != null) {
      BusType bus = parent.bus();
      String prefix = bus == null ? "" : bus.name().equals("pci") ? "PCI:" : bus.name() + ":";
      busInfo = prefix + parent.name();
    }
    if (lifetime) {
      Warn.on(release == null, "media device " + model + " has no release callback");
      devnode = MediaDevnode.embedded(s, this, mem);
    } else {
      kref = new Kref("media_device " + model);
    }
    state = State.INITIALIZED;
  }

  /**
   * {@code __media_device_register}: creates {@code /dev/mediaN}. The topology version restarts
   * at zero.
   *
   * <p>Context: process context; may sleep.
   *
   * @param owner the module that owns the file operations (THIS_MODULE), or null
   * @return 0; {@code -ENFILE} when every minor is taken; {@code -ENOMEM}; the error of the
   *     character device or of the sysfs attribute; {@code -EINVAL} for a media device that is
   *     not initialised or, with the lifetime rules, was registered before
   */
  @KernelSymbol({"__media_device_register", "media_device_register"})
  public int register(@Nullable Module owner) {
    if (!mem.check("media_device_register")) {
      return -Errno.ENODEV;
    }
    MediaSubsystem s = subsys;
    boolean again = state == State.UNREGISTERED && !lifetime;
    if (s == null || Warn.on(state != State.INITIALIZED && !again, "register of " + this)) {
      return -Errno.EINVAL;
    }
    MediaDevnode dn = devnode;
    if (!lifetime) {
      Allocation own = Kmem.kzalloc("media_devnode", model);
      if (own == null) {
        return -Errno.ENOMEM;
      }
      dn = MediaDevnode.separate(s, this, own);
    }
    if (dn == null) {
      return -Errno.EINVAL;
    }
    topologyVersion.set(0);
    int ret = dn.register(owner);
    if (ret != 0) {
      if (!lifetime) {
        dn.device().put();
      }
      return ret;
    }
    devnode = dn;
    if (FaultInjection.shouldFail(FAULT_MODEL_ATTR)) {
      dn.unregisterPrepare();
      dn.unregister();
      if (!lifetime) {
        dn.device().put();
        devnode = null;
      } else {
        state = State.UNREGISTERED;
      }
      return -Errno.ENOMEM;
    }
    state = State.REGISTERED;
    return 0;
  }

  /**
   * {@code media_device_unregister}: marks the node unregistered so every file operation fails,
   * waits for the system calls in flight (lifetime rules), unregisters every entity, drops the
   * entity notifiers, detaches the interfaces (their memory stays with their creators) and removes
   * {@code /dev/mediaN}. Idempotent; null-safe in the sense that an uninitialised device is
   * ignored.
   *
   * <p>Context: process context, outside the media device's system calls; may sleep.
   */
  @KernelSymbol("media_device_unregister")
  public void unregister() {
    if (!mem.check("media_device_unregister")) {
      return;
    }
    graphMutex.lock();
    MediaDevnode dn = devnode;
    if (dn == null || !dn.isRegistered()) {
      graphMutex.unlock();
      return;
    }
    dn.unregisterPrepare();
    graphMutex.unlock();
    dn.drain();
    List<MediaEntity> registration = new ArrayList<>();
    graphMutex.lock();
    try {
      for (MediaEntity e : new ArrayList<>(entities)) {
        if (!e.registered) {
          continue;
        }
        e.registered = false;
        registration.add(e);
        if (!lifetime) {
          removeEntityLocked(e);
        }
      }
      entityNotify.clear();
      for (MediaInterface intf : new ArrayList<>(interfaces)) {
        removeIntfLinksLocked(intf);
        gobjDestroy(intf);
      }
    } finally {
      graphMutex.unlock();
    }
    dn.unregister();
    state = State.UNREGISTERED;
    if (!lifetime) {
      devnode = null;
      dn.device().put();
    }
    for (MediaEntity e : registration) {
      e.put();
    }
  }

  /**
   * {@code media_device_cleanup}: destroys the entity index and the mutexes. Mainline drivers call
   * it after {@link #unregister()}; with the lifetime rules the release does it, and calling it
   * on a media device with a release callback only warns.
   */
  @KernelSymbol("media_device_cleanup")
  public void cleanup() {
    if (!mem.check("media_device_cleanup")) {
      return;
    }
    if (Warn.on(
        lifetime && release != null,
        "media_device_cleanup on " + model + ": it has a release callback, put it instead")) {
      return;
    }
    doCleanup();
  }

  private void doCleanup() {
    graphMutex.lock();
    try {
      entityIdx.clear();
      entityIdxMax = 0;
      walkIdxMax = 0;
    } finally {
      graphMutex.unlock();
    }
    state = State.CLEANED;
  }

  /**
   * Takes a reference on the media device.
   *
   * @return this media device
   */
  @KernelSymbol("media_device_get")
  public MediaDevice get() {
    if (!mem.check("media_device_get")) {
      return this;
    }
    MediaDevnode dn = devnode;
    Kref k = kref;
    if (lifetime && dn != null) {
      dn.device().get();
    } else if (k != null) {
      k.get();
    }
    return this;
  }

  /**
   * Drops a reference; the last one releases the media device: with the lifetime rules the
   * devnode's minor is freed, the device cleaned up and the release callback called.
   *
   * @return true if this put released the media device
   */
  @KernelSymbol("media_device_put")
  public boolean put() {
    if (!mem.check("media_device_put")) {
      return false;
    }
    MediaDevnode dn = devnode;
    Kref k = kref;
    if (lifetime && dn != null) {
      return dn.device().put();
    }
    if (k != null) {
      return k.put(this, MediaDevice::releaseMainline);
    }
    Warn.warn("media_device_put before media_device_init");
    return false;
  }

  /**
   * The reference count.
   *
   * @return the count, 0 before init
   */
  @KernelSymbol("kref_read")
  public int refcount() {
    MediaDevnode dn = devnode;
    Kref k = kref;
    if (lifetime && dn != null) {
      return dn.device().refcount();
    }
    return k == null ? 0 : k.read();
  }

  /**
   * Takes a reference on behalf of {@code holder}, a refcounted object that stores the pointer;
   * a reference that closes a cycle of such holders is reported (the memo forbids circular
   * references). Balance with {@link #putFor}.
   *
   * @param holder the object that keeps the pointer
   * @return this media device
   */
  @KernelSymbol("media_device_get")
  public MediaDevice getFor(Object holder) {
    refs.add(holder, this);
    return get();
  }

  /**
   * Drops a reference taken with {@link #getFor}.
   *
   * @param holder the object that kept the pointer
   * @return true if this put released the media device
   */
  @KernelSymbol("media_device_put")
  public boolean putFor(Object holder) {
    refs.remove(holder, this);
    return put();
  }

  private static void releaseMainline(MediaDevice m) {
    m.doCleanup();
    Consumer<MediaDevice> r = m.release;
    if (r != null) {
      r.accept(m);
    }
  }

  /** The embedded devnode's release (lifetime rules): minor, cleanup, driver release. */
  void devnodeReleased(MediaDevnode dn) {
    dn.freeMinor();
    doCleanup();
    Consumer<MediaDevice> r = release;
    if (r != null) {
      r.accept(this);
    }
  }

  // ---------------------------------------------------------------- state

  /**
   * Where the media device is in its life.
   *
   * @return the state
   */
  @JavaOnly("model state")
  public State state() {
    return state;
  }

  /**
   * Whether the media lifetime rules apply to this media device (read at init).
   *
   * @return true with the rules
   */
  @JavaOnly("patch switch as latched by init")
  public boolean lifetimeRules() {
    return lifetime;
  }

  /**
   * Whether {@code /dev/mediaN} is registered.
   *
   * @return true between register and unregister
   */
  @KernelSymbol("media_devnode_is_registered")
  public boolean isRegistered() {
    MediaDevnode dn = devnode;
    return dn != null && dn.isRegistered();
  }

  /**
   * The device node, or null (before registration in mainline mode, and after unregistration).
   *
   * @return the devnode
   */
  @KernelSymbol("media_device.devnode")
  public @Nullable MediaDevnode devnode() {
    return devnode;
  }

  /**
   * The graph mutex; hold it across graph walks and when reading lists for a consistent view.
   *
   * @return the mutex
   */
  @KernelSymbol("media_device.graph_mutex")
  public Mutex graphMutex() {
    return graphMutex;
  }

  /**
   * The topology version: reset at registration, incremented by every graph object creation and
   * destruction.
   *
   * @return the version
   */
  @KernelSymbol("media_device.topology_version")
  public long topologyVersion() {
    return topologyVersion.get();
  }

  /**
   * The media device's memory (a view of its container's allocation).
   *
   * @return the allocation view
   */
  @JavaOnly("model memory")
  public Allocation mem() {
    return mem;
  }

  /**
   * The kernel.
   *
   * @return the kernel
   */
  @JavaOnly("model context")
  public Kernel kernel() {
    return kernel;
  }

  /**
   * The entities in list order, a snapshot.
   *
   * @return the entities
   */
  @KernelSymbol("media_device_for_each_entity")
  public List<MediaEntity> entities() {
    return snapshot(entities);
  }

  /**
   * The interfaces in list order, a snapshot.
   *
   * @return the interfaces
   */
  @KernelSymbol("media_device_for_each_intf")
  public List<MediaInterface> interfaces() {
    return snapshot(interfaces);
  }

  /**
   * The pads in list order, a snapshot.
   *
   * @return the pads
   */
  @KernelSymbol("media_device_for_each_pad")
  public List<MediaPad> pads() {
    return snapshot(pads);
  }

  /**
   * Every link (forward links, backlinks and interface links) in list order, a snapshot.
   *
   * @return the links
   */
  @KernelSymbol("media_device_for_each_link")
  public List<MediaLink> links() {
    return snapshot(links);
  }

  /**
   * The entity with this id.
   *
   * @param id the entity id
   * @return the entity, or null
   */
  @KernelSymbol("find_entity")
  public @Nullable MediaEntity entity(int id) {
    for (MediaEntity e : entities()) {
      if (e.id() == id) {
        return e;
      }
    }
    return null;
  }

  private <T> List<T> snapshot(Set<T> set) {
    boolean held = graphMutex.isHeldByCurrentThread();
    if (!held) {
      graphMutex.lock();
    }
    try {
      return List.copyOf(set);
    } finally {
      if (!held) {
        graphMutex.unlock();
      }
    }
  }

  // ---------------------------------------------------------------- graph objects

  /** {@code media_gobj_create}; graph mutex held. */
  void gobjCreate(GobjType type, MediaGobj gobj) {
    idCounter++;
    gobj.attach(this, (type.value() << 24) | (idCounter & 0xffffff));
    switch (type) {
      case ENTITY -> entities.add((MediaEntity) gobj);
      case PAD -> pads.add((MediaPad) gobj);
      case LINK -> links.add((MediaLink) gobj);
      case INTF_DEVNODE -> interfaces.add((MediaInterface) gobj);
    }
    topologyVersion.incrementAndGet();
  }

  /** {@code media_gobj_destroy}; graph mutex held. Does nothing for a detached object. */
  void gobjDestroy(MediaGobj gobj) {
    if (gobj.mdev() == null) {
      return;
    }
    topologyVersion.incrementAndGet();
    switch (gobj.gobjType()) {
      case ENTITY -> entities.remove((MediaEntity) gobj);
      case PAD -> pads.remove((MediaPad) gobj);
      case LINK -> links.remove((MediaLink) gobj);
      case INTF_DEVNODE -> interfaces.remove((MediaInterface) gobj);
    }
    gobj.detach();
  }

  /**
   * {@code media_device_register_entity}: gives the entity an internal index, makes it and its
   * pads graph objects, runs the entity notifiers and grows the graph walk of the power
   * management code. With the lifetime rules the registered entity holds a reference on this
   * media device.
   *
   * <p>Context: process context; takes the graph mutex.
   *
   * @param entity the entity
   * @return 0, {@code -ENOMEM}, or {@code -EINVAL} for an entity registered already
   */
  @KernelSymbol("media_device_register_entity")
  public int registerEntity(MediaEntity entity) {
    if (!mem.check("media_device_register_entity")
        || !entity.mem().check("media_device_register_entity")) {
      return -Errno.ENODEV;
    }
    Warn.on(
        !MediaEntity.knownFunction(entity.function()),
        "entity " + entity.name() + " registered with an unknown function");
    if (Warn.on(entity.mdev() != null, entity + " registered twice")) {
      return -Errno.EINVAL;
    }
    if (FaultInjection.shouldFail(FAULT_ENTITY_IDX)) {
      return -Errno.ENOMEM;
    }
    graphMutex.lock();
    try {
      int idx = entityIdx.nextClearBit(1);
      entityIdx.set(idx);
      entity.internalIdx = idx;
      entityIdxMax = Math.max(entityIdxMax, idx);
      gobjCreate(GobjType.ENTITY, entity);
      for (MediaPad p : entity.pads()) {
        gobjCreate(GobjType.PAD, p);
      }
      for (EntityNotify n : new ArrayList<>(entityNotify)) {
        n.notify(entity);
      }
      if (idx >= walkIdxMax) {
        if (FaultInjection.shouldFail(FAULT_PM_WALK)) {
          removeEntityLocked(entity);
          return -Errno.ENOMEM;
        }
        walkIdxMax = (idx / WALK_CHUNK + 1) * WALK_CHUNK;
      }
      entity.registered = true;
      if (lifetime) {
        entity.holdsMdev = true;
        refs.add(entity, this);
        get();
      }
    } finally {
      graphMutex.unlock();
    }
    return 0;
  }

  /**
   * {@code media_device_unregister_entity}: drops the registration. In mainline mode the entity
   * leaves the graph at once, with its links, interface links and pads. With the lifetime rules
   * the registration reference is put, and the entity leaves the graph when its last reference
   * goes.
   *
   * <p>Context: process context; takes the graph mutex.
   *
   * @param entity the entity
   */
  @KernelSymbol("media_device_unregister_entity")
  public void unregisterEntity(MediaEntity entity) {
    if (!entity.mem().check("media_device_unregister_entity") || entity.mdev() != this) {
      return;
    }
    graphMutex.lock();
    try {
      if (!entity.registered) {
        return;
      }
      entity.registered = false;
      if (!lifetime) {
        removeEntityLocked(entity);
      }
    } finally {
      graphMutex.unlock();
    }
    entity.put();
  }

  /** The release half of the lifetime rules: called from the entity's last put. */
  void removeEntityAtRelease(MediaEntity entity) {
    if (!entity.holdsMdev) {
      return;
    }
    boolean held = graphMutex.isHeldByCurrentThread();
    Warn.on(held, "last reference of " + entity + " put with the graph mutex held");
    if (!held) {
      graphMutex.lock();
    }
    try {
      removeEntityLocked(entity);
    } finally {
      if (!held) {
        graphMutex.unlock();
      }
    }
    entity.holdsMdev = false;
    refs.remove(entity, this);
    put();
  }

  /** {@code __media_device_unregister_entity}, in the kernel's order; graph mutex held. */
  private void removeEntityLocked(MediaEntity entity) {
    entityIdx.clear(entity.internalIdx);
    for (MediaLink link : new ArrayList<>(links)) {
      if (link.linkType() == MediaUapi.MEDIA_LNK_FL_INTERFACE_LINK
          && link.gobj1() == entity) {
        link.intf().links.remove(link);
        destroyLink(link);
      }
    }
    MediaGraph.removeLinksLocked(entity);
    for (MediaPad p : entity.pads()) {
      gobjDestroy(p);
    }
    gobjDestroy(entity);
    entity.internalIdx = 0;
  }

  /** Destroys a link's gobj and frees its memory; graph mutex held. */
  void destroyLink(MediaLink link) {
    gobjDestroy(link);
    Kmem.kfree(link.mem(), "media_gobj_destroy");
  }

  private void removeIntfLinksLocked(MediaInterface intf) {
    for (MediaLink link : new ArrayList<>(intf.links)) {
      intf.links.remove(link);
      destroyLink(link);
    }
  }

  /**
   * {@code media_device_register_entity_notify}.
   *
   * @param notify the callback, run for every entity registered from now on
   */
  @KernelSymbol("media_device_register_entity_notify")
  public void registerEntityNotify(EntityNotify notify) {
    graphMutex.lock();
    try {
      entityNotify.add(notify);
    } finally {
      graphMutex.unlock();
    }
  }

  /**
   * {@code media_device_unregister_entity_notify}.
   *
   * @param notify the callback
   */
  @KernelSymbol("media_device_unregister_entity_notify")
  public void unregisterEntityNotify(EntityNotify notify) {
    graphMutex.lock();
    try {
      entityNotify.remove(notify);
    } finally {
      graphMutex.unlock();
    }
  }

  /**
   * {@code media_devnode_create}: a device-node interface.
   *
   * @param type MEDIA_INTF_T_*
   * @param flags the interface flags
   * @param major the node's major
   * @param minor the node's minor
   * @return the interface, or null when the allocation fails
   */
  @KernelSymbol("media_devnode_create")
  public @Nullable MediaInterface devnodeCreate(int type, int flags, int major, int minor) {
    Allocation a = Kmem.kzalloc("media_intf_devnode", "intf " + major + ":" + minor);
    if (a == null) {
      return null;
    }
    MediaInterface intf = new MediaInterface(a, type, flags, major, minor);
    graphMutex.lock();
    try {
      gobjCreate(GobjType.INTF_DEVNODE, intf);
    } finally {
      graphMutex.unlock();
    }
    return intf;
  }

  /**
   * {@code media_devnode_remove}: removes the interface's links, destroys it and frees it.
   *
   * @param intf the interface
   */
  @KernelSymbol("media_devnode_remove")
  public void devnodeRemove(MediaInterface intf) {
    if (!intf.mem().check("media_devnode_remove")) {
      return;
    }
    graphMutex.lock();
    try {
      removeIntfLinksLocked(intf);
      gobjDestroy(intf);
    } finally {
      graphMutex.unlock();
    }
    Kmem.kfree(intf.mem(), "media_devnode_remove");
  }

  /** {@code entity_internal_idx_max}: walk bitmaps are sized from it; graph mutex held. */
  int entityIdxMax() {
    return entityIdxMax;
  }

  /** Runs an ioctl on this media device; the devnode has checked registration. */
  int ioctl(int cmd, @Nullable IoctlArg<?> arg) {
    if (!mem.check("media_device_ioctl")) {
      return -Errno.EIO;
    }
    return MediaIoctls.dispatch(this, cmd, arg);
  }

  @Override
  public String toString() {
    return "media device '" + model + "' (" + state + ")";
  }
}
