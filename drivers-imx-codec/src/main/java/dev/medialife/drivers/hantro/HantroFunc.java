package dev.medialife.drivers.hantro;

import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaInterface;
import dev.medialife.mc.MediaLink;
import dev.medialife.v4l2.VideoDevice;
import org.jspecify.annotations.Nullable;

/**
 * The decoder function of a core ({@code struct hantro_func}): the video node embedded in it and
 * the media-controller objects Hantro builds for it itself — a source entity for the node, a
 * processing entity, a sink entity, their two links and the node's interface with its two links.
 */
@KernelSymbol("hantro_func")
final class HantroFunc {
  final Allocation mem;
  final VideoDevice vdev;
  @Nullable MediaEntity source;
  @Nullable MediaEntity proc;
  @Nullable MediaEntity sink;
  @Nullable MediaInterface intf;
  @Nullable MediaLink intfSource;
  @Nullable MediaLink intfSink;
  @Nullable Allocation names;

  HantroFunc(Allocation mem, VideoDevice vdev) {
    this.mem = mem;
    this.vdev = vdev;
  }
}
