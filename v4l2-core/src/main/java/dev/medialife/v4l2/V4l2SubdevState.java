package dev.medialife.v4l2;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.v4l2.uapi.V4l2MbusFramefmt;
import org.jspecify.annotations.Nullable;

/**
 * A sub-device configuration ({@code struct v4l2_subdev_state}, v4l2-subdev.c): one format per pad
 * (the legacy pad config, absent when the entity has no pads) under the state's own lock. Each
 * open file of a sub-device node has one for the TRY configuration; a sub-device whose driver
 * called {@link V4l2Subdev#initFinalize()} has one more, the active state, freed by {@link
 * V4l2Subdev#cleanup()}.
 *
 * <p>Implementation notes: the pad formats are guarded by {@link #lock()}.
 */
@KernelSymbol("v4l2_subdev_state")
public final class V4l2SubdevState {
  private final Allocation mem;
  private final @Nullable Allocation padsMem;
  private final V4l2MbusFramefmt @Nullable [] pads;
  private final Mutex lock = new Mutex("v4l2_subdev_state.lock");

  /** What {@link #alloc} gives: a state, or the errno that stopped it. */
  record Made(@Nullable V4l2SubdevState state, int error) {}

  private V4l2SubdevState(Allocation mem, @Nullable Allocation padsMem, int numPads) {
    this.mem = mem;
    this.padsMem = padsMem;
    if (padsMem == null) {
      this.pads = null;
    } else {
      this.pads = new V4l2MbusFramefmt[numPads];
      for (int i = 0; i < numPads; i++) {
        pads[i] = new V4l2MbusFramefmt();
      }
    }
  }

  /**
   * {@code __v4l2_subdev_state_alloc}: kzalloc the state, kvcalloc a format per pad when the
   * entity has pads, then let the driver initialise it ({@code init_state}, under the lock); an
   * error of the driver frees everything again.
   */
  @KernelSymbol("__v4l2_subdev_state_alloc")
  static Made alloc(V4l2Subdev sd, String what) {
    Allocation m = Kmem.kzalloc("v4l2_subdev_state", sd.name() + " " + what);
    if (m == null) {
      return new Made(null, -Errno.ENOMEM);
    }
    int n = sd.entity().numPads();
    Allocation pm = null;
    if (n > 0) {
      pm = Kmem.kzalloc("v4l2_subdev_pad_config", sd.name() + " " + what);
      if (pm == null) {
        Kmem.kfree(m, "__v4l2_subdev_state_alloc");
        return new Made(null, -Errno.ENOMEM);
      }
    }
    V4l2SubdevState s = new V4l2SubdevState(m, pm, n);
    s.lock.lock();
    int ret;
    try {
      ret = sd.internalOps().initState(sd, s);
    } finally {
      s.lock.unlock();
    }
    if (ret < 0 && ret != -Errno.ENOIOCTLCMD) {
      s.free();
      return new Made(null, ret);
    }
    return new Made(s, 0);
  }

  /** {@code __v4l2_subdev_state_free}. */
  @KernelSymbol("__v4l2_subdev_state_free")
  void free() {
    Kmem.kfree(padsMem, "__v4l2_subdev_state_free");
    Kmem.kfree(mem, "__v4l2_subdev_state_free");
  }

  /**
   * Whether the state has the legacy per-pad formats ({@code state->pads}).
   *
   * @return true when the entity had pads at allocation
   */
  @KernelSymbol("v4l2_subdev_state.pads")
  public boolean hasPads() {
    return pads != null;
  }

  /**
   * {@code v4l2_subdev_state_get_format}: the format of a pad; the caller holds the lock.
   *
   * @param pad the pad index
   * @return the format, or null for a pad the state does not have
   */
  @KernelSymbol("v4l2_subdev_state_get_format")
  public @Nullable V4l2MbusFramefmt format(int pad) {
    V4l2MbusFramefmt[] p = pads;
    mem.check("v4l2_subdev_state_get_format");
    if (p == null || pad < 0 || pad >= p.length) {
      return null;
    }
    return p[pad];
  }

  /**
   * The state's lock ({@code state->lock}).
   *
   * @return the lock
   */
  @KernelSymbol("v4l2_subdev_state.lock")
  public Mutex lock() {
    return lock;
  }
}
