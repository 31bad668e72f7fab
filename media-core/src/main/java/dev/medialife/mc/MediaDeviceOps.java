package dev.medialife.mc;

import dev.medialife.kernel.meta.KernelSymbol;

/** Media device operations ({@code struct media_device_ops}); every one is optional. */
@KernelSymbol("media_device_ops")
public interface MediaDeviceOps {
  /** {@code MEDIA_DEV_NOTIFY_PRE_LINK_CH}: before a link's flags change. */
  @KernelSymbol("MEDIA_DEV_NOTIFY_PRE_LINK_CH")
  int PRE_LINK_CH = 0;

  /** {@code MEDIA_DEV_NOTIFY_POST_LINK_CH}: after the change, whether it succeeded or not. */
  @KernelSymbol("MEDIA_DEV_NOTIFY_POST_LINK_CH")
  int POST_LINK_CH = 1;

  /**
   * Notifies the driver of a link change. Called with the graph mutex held; an error from the PRE
   * notification refuses the change, the POST result is ignored.
   *
   * @param link the link
   * @param flags the new flags
   * @param notification {@link #PRE_LINK_CH} or {@link #POST_LINK_CH}
   * @return 0 or a negative errno
   */
  @KernelSymbol("media_device_ops.link_notify")
  default int linkNotify(MediaLink link, int flags, int notification) {
    return 0;
  }
}
