package dev.medialife.driver;

import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.wait.WaitQueueHead;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hot-unplug gate of the media lifetime memo, in the proven shape of DRM's {@code
 * drm_dev_enter}/{@code drm_dev_exit}/{@code drm_dev_unplug}: every system call on a device node
 * {@link #enter()}s before touching the device and {@link #exit()}s after; {@link #unplug} marks
 * the node gone so that new calls fail, wakes the sleepers, and waits until the calls in flight
 * have left. After {@code unplug} returns no call is inside and none can get in, so teardown may
 * continue.
 *
 * <p>Implementation notes: one atomic word holds the unplugged flag (the sign bit) and the number
 * of calls inside. {@code enter} is one atomic increment in the common case: the flag and the count
 * change together, so a caller either sees the flag (and backs out) or is counted before {@code
 * unplug} sets it, in which case {@code unplug} waits for it. The drain wait queue is only touched
 * when the count reaches zero with the flag set. {@code unplug} is idempotent and must not be
 * called from inside the gate (it would wait for itself).
 */
@KernelSymbol({"drm_dev_enter", "drm_dev_exit", "drm_dev_unplug"})
public final class UnplugGate {
  private static final int UNPLUGGED = Integer.MIN_VALUE;
  private static final int COUNT = Integer.MAX_VALUE;

  private final AtomicInteger state = new AtomicInteger();
  private final WaitQueueHead drained;

  /**
   * Creates an open gate.
   *
   * @param name the node's name, for the drain wait queue
   */
  @KernelSymbol("drm_dev_init")
  public UnplugGate(String name) {
    this.drained = new WaitQueueHead(name + ".unplug");
  }

  /**
   * Enters the gate at the start of a system call.
   *
   * @return true if the device is present; false after {@link #unplug} (the caller returns its
   *     "device gone" errno and must not call {@link #exit()})
   */
  @KernelSymbol("drm_dev_enter")
  public boolean enter() {
    int s = state.incrementAndGet();
    if (s < 0) {
      exit();
      return false;
    }
    return true;
  }

  /** Leaves the gate at the end of a system call that entered it. */
  @KernelSymbol("drm_dev_exit")
  public void exit() {
    int s = state.decrementAndGet();
    if (s == UNPLUGGED) {
      drained.wakeUpAll();
    }
  }

  /**
   * Marks the device gone, wakes sleepers so they can notice, and waits until every call inside
   * the gate has left.
   *
   * <p>Context: process context, outside the gate; may sleep.
   *
   * @param wakeSleepers wakes the wait queues system calls may sleep on (poll, DQBUF, events)
   */
  @KernelSymbol("drm_dev_unplug")
  public void unplug(Runnable wakeSleepers) {
    state.getAndUpdate(s -> s | UNPLUGGED);
    wakeSleepers.run();
    drained.waitEvent(() -> (state.get() & COUNT) == 0);
  }

  /**
   * Whether {@link #unplug} has been called.
   *
   * @return true once unplugged
   */
  @KernelSymbol("drm_dev_is_unplugged")
  public boolean isUnplugged() {
    return state.get() < 0;
  }

  /**
   * How many calls are inside the gate (including ones backing out).
   *
   * @return the count
   */
  @KernelSymbol("drm_dev.unplug.srcu")
  public int inFlight() {
    return state.get() & COUNT;
  }

  @Override
  public String toString() {
    return "unplug gate (" + (isUnplugged() ? "unplugged" : "present") + ", " + inFlight()
        + " in flight)";
  }
}
