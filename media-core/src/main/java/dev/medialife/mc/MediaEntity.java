package dev.medialife.mc;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.ref.Kref;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * An entity ({@code struct media_entity}): a hardware or software block with pads, linked to
 * other entities. An entity is embedded in a driver structure (a video device, a sub-device, the
 * driver's private struct) and shares its memory.
 *
 * <p>Lifetime, after the media lifetime rules: the entity has a reference count initialised to
 * one at construction; that reference belongs to the registration and is put by {@link
 * MediaDevice#unregisterEntity}. While registered the entity holds a reference on its media
 * device. When the last reference goes, the release removes the entity from the graph (taking
 * the graph mutex), drops the media device reference and calls the driver's release callback.
 * Graph walks take references with {@link #tryGet()}, which fails once the count has reached
 * zero: a dying entity is never handed out. With the lifetime rules switched off the entity is
 * removed from the graph at unregistration, as mainline does, and holds no media device
 * reference.
 *
 * <p>Implementation notes: the pads array is fixed by {@link #padsInit}; the link list and the
 * counters are guarded by the media device's graph mutex; the reference count is a {@link Kref}.
 */
@KernelSymbol("media_entity")
public final class MediaEntity extends MediaGobj {
  /** {@code MEDIA_ENTITY_MAX_PADS}: pads per entity must stay below this. */
  @KernelSymbol("MEDIA_ENTITY_MAX_PADS")
  public static final int MAX_PADS = 512;

  private final Allocation mem;
  private final String name;
  private final int function;
  private final Kref kref;
  private volatile int flags;
  private volatile EntityObjType objType = EntityObjType.BASE;
  private volatile @Nullable MediaEntityOperations ops;
  private volatile @Nullable Consumer<MediaEntity> release;
  private volatile MediaPad[] pads = new MediaPad[0];
  private volatile int major;
  private volatile int minor;

  /** Data links and backlinks, guarded by the graph mutex. */
  final List<MediaLink> links = new ArrayList<>();

  /** Guarded by the graph mutex. */
  int numLinks;

  /** Guarded by the graph mutex. */
  int numBacklinks;

  /** The per-device index used by graph walks, 0 when unregistered; graph mutex. */
  volatile int internalIdx;

  /** Whether the registration reference is still held; graph mutex. */
  volatile boolean registered;

  /** Whether this entity holds a reference on its media device (lifetime rules). */
  volatile boolean holdsMdev;

  /**
   * An entity embedded in a driver structure.
   *
   * @param containerMem the memory of the structure that embeds the entity
   * @param name the entity's name, unique within its media device
   * @param function the entity function, MEDIA_ENT_F_*
   */
  @KernelSymbol("media_entity")
  public MediaEntity(Allocation containerMem, String name, int function) {
    super(GobjType.ENTITY);
    this.mem = containerMem.embed("media_entity", name);
    this.name = name;
    this.function = function;
    this.kref = new Kref("media_entity " + name);
  }

  /**
   * Initialises the entity's pads: each pad gets this entity and its index. If the entity is
   * already registered, the pads become graph objects at once.
   *
   * <p>Context: process context; takes the graph mutex if the entity is registered.
   *
   * @param newPads the pads, each with exactly one of MEDIA_PAD_FL_SINK and MEDIA_PAD_FL_SOURCE
   * @return 0, {@code -E2BIG} with {@value #MAX_PADS} pads or more, {@code -EINVAL} for a pad
   *     that is neither or both sink and source
   */
  @KernelSymbol("media_entity_pads_init")
  public int padsInit(MediaPad... newPads) {
    if (newPads.length >= MAX_PADS) {
      return -Errno.E2BIG;
    }
    for (MediaPad p : newPads) {
      boolean sink = p.isSink();
      if (sink == p.isSource()) {
        Warn.warn("pad of " + name + " must be exactly one of sink and source");
        return -Errno.EINVAL;
      }
    }
    MediaDevice m = mdev();
    if (m != null) {
      m.graphMutex().lock();
    }
    try {
      for (int i = 0; i < newPads.length; i++) {
        newPads[i].init(this, i);
        if (m != null) {
          m.gobjCreate(GobjType.PAD, newPads[i]);
        }
      }
      pads = newPads.clone();
    } finally {
      if (m != null) {
        m.graphMutex().unlock();
      }
    }
    return 0;
  }

  /**
   * The entity's name.
   *
   * @return the name
   */
  @KernelSymbol("media_entity.name")
  public String name() {
    return name;
  }

  /**
   * The entity function.
   *
   * @return MEDIA_ENT_F_*
   */
  @KernelSymbol("media_entity.function")
  public int function() {
    return function;
  }

  /**
   * The entity flags.
   *
   * @return MEDIA_ENT_FL_*
   */
  @KernelSymbol("media_entity.flags")
  public int flags() {
    return flags;
  }

  /**
   * Sets the entity flags (before registration).
   *
   * @param f MEDIA_ENT_FL_*
   */
  @KernelSymbol("media_entity.flags")
  public void setFlags(int f) {
    this.flags = f;
  }

  /**
   * What structure embeds this entity.
   *
   * @return the object type
   */
  @KernelSymbol("media_entity.obj_type")
  public EntityObjType objType() {
    return objType;
  }

  /**
   * Declares what structure embeds this entity (set by the V4L2 core).
   *
   * @param t the object type
   */
  @KernelSymbol("media_entity.obj_type")
  public void setObjType(EntityObjType t) {
    this.objType = t;
  }

  /**
   * The entity's operations, or null.
   *
   * @return the operations
   */
  @KernelSymbol("media_entity.ops")
  public @Nullable MediaEntityOperations ops() {
    return ops;
  }

  /**
   * Sets the entity's operations (before registration).
   *
   * @param o the operations
   */
  @KernelSymbol("media_entity.ops")
  public void setOps(@Nullable MediaEntityOperations o) {
    this.ops = o;
  }

  /**
   * The device node numbers reported by ENUM_ENTITIES ({@code info.dev}).
   *
   * @param maj the major
   * @param min the minor
   */
  @KernelSymbol("media_entity.info.dev")
  public void setDevnode(int maj, int min) {
    this.major = maj;
    this.minor = min;
  }

  /**
   * The device node major, 0 if none.
   *
   * @return the major
   */
  @KernelSymbol("media_entity.info.dev.major")
  public int major() {
    return major;
  }

  /**
   * The device node minor.
   *
   * @return the minor
   */
  @KernelSymbol("media_entity.info.dev.minor")
  public int minor() {
    return minor;
  }

  /**
   * Installs the release callback run at the last {@link #put()}, after the entity has left the
   * graph; it frees whatever the driver allocated for the entity. Optional: an entity whose memory
   * lives as long as its media device needs none.
   *
   * @param r the callback
   */
  @KernelSymbol("media_entity.release")
  public void setRelease(@Nullable Consumer<MediaEntity> r) {
    this.release = r;
  }

  /**
   * The pads.
   *
   * @return the pads, in index order
   */
  @KernelSymbol("media_entity.pads")
  public List<MediaPad> pads() {
    return List.of(pads);
  }

  /**
   * The number of pads.
   *
   * @return the count
   */
  @KernelSymbol("media_entity.num_pads")
  public int numPads() {
    return pads.length;
  }

  /**
   * One pad.
   *
   * @param index the index
   * @return the pad
   * @throws IndexOutOfBoundsException for a bad index (a harness bug; user input is validated by
   *     the ioctls)
   */
  @KernelSymbol("media_entity.pads")
  public MediaPad pad(int index) {
    return pads[index];
  }

  /**
   * The data links and backlinks on this entity's list, a snapshot; hold the graph mutex for a
   * consistent view.
   *
   * @return the links
   */
  @KernelSymbol("media_entity.links")
  public List<MediaLink> links() {
    return List.copyOf(links);
  }

  /**
   * Links on this entity's list, backlinks included.
   *
   * @return {@code num_links}
   */
  @KernelSymbol("media_entity.num_links")
  public int numLinks() {
    return numLinks;
  }

  /**
   * Backlinks on this entity's list.
   *
   * @return {@code num_backlinks}
   */
  @KernelSymbol("media_entity.num_backlinks")
  public int numBacklinks() {
    return numBacklinks;
  }

  /**
   * The index graph walks use for this entity, 0 when not registered.
   *
   * @return the internal index
   */
  @KernelSymbol("media_entity.internal_idx")
  public int internalIdx() {
    return internalIdx;
  }

  /**
   * Whether the entity is registered with a media device.
   *
   * @return true between register and unregister
   */
  @KernelSymbol("media_entity_is_registered")
  public boolean isRegistered() {
    return registered;
  }

  /**
   * Whether any pad of the entity is part of a started pipeline.
   *
   * @return true while streaming
   */
  @KernelSymbol("media_entity_is_streaming")
  public boolean isStreaming() {
    for (MediaPad p : pads) {
      if (p.pipeline() != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * The entity's memory (a view of its container's allocation).
   *
   * @return the allocation view
   */
  @JavaOnly("model memory")
  public Allocation mem() {
    return mem;
  }

  /**
   * The reference count.
   *
   * @return the count
   */
  @KernelSymbol("kref_read")
  public int refcount() {
    return kref.read();
  }

  /**
   * Takes a reference; the caller must already hold one (or a lock that keeps the entity alive).
   *
   * @return this entity
   */
  @KernelSymbol("media_entity_get")
  public MediaEntity get() {
    mem.check("media_entity_get");
    kref.get();
    return this;
  }

  /**
   * Takes a reference unless the count has reached zero, as graph walks must.
   *
   * @return true if a reference was taken; false for an entity being released
   */
  @KernelSymbol("media_entity_try_get")
  public boolean tryGet() {
    if (!mem.check("media_entity_try_get")) {
      return false;
    }
    return kref.tryGet();
  }

  /**
   * Drops a reference; the last one releases the entity.
   *
   * <p>Context: process context; the release takes the graph mutex, so the last put must not be
   * made with the graph mutex held.
   *
   * @return true if this put released the entity
   */
  @KernelSymbol("media_entity_put")
  public boolean put() {
    if (!mem.check("media_entity_put")) {
      return false;
    }
    return kref.put(this, MediaEntity::releaseEntity);
  }

  /**
   * Takes a reference on behalf of {@code holder}, a refcounted object that stores the pointer
   * (another entity, the media device); a reference that closes a cycle of holders is reported,
   * because the memo forbids circular references. Balance with {@link #putFor}.
   *
   * @param holder the object that keeps the pointer
   * @return this entity
   */
  @KernelSymbol("media_entity_get")
  public MediaEntity getFor(Object holder) {
    MediaDevice m = mdev();
    if (m != null) {
      m.refs.add(holder, this);
    }
    return get();
  }

  /**
   * Drops a reference taken with {@link #getFor}.
   *
   * @param holder the object that kept the pointer
   * @return true if this put released the entity
   */
  @KernelSymbol("media_entity_put")
  public boolean putFor(Object holder) {
    MediaDevice m = mdev();
    if (m != null) {
      m.refs.remove(holder, this);
    }
    return put();
  }

  private static void releaseEntity(MediaEntity e) {
    MediaDevice m = e.mdev();
    if (m != null) {
      m.removeEntityAtRelease(e);
    }
    Consumer<MediaEntity> r = e.release;
    if (r != null) {
      r.accept(e);
    }
  }

  /**
   * The entity type that MEDIA_IOC_ENUM_ENTITIES reports: functions outside the legacy range
   * become "unknown sub-device" for a V4L2 sub-device and "unknown device node" otherwise; a V4L
   * video node keeps its function.
   *
   * @return the legacy type
   */
  @KernelSymbol("media_device_enum_entities")
  public int legacyType() {
    int f = function;
    if (f < MediaUapi.MEDIA_ENT_F_OLD_BASE || f > MediaUapi.MEDIA_ENT_F_TUNER) {
      if (objType == EntityObjType.V4L2_SUBDEV) {
        return MediaUapi.MEDIA_ENT_F_V4L2_SUBDEV_UNKNOWN;
      }
      if (f != MediaUapi.MEDIA_ENT_F_IO_V4L) {
        return MediaUapi.MEDIA_ENT_T_DEVNODE_UNKNOWN;
      }
    }
    return f;
  }

  @Override
  public String toString() {
    return "entity '" + name + "' (function 0x" + Integer.toHexString(function) + ")";
  }

  /**
   * Whether {@code f} is a known entity function (registration warns on an unknown one).
   *
   * @param f the function
   * @return false for {@code MEDIA_ENT_F_UNKNOWN} and {@code MEDIA_ENT_F_V4L2_SUBDEV_UNKNOWN}
   */
  static boolean knownFunction(int f) {
    return f != MediaUapi.MEDIA_ENT_F_UNKNOWN && f != MediaUapi.MEDIA_ENT_F_V4L2_SUBDEV_UNKNOWN;
  }
}
