package dev.medialife.mc.uapi;

import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * {@code struct media_v2_topology}, the argument of MEDIA_IOC_G_TOPOLOGY. The four {@code ptr_*}
 * arrays are user pointers: shared by a copy, written by the kernel, null to ask for counts only;
 * a write past an array's end is a fault (-EFAULT).
 */
@KernelSymbol("media_v2_topology")
public final class MediaV2Topology implements IoctlArg<MediaV2Topology> {
  /** {@code sizeof(struct media_v2_topology)}. */
  public static final int SIZE = 72;

  /** {@code topology_version}. */
  public long topologyVersion;

  /** {@code num_entities}: in, room in {@link #ptrEntities}; out, the total. */
  public int numEntities;

  /** {@code ptr_entities}. */
  public MediaV2Entity @Nullable [] ptrEntities;

  /** {@code num_interfaces}. */
  public int numInterfaces;

  /** {@code ptr_interfaces}. */
  public MediaV2Interface @Nullable [] ptrInterfaces;

  /** {@code num_pads}. */
  public int numPads;

  /** {@code ptr_pads}. */
  public MediaV2Pad @Nullable [] ptrPads;

  /** {@code num_links}. */
  public int numLinks;

  /** {@code ptr_links}. */
  public MediaV2Link @Nullable [] ptrLinks;

  /** An all-zero struct: every pointer null, so the ioctl returns counts only. */
  @KernelSymbol("media_v2_topology")
  public MediaV2Topology() {}

  /**
   * A struct with room for {@code n} objects of every class, with arrays of that size.
   *
   * @param n the room per class
   * @return the struct
   */
  @JavaOnly("convenience for callers")
  public static MediaV2Topology withRoom(int n) {
    MediaV2Topology t = new MediaV2Topology();
    t.numEntities = n;
    t.ptrEntities = new MediaV2Entity[n];
    t.numInterfaces = n;
    t.ptrInterfaces = new MediaV2Interface[n];
    t.numPads = n;
    t.ptrPads = new MediaV2Pad[n];
    t.numLinks = n;
    t.ptrLinks = new MediaV2Link[n];
    return t;
  }

  @Override
  @KernelSymbol("copy_from_user")
  public MediaV2Topology copy() {
    MediaV2Topology c = new MediaV2Topology();
    c.copyFrom(this);
    return c;
  }

  @Override
  @KernelSymbol("copy_to_user")
  public void copyFrom(MediaV2Topology o) {
    topologyVersion = o.topologyVersion;
    numEntities = o.numEntities;
    ptrEntities = o.ptrEntities;
    numInterfaces = o.numInterfaces;
    ptrInterfaces = o.ptrInterfaces;
    numPads = o.numPads;
    ptrPads = o.ptrPads;
    numLinks = o.numLinks;
    ptrLinks = o.ptrLinks;
  }
}
