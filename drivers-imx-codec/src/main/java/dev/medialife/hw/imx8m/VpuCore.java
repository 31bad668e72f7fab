package dev.medialife.hw.imx8m;

import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_ABORT;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_ABORT_E;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_BUS;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_E;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_ERROR;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_IRQ;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_IRQ_DIS;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_RDY;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_TIMEOUT;
import static dev.medialife.hw.imx8m.VpuRegs.REG_INTERRUPT;
import static dev.medialife.hw.imx8m.VpuRegs.REG_VERSION;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.driver.io.RegisterFile;
import dev.medialife.driver.irq.IrqChip;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.time.Timer;
import dev.medialife.kernel.trace.TraceEvent;
import dev.medialife.kernel.trace.TraceRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated Hantro decoder core (G1 or G2): the {@link RegisterFile} behind its register
 * window (see {@link VpuRegs} for the map), a decode engine on its own thread, and its IRQ line.
 *
 * <p>A decode starts when the driver writes {@link VpuRegs#INT_DEC_E}. It takes the configured
 * decode time on the kernel clock: the core arms a timer on that clock, and when the timer fires
 * the core's thread finishes the frame, sets the status bits and raises the line. With a {@link
 * dev.medialife.kernel.time.ManualClock} a test decides exactly when a decode ends by advancing
 * the clock; the interrupt then arrives on the core's thread, so tests wait for it with a latch.
 *
 * <p>How a decode ends:
 *
 * <ul>
 *   <li>normally: {@link VpuRegs#INT_DEC_RDY}, the frame is good;
 *   <li>a G2 decode that overlapped a G1 decode on a shared bus: {@link VpuRegs#INT_DEC_BUS} and
 *       {@link VpuRegs#INT_DEC_TIMEOUT}, no ready bit, the frame is corrupted;
 *   <li>an unsupported mode: {@link VpuRegs#INT_DEC_ERROR} at once, without waiting;
 *   <li>an abort ({@link VpuRegs#INT_DEC_ABORT_E}): {@link VpuRegs#INT_DEC_ABORT} at once;
 *   <li>a reset from the block controller: silently, registers back to their reset values;
 *   <li>never, with the {@linkplain #setHang hang knob} on or while the bus is hung: the driver's
 *       watchdog must notice.
 * </ul>
 *
 * <p>Writes to the interrupt register store the driver's bits (so writing 0 acknowledges an
 * interrupt), except that {@link VpuRegs#INT_DEC_E} can only be set by a write, never cleared:
 * only the core clears it when the decode ends. A start while the core is held in reset or its
 * clock is gated is ignored (counted in {@link #ignoredStarts}). The version register is
 * read-only. A driver that restarts the core before its handler has read the status of the last
 * decode overwrites that status: the late handler then finds no cause bit and the interrupt is
 * lost, as on the real core — a driver starts the next decode only after the interrupt.
 *
 * <p>Implementation notes: registers, the current job and the metrics are guarded by this
 * object's monitor; the line is raised outside it, so an interrupt handler may access the
 * registers. Lock order: this core, then the {@link SharedBus}. A finished decode is handed from
 * the timer (timer context, must not sleep) to the core's thread through a queue of job sequence
 * numbers; a stale number (the job was aborted or reset meanwhile) is ignored.
 */
@JavaOnly("simulated hardware: the Hantro G1/G2 decoder core")
public final class VpuCore implements RegisterFile {
  private static final Logger LOG = LoggerFactory.getLogger(VpuCore.class);
  private static final String TRACE_CATEGORY = "imx8m-vpu";
  private static final long POISON = -1;
  private static final long JOIN_MILLIS = 20_000;

  /** The two decoder generations of the i.MX8M VPU. */
  public enum Kind {
    /** Hantro G1: H.264, MPEG-2, VP8. */
    G1(VpuRegs.G1_PRODUCT_ID, VpuRegs.G1_REG_DEC_CTRL0, 28, 0xf, VpuRegs.G1_REG_ADDR_STR,
        VpuRegs.G1_REG_ADDR_DST, VpuRegs.G1_MODE_H264, VpuRegs.G1_MODE_MPEG2, VpuRegs.G1_MODE_VP8),
    /** Hantro G2: HEVC, VP9. */
    G2(VpuRegs.G2_PRODUCT_ID, VpuRegs.G2_REG_DEC_MODE, 27, 0x1f, VpuRegs.G2_STREAM_ADDR,
        VpuRegs.G2_OUT_LUMA_ADDR, VpuRegs.G2_MODE_HEVC, VpuRegs.G2_MODE_VP9);

    private final int productId;
    private final int modeReg;
    private final int modeShift;
    private final int modeMask;
    private final int srcReg;
    private final int dstReg;
    @SuppressWarnings("ImmutableEnumChecker") // never written after construction, never exposed
    private final int[] modes;

    Kind(int productId, int modeReg, int modeShift, int modeMask, int srcReg, int dstReg,
        int... modes) {
      this.productId = productId;
      this.modeReg = modeReg;
      this.modeShift = modeShift;
      this.modeMask = modeMask;
      this.srcReg = srcReg;
      this.dstReg = dstReg;
      this.modes = modes;
    }

    /**
     * The other core.
     *
     * @return G2 for G1 and G1 for G2
     */
    public Kind other() {
      return this == G1 ? G2 : G1;
    }

    /**
     * The decoding modes this core supports.
     *
     * @return the mode values, as written with {@link VpuRegs#g1DecMode} or {@link
     *     VpuRegs#g2DecMode}
     */
    public List<Integer> modes() {
      return Arrays.stream(modes).boxed().toList();
    }

    /**
     * Whether this core decodes a mode.
     *
     * @param mode the mode
     * @return true if supported
     */
    public boolean supports(int mode) {
      return Arrays.stream(modes).anyMatch(m -> m == mode);
    }

    /**
     * The offset of the source (bitstream) address register.
     *
     * @return the offset
     */
    public int srcReg() {
      return srcReg;
    }

    /**
     * The offset of the destination (picture) address register.
     *
     * @return the offset
     */
    public int dstReg() {
      return dstReg;
    }

    /**
     * The offset of the register holding the decoding mode.
     *
     * @return the offset
     */
    public int modeReg() {
      return modeReg;
    }

    /**
     * The register value selecting a mode on this core.
     *
     * @param mode the mode
     * @return the value to write to {@link #modeReg()}
     */
    public int modeValue(int mode) {
      return (mode & modeMask) << modeShift;
    }

    int decodeMode(int regValue) {
      return (regValue >>> modeShift) & modeMask;
    }

    String lower() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a decode ended. */
  public enum Outcome {
    /** Decoded; ready bit set. */
    DONE,
    /** Faulted by a concurrent decode on the shared bus; the picture is corrupted. */
    BUS_ERROR,
    /** Unsupported mode; error bit set. */
    DECODE_ERROR,
    /** Aborted by the driver. */
    ABORTED,
    /** Cut short by a block-controller reset. */
    RESET
  }

  /**
   * One decode as the core saw it: what was programmed, when it ran on the kernel clock, how it
   * ended.
   *
   * @param seq the core's decode sequence number, from 1
   * @param mode the decoding mode
   * @param src the source address (or buffer id) programmed
   * @param dst the destination address (or buffer id) programmed
   * @param startNanos when the decode started
   * @param endNanos when it ended
   * @param outcome how it ended
   */
  public record Frame(
      long seq, int mode, int src, int dst, long startNanos, long endNanos, Outcome outcome) {
    /**
     * Whether the decoded picture is corrupted (a bus fault).
     *
     * @return true for {@link Outcome#BUS_ERROR}
     */
    public boolean corrupted() {
      return outcome == Outcome.BUS_ERROR;
    }
  }

  private record Job(long seq, int mode, int src, int dst, long startNanos) {}

  private final Kind kind;
  private final String name;
  private final KernelClock clock;
  private final IrqChip chip;
  private final int irq;
  private final SharedBus bus;
  private final TraceRecorder trace;
  private final LinkedBlockingQueue<Long> finished = new LinkedBlockingQueue<>();
  private final Thread thread;

  @GuardedBy("this")
  private final int[] regs = new int[VpuRegs.WINDOW_SIZE / 4];

  @GuardedBy("this")
  private long decodeNanos;

  @GuardedBy("this")
  private boolean hang;

  @GuardedBy("this")
  private boolean inReset;

  @GuardedBy("this")
  private boolean clockGated;

  @GuardedBy("this")
  private long seq;

  @GuardedBy("this")
  private @Nullable Job current;

  @GuardedBy("this")
  private @Nullable Timer timer;

  @GuardedBy("this")
  private final List<Frame> frames = new ArrayList<>();

  @GuardedBy("this")
  private long ignoredStarts;

  @GuardedBy("this")
  private long spuriousInjected;

  VpuCore(Kind kind, String socName, KernelClock clock, IrqChip chip, int irq, SharedBus bus,
      TraceRecorder trace, Duration decodeTime) {
    this.kind = kind;
    this.name = socName + "-vpu-" + kind.lower();
    this.clock = clock;
    this.chip = chip;
    this.irq = irq;
    this.bus = bus;
    this.trace = trace;
    synchronized (this) {
      this.decodeNanos = decodeTime.toNanos();
      resetRegsLocked();
    }
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Which core this is.
   *
   * @return G1 or G2
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The core's name, e.g. "imx8mq-vpu-g1"; also its trace track and thread name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The IRQ line (GIC SPI number) the core raises.
   *
   * @return the line
   */
  public int irq() {
    return irq;
  }

  // ---- the bus side: register accesses ----

  @Override
  public int read(int offset) {
    synchronized (this) {
      return regs[offset >>> 2];
    }
  }

  @Override
  public void write(int offset, int value) {
    boolean raise = false;
    synchronized (this) {
      if (offset == REG_VERSION) {
        return; // read-only
      }
      if (offset != REG_INTERRUPT) {
        regs[offset >>> 2] = value;
        return;
      }
      int keep = value & ~(INT_DEC_E | INT_DEC_ABORT_E);
      regs[REG_INTERRUPT >>> 2] = keep | (regs[REG_INTERRUPT >>> 2] & INT_DEC_E);
      Job j = current;
      if (j != null && (value & INT_DEC_ABORT_E) != 0) {
        bus.end(kind);
        raise = finishLocked(j, INT_DEC_ABORT, Outcome.ABORTED);
      } else if (j == null && (value & INT_DEC_E) != 0) {
        startLocked();
      }
    }
    if (raise) {
      raiseIrq("abort");
    }
  }

  @GuardedBy("this")
  private void startLocked() {
    if (inReset || clockGated) {
      ignoredStarts++;
      LOG.warn("{}: start ignored: core {}", name, inReset ? "held in reset" : "clock gated");
      return;
    }
    int mode = kind.decodeMode(regs[kind.modeReg >>> 2]);
    Job j = new Job(++seq, mode, regs[kind.srcReg >>> 2], regs[kind.dstReg >>> 2],
        clock.nanoTime());
    current = j;
    regs[REG_INTERRUPT >>> 2] |= INT_DEC_E;
    bus.begin(kind);
    trace.record(TRACE_CATEGORY, "decode", TraceEvent.Phase.BEGIN,
        name, Map.of("seq", j.seq(), "mode", mode));
    if (!kind.supports(mode)) {
      finished.add(j.seq()); // the core rejects the mode at once
    } else if (!hang) {
      long s = j.seq();
      timer = clock.schedule(KernelClock.deadline(j.startNanos(), decodeNanos),
          () -> finished.add(s));
    }
  }

  /** Ends the current decode; returns whether the line must be raised. */
  @GuardedBy("this")
  private boolean finishLocked(Job j, int cause, Outcome outcome) {
    Timer t = timer;
    if (t != null) {
      t.cancel();
      timer = null;
    }
    current = null;
    long now = clock.nanoTime();
    frames.add(new Frame(j.seq(), j.mode(), j.src(), j.dst(), j.startNanos(), now, outcome));
    trace.record(TRACE_CATEGORY, "decode", TraceEvent.Phase.END, name,
        Map.of("seq", j.seq(), "outcome", outcome.name()));
    if (outcome == Outcome.RESET) {
      return false;
    }
    regs[REG_INTERRUPT >>> 2] = (regs[REG_INTERRUPT >>> 2] & ~INT_DEC_E) | INT_DEC_IRQ | cause;
    return (regs[REG_INTERRUPT >>> 2] & INT_DEC_IRQ_DIS) == 0;
  }

  private void run() {
    while (true) {
      long s;
      try {
        s = finished.take();
      } catch (InterruptedException e) {
        return;
      }
      if (s == POISON) {
        return;
      }
      complete(s);
    }
  }

  private void complete(long s) {
    boolean raise;
    synchronized (this) {
      Job j = current;
      if (j == null || j.seq() != s) {
        return; // aborted or reset meanwhile
      }
      if (bus.isHung()) {
        LOG.warn("{}: bus hung, decode {} never completes", name, s);
        return;
      }
      boolean faulted = bus.end(kind);
      if (!kind.supports(j.mode())) {
        raise = finishLocked(j, INT_DEC_ERROR, Outcome.DECODE_ERROR);
      } else if (faulted) {
        raise = finishLocked(j, INT_DEC_BUS | INT_DEC_TIMEOUT, Outcome.BUS_ERROR);
      } else {
        raise = finishLocked(j, INT_DEC_RDY, Outcome.DONE);
      }
    }
    if (raise) {
      raiseIrq("done");
    }
  }

  private void raiseIrq(String why) {
    trace.instant(TRACE_CATEGORY, "irq", name, Map.of("irq", irq, "why", why));
    chip.raise(irq);
  }

  // ---- the block controller's side ----

  /** Holds the core in reset (registers at reset values, decode cut short) or releases it. */
  void setReset(boolean assert_) {
    synchronized (this) {
      if (assert_) {
        Job j = current;
        if (j != null) {
          bus.end(kind);
          finishLocked(j, 0, Outcome.RESET);
        }
        resetRegsLocked();
      }
      inReset = assert_;
    }
  }

  synchronized void setClockGated(boolean gated) {
    clockGated = gated;
  }

  @GuardedBy("this")
  private void resetRegsLocked() {
    Arrays.fill(regs, 0);
    regs[REG_VERSION >>> 2] = kind.productId << 16;
  }

  // ---- test knobs ----

  /**
   * Sets how long a decode takes on the kernel clock; applies to decodes started afterwards.
   *
   * @param decodeTime the duration, not negative
   */
  public synchronized void setDecodeTime(Duration decodeTime) {
    if (decodeTime.isNegative()) {
      throw new IllegalArgumentException("negative decode time " + decodeTime);
    }
    decodeNanos = decodeTime.toNanos();
  }

  /**
   * The hang knob: while on, decodes started afterwards never complete and never interrupt (the
   * case the driver's watchdog exists for). A reset or an abort still ends them.
   *
   * @param on true to hang
   */
  public synchronized void setHang(boolean on) {
    hang = on;
  }

  /**
   * Raises the core's line without any status change: a spurious interrupt. The handler finds no
   * cause bit set.
   */
  public void injectSpuriousIrq() {
    synchronized (this) {
      spuriousInjected++;
    }
    raiseIrq("spurious");
  }

  // ---- metrics ----

  /**
   * Every decode that ended, oldest first, with its busy interval on the kernel clock.
   *
   * @return a copy
   */
  public synchronized List<Frame> frames() {
    return List.copyOf(frames);
  }

  /**
   * Decodes that ended with a good picture.
   *
   * @return the count
   */
  public synchronized long jobsDecoded() {
    return frames.stream().filter(f -> f.outcome() == Outcome.DONE).count();
  }

  /**
   * Decodes that ended with the bus-error status (always corrupted pictures).
   *
   * @return the count
   */
  public synchronized long busErrors() {
    return frames.stream().filter(Frame::corrupted).count();
  }

  /**
   * Decodes whose picture is corrupted.
   *
   * @return the count
   */
  public synchronized long corruptedFrames() {
    return busErrors();
  }

  /**
   * Whether a decode is running ({@link VpuRegs#INT_DEC_E} set by the hardware).
   *
   * @return true while decoding
   */
  public synchronized boolean isDecoding() {
    return current != null;
  }

  /**
   * Starts written while the core was in reset or clock-gated, and therefore ignored.
   *
   * @return the count
   */
  public synchronized long ignoredStarts() {
    return ignoredStarts;
  }

  /**
   * Spurious interrupts injected with {@link #injectSpuriousIrq()}.
   *
   * @return the count
   */
  public synchronized long spuriousInjected() {
    return spuriousInjected;
  }

  /**
   * Whether the block controller holds the core in reset.
   *
   * @return true in reset
   */
  public synchronized boolean inReset() {
    return inReset;
  }

  /**
   * Whether the block controller gates the core's clock.
   *
   * @return true when gated
   */
  public synchronized boolean clockGated() {
    return clockGated;
  }

  /** Stops the core's thread; called by the board. */
  void shutdown() {
    finished.add(POISON);
    try {
      thread.join(JOIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + " (irq " + irq + ")";
  }
}
