package dev.medialife.drivers.hantro;

import dev.medialife.driver.io.IoMem;
import dev.medialife.driver.irq.IrqChip;
import dev.medialife.driver.of.PlatformDevice;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.workqueue.DelayedWork;
import dev.medialife.m2m.V4l2M2mDev;
import dev.medialife.mc.MediaDevice;
import dev.medialife.v4l2.V4l2Device;
import dev.medialife.v4l2.VideoDevice;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One probed decoder core ({@code struct hantro_dev}): its platform device, variant, register
 * mapping and interrupt, the watchdog, the embedded {@code v4l2_device} and {@code media_device},
 * the decoder function and — shared with the sibling core on an i.MX8MQ — the mem2mem scheduler.
 *
 * <p>The structure is device-managed memory of the platform device ({@code devm_kzalloc}): devres
 * frees it after {@code remove}. Under the media lifetime rules the media device is the one part
 * that lives in its own allocation ({@link #mdevMem()}): its devnode outlives {@code remove} while
 * a {@code /dev/mediaN} stays open, and its release callback frees it at the last close. The fields set during probe are written before the device is
 * visible to the sibling's lookup only as far as the kernel orders them: the driver data is set
 * before {@link #m2mDev()} (the window of reference §3.3).
 */
@KernelSymbol("hantro_dev")
public final class HantroDev {
  /** The watchdog delay: 2000 ms. */
  @KernelSymbol("hantro_end_prepare_run")
  public static final long WATCHDOG_NANOS = 2_000_000_000L;

  final PlatformDevice pdev;
  final HantroVariant variant;
  final Allocation mem;
  final HantroDriver driver;
  final Mutex vpuMutex;
  final DelayedWork watchdog;
  final V4l2Device v4l2Dev;
  /** The media device's own allocation under the media lifetime rules; null when embedded. */
  final @Nullable Allocation mdevOwn;
  final MediaDevice mdev;
  volatile @Nullable IoMem regs;
  volatile @Nullable IrqChip irqChip;
  volatile int irq = -1;
  volatile @Nullable V4l2M2mDev m2m;

  /**
   * Whether a probing sibling may borrow {@link #m2m} (the model's fix behind {@code
   * hantro-shared-lock}; written under the driver's shared lock, read under it).
   */
  volatile boolean lendsScheduler;
  volatile @Nullable HantroFunc decoder;
  /** Clock prepare/enable, reset and runtime PM as counts (the model has no clock framework). */
  final AtomicInteger clkPrepared = new AtomicInteger();
  final AtomicInteger clkEnabled = new AtomicInteger();
  final AtomicInteger pmUsage = new AtomicInteger();
  volatile boolean resetAsserted = true;

  HantroDev(
      HantroDriver driver,
      PlatformDevice pdev,
      HantroVariant variant,
      Allocation mem,
      @Nullable Allocation mdevOwn) {
    this.driver = driver;
    this.pdev = pdev;
    this.variant = variant;
    this.mem = mem;
    this.vpuMutex = new Mutex("hantro.vpu_mutex");
    this.watchdog = new DelayedWork("hantro_watchdog", () -> driver.watchdog(this));
    this.v4l2Dev = new V4l2Device(mem);
    this.mdevOwn = mdevOwn;
    this.mdev = new MediaDevice(pdev.platformBus().kernel(), mdevOwn != null ? mdevOwn : mem);
  }

  /**
   * The core's name, its variant name ("imx8mq-vpu-g1"): the owner label of its contexts in traces
   * and the key of its metrics.
   *
   * @return the name
   */
  @JavaOnly("trace label")
  public String name() {
    return variant.name();
  }

  /**
   * The variant.
   *
   * @return {@code vpu->variant}
   */
  @KernelSymbol("hantro_dev.variant")
  public HantroVariant variant() {
    return variant;
  }

  /**
   * The platform device.
   *
   * @return {@code vpu->pdev}
   */
  @KernelSymbol("hantro_dev.pdev")
  public PlatformDevice pdev() {
    return pdev;
  }

  /**
   * The scheduler, shared with the sibling core when the variant has a shared table.
   *
   * @return {@code vpu->m2m_dev}, or null before probe set it
   */
  @KernelSymbol("hantro_dev.m2m_dev")
  public @Nullable V4l2M2mDev m2mDev() {
    return m2m;
  }

  /**
   * The decoder video node.
   *
   * @return the node, or null before probe registered it
   */
  @KernelSymbol("hantro_dev.decoder")
  public @Nullable VideoDevice decoderNode() {
    HantroFunc f = decoder;
    return f == null ? null : f.vdev;
  }

  /**
   * The media device.
   *
   * @return {@code vpu->mdev}
   */
  @KernelSymbol("hantro_dev.mdev")
  public MediaDevice mediaDevice() {
    return mdev;
  }

  /**
   * The V4L2 device.
   *
   * @return {@code vpu->v4l2_dev}
   */
  @KernelSymbol("hantro_dev.v4l2_dev")
  public V4l2Device v4l2Device() {
    return v4l2Dev;
  }

  /**
   * Whether the watchdog is armed (a job of this core is running).
   *
   * @return true while pending
   */
  @KernelSymbol("delayed_work_pending")
  public boolean watchdogPending() {
    return watchdog.pending();
  }

  /**
   * The memory of the structure.
   *
   * @return the devm allocation
   */
  @JavaOnly("model memory")
  public Allocation mem() {
    return mem;
  }

  /**
   * The memory the media device lives in: {@link #mem()} itself in mainline (embedded), its own
   * allocation under the media lifetime rules.
   *
   * @return the media device's memory
   */
  @JavaOnly("model memory")
  public Allocation mdevMem() {
    Allocation own = mdevOwn;
    return own != null ? own : mem;
  }

  @Override
  public String toString() {
    return "hantro " + variant.name() + " (" + pdev.name() + ")";
  }
}
