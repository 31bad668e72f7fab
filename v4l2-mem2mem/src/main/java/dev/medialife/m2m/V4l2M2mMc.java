package dev.medialife.m2m;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.mc.EntityObjType;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaGraph;
import dev.medialife.mc.MediaInterface;
import dev.medialife.mc.MediaLink;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.v4l2.V4l2Device;
import dev.medialife.v4l2.VideoDevice;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The media-controller objects of an m2m video node ({@code v4l2_m2m_register_media_controller}):
 * a source entity (the node's own), a processing entity with the given function, a sink entity,
 * the two immutable data links between them, the node's V4L video interface and its links to
 * source and sink. One scheduler holds at most one such set, so at most one of the nodes that
 * share a scheduler may use this helper.
 *
 * <p>Departure: the kernel uses {@code vdev->entity} as the source; the v4l2-core model keeps that
 * field for its own registration, so the source is a separate entity embedded in the video device
 * with the same name, pad and function. {@link #source()} returns it.
 */
@KernelSymbol("v4l2_m2m_dev (CONFIG_MEDIA_CONTROLLER fields)")
public final class V4l2M2mMc {
  private final VideoDevice vdev;
  private final MediaDevice mdev;
  private final Allocation names;
  private final MediaEntity source;
  private final MediaEntity proc;
  private final MediaEntity sink;
  private final MediaInterface intf;
  private final MediaLink intfSource;
  private final MediaLink intfSink;

  private V4l2M2mMc(
      VideoDevice vdev,
      MediaDevice mdev,
      Allocation names,
      MediaEntity source,
      MediaEntity proc,
      MediaEntity sink,
      MediaInterface intf,
      MediaLink intfSource,
      MediaLink intfSink) {
    this.vdev = vdev;
    this.mdev = mdev;
    this.names = names;
    this.source = source;
    this.proc = proc;
    this.sink = sink;
    this.intf = intf;
    this.intfSource = intfSource;
    this.intfSink = intfSink;
  }

  /**
   * The video node these objects describe.
   *
   * @return the node
   */
  @JavaOnly("accessor")
  public VideoDevice vdev() {
    return vdev;
  }

  /**
   * The source entity, named "&lt;vdev&gt;-source".
   *
   * @return {@code m2m_dev->source}
   */
  @KernelSymbol("v4l2_m2m_dev.source")
  public MediaEntity source() {
    return source;
  }

  /**
   * The processing entity, named "&lt;vdev&gt;-proc".
   *
   * @return {@code m2m_dev->proc}
   */
  @KernelSymbol("v4l2_m2m_dev.proc")
  public MediaEntity proc() {
    return proc;
  }

  /**
   * The sink entity, named "&lt;vdev&gt;-sink".
   *
   * @return {@code m2m_dev->sink}
   */
  @KernelSymbol("v4l2_m2m_dev.sink")
  public MediaEntity sink() {
    return sink;
  }

  /**
   * The node's interface.
   *
   * @return {@code m2m_dev->intf_devnode}
   */
  @KernelSymbol("v4l2_m2m_dev.intf_devnode")
  public MediaInterface intf() {
    return intf;
  }

  /** {@code VIDEO_MAJOR}, the character major of V4L2 nodes. */
  private static final int VIDEO_MAJOR = 81;

  private static final int LINK_FLAGS =
      MediaUapi.MEDIA_LNK_FL_IMMUTABLE | MediaUapi.MEDIA_LNK_FL_ENABLED;

  /** {@code v4l2_m2m_register_entity}: name, pads, function, registration; undone on failure. */
  private static int registerEntity(
      MediaDevice mdev, MediaEntity e, Deque<Runnable> undo, MediaPad... pads) {
    int ret = e.padsInit(pads);
    if (ret == 0) {
      ret = mdev.registerEntity(e);
    }
    if (ret == 0) {
      undo.push(() -> mdev.unregisterEntity(e));
    }
    return ret;
  }

  private static int unwind(Deque<Runnable> undo, int ret) {
    while (!undo.isEmpty()) {
      undo.pop().run();
    }
    return ret;
  }

  /**
   * Registers the objects of an m2m node on its media device; see {@link
   * V4l2M2mDev#registerMediaController}.
   */
  static int register(V4l2M2mDev dev, VideoDevice vdev, int function) {
    V4l2Device v4l2 = vdev.v4l2Dev();
    MediaDevice mdev = v4l2 != null ? v4l2.mdev() : null;
    if (mdev == null) {
      return 0;
    }
    V4l2M2mMc held = dev.mcLocked();
    if (held != null) {
      Warn.warn(dev + " already holds the MC objects of " + held.vdev().name()
          + "; a shared scheduler supports one v4l2_m2m_register_media_controller user");
      return -Errno.EBUSY;
    }
    if (!vdev.isRegistered()) {
      Warn.warn("v4l2_m2m_register_media_controller before video_register_device of "
          + vdev.name());
      return -Errno.EINVAL;
    }
    Allocation names = Kmem.kzalloc("v4l2_m2m_mc_names", vdev.name());
    if (names == null) {
      return -Errno.ENOMEM;
    }
    Deque<Runnable> undo = new ArrayDeque<>();
    undo.push(() -> Kmem.kfree(names, "v4l2_m2m_register_media_controller"));
    MediaEntity source =
        new MediaEntity(vdev.mem(), vdev.name() + "-source", MediaUapi.MEDIA_ENT_F_IO_V4L);
    source.setObjType(EntityObjType.VIDEO_DEVICE);
    source.setDevnode(VIDEO_MAJOR, vdev.minor());
    int ret = registerEntity(mdev, source, undo, MediaPad.source());
    if (ret != 0) {
      return unwind(undo, ret);
    }
    MediaEntity proc = new MediaEntity(dev.mem(), vdev.name() + "-proc", function);
    ret = registerEntity(mdev, proc, undo, MediaPad.sink(), MediaPad.source());
    if (ret != 0) {
      return unwind(undo, ret);
    }
    MediaEntity sink =
        new MediaEntity(dev.mem(), vdev.name() + "-sink", MediaUapi.MEDIA_ENT_F_IO_V4L);
    ret = registerEntity(mdev, sink, undo, MediaPad.sink());
    if (ret != 0) {
      return unwind(undo, ret);
    }
    ret = MediaGraph.createPadLink(source, 0, proc, 0, LINK_FLAGS);
    if (ret == 0) {
      ret = MediaGraph.createPadLink(proc, 1, sink, 0, LINK_FLAGS);
    }
    if (ret != 0) {
      undo.push(() -> MediaGraph.removeLinks(source));
      return unwind(undo, ret);
    }
    MediaInterface intf =
        mdev.devnodeCreate(
            MediaUapi.MEDIA_INTF_T_V4L_VIDEO, 0, VIDEO_MAJOR, vdev.minor());
    if (intf == null) {
      return unwind(undo, -Errno.ENOMEM);
    }
    undo.push(() -> mdev.devnodeRemove(intf));
    MediaLink l1 = MediaGraph.createIntfLink(source, intf, LINK_FLAGS);
    if (l1 == null) {
      return unwind(undo, -Errno.ENOMEM);
    }
    undo.push(() -> MediaGraph.removeIntfLink(l1));
    MediaLink l2 = MediaGraph.createIntfLink(sink, intf, LINK_FLAGS);
    if (l2 == null) {
      return unwind(undo, -Errno.ENOMEM);
    }
    V4l2M2mMc objs = new V4l2M2mMc(vdev, mdev, names, source, proc, sink, intf, l1, l2);
    if (!dev.setMcIfAbsent(objs)) {
      undo.push(() -> MediaGraph.removeIntfLink(l2));
      Warn.warn(dev + ": MC objects registered concurrently by another node");
      return unwind(undo, -Errno.EBUSY);
    }
    return 0;
  }

  /** Removes everything {@link #register} created, in reverse. */
  void unregister() {
    MediaGraph.removeIntfLink(intfSink);
    MediaGraph.removeIntfLink(intfSource);
    mdev.devnodeRemove(intf);
    MediaGraph.removeLinks(source);
    MediaGraph.removeLinks(sink);
    MediaGraph.removeLinks(proc);
    mdev.unregisterEntity(source);
    mdev.unregisterEntity(sink);
    mdev.unregisterEntity(proc);
    Kmem.kfree(names, "v4l2_m2m_unregister_media_controller");
  }
}
