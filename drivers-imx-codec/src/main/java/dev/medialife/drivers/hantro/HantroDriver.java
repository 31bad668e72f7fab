package dev.medialife.drivers.hantro;

import dev.medialife.driver.Devres;
import dev.medialife.driver.File;
import dev.medialife.driver.Module;
import dev.medialife.driver.PollTable;
import dev.medialife.driver.io.IoMem;
import dev.medialife.driver.irq.IrqChip;
import dev.medialife.driver.irq.IrqReturn;
import dev.medialife.driver.of.Of;
import dev.medialife.driver.of.OfDeviceId;
import dev.medialife.driver.of.OfNode;
import dev.medialife.driver.of.PlatformBus;
import dev.medialife.driver.of.PlatformDevice;
import dev.medialife.driver.of.PlatformDriver;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.trace.TraceRecorder;
import dev.medialife.m2m.V4l2M2mCtx;
import dev.medialife.m2m.V4l2M2mDev;
import dev.medialife.m2m.V4l2M2mIoctls;
import dev.medialife.m2m.V4l2M2mIoctlOps;
import dev.medialife.m2m.V4l2M2mOps;
import dev.medialife.mc.EntityObjType;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaGraph;
import dev.medialife.mc.MediaInterface;
import dev.medialife.mc.MediaLink;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.v4l2.V4l2Fh;
import dev.medialife.v4l2.V4l2FileOperations;
import dev.medialife.v4l2.V4l2IoctlOps;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2Fmtdesc;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.Vb2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hantro decoder driver for the i.MX8M VPU (hantro_drv.c, hantro_v4l2.c, hantro_g1.c,
 * hantro_g2.c, imx8m_vpu_hw.c): a platform driver bound once per core.
 *
 * <p>Probe maps the core's registers and requests its interrupt from the platform resources, sets
 * the driver data, gets the scheduler with {@link #getV4l2M2mDev} — a reference on an initialised
 * sibling's scheduler when the variant has a shared table, else a fresh one — and registers the
 * V4L2 device, the media device, the decoder node and the media-controller objects Hantro builds
 * itself. Remove undoes it in the kernel's order and puts the scheduler.
 *
 * <p>A job: {@code device_run} programs the core that owns the context (whatever core's file
 * triggered the scheduling), arms that core's 2 s watchdog, and starts it. The core's interrupt
 * completes the job only if cancelling that core's watchdog succeeded; the watchdog, if it fires
 * first, resets the codec and returns the buffers in ERROR.
 *
 * <p>The patch switches: {@link PatchSwitch#HANTRO_SHARED_SCHEDULER} off makes every core
 * create its own scheduler (the bug: concurrent decodes); {@link PatchSwitch#M2M_KREF} is read by
 * the scheduler itself; {@link PatchSwitch#HANTRO_SHARED_LOCK}, a model fix not upstream, closes
 * the races the series leaves open (a lock from the sibling lookup to the store of the scheduler,
 * and a core being removed stops lending its scheduler under the same lock before its put). Off,
 * two concurrent probes can miss each other and a probe can borrow a scheduler its sibling's
 * remove is freeing, exactly as upstream.
 */
@KernelSymbol("hantro_driver")
public final class HantroDriver {
  private static final Logger LOG = LoggerFactory.getLogger(HantroDriver.class);

  /** The driver's name. */
  @KernelSymbol("hantro_driver.driver.name")
  public static final String NAME = "hantro-vpu";

  /** The race window between the sibling lookup and the store of the new scheduler. */

  public static final String WINDOW_M2M_STORE = "hantro_probe.m2m_dev";

  /** The window in remove right after the scheduler was put, before the driver data is cleared. */
  public static final String WINDOW_REMOVE_PUT = "hantro_remove.v4l2_m2m_put";

  /** The window right before a core takes the shared lock (probe, failed probe, remove). */
  public static final String WINDOW_SHARED_LOCK = "hantro_shared_lock";

  /** The window at the start of the sibling lookup. */

  public static final String WINDOW_LOOKUP = "hantro_get_v4l2_m2m_dev";

  /** The trace category of the driver's events (IRQ, watchdog). */
  private static final String TRACE_CATEGORY = "hantro";

  private static final int VIDEO_MAJOR = 81;
  private static final int LINK_FLAGS =
      MediaUapi.MEDIA_LNK_FL_IMMUTABLE | MediaUapi.MEDIA_LNK_FL_ENABLED;

  private final PlatformDriver pdrv;

  /**
   * The model's fix for the open races of reference §3.3 (switch {@link
   * PatchSwitch#HANTRO_SHARED_LOCK}): held from the sibling lookup to the store of the scheduler
   * pointer, and while remove or a failed probe clears that pointer, so a core's driver data with
   * a scheduler pointer always means a scheduler with a reference the core still holds.
   */
  private final Mutex sharedLock = new Mutex("hantro_shared_lock");
  private final HantroMetrics metrics = new HantroMetrics();
  private final V4l2M2mOps m2mOps = V4l2M2mOps.builder().deviceRun(this::deviceRun).build();
  private final Ratelimit g2Warnings = new Ratelimit();

  /**
   * Creates the driver; register it on a platform bus with {@link #register}.
   *
   * @param owner the module, or null when built in
   */
  @KernelSymbol("hantro_driver")
  public HantroDriver(@Nullable Module owner) {
    this.pdrv =
        new PlatformDriver(
            NAME,
            owner,
            HantroVariant.OF_MATCH,
            false,
            new PlatformDriver.Ops() {
              @Override
              public int probe(PlatformDevice pdev) {
                return HantroDriver.this.probe(pdev);
              }

              @Override
              public void remove(PlatformDevice pdev) {
                HantroDriver.this.remove(pdev);
              }
            });
  }

  /**
   * Registers the driver, binding it to every matching core.
   *
   * @param bus the platform bus
   * @return 0 or a negative errno
   */
  @KernelSymbol("module_platform_driver")
  public int register(PlatformBus bus) {
    return bus.driverRegister(pdrv);
  }

  /**
   * Unbinds the driver from its cores and unregisters it.
   *
   * @param bus the platform bus
   */
  @KernelSymbol("platform_driver_unregister")
  public void unregister(PlatformBus bus) {
    bus.driverUnregister(pdrv);
  }

  /**
   * The platform driver.
   *
   * @return the driver
   */
  @KernelSymbol("hantro_driver")
  public PlatformDriver platformDriver() {
    return pdrv;
  }

  /**
   * What the driver saw.
   *
   * @return the metrics
   */
  @JavaOnly("metrics")
  public HantroMetrics metrics() {
    return metrics;
  }

  /**
   * The core bound to a platform device.
   *
   * @param pdev the device
   * @return its {@code hantro_dev}, or null when not bound
   */
  @KernelSymbol("platform_get_drvdata")
  public static @Nullable HantroDev vpu(PlatformDevice pdev) {
    return pdev.getDrvdata(HantroDev.class);
  }

  // ---- probe and remove ----

  /** {@code hantro_probe}. */
  private int probe(PlatformDevice pdev) {
    Object data = Of.deviceGetMatchData(pdev);
    if (!(data instanceof HantroVariant variant)) {
      return -Errno.ENODEV;
    }
    Allocation mem = Devres.kzalloc(pdev.device(), "hantro_dev", pdev.name());
    if (mem == null) {
      return -Errno.ENOMEM;
    }
    Allocation mdevOwn = null;
    if (PatchSwitch.MEDIA_LIFETIME.enabled()) {
      // Converted to the lifetime rules: the media device (and the devnode in it) must survive
      // the devres release of hantro_dev while /dev/mediaN is open; its release frees it.
      mdevOwn = Kmem.kzalloc("media_device", pdev.name());
      if (mdevOwn == null) {
        return -Errno.ENOMEM;
      }
    }
    HantroDev vpu = new HantroDev(this, pdev, variant, mem, mdevOwn);
    if (variant.deprecated()) {
      LOG.warn("{}: using a deprecated device-tree binding; update the device tree", pdev.name());
    }
    PlatformDevice.Mapping mapped = pdev.devmIoremapResource(0);
    IoMem regs = mapped.base();
    if (regs == null) {
      return freeMdevMem(vpu, mapped.error());
    }
    vpu.regs = regs;
    int irq = pdev.getIrq(0);
    IrqChip chip = pdev.getIrqChip(0);
    if (irq < 0 || chip == null) {
      return freeMdevMem(vpu, irq < 0 ? irq : -Errno.ENXIO);
    }
    int ret =
        chip.devmRequestIrq(pdev.device(), irq, (line, id) -> irqHandler(vpu), 0, pdev.name(),
            mem);
    if (ret != 0) {
      LOG.error("{}: could not request {} IRQ", pdev.name(), variant.irqName());
      return freeMdevMem(vpu, ret);
    }
    vpu.irqChip = chip;
    vpu.irq = irq;
    // pm_runtime_enable, reset_control_deassert, clk_bulk_prepare.
    vpu.resetAsserted = false;
    vpu.clkPrepared.incrementAndGet();
    ret = vpu.v4l2Dev.register(pdev.device());
    if (ret != 0) {
      LOG.error("{}: failed to register v4l2 device", pdev.name());
      return freeMdevMem(vpu, clkUnprepare(vpu, ret));
    }
    pdev.setDrvdata(vpu);
    boolean locked = lockShared(vpu);
    V4l2M2mDev.Result m = getV4l2M2mDev(vpu);
    V4l2M2mDev m2m = m.dev();
    if (m2m == null) {
      unlockShared(locked);
      LOG.error("{}: failed to init mem2mem device", pdev.name());
      vpu.v4l2Dev.unregister();
      return freeMdevMem(vpu, clkUnprepare(vpu, m.error()));
    }
    RaceWindow.at(WINDOW_M2M_STORE);
    vpu.m2m = m2m;
    vpu.lendsScheduler = locked;
    unlockShared(locked);
    MediaDevice mdev = vpu.mdev;
    mdev.setDev(pdev.device());
    mdev.setModel(NAME);
    mdev.setBusInfo("platform:" + variant.name());
    Allocation own = vpu.mdevOwn;
    mdev.setRelease(released -> mdevRelease(released, own));
    mdev.init();
    vpu.v4l2Dev.setMdev(mdev);
    ret = addDecFunc(vpu);
    if (ret != 0) {
      LOG.error("{}: failed to create decoder", pdev.name());
      return m2mRel(vpu, m2m, ret);
    }
    ret = mdev.register(null);
    if (ret != 0) {
      LOG.error("{}: failed to register mem2mem media device", pdev.name());
      removeFunc(vpu);
      return m2mRel(vpu, m2m, ret);
    }
    return 0;
  }

  /**
   * The media device's release: under the lifetime rules it frees the media device's own
   * allocation (the last {@code /dev/mediaN} user may close long after {@code remove}); in
   * mainline the media device is embedded in the device-managed {@code hantro_dev} and there is
   * nothing to free.
   */
  private static void mdevRelease(MediaDevice mdev, @Nullable Allocation own) {
    LOG.debug("{}: media device released", mdev.model());
    if (own != null) {
      Kmem.kfree(own, "hantro_mdev_release");
    }
  }

  /**
   * Frees the media device's own allocation on a probe failure before {@code media_device_init}
   * (after it, the put in {@link #mdevCleanup} releases it).
   */
  private static int freeMdevMem(HantroDev vpu, int ret) {
    Allocation own = vpu.mdevOwn;
    if (own != null) {
      Kmem.kfree(own, "hantro_probe");
    }
    return ret;
  }

  /**
   * {@code media_device_cleanup}; under the media lifetime rules a media device with a release is
   * put instead, and the release does the cleanup.
   */
  private static void mdevCleanup(MediaDevice mdev) {
    if (mdev.lifetimeRules()) {
      mdev.put();
    } else {
      mdev.cleanup();
    }
  }

  private int m2mRel(HantroDev vpu, V4l2M2mDev m2m, int ret) {
    mdevCleanup(vpu.mdev);
    stopLending(vpu);
    m2m.put();
    vpu.v4l2Dev.unregister();
    return clkUnprepare(vpu, ret);
  }

  private static int clkUnprepare(HantroDev vpu, int ret) {
    vpu.clkPrepared.decrementAndGet();
    vpu.resetAsserted = true;
    return ret;
  }

  /**
   * Takes {@link #sharedLock} when the fix is in and the core shares its scheduler.
   *
   * @return whether the lock was taken
   */
  private boolean lockShared(HantroDev vpu) {
    if (vpu.variant.sharedDevices() == null || !PatchSwitch.HANTRO_SHARED_LOCK.enabled()) {
      return false;
    }
    RaceWindow.at(WINDOW_SHARED_LOCK);
    sharedLock.lock();
    return true;
  }

  private void unlockShared(boolean locked) {
    if (locked) {
      sharedLock.unlock();
    }
  }

  /**
   * Stops lending the core's scheduler before its reference is put. With the fix that happens
   * under {@link #sharedLock}, so a sibling probing now either took its own reference before (and
   * the put cannot free the scheduler) or no longer borrows it; upstream nothing stops a sibling.
   * The core keeps its own pointer: its contexts may still finish jobs on it.
   */
  private void stopLending(HantroDev vpu) {
    boolean locked = lockShared(vpu);
    vpu.lendsScheduler = false;
    unlockShared(locked);
  }

  /**
   * {@code hantro_get_v4l2_m2m_dev}: for a variant with a shared table, the first node of the
   * tree (in tree order) that matches the table and whose platform device carries an initialised
   * {@code hantro_dev} other than this one lends its scheduler, with a reference taken; otherwise
   * a fresh scheduler.
   *
   * <p>Departure: the kernel dereferences the sibling's scheduler pointer without checking it, so
   * a sibling seen between its {@code platform_set_drvdata} and its store of the scheduler (a
   * concurrent probe, reference §3.3) makes it call {@code v4l2_m2m_get(NULL)}. The model warns
   * about that and skips the sibling, which is how two schedulers ("sharing lost") arise. With
   * {@link PatchSwitch#HANTRO_SHARED_LOCK} the caller holds the shared lock, and only a sibling
   * that stored its scheduler and is not being removed lends it: a sibling still probing finds
   * this core once it gets the lock, so concurrent probes end with one scheduler.
   */
  @KernelSymbol("hantro_get_v4l2_m2m_dev")
  V4l2M2mDev.Result getV4l2M2mDev(HantroDev vpu) {
    List<OfDeviceId> shared = vpu.variant.sharedDevices();
    OfNode self = vpu.pdev.ofNode();
    if (shared == null || self == null || !PatchSwitch.HANTRO_SHARED_SCHEDULER.enabled()) {
      return V4l2M2mDev.init(m2mOps);
    }
    RaceWindow.at(WINDOW_LOOKUP);
    for (OfNode node : allNodes(self)) {
      if (Of.matchNode(shared, node) == null) {
        continue;
      }
      PlatformDevice sibling = Of.findDeviceByNode(node);
      if (sibling == null) {
        continue;
      }
      HantroDev other = sibling.getDrvdata(HantroDev.class);
      if (other == null || other == vpu) {
        sibling.put();
        continue;
      }
      V4l2M2mDev m2m = other.m2m;
      if (sharedLock.isHeldByCurrentThread() && !other.lendsScheduler) {
        // The fix: a sibling that has not stored its scheduler yet will find this core when it
        // takes the lock; one that is being removed has put its reference or is about to.
        sibling.put();
        continue;
      }
      if (m2m == null) {
        Warn.warn(vpu + ": sibling " + other + " has driver data but no scheduler yet: the kernel"
            + " would v4l2_m2m_get(NULL) here");
        sibling.put();
        continue;
      }
      m2m.get();
      sibling.put();
      return new V4l2M2mDev.Result(m2m, 0);
    }
    return V4l2M2mDev.init(m2mOps);
  }

  /** Every node of the tree {@code node} belongs to, in tree order (of_find_matching_node). */
  private static List<OfNode> allNodes(OfNode node) {
    OfNode root = node;
    for (OfNode p = root.parent(); p != null; p = p.parent()) {
      root = p;
    }
    List<OfNode> out = new ArrayList<>();
    collect(root, out);
    return out;
  }

  private static void collect(OfNode n, List<OfNode> out) {
    out.add(n);
    for (OfNode c : n.children()) {
      collect(c, out);
    }
  }

  /** {@code hantro_remove}. */
  private void remove(PlatformDevice pdev) {
    HantroDev vpu = vpu(pdev);
    if (vpu == null) {
      return;
    }
    LOG.info("{}: removing {}", pdev.name(), vpu.name());
    vpu.mdev.unregister();
    removeFunc(vpu);
    mdevCleanup(vpu.mdev);
    V4l2M2mDev m2m = vpu.m2m;
    stopLending(vpu);
    if (m2m != null) {
      m2m.put();
    }
    RaceWindow.at(WINDOW_REMOVE_PUT);
    vpu.v4l2Dev.unregister();
    clkUnprepare(vpu, 0);
  }

  // ---- the decoder function and its media-controller objects ----

  /** {@code hantro_add_func(vpu, MEDIA_ENT_F_PROC_VIDEO_DECODER)}. */
  private int addDecFunc(HantroDev vpu) {
    Allocation fmem = Devres.kzalloc(vpu.pdev.device(), "hantro_func", vpu.name());
    if (fmem == null) {
      return -Errno.ENOMEM;
    }
    VideoDevice vfd = new VideoDevice(vpu.pdev.platformBus().kernel(), fmem);
    HantroFunc func = new HantroFunc(fmem, vfd);
    vfd.setFops(fops(vpu));
    vfd.setRelease(VideoDevice::releaseEmpty);
    vfd.setLock(vpu.vpuMutex);
    vfd.setV4l2Dev(vpu.v4l2Dev);
    vfd.setVflDir(VideoDevice.VflDir.M2M);
    vfd.setDeviceCaps(Videodev2.V4L2_CAP_VIDEO_M2M | Videodev2.V4L2_CAP_STREAMING);
    vfd.setIoctlOps(ioctls(vpu));
    vfd.setName(vpu.variant.name() + "-dec");
    vpu.decoder = func;
    int ret = vfd.register(VideoDevice.VflType.VIDEO, -1, null);
    if (ret != 0) {
      LOG.error("{}: failed to register video device", vpu.pdev.name());
      vpu.decoder = null;
      return ret;
    }
    ret = attachFunc(vpu, func);
    if (ret != 0) {
      LOG.error("{}: failed to attach functions", vpu.pdev.name());
      vfd.unregister();
      vpu.decoder = null;
      return ret;
    }
    return 0;
  }

  /** {@code hantro_attach_func}: three entities, two pad links, an interface and two links. */
  private static int attachFunc(HantroDev vpu, HantroFunc func) {
    MediaDevice mdev = vpu.mdev;
    Allocation names = Kmem.kzalloc("hantro_func_names", vpu.name());
    if (names == null) {
      return -Errno.ENOMEM;
    }
    func.names = names;
    String base = func.vdev.name();
    MediaEntity source = new MediaEntity(func.mem, base + "-source", MediaUapi.MEDIA_ENT_F_IO_V4L);
    source.setObjType(EntityObjType.VIDEO_DEVICE);
    source.setDevnode(VIDEO_MAJOR, func.vdev.minor());
    int ret = registerEntity(mdev, source, MediaPad.source());
    if (ret != 0) {
      return detachOnError(vpu, func, ret);
    }
    func.source = source;
    MediaEntity proc =
        new MediaEntity(func.mem, base + "-proc", MediaUapi.MEDIA_ENT_F_PROC_VIDEO_DECODER);
    ret = registerEntity(mdev, proc, MediaPad.sink(), MediaPad.source());
    if (ret != 0) {
      return detachOnError(vpu, func, ret);
    }
    func.proc = proc;
    MediaEntity sink = new MediaEntity(func.mem, base + "-sink", MediaUapi.MEDIA_ENT_F_IO_V4L);
    ret = registerEntity(mdev, sink, MediaPad.sink());
    if (ret != 0) {
      return detachOnError(vpu, func, ret);
    }
    func.sink = sink;
    ret = MediaGraph.createPadLink(source, 0, proc, 0, LINK_FLAGS);
    if (ret == 0) {
      ret = MediaGraph.createPadLink(proc, 1, sink, 0, LINK_FLAGS);
    }
    if (ret != 0) {
      return detachOnError(vpu, func, ret);
    }
    MediaInterface intf =
        mdev.devnodeCreate(MediaUapi.MEDIA_INTF_T_V4L_VIDEO, 0, VIDEO_MAJOR, func.vdev.minor());
    if (intf == null) {
      return detachOnError(vpu, func, -Errno.ENOMEM);
    }
    func.intf = intf;
    MediaLink l1 = MediaGraph.createIntfLink(source, intf, LINK_FLAGS);
    if (l1 == null) {
      return detachOnError(vpu, func, -Errno.ENOMEM);
    }
    func.intfSource = l1;
    MediaLink l2 = MediaGraph.createIntfLink(sink, intf, LINK_FLAGS);
    if (l2 == null) {
      return detachOnError(vpu, func, -Errno.ENOMEM);
    }
    func.intfSink = l2;
    return 0;
  }

  private static int registerEntity(MediaDevice mdev, MediaEntity e, MediaPad... pads) {
    int ret = e.padsInit(pads);
    return ret != 0 ? ret : mdev.registerEntity(e);
  }

  private static int detachOnError(HantroDev vpu, HantroFunc func, int ret) {
    detachFunc(vpu, func);
    return ret;
  }

  /** {@code hantro_detach_func}: removes whatever {@link #attachFunc} made, in reverse. */
  private static void detachFunc(HantroDev vpu, HantroFunc func) {
    MediaDevice mdev = vpu.mdev;
    MediaLink l2 = func.intfSink;
    if (l2 != null) {
      MediaGraph.removeIntfLink(l2);
      func.intfSink = null;
    }
    MediaLink l1 = func.intfSource;
    if (l1 != null) {
      MediaGraph.removeIntfLink(l1);
      func.intfSource = null;
    }
    MediaInterface intf = func.intf;
    if (intf != null) {
      mdev.devnodeRemove(intf);
      func.intf = null;
    }
    for (MediaEntity e : new MediaEntity[] {func.source, func.sink, func.proc}) {
      if (e != null) {
        MediaGraph.removeLinks(e);
      }
    }
    for (MediaEntity e : new MediaEntity[] {func.source, func.sink, func.proc}) {
      if (e != null) {
        mdev.unregisterEntity(e);
      }
    }
    func.source = null;
    func.sink = null;
    func.proc = null;
    Allocation names = func.names;
    if (names != null) {
      Kmem.kfree(names, "hantro_detach_func");
      func.names = null;
    }
  }

  /** {@code hantro_remove_func}: detach, then unregister the node. */
  private static void removeFunc(HantroDev vpu) {
    HantroFunc func = vpu.decoder;
    if (func == null) {
      return;
    }
    detachFunc(vpu, func);
    func.vdev.unregister();
  }

  // ---- jobs ----

  /**
   * {@code device_run}: resumes and clocks the core that owns the context, copies the metadata,
   * and runs the codec; any failure finishes the job in ERROR at once.
   *
   * <p>Context: the caller of try_schedule or the scheduler's job_work; no scheduler lock held.
   */
  @KernelSymbol("device_run")
  private void deviceRun(Object priv) {
    HantroCtx ctx = (HantroCtx) priv;
    HantroDev vpu = ctx.dev;
    V4l2M2mCtx m2m = ctx.m2m();
    Vb2Buffer src = m2m.outQ().nextBuf();
    Vb2Buffer dst = m2m.capQ().nextBuf();
    // pm_runtime_resume_and_get, clk_bulk_enable.
    vpu.pmUsage.incrementAndGet();
    vpu.clkEnabled.incrementAndGet();
    if (src == null || dst == null) {
      jobFinishNoPm(vpu, ctx, Vb2Buffer.State.ERROR);
      return;
    }
    V4l2M2mCtx.bufCopyMetadata(src, dst);
    run(ctx, src, dst);
  }

  /** The codec's run: program the owning core, arm its watchdog, start it. */
  private void run(HantroCtx ctx, Vb2Buffer src, Vb2Buffer dst) {
    HantroDev vpu = ctx.dev;
    IoMem regs = vpu.regs;
    if (regs == null) {
      jobFinishNoPm(vpu, ctx, Vb2Buffer.State.ERROR);
      return;
    }
    HantroCodec codec = ctx.codec;
    int srcAddr = src.index() + 1;
    int dstAddr = 0x1000 + dst.index() + 1;
    if (vpu.variant.core() == HantroCodec.Core.G1) {
      regs.writel(HantroRegs.G1_DEC_CTRL0, (codec.mode() & 0xf) << 28);
      regs.writel(HantroRegs.G1_ADDR_STR, srcAddr);
      regs.writel(HantroRegs.G1_ADDR_DST, dstAddr);
    } else {
      regs.writel(HantroRegs.G2_DEC_MODE, (codec.mode() & 0x1f) << 27);
      regs.writel(HantroRegs.G2_STREAM_ADDR, srcAddr);
      regs.writel(HantroRegs.G2_OUT_LUMA_ADDR, dstAddr);
    }
    endPrepareRun(vpu);
    metrics.jobStarted(vpu.name(), KernelClock.system().nanoTime());
    regs.writel(HantroRegs.INTERRUPT, HantroRegs.INT_DEC_E);
  }

  /** {@code hantro_end_prepare_run}: arms the owning core's watchdog. */
  @KernelSymbol("hantro_end_prepare_run")
  private static void endPrepareRun(HantroDev vpu) {
    vpu.watchdog.schedule(HantroDev.WATCHDOG_NANOS);
  }

  /** {@code hantro_job_finish}: PM put, clocks off, then the scheduler's buf-done-and-finish. */
  @KernelSymbol("hantro_job_finish")
  private void jobFinish(HantroDev vpu, HantroCtx ctx, Vb2Buffer.State result) {
    vpu.pmUsage.decrementAndGet();
    vpu.clkEnabled.decrementAndGet();
    metrics.jobEnded(ctx.dev.name(), KernelClock.system().nanoTime());
    finishJob(ctx, result);
  }

  /** {@code hantro_job_finish_no_pm}: a failed device_run; the PM and clock stay taken. */
  @KernelSymbol("hantro_job_finish_no_pm")
  private static void jobFinishNoPm(HantroDev vpu, HantroCtx ctx, Vb2Buffer.State result) {
    LOG.debug("{}: job of {} failed to start", vpu.pdev.name(), ctx);
    finishJob(ctx, result);
  }

  private static void finishJob(HantroCtx ctx, Vb2Buffer.State result) {
    V4l2M2mDev m2m = ctx.dev.m2m;
    V4l2M2mCtx c = ctx.m2mOrNull();
    if (m2m != null && c != null) {
      m2m.bufDoneAndJobFinish(c, result);
    }
  }

  /**
   * {@code hantro_irq_done}: the running context of the (shared) scheduler finishes only if this
   * core's watchdog was pending; so a spurious interrupt of an idle core, or one that lost the race
   * with the watchdog, changes nothing.
   */
  @KernelSymbol("hantro_irq_done")
  private void irqDone(HantroDev vpu, Vb2Buffer.State result) {
    V4l2M2mDev m2m = vpu.m2m;
    if (m2m == null) {
      return;
    }
    Object priv = m2m.getCurrPriv();
    if (vpu.watchdog.cancel()) {
      if (!(priv instanceof HantroCtx ctx)) {
        // Only a freed scheduler (the kref switch off) answers no context here; its use was
        // reported. The kernel would go on with a garbage pointer.
        LOG.error("{}: watchdog was pending but the scheduler has no running job", vpu);
        return;
      }
      jobFinish(vpu, ctx, result);
    }
  }

  /** The core's interrupt handler: {@code hantro_g1_irq} or {@code hantro_g2_irq}. */
  private int irqHandler(HantroDev vpu) {
    IoMem regs = vpu.regs;
    if (regs == null) {
      return IrqReturn.IRQ_NONE;
    }
    int status = regs.readl(HantroRegs.INTERRUPT);
    TraceRecorder.global().instant(TRACE_CATEGORY, "irq", vpu.name(), Map.of("status", status));
    if (vpu.variant.core() == HantroCodec.Core.G1) {
      return g1Irq(vpu, regs, status);
    }
    return g2Irq(vpu, regs, status);
  }

  @KernelSymbol("hantro_g1_irq")
  private int g1Irq(HantroDev vpu, IoMem regs, int status) {
    Vb2Buffer.State state =
        (status & HantroRegs.INT_DEC_RDY_INT) != 0 ? Vb2Buffer.State.DONE : Vb2Buffer.State.ERROR;
    regs.writel(HantroRegs.INTERRUPT, 0);
    regs.writel(HantroRegs.G1_CONFIG, HantroRegs.G1_CONFIG_DEC_CLK_GATE_E);
    if ((status & HantroRegs.INT_DEC_IRQ) != 0) {
      metrics.status(status);
    }
    irqDone(vpu, state);
    return IrqReturn.IRQ_HANDLED;
  }

  /**
   * {@code hantro_g2_irq} of recent kernels: ready completes DONE; abort only warns; last-slice,
   * bus, error and timeout bits warn (rate-limited); a decoder still enabled keeps decoding;
   * otherwise the job completes in ERROR.
   */
  @KernelSymbol("hantro_g2_irq")
  private int g2Irq(HantroDev vpu, IoMem regs, int status) {
    regs.writel(HantroRegs.INTERRUPT, 0);
    regs.writel(HantroRegs.G2_CONFIG, HantroRegs.G2_CONFIG_DEC_CLK_GATE_E);
    if ((status & HantroRegs.INT_DEC_IRQ) != 0) {
      metrics.status(status);
    }
    if ((status & HantroRegs.INT_DEC_RDY_INT) != 0) {
      irqDone(vpu, Vb2Buffer.State.DONE);
      return IrqReturn.IRQ_HANDLED;
    }
    String name = vpu.pdev.name();
    if ((status & HantroRegs.INT_DEC_ABORT_INT) != 0 && g2Warnings.allow()) {
      LOG.warn("{}: decode aborted.", name);
    }
    if ((status & HantroRegs.INT_DEC_LAST_SLICE_INT) != 0 && g2Warnings.allow()) {
      LOG.warn("{}: not all macroblocks were decoded.", name);
    }
    if ((status & HantroRegs.INT_DEC_BUS_INT) != 0 && g2Warnings.allow()) {
      LOG.warn("{}: bus error detected.", name);
    }
    if ((status & HantroRegs.INT_DEC_ERROR_INT) != 0 && g2Warnings.allow()) {
      LOG.warn("{}: decode error detected.", name);
    }
    if ((status & HantroRegs.INT_DEC_TIMEOUT) != 0 && g2Warnings.allow()) {
      LOG.warn("{}: frame decode timed out.", name);
    }
    if ((status & HantroRegs.INT_DEC_E) != 0) {
      return IrqReturn.IRQ_HANDLED; // still decoding
    }
    irqDone(vpu, Vb2Buffer.State.ERROR);
    return IrqReturn.IRQ_HANDLED;
  }

  /**
   * {@code hantro_watchdog}: if the scheduler has a running context, log, reset the codec of the
   * context's core and finish the job in ERROR.
   *
   * <p>Context: the system workqueue.
   */
  @KernelSymbol("hantro_watchdog")
  void watchdog(HantroDev vpu) {
    V4l2M2mDev m2m = vpu.m2m;
    Object priv = m2m == null ? null : m2m.getCurrPriv();
    if (priv instanceof HantroCtx ctx) {
      LOG.error("{}: frame processing timed out!", vpu.pdev.name());
      TraceRecorder.global().instant(TRACE_CATEGORY, "watchdog", vpu.name(), Map.of());
      metrics.watchdogTimeout();
      reset(ctx);
      jobFinish(vpu, ctx, Vb2Buffer.State.ERROR);
    }
  }

  /** The codec's reset: abort the decode with the interrupt disabled. */
  @KernelSymbol({"hantro_g1_reset", "hantro_g2_reset"})
  private static void reset(HantroCtx ctx) {
    IoMem regs = ctx.dev.regs;
    if (regs != null) {
      regs.writel(HantroRegs.INTERRUPT, HantroRegs.INT_DEC_IRQ_DIS | HantroRegs.INT_DEC_ABORT_E);
    }
  }

  // ---- file operations and ioctls ----

  private V4l2FileOperations fops(HantroDev vpu) {
    return new V4l2FileOperations() {
      @Override
      public int open(File file) {
        return HantroDriver.this.open(vpu, file);
      }

      @Override
      public int release(File file) {
        return HantroDriver.release(vpu, file);
      }

      @Override
      public int poll(File file, PollTable table) {
        return V4l2M2mIoctls.fopPoll(file, table);
      }
    };
  }

  /** {@code hantro_open}: a context on the core's (shared) scheduler. */
  @KernelSymbol("hantro_open")
  private int open(HantroDev vpu, File file) {
    V4l2M2mDev m2m = vpu.m2m;
    if (m2m == null) {
      return -Errno.ENODEV;
    }
    int ret = V4l2Fh.open(file);
    if (ret != 0) {
      return ret;
    }
    V4l2Fh fh = file.privateData(V4l2Fh.class);
    Allocation mem = Kmem.kzalloc("hantro_ctx", vpu.name());
    if (fh == null || mem == null) {
      V4l2Fh.release(file);
      return -Errno.ENOMEM;
    }
    HantroCtx ctx = new HantroCtx(vpu, mem, fh);
    V4l2M2mCtx.Result r =
        V4l2M2mCtx.ctxInit(
            m2m,
            ctx,
            (priv, vqs) -> {
              vqs.src = ctx.out;
              vqs.dst = ctx.cap;
              return 0;
            });
    V4l2M2mCtx c = r.ctx();
    if (c == null) {
      Kmem.kfree(mem, "hantro_open");
      V4l2Fh.release(file);
      return r.error();
    }
    c.setOwner(vpu.name());
    ctx.setM2m(c);
    fh.setM2mCtx(c);
    return 0;
  }

  /** {@code hantro_release}. */
  @KernelSymbol("hantro_release")
  private static int release(HantroDev vpu, File file) {
    V4l2Fh fh = file.privateData(V4l2Fh.class);
    if (fh != null && fh.m2mCtx() instanceof V4l2M2mCtx c && c.priv() instanceof HantroCtx ctx) {
      vpu.vpuMutex.lock();
      try {
        c.ctxRelease();
      } finally {
        vpu.vpuMutex.unlock();
      }
      fh.setM2mCtx(null);
      Kmem.kfree(ctx.mem, "hantro_release");
    }
    return V4l2Fh.release(file);
  }

  /** Runs a format ioctl on the handle's context; a handle without one is {@code -EINVAL}. */
  private static int onCtx(@Nullable V4l2Fh fh, ToIntFunction<HantroCtx> body) {
    if (fh != null && fh.m2mCtx() instanceof V4l2M2mCtx c && c.priv() instanceof HantroCtx ctx) {
      return body.applyAsInt(ctx);
    }
    return -Errno.EINVAL;
  }

  /** TRY_FMT of the decoded format: NV12, the size following the coded one. */
  private static int tryRawFmt(HantroCtx ctx, V4l2Format f) {
    f.width = ctx.srcFmt.width;
    f.height = ctx.srcFmt.height;
    return tryFmt(ctx.dev.variant, f, false);
  }

  private static V4l2IoctlOps ioctls(HantroDev vpu) {
    return new V4l2M2mIoctlOps() {
      // vidioc_querycap: the driver's name and the node's; the core adds the caps.
      @Override
      public int querycap(File file, @Nullable V4l2Fh fh, V4l2Capability cap) {
        cap.driver = NAME;
        cap.card = VideoDevice.devdata(file).name();
        return 0;
      }

      @Override
      public int enumFmtVidOut(File file, @Nullable V4l2Fh fh, V4l2Fmtdesc f) {
        List<HantroCodec> codecs = vpu.variant.codecs();
        if (f.index < 0 || f.index >= codecs.size()) {
          return -Errno.EINVAL;
        }
        HantroCodec c = codecs.get(f.index);
        f.pixelformat = c.fourcc();
        f.description = c.name();
        return 0;
      }

      @Override
      public int enumFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Fmtdesc f) {
        if (f.index != 0) {
          return -Errno.EINVAL;
        }
        f.pixelformat = HantroCodec.NV12;
        f.description = "Y/UV 4:2:0";
        return 0;
      }

      @Override
      public int gFmtVidOut(File file, @Nullable V4l2Fh fh, V4l2Format f) {
        return onCtx(fh, ctx -> {
          f.copyFrom(ctx.srcFmt);
          return 0;
        });
      }

      @Override
      public int gFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Format f) {
        return onCtx(fh, ctx -> {
          f.copyFrom(ctx.dstFmt);
          return 0;
        });
      }

      @Override
      public int tryFmtVidOut(File file, @Nullable V4l2Fh fh, V4l2Format f) {
        return onCtx(fh, ctx -> tryFmt(vpu.variant, f, true));
      }

      @Override
      public int tryFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Format f) {
        return onCtx(fh, ctx -> tryRawFmt(ctx, f));
      }

      @Override
      public int sFmtVidOut(File file, @Nullable V4l2Fh fh, V4l2Format f) {
        // hantro_set_fmt_out (decoder): a resolution change keeps the codec and is allowed with
        // OUTPUT buffers, not while streaming; the CAPTURE queue is reset, so it must be empty.
        return onCtx(fh, ctx -> {
          tryFmt(vpu.variant, f, true);
          if (ctx.out.isStreaming()
              || (ctx.out.numBuffers() > 0 && f.pixelformat != ctx.srcFmt.pixelformat)) {
            return -Errno.EBUSY;
          }
          if (ctx.cap.numBuffers() > 0) {
            return -Errno.EBUSY;
          }
          HantroCodec c = vpu.variant.find(f.pixelformat);
          ctx.codec = c != null ? c : vpu.variant.codecs().get(0);
          ctx.srcFmt.copyFrom(f);
          ctx.rawFromCoded();
          return 0;
        });
      }

      @Override
      public int sFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Format f) {
        return onCtx(fh, ctx -> {
          if (ctx.cap.numBuffers() > 0) {
            return -Errno.EBUSY;
          }
          tryRawFmt(ctx, f);
          ctx.dstFmt.copyFrom(f);
          return 0;
        });
      }
    };
  }

  /**
   * {@code hantro_try_fmt}: an unknown coded format falls back to the core's default one, the
   * decoded format is always NV12; the size is clamped to the codec's range and aligned to
   * macroblocks.
   */
  @KernelSymbol("hantro_try_fmt")
  static int tryFmt(HantroVariant variant, V4l2Format f, boolean coded) {
    HantroCodec dflt = variant.codecs().get(0);
    HantroCodec c = coded ? variant.find(f.pixelformat) : null;
    if (coded && c == null) {
      c = dflt;
    }
    HantroCodec range = c != null ? c : dflt;
    f.pixelformat = coded ? range.fourcc() : HantroCodec.NV12;
    f.width = clampAlign(f.width, range.maxWidth());
    f.height = clampAlign(f.height, range.maxHeight());
    if (coded) {
      f.bytesperline = 0;
      f.sizeimage = Math.max(f.sizeimage, f.width * f.height * 3 / 2);
    } else {
      f.bytesperline = f.width;
      f.sizeimage = f.width * f.height * 3 / 2;
    }
    return 0;
  }

  private static int clampAlign(int v, int max) {
    int c = Math.max(HantroCodec.MIN_SIDE, Math.min(v, max));
    return (c + HantroCodec.MB_DIM - 1) / HantroCodec.MB_DIM * HantroCodec.MB_DIM;
  }

  /** {@code printk_ratelimited}'s default: a burst of 10 messages per 5 s on the kernel clock. */
  private static final class Ratelimit {
    private static final long INTERVAL = 5_000_000_000L;
    private static final int BURST = 10;
    private long begin = Long.MIN_VALUE;
    private int printed;
    private long missed;

    synchronized boolean allow() {
      long now = KernelClock.system().nanoTime();
      if (begin == Long.MIN_VALUE || now - begin >= INTERVAL) {
        if (missed > 0) {
          LOG.warn("hantro_g2_irq: {} callbacks suppressed", missed);
        }
        begin = now;
        printed = 0;
        missed = 0;
      }
      if (printed < BURST) {
        printed++;
        return true;
      }
      missed++;
      return false;
    }
  }

  @Override
  public String toString() {
    return "hantro driver " + metrics;
  }
}
