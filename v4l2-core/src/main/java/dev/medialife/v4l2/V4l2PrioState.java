package dev.medialife.v4l2;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.v4l2.uapi.V4l2Priority;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The priority state of a device ({@code struct v4l2_prio_state}): how many file handles hold
 * each priority. A handle below the highest priority held is refused changes with {@code -EBUSY}.
 */
@KernelSymbol("v4l2_prio_state")
public final class V4l2PrioState {
  private final AtomicIntegerArray prios = new AtomicIntegerArray(4);

  /** An empty state. */
  @KernelSymbol("v4l2_prio_init")
  public V4l2PrioState() {}

  /** {@code v4l2_prio_init}: no handle counted. */
  @KernelSymbol("v4l2_prio_init")
  public void init() {
    for (int i = 0; i < prios.length(); i++) {
      prios.set(i, 0);
    }
  }

  /**
   * {@code v4l2_prio_change}: moves a handle from {@code local} to {@code wanted}.
   *
   * @param local the handle's current priority
   * @param wanted the new one
   * @return the handle's new priority; {@code local} unchanged when {@code wanted} is UNSET (the
   *     kernel's {@code -EINVAL})
   */
  @KernelSymbol("v4l2_prio_change")
  public V4l2Priority change(V4l2Priority local, V4l2Priority wanted) {
    if (!wanted.isValid() || local == wanted) {
      return local;
    }
    prios.incrementAndGet(wanted.value());
    if (local.isValid()) {
      prios.decrementAndGet(local.value());
    }
    return wanted;
  }

  /**
   * {@code v4l2_prio_open}: a new handle gets the default priority.
   *
   * @param local the handle's priority (normally UNSET)
   * @return the new priority, {@link V4l2Priority#DEFAULT}
   */
  @KernelSymbol("v4l2_prio_open")
  public V4l2Priority open(V4l2Priority local) {
    return change(local, V4l2Priority.DEFAULT);
  }

  /**
   * {@code v4l2_prio_close}: the handle stops being counted.
   *
   * @param local the handle's priority
   */
  @KernelSymbol("v4l2_prio_close")
  public void close(V4l2Priority local) {
    if (local.isValid()) {
      prios.decrementAndGet(local.value());
    }
  }

  /**
   * {@code v4l2_prio_max}: the highest priority held.
   *
   * @return RECORD, INTERACTIVE, BACKGROUND or UNSET
   */
  @KernelSymbol("v4l2_prio_max")
  public V4l2Priority max() {
    for (V4l2Priority p :
        new V4l2Priority[] {
          V4l2Priority.RECORD, V4l2Priority.INTERACTIVE, V4l2Priority.BACKGROUND
        }) {
      if (prios.get(p.value()) > 0) {
        return p;
      }
    }
    return V4l2Priority.UNSET;
  }

  /**
   * {@code v4l2_prio_check}.
   *
   * @param local the handle's priority
   * @return 0, or {@code -EBUSY} when a handle holds a higher priority
   */
  @KernelSymbol("v4l2_prio_check")
  public int check(V4l2Priority local) {
    return local.value() < max().value() ? -Errno.EBUSY : 0;
  }

  /**
   * How many handles hold a priority.
   *
   * @param p the priority
   * @return the count
   */
  @KernelSymbol("v4l2_prio_state.prios")
  public int count(V4l2Priority p) {
    return prios.get(p.value());
  }
}
