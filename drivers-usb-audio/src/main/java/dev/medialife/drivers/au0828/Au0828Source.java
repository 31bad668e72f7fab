package dev.medialife.drivers.au0828;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaGraph;
import dev.medialife.mc.MediaLink;
import dev.medialife.mc.MediaPipeline;
import dev.medialife.mc.SourceHooks;
import dev.medialife.mc.uapi.MediaUapi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tuner arbitration of au0828 ({@code au0828_enable_source} / {@code au0828_disable_source},
 * reference §4.6), installed on the shared media device as its source hooks. Both run with the
 * media device's graph mutex held by the caller (v4l2-mc, the ALSA glue, the DVB frontend).
 *
 * <p>One link at a time feeds the decoder (from the tuner or an input connector) or the
 * demodulator (from the tuner). The first requester becomes the owner: the link is enabled and
 * the owner's pipeline started. Analog video, VBI and audio capture may then share it (the second
 * becomes the "user", with its pipeline remembered); anything else gets {@code -EBUSY}. When the
 * owner gives the link up while it is shared, ownership moves to the user: the owner's pipeline
 * stops and the user's starts.
 *
 * <p>The model also programs the stick's tuner route register from the arbitration state, so
 * that the hardware knows which consumers were granted the tuner.
 *
 * <p>Implementation notes: every field is guarded by the graph mutex of the media device.
 */
final class Au0828Source implements SourceHooks {
  private static final Logger LOG = LoggerFactory.getLogger(Au0828Source.class);

  private final Au0828Dev dev;

  private @Nullable MediaLink activeLink;
  private @Nullable MediaEntity activeLinkOwner;
  private @Nullable MediaEntity activeSource;
  private @Nullable MediaEntity activeSink;
  private boolean activeLinkShared;
  private @Nullable MediaEntity activeLinkUser;
  private @Nullable MediaPipeline activeLinkUserPipe;
  private int pipelineStarts;
  private int pipelineStops;

  Au0828Source(Au0828Dev dev) {
    this.dev = dev;
  }

  private static boolean isAnalog(int function) {
    return function == MediaUapi.MEDIA_ENT_F_IO_V4L
        || function == MediaUapi.MEDIA_ENT_F_AUDIO_CAPTURE
        || function == MediaUapi.MEDIA_ENT_F_IO_VBI;
  }

  private static boolean isVideo(int function) {
    return function == MediaUapi.MEDIA_ENT_F_IO_V4L || function == MediaUapi.MEDIA_ENT_F_IO_VBI;
  }

  @Override
  @KernelSymbol("au0828_enable_source")
  public int enableSource(MediaEntity entity, @Nullable MediaPipeline pipe) {
    if (dev.mdev() == null) {
      return -Errno.ENODEV;
    }
    MediaEntity sink;
    MediaEntity source;
    if (entity.function() == MediaUapi.MEDIA_ENT_F_DTV_DEMOD) {
      sink = entity;
      source = dev.tunerEntity();
    } else {
      MediaEntity decoder = dev.decoderEntity();
      if (decoder == null) {
        return -Errno.ENODEV;
      }
      sink = decoder;
      switch (dev.inputType()) {
        case TELEVISION -> source = dev.tunerEntity();
        case SVIDEO, COMPOSITE -> source = dev.inputEntity(dev.inputType());
        default -> {
          LOG.debug("enable_source for {}: input {} needs no source", entity, dev.inputType());
          return 0;
        }
      }
    }
    MediaEntity owner = activeLinkOwner;
    if (activeLink != null && owner != null) {
      if (owner.equals(entity)) {
        return 0;
      }
      if (isAnalog(owner.function()) && isAnalog(entity.function())) {
        activeLinkShared = true;
        activeLinkUser = entity;
        activeLinkUserPipe = pipe;
        route();
        return 0;
      }
      LOG.debug("enable_source for {}: tuner owned by {}", entity, owner);
      return -Errno.EBUSY;
    }
    MediaLink link = source == null ? null : findLink(source, sink);
    if (link == null) {
      return -Errno.ENODEV;
    }
    int ret = MediaGraph.setupLinkLocked(link, MediaUapi.MEDIA_LNK_FL_ENABLED);
    if (ret != 0) {
      return ret;
    }
    ret = start(entity, pipe);
    if (ret != 0) {
      MediaGraph.setupLinkLocked(link, 0);
      return ret;
    }
    activeLink = link;
    activeLinkOwner = entity;
    activeSource = source;
    activeSink = sink;
    route();
    return 0;
  }

