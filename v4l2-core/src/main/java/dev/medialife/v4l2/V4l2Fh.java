package dev.medialife.v4l2;

import dev.medialife.driver.File;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.wait.WaitQueueHead;
import dev.medialife.v4l2.uapi.V4l2Priority;
import org.jspecify.annotations.Nullable;

/**
 * A V4L2 file handle ({@code struct v4l2_fh}, v4l2-fh.c): the per-open state the core knows
 * about, normally the file's private data. It links the file to its video device, holds the
 * handle's priority and the wait queue that event and buffer sleepers use; unregistration wakes
 * it ({@link #eventWakeAll}).
 */
@KernelSymbol("v4l2_fh")
public final class V4l2Fh {
  private final Allocation mem;
  private final @Nullable Allocation ownMem;
  private final WaitQueueHead wait = new WaitQueueHead("v4l2_fh.wait");
  private volatile @Nullable VideoDevice vdev;
  private volatile V4l2Priority prio = V4l2Priority.UNSET;
  private volatile boolean listed;
  private volatile @Nullable Object m2mCtx;

  /**
   * A file handle embedded in a driver's per-open structure.
   *
   * @param containerMem the memory of that structure
   */
  @KernelSymbol("v4l2_fh")
  public V4l2Fh(Allocation containerMem) {
    this(containerMem, null);
  }

  private V4l2Fh(Allocation containerMem, @Nullable Allocation own) {
    this.mem = containerMem.embed("v4l2_fh", "v4l2_fh");
    this.ownMem = own;
  }

  /**
   * {@code v4l2_fh_init}: links the handle to the node, which from now on uses file handles.
   *
   * @param v the video device
   */
  @KernelSymbol("v4l2_fh_init")
  public void init(VideoDevice v) {
    vdev = v;
    v.setUsesV4l2Fh();
    prio = V4l2Priority.UNSET;
  }

  /** {@code v4l2_fh_add}: the default priority, and onto the node's list. */
  @KernelSymbol("v4l2_fh_add")
  public void add() {
    VideoDevice v = vdev;
    if (v == null) {
      Warn.warn("v4l2_fh_add before v4l2_fh_init");
      return;
    }
    prio = v.prio().open(prio);
    v.fhAdd(this);
    listed = true;
  }

  /** {@code v4l2_fh_del}: off the node's list, and the priority no longer counted. */
  @KernelSymbol("v4l2_fh_del")
  public void del() {
    VideoDevice v = vdev;
    if (v == null || !listed) {
      return;
    }
    v.fhRemove(this);
    listed = false;
    v.prio().close(prio);
  }

  /**
   * {@code v4l2_fh_exit}: gives the media source back ({@code v4l_disable_media_source}; a no-op
   * on a device without source hooks), then unlinks the handle from the node.
   */
  @KernelSymbol("v4l2_fh_exit")
  public void exit() {
    VideoDevice v = vdev;
    if (v == null) {
      return;
    }
    V4l2Mc.disableMediaSource(v);
    vdev = null;
  }

  /**
   * {@code v4l2_fh_open}: allocates, initialises and adds a handle and makes it the file's
   * private data; usable as the driver's open.
   *
   * @param file the file
   * @return 0 or {@code -ENOMEM}
   */
  @KernelSymbol("v4l2_fh_open")
  public static int open(File file) {
    VideoDevice v = VideoDevice.devdata(file);
    Allocation a = Kmem.kzalloc("v4l2_fh", v.device().name());
    if (a == null) {
      return -Errno.ENOMEM;
    }
    V4l2Fh fh = new V4l2Fh(a, a);
    fh.init(v);
    fh.add();
    file.setPrivateData(fh);
    return 0;
  }

  /**
   * {@code v4l2_fh_release}: deletes, exits and frees the file's handle made by {@link #open};
   * usable as the driver's release.
   *
   * @param file the file
   * @return 0
   */
  @KernelSymbol("v4l2_fh_release")
  public static int release(File file) {
    V4l2Fh fh = file.privateData(V4l2Fh.class);
    if (fh != null) {
      fh.del();
      fh.exit();
      file.setPrivateData(null);
      Allocation a = fh.ownMem;
      if (a != null) {
        Kmem.kfree(a, "v4l2_fh_release");
      }
    }
    return 0;
  }

  /**
   * The mem2mem context of this handle, which the {@code v4l2_m2m_ioctl_*} helpers use. It is
   * typed {@code Object} because v4l2-core sits below v4l2-mem2mem; the helpers cast it.
   *
   * @return {@code fh->m2m_ctx}, or null
   */
  @KernelSymbol("v4l2_fh.m2m_ctx")
  public @Nullable Object m2mCtx() {
    return m2mCtx;
  }

  /**
   * Sets the mem2mem context, as an m2m driver's open does after {@code v4l2_m2m_ctx_init}.
   *
   * @param ctx the context, or null
   */
  @KernelSymbol("v4l2_fh.m2m_ctx")
  public void setM2mCtx(@Nullable Object ctx) {
    m2mCtx = ctx;
  }

  /**
   * {@code v4l2_event_wake_all}: wakes every file handle's sleepers on a node, so that they
   * re-check its state. Called by {@link VideoDevice#unregister()}.
   *
   * @param v the video device
   */
  @KernelSymbol("v4l2_event_wake_all")
  public static void eventWakeAll(VideoDevice v) {
    for (V4l2Fh fh : v.fhSnapshot()) {
      fh.wait.wakeUpAll();
    }
  }

  /**
   * Changes the handle's priority ({@code VIDIOC_S_PRIORITY}'s core).
   *
   * @param wanted the new priority
   * @return 0, {@code -EINVAL} for UNSET or an unlinked handle, {@code -EBUSY} when another handle
   *     holds a higher priority
   */
  @KernelSymbol("v4l2_prio_change")
  public int changePrio(V4l2Priority wanted) {
    VideoDevice v = vdev;
    if (v == null || !wanted.isValid()) {
      return -Errno.EINVAL;
    }
    int ret = v.prio().check(prio);
    if (ret != 0) {
      return ret;
    }
    prio = v.prio().change(prio, wanted);
    return 0;
  }

  /**
   * The handle's wait queue ({@code fh->wait}): poll and event sleepers wait here.
   *
   * @return the queue
   */
  @KernelSymbol("v4l2_fh.wait")
  public WaitQueueHead waitQueue() {
    return wait;
  }

  /**
   * The priority.
   *
   * @return the priority, UNSET before {@link #add()}
   */
  @KernelSymbol("v4l2_fh.prio")
  public V4l2Priority prio() {
    return prio;
  }

  /**
   * The video device, null after {@link #exit()}.
   *
   * @return the device
   */
  @KernelSymbol("v4l2_fh.vdev")
  public @Nullable VideoDevice vdev() {
    return vdev;
  }

  /**
   * The handle's memory.
   *
   * @return the view
   */
  @JavaOnly("model memory")
  public Allocation mem() {
    return mem;
  }
}
