package dev.medialife.hw.imx8m;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.meta.JavaOnly;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VPU's path to memory: on the i.MX8MQ one bridge (the VPUMIX ADB) that both decoder cores go
 * through. It knows which cores are decoding; when a decode starts while the other core is
 * decoding, that is an <em>overlap</em>. On a shared bus an overlap faults the G2 decode that
 * takes part in it: G2 ends that frame with its bus-error and timeout status bits instead of
 * "ready", and the picture is corrupted. On the other SoCs an overlap is only counted.
 *
 * <p>The bridge can also <em>hang</em>: on the i.MX8MQ, resetting or gating one core while the
 * other is not leaves the bridge (whose reset and clock follow the OR of both cores' bits) with
 * transactions nobody answers. While hung no decode completes; only a joint reset of both cores
 * (which resets the bridge) clears it.
 *
 * <p>Implementation notes: all state is guarded by this object's monitor. Lock order: a core's
 * monitor, then the bus; the bus never calls a core, so the fault of a G2 decode is kept here
 * until G2 asks for it at the end of the decode ({@link #end}).
 */
@JavaOnly("simulated interconnect; no kernel counterpart")
public final class SharedBus {
  private static final Logger LOG = LoggerFactory.getLogger(SharedBus.class);

  private final boolean shared;

  @GuardedBy("this")
  private final EnumSet<VpuCore.Kind> busy = EnumSet.noneOf(VpuCore.Kind.class);

  @GuardedBy("this")
  private boolean g2Faulted;

  @GuardedBy("this")
  private long overlaps;

  @GuardedBy("this")
  private boolean hung;

  SharedBus(boolean shared) {
    this.shared = shared;
  }

  /**
   * Whether concurrent decodes fault this bus (i.MX8MQ).
   *
   * @return true for a shared bus
   */
  public boolean isShared() {
    return shared;
  }

  /** A core starts decoding; an overlap with the other core is counted and may fault G2. */
  synchronized void begin(VpuCore.Kind kind) {
    busy.add(kind);
    VpuCore.Kind other = kind.other();
    if (busy.contains(other)) {
      overlaps++;
      if (shared) {
        g2Faulted = true;
        LOG.warn("vpu bus: {} started while {} decodes: G2 bus fault", kind, other);
      }
    }
  }

  /**
   * A core stops decoding (done, aborted or reset).
   *
   * @return true if the decode that ended was a G2 decode faulted by an overlap
   */
  synchronized boolean end(VpuCore.Kind kind) {
    busy.remove(kind);
    if (kind == VpuCore.Kind.G2 && g2Faulted) {
      g2Faulted = false;
      return true;
    }
    return false;
  }

  /**
   * How many times a decode started while the other core was decoding.
   *
   * @return the count
   */
  public synchronized long overlaps() {
    return overlaps;
  }

  /**
   * Whether a core is decoding now.
   *
   * @param kind the core
   * @return true while its decode runs
   */
  public synchronized boolean isBusy(VpuCore.Kind kind) {
    return busy.contains(kind);
  }

  /**
   * Whether the bridge is hung by a split reset or gating (i.MX8MQ).
   *
   * @return true while hung
   */
  public synchronized boolean isHung() {
    return hung;
  }

  synchronized void hang() {
    hung = true;
  }

  synchronized void unhang() {
    hung = false;
  }

  @Override
  public synchronized String toString() {
    return "vpu bus (" + (shared ? "shared" : "independent") + ", overlaps " + overlaps
        + (hung ? ", hung" : "") + ")";
  }
}