  @Override
  @KernelSymbol("au0828_disable_source")
  public void disableSource(MediaEntity entity) {
    MediaLink link = activeLink;
    MediaEntity owner = activeLinkOwner;
    if (link == null || owner == null) {
      return;
    }
    if (!link.source().entity().equals(activeSource) || !link.sink().entity().equals(activeSink)) {
      return;
    }
    int users = dev.users();
    if (activeLinkShared) {
      if (!owner.equals(entity)) {
        if (owner.function() == MediaUapi.MEDIA_ENT_F_AUDIO_CAPTURE && users > 1) {
          return;
        }
        activeLinkUser = null;
        activeLinkUserPipe = null;
        activeLinkShared = false;
        route();
        return;
      }
      if (isVideo(owner.function()) && users > 1) {
        return;
      }
      // Ownership moves to the user.
      stop(owner);
      MediaEntity user = activeLinkUser;
      int ret = user == null ? -Errno.ENODEV : start(user, activeLinkUserPipe);
      if (ret != 0) {
        MediaGraph.setupLinkLocked(link, 0);
        clear();
      } else {
        activeLinkOwner = user;
        activeLinkShared = false;
        activeLinkUser = null;
        activeLinkUserPipe = null;
      }
      route();
      return;
    }
    if (isVideo(owner.function()) && users > 1) {
      return;
    }
    if (!owner.equals(entity)) {
      return;
    }
    stop(owner);
    MediaGraph.setupLinkLocked(link, 0);
    clear();
    route();
  }

  private int start(MediaEntity entity, @Nullable MediaPipeline pipe) {
    if (pipe == null || entity.numPads() == 0) {
      return -Errno.EINVAL;
    }
    int ret = MediaGraph.pipelineStart(entity.pad(0), pipe);
    if (ret == 0) {
      pipelineStarts++;
    }
    return ret;
  }

  private void stop(MediaEntity entity) {
    if (entity.numPads() != 0 && entity.pad(0).pipeline() != null) {
      MediaGraph.pipelineStop(entity.pad(0));
      pipelineStops++;
    }
  }

  private void clear() {
    activeLink = null;
    activeLinkOwner = null;
    activeSource = null;
    activeSink = null;
    activeLinkShared = false;
    activeLinkUser = null;
    activeLinkUserPipe = null;
  }

  /** Programs the tuner route from the arbitration state. */
  private void route() {
    int bits = 0;
    MediaEntity owner = activeLinkOwner;
    if (owner != null && activeSource != null && activeSource.equals(dev.tunerEntity())) {
      bits |= routeBit(owner);
      MediaEntity user = activeLinkUser;
      if (user != null) {
        bits |= routeBit(user);
      }
    }
    dev.writeRoute(bits);
  }

  private static int routeBit(MediaEntity e) {
    return switch (e.function()) {
      case MediaUapi.MEDIA_ENT_F_AUDIO_CAPTURE -> Au0828Dev.ROUTE_AUDIO;
      case MediaUapi.MEDIA_ENT_F_DTV_DEMOD -> Au0828Dev.ROUTE_DTV;
      default -> Au0828Dev.ROUTE_VIDEO;
    };
  }

  /** The forward link from {@code source} to {@code sink}, or null. */
  private static @Nullable MediaLink findLink(MediaEntity source, MediaEntity sink) {
    for (MediaLink l : source.links()) {
      if (!l.isBacklink()
          && l.source().entity().equals(source)
          && l.sink().entity().equals(sink)) {
        return l;
      }
    }
    return null;
  }

  /** Drops every claim: the device is going away (au0828_unregister_media_device). */
  void reset() {
    clear();
  }

  /**
   * The model fix of {@code au0828-disconnect-source}, at disconnect: undoes what the granted
   * claim did in the graph, the pipeline this driver started for the owner (whichever driver's
   * entity that is) and the enabled tuner or input link, then forgets the owner and the user.
   * Graph mutex held.
   */
  void giveBack() {
    MediaLink link = activeLink;
    MediaEntity owner = activeLinkOwner;
    if (link != null && owner != null) {
      stop(owner);
      MediaGraph.setupLinkLocked(link, 0);
    }
    clear();
    route();
  }

  @Nullable MediaLink activeLink() {
    return activeLink;
  }

  @Nullable MediaEntity owner() {
    return activeLinkOwner;
  }

  @Nullable MediaEntity user() {
    return activeLinkUser;
  }

  boolean shared() {
    return activeLinkShared;
  }

  int pipelineStarts() {
    return pipelineStarts;
  }

  int pipelineStops() {
    return pipelineStops;
  }
}
