package dev.medialife.mc;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The link functions of mc-entity.c: creating and removing data and interface links, link setup
 * with its rules and callbacks, remote-pad lookups, and pipelines.
 *
 * <p>Functions whose kernel counterpart expects the caller to hold the graph mutex take it
 * themselves unless the calling thread already holds it.
 */
@KernelSymbol("mc-entity.c")
public final class MediaGraph {
  private static final int TYPE_MASK = MediaUapi.MEDIA_LNK_FL_LINK_TYPE;

  private MediaGraph() {}

  /**
   * {@code media_create_pad_link}: a data link from a source pad to a sink pad, stored as the
   * forward link on the source and the backlink on the sink. Both entities must be registered.
   *
   * @param source the source entity
   * @param sourcePad the source pad index
   * @param sink the sink entity
   * @param sinkPad the sink pad index
   * @param flags MEDIA_LNK_FL_* (ENABLED, IMMUTABLE, DYNAMIC)
   * @return 0; {@code -EINVAL} (with a warning) for a bad pad index, a pad of the wrong direction
   *     or an unregistered entity; {@code -ENOMEM}
   */
  @KernelSymbol("media_create_pad_link")
  public static int createPadLink(
      MediaEntity source, int sourcePad, MediaEntity sink, int sinkPad, int flags) {
    if (Warn.on(sourcePad < 0 || sourcePad >= source.numPads(), "bad source pad " + sourcePad)
        || Warn.on(sinkPad < 0 || sinkPad >= sink.numPads(), "bad sink pad " + sinkPad)
        || Warn.on(!source.pad(sourcePad).isSource(), "pad " + sourcePad + " is not a source")
        || Warn.on(!sink.pad(sinkPad).isSink(), "pad " + sinkPad + " is not a sink")) {
      return -Errno.EINVAL;
    }
    MediaDevice mdev = source.mdev();
    if (mdev == null || sink.mdev() != mdev) {
      Warn.warn("link between unregistered entities " + source + " and " + sink);
      return -Errno.EINVAL;
    }
    Allocation fwdMem = Kmem.kzalloc("media_link", source.name() + "->" + sink.name());
    if (fwdMem == null) {
      return -Errno.ENOMEM;
    }
    Allocation backMem = Kmem.kzalloc("media_link", sink.name() + "<-" + source.name());
    if (backMem == null) {
      Kmem.kfree(fwdMem);
      return -Errno.ENOMEM;
    }
    MediaPad src = source.pad(sourcePad);
    MediaPad snk = sink.pad(sinkPad);
    int f = (flags & ~TYPE_MASK) | MediaUapi.MEDIA_LNK_FL_DATA_LINK;
    MediaLink fwd = new MediaLink(fwdMem, src, snk, f, false);
    MediaLink back = new MediaLink(backMem, src, snk, f, true);
    fwd.setReverse(back);
    back.setReverse(fwd);
    locked(
        mdev,
        () -> {
          mdev.gobjCreate(GobjType.LINK, fwd);
          source.links.add(fwd);
          source.numLinks++;
          mdev.gobjCreate(GobjType.LINK, back);
          sink.links.add(back);
          sink.numLinks++;
          sink.numBacklinks++;
        });
    return 0;
  }

  /**
   * {@code media_create_intf_link}: a link from an interface to an entity, stored on the
   * interface only.
   *
   * @param entity the entity
   * @param intf the interface
   * @param flags link flags; the interface-link type is added
   * @return the link, or null when the allocation fails or either end is not registered
   */
  @KernelSymbol("media_create_intf_link")
  public static @Nullable MediaLink createIntfLink(
      MediaEntity entity, MediaInterface intf, int flags) {
    MediaDevice mdev = intf.mdev();
    if (mdev == null) {
      Warn.warn("interface link on an unregistered " + intf);
      return null;
    }
    Allocation a = Kmem.kzalloc("media_link", "intf->" + entity.name());
    if (a == null) {
      return null;
    }
    MediaLink link =
        new MediaLink(
            a, intf, entity, (flags & ~TYPE_MASK) | MediaUapi.MEDIA_LNK_FL_INTERFACE_LINK, false);
    locked(
        mdev,
        () -> {
          mdev.gobjCreate(GobjType.LINK, link);
          intf.links.add(link);
        });
    return link;
  }

