package dev.medialife.v4l2;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.SourceHooks;
import org.jspecify.annotations.Nullable;

/**
 * The source arbitration helpers of v4l2-mc.c (reference §4.5): a video node asks its media
 * device's {@code enable_source} hook, under the graph mutex, for the tuner or input feeding it.
 * The core calls {@link #enableMediaSource} before S_FMT and S_INPUT; a driver (au0828) also
 * calls it from its own handlers, G_TUNER for one, and {@link #disableMediaSource} on close.
 */
@KernelSymbol("v4l2-mc.c")
public final class V4l2Mc {
  private V4l2Mc() {}

  /**
   * {@code v4l_enable_media_source}.
   *
   * <p>Context: process context; may sleep (the graph mutex).
   *
   * @param vdev the video device
   * @return 0 without a media device, a hook or an entity (the model's nodes without an entity,
   *     such as radio, have nothing to ask for); else 0 when the hook grants the source and
   *     {@code -EBUSY} for <em>any</em> error of the hook
   */
  @KernelSymbol("v4l_enable_media_source")
  public static int enableMediaSource(VideoDevice vdev) {
    MediaDevice mdev = mdevOf(vdev);
    MediaEntity e = vdev.entity();
    if (mdev == null || e == null) {
      return 0;
    }
    int ret = 0;
    mdev.graphMutex().lock();
    try {
      SourceHooks hooks = mdev.sourceHooks();
      if (hooks != null) {
        ret = hooks.enableSource(e, vdev.pipe());
      }
    } finally {
      mdev.graphMutex().unlock();
    }
    return ret != 0 ? -Errno.EBUSY : 0;
  }

  /**
   * {@code v4l_disable_media_source}: gives the source back, under the graph mutex.
   *
   * @param vdev the video device
   */
  @KernelSymbol("v4l_disable_media_source")
  public static void disableMediaSource(VideoDevice vdev) {
    MediaDevice mdev = mdevOf(vdev);
    MediaEntity e = vdev.entity();
    if (mdev == null || e == null) {
      return;
    }
    mdev.graphMutex().lock();
    try {
      SourceHooks hooks = mdev.sourceHooks();
      if (hooks != null) {
        hooks.disableSource(e);
      }
    } finally {
      mdev.graphMutex().unlock();
    }
  }

  private static @Nullable MediaDevice mdevOf(VideoDevice vdev) {
    V4l2Device v = vdev.v4l2Dev();
    return v == null ? null : v.mdev();
  }
}