  /**
   * {@code media_remove_intf_link}: removes and frees one interface link.
   *
   * @param link the link
   */
  @KernelSymbol("media_remove_intf_link")
  public static void removeIntfLink(MediaLink link) {
    MediaDevice mdev = link.mdev();
    if (mdev == null) {
      return;
    }
    locked(
        mdev,
        () -> {
          link.intf().links.remove(link);
          mdev.destroyLink(link);
        });
  }

  /**
   * {@code media_entity_remove_links}: removes every data link and backlink of an entity, with
   * their halves on the peers.
   *
   * @param entity the entity
   */
  @KernelSymbol("media_entity_remove_links")
  public static void removeLinks(MediaEntity entity) {
    MediaDevice mdev = entity.mdev();
    if (mdev == null) {
      return;
    }
    locked(mdev, () -> removeLinksLocked(entity));
  }

  /** {@code __media_entity_remove_links}; graph mutex held. */
  static void removeLinksLocked(MediaEntity entity) {
    MediaDevice mdev = entity.mdev();
    for (MediaLink link : new ArrayList<>(entity.links)) {
      if (!entity.links.contains(link)) {
        // the backlink of a link from this entity to itself, removed with its forward half
        continue;
      }
      boolean outbound = link.source().entity() == entity;
      MediaEntity remote = outbound ? link.sink().entity() : link.source().entity();
      MediaLink rlink = link.reverse();
      if (rlink != null && remote.links.remove(rlink)) {
        if (outbound) {
          remote.numBacklinks--;
        }
        remote.numLinks--;
        free(mdev, rlink);
      }
      entity.links.remove(link);
      free(mdev, link);
    }
    entity.numLinks = 0;
    entity.numBacklinks = 0;
  }

  private static void free(@Nullable MediaDevice mdev, MediaLink link) {
    if (mdev != null) {
      mdev.destroyLink(link);
    } else {
      Kmem.kfree(link.mem(), "media_entity_remove_links");
    }
  }

  /**
   * {@code media_entity_find_link}: the data link between two pads.
   *
   * @param source the source pad
   * @param sink the sink pad
   * @return the forward link, or null
   */
  @KernelSymbol("media_entity_find_link")
  public static @Nullable MediaLink findLink(MediaPad source, MediaPad sink) {
    for (MediaLink link : source.entity().links) {
      if (!link.isBacklink() && link.source() == source && link.sink() == sink) {
        return link;
      }
    }
    return null;
  }

  /**
   * {@code media_entity_setup_link}: takes the graph mutex and runs {@link #setupLinkLocked}.
   *
   * @param link the link
   * @param flags the new flags
   * @return as {@link #setupLinkLocked}
   */
  @KernelSymbol("media_entity_setup_link")
  public static int setupLink(MediaLink link, int flags) {
    MediaDevice mdev = link.mdev();
    if (mdev == null) {
      return -Errno.EINVAL;
    }
    int[] ret = new int[1];
    locked(mdev, () -> ret[0] = setupLinkLocked(link, flags));
    return ret[0];
  }

  /**
   * {@code __media_entity_setup_link}, with the graph mutex held: only ENABLED may change; an
   * IMMUTABLE link accepts only its own flags; a link whose end streams refuses unless DYNAMIC;
   * then link_notify PRE, each end's link_setup (the source is rolled back if the sink refuses),
   * the new flags on both halves, and link_notify POST, which runs even after a failure.
   *
   * @param link the link, null gives {@code -EINVAL}
   * @param flags the new flags
   * @return 0, {@code -EINVAL}, {@code -EBUSY}, or the error of a callback
   */
  @KernelSymbol("__media_entity_setup_link")
  public static int setupLinkLocked(@Nullable MediaLink link, int flags) {
    if (link == null) {
      return -Errno.EINVAL;
    }
    int mask = MediaUapi.MEDIA_LNK_FL_ENABLED;
    int cur = link.flags();
    if ((cur & ~mask) != (flags & ~mask)) {
      return -Errno.EINVAL;
    }
    if ((cur & MediaUapi.MEDIA_LNK_FL_IMMUTABLE) != 0) {
      return cur == flags ? 0 : -Errno.EINVAL;
    }
    if (cur == flags) {
      return 0;
    }
    MediaEntity source = link.source().entity();
    MediaEntity sink = link.sink().entity();
    if ((cur & MediaUapi.MEDIA_LNK_FL_DYNAMIC) == 0
        && (source.isStreaming() || sink.isStreaming())) {
      return -Errno.EBUSY;
    }
    MediaDevice mdev = source.mdev();
    MediaDeviceOps ops = mdev == null ? null : mdev.ops();
    if (ops != null) {
      int ret = ops.linkNotify(link, flags, MediaDeviceOps.PRE_LINK_CH);
      if (ret < 0) {
        return ret;
      }
    }
    int ret = setupLinkNotify(link, flags);
    if (ops != null) {
      ops.linkNotify(link, flags, MediaDeviceOps.POST_LINK_CH);
    }
    return ret;
  }

  private static int setupLinkNotify(MediaLink link, int flags) {
    MediaEntity source = link.source().entity();
    MediaEntity sink = link.sink().entity();
    int ret = callLinkSetup(source, link.source(), link.sink(), flags);
    if (ret < 0 && ret != -Errno.ENOIOCTLCMD) {
      return ret;
    }
    ret = callLinkSetup(sink, link.sink(), link.source(), flags);
    if (ret < 0 && ret != -Errno.ENOIOCTLCMD) {
      callLinkSetup(source, link.source(), link.sink(), link.flags());
      return ret;
    }
    link.setFlags(flags);
    MediaLink r = link.reverse();
    if (r != null) {
      r.setFlags(flags);
    }
    return 0;
  }

  private static int callLinkSetup(MediaEntity e, MediaPad local, MediaPad remote, int flags) {
    MediaEntityOperations ops = e.ops();
    return ops == null ? -Errno.ENOIOCTLCMD : ops.linkSetup(local, remote, flags);
  }

  /**
   * {@code media_pad_remote_pad_first} (formerly {@code media_entity_remote_pad}): the other end
   * of the first enabled data link touching {@code pad}.
   *
   * @param pad the pad
   * @return the remote pad, or null
   */
  @KernelSymbol({"media_pad_remote_pad_first", "media_entity_remote_pad"})
  public static @Nullable MediaPad remotePadFirst(MediaPad pad) {
    for (MediaLink link : pad.entity().links) {
      if (!link.isEnabled()) {
        continue;
      }
      if (link.source() == pad) {
        return link.sink();
      }
      if (link.sink() == pad) {
        return link.source();
      }
    }
    return null;
  }

  /**
   * {@code media_pad_remote_pad_unique}: the other end of the only enabled data link touching
   * {@code pad}.
   *
   * @param pad the pad
   * @return the remote pad; {@code -ENOTUNIQ} if several links are enabled, {@code -ENOLINK} if
   *     none is
   */
  @KernelSymbol("media_pad_remote_pad_unique")
  public static PadResult remotePadUnique(MediaPad pad) {
    MediaPad found = null;
    for (MediaLink link : pad.entity().links) {
      if (!link.isEnabled()) {
        continue;
      }
      MediaPad remote;
      if (link.sink() == pad) {
        remote = link.source();
      } else if (link.source() == pad) {
        remote = link.sink();
      } else {
        continue;
      }
      if (found != null) {
        return PadResult.err(-Errno.ENOTUNIQ);
      }
      found = remote;
    }
    return found == null ? PadResult.err(-Errno.ENOLINK) : PadResult.of(found);
  }

  /**
   * {@code media_pipeline_start}: takes the graph mutex, collects every pad reachable from {@code
   * origin} through enabled data links and through the entities (a sink and a source pad of one
   * entity depend on each other), refuses pads that belong to a pipeline already, validates each
   * enabled link at its sink ({@code link_validate}), checks MUST_CONNECT pads, and marks the
   * pads. Starting a started pipeline again only counts. On error everything is undone.
   *
   * @param origin the pad to start from
   * @param pipe the pipeline
   * @return 0; {@code -EINVAL} with a warning when {@code origin} itself belongs to another
   *     pipeline; {@code -EBUSY} when another pad it reaches does; {@code -ENOLINK} for an
   *     unconnected MUST_CONNECT pad; or the error of {@code link_validate}
   */
  @KernelSymbol({"media_pipeline_start", "__media_pipeline_start"})
  public static int pipelineStart(MediaPad origin, MediaPipeline pipe) {
    MediaDevice mdev = origin.entity().mdev();
    if (mdev == null) {
      return -Errno.EINVAL;
    }
    int[] ret = new int[1];
    locked(mdev, () -> ret[0] = pipelineStartLocked(origin, pipe));
    return ret[0];
  }

  private static int pipelineStartLocked(MediaPad origin, MediaPipeline pipe) {
    MediaPipeline current = origin.pipeline();
    if (current != null && current != pipe) {
      Warn.warn(origin + " is already part of another pipeline");
      return -Errno.EINVAL;
    }
    if (pipe.startCount > 0) {
      pipe.startCount++;
      return 0;
    }
    List<MediaPad> found = populate(origin);
    List<MediaPad> marked = new ArrayList<>();
    int ret = 0;
    for (MediaPad pad : found) {
      if (pad.pipeline() != null) {
        ret = -Errno.EBUSY;
        break;
      }
      MediaEntity entity = pad.entity();
      boolean hasEnabled = false;
      for (MediaLink link : entity.links) {
        if (link.sink() != pad && link.source() != pad) {
          continue;
        }
        if (link.isEnabled()) {
          hasEnabled = true;
        }
        if (link.sink() != pad || !link.isEnabled()) {
          continue;
        }
        MediaEntityOperations ops = entity.ops();
        if (ops != null) {
          ret = ops.linkValidate(link);
          if (ret != 0) {
            break;
          }
        }
      }
      if (ret == 0
          && (pad.flags() & MediaUapi.MEDIA_PAD_FL_MUST_CONNECT) != 0
          && !hasEnabled) {
        ret = -Errno.ENOLINK;
      }
      if (ret != 0) {
        break;
      }
      pad.setPipeline(pipe);
      marked.add(pad);
    }
    if (ret != 0) {
      for (MediaPad p : marked) {
        p.setPipeline(null);
      }
      pipe.pads.clear();
      return ret;
    }
    pipe.pads.clear();
    pipe.pads.addAll(found);
    pipe.startCount++;
    return 0;
  }

  /** {@code media_pipeline_populate}: pads reachable from {@code origin}, in discovery order. */
  private static List<MediaPad> populate(MediaPad origin) {
    IdentityHashMap<MediaPad, Boolean> seen = new IdentityHashMap<>();
    List<MediaPad> out = new ArrayList<>();
    Deque<MediaPad> todo = new ArrayDeque<>();
    todo.push(origin);
    seen.put(origin, true);
    while (!todo.isEmpty()) {
      MediaPad pad = todo.pop();
      out.add(pad);
      MediaEntity e = pad.entity();
      for (MediaPad other : e.pads()) {
        if (other.isSink() != pad.isSink() && seen.putIfAbsent(other, true) == null) {
          todo.push(other);
        }
      }
      for (MediaLink link : e.links) {
        if (!link.isEnabled()) {
          continue;
        }
        MediaPad remote =
            link.source() == pad ? link.sink() : link.sink() == pad ? link.source() : null;
        if (remote != null && seen.putIfAbsent(remote, true) == null) {
          todo.push(remote);
        }
      }
    }
    return out;
  }

  /**
   * {@code media_pipeline_stop}: one stop per start; the last clears the pads.
   *
   * @param pad a pad of the pipeline
   */
  @KernelSymbol({"media_pipeline_stop", "__media_pipeline_stop"})
  public static void pipelineStop(MediaPad pad) {
    MediaDevice mdev = pad.entity().mdev();
    if (mdev == null) {
      return;
    }
    locked(
        mdev,
        () -> {
          MediaPipeline pipe = pad.pipeline();
          if (pipe == null) {
            Warn.warn("media_pipeline_stop on " + pad + ", which is not streaming");
            return;
          }
          if (--pipe.startCount > 0) {
            return;
          }
          for (MediaPad p : pipe.pads) {
            p.setPipeline(null);
          }
          pipe.pads.clear();
        });
  }

  /** Runs {@code body} with the graph mutex held, taking it unless this thread holds it. */
  static void locked(MediaDevice mdev, Runnable body) {
    boolean held = mdev.graphMutex().isHeldByCurrentThread();
    if (!held) {
      mdev.graphMutex().lock();
    }
    try {
      body.run();
    } finally {
      if (!held) {
        mdev.graphMutex().unlock();
      }
    }
  }
}
