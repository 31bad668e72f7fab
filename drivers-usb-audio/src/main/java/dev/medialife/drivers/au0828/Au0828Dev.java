package dev.medialife.drivers.au0828;

import dev.medialife.allocator.Allocated;
import dev.medialife.allocator.MediaDeviceAllocator;
import dev.medialife.driver.File;
import dev.medialife.driver.Module;
import dev.medialife.driver.PollTable;
import dev.medialife.driver.io.IoMem;
import dev.medialife.driver.irq.IrqChip;
import dev.medialife.driver.irq.IrqReturn;
import dev.medialife.driver.usb.UsbDevice;
import dev.medialife.driver.usb.UsbFunction;
import dev.medialife.driver.usb.UsbInterface;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.locking.SpinLock;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.mc.EntityNotify;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaGraph;
import dev.medialife.mc.MediaLink;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.v4l2.V4l2Device;
import dev.medialife.v4l2.V4l2FileOperations;
import dev.medialife.v4l2.V4l2Fh;
import dev.medialife.v4l2.V4l2IoctlOps;
import dev.medialife.v4l2.V4l2Mc;
import dev.medialife.v4l2.Vb2Ioctls;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2Fmtdesc;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.V4l2Input;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.V4l2Tuner;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Buffer;
import dev.medialife.v4l2.vb2.Vb2Ops;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayDeque;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound au0828 ({@code struct au0828_dev}): the video interface's driver state. It embeds the
 * v4l2_device, the video node, its vb2 queue and the media entities of the tuner, the analog
 * decoder, the DTV demodulator and the three input connectors, all in one allocation freed by the
 * v4l2_device's release at the last reference (the last close after a disconnect).
 */
@KernelSymbol("au0828_dev")
public final class Au0828Dev {
  private static final Logger LOG = LoggerFactory.getLogger(Au0828Dev.class);

  /**
   * The race window in au0828_usb_disconnect after the device is marked gone and its USB device
   * dropped, before the video node is unregistered: system calls on an open file still reach the
   * driver there.
   */
  public static final String WINDOW_ANALOG_UNREGISTER = "au0828_analog_unregister";

  /**
   * The race window in au0828_usb_disconnect where the running capture is stopped, with the
   * queue lock ({@code dev->lock}) held as vb2_video_unregister_device holds it.
   */
  public static final String WINDOW_STOP_STREAM = "au0828_analog_unregister.stop_streaming";

  /** The module name, also the media device's driver name when au0828 allocates first. */
  public static final String NAME = "au0828";

  // The stick's registers (the vendor control requests au0828_readreg/writereg reach).
  static final int REG_IRQ_STATUS = 0x00;
  static final int REG_INPUT = 0x04;
  static final int REG_VIDEO_CTRL = 0x08;
  static final int REG_VIDEO_SEQ = 0x0c;
  static final int REG_TUNER_ROUTE = 0x18;
  static final int REG_DTV_CTRL = 0x1c;
  static final int REG_FRAME_SIZE = 0x20;
  static final int IRQ_VIDEO_FRAME = 1;
  static final int LINE_VIDEO = 0;
  static final int ROUTE_VIDEO = 1;
  static final int ROUTE_AUDIO = 1 << 1;
  static final int ROUTE_DTV = 1 << 2;

  /** The video mux of an input ({@code enum au0828_itype}). */
  public enum Vmux {
    /** The tuner. */
    TELEVISION(0),
    /** Composite connector. */
    COMPOSITE(1),
    /** S-Video connector. */
    SVIDEO(2),
    /**
     * An input type that is none of the three (au0828's AU0828_VMUX_DEBUG); the HVR-950Q's input
     * table has none, see {@link #forceInputType}.
     */
    DEBUG(3);

    final int hw;

    Vmux(int hw) {
      this.hw = hw;
    }
  }

  /**
   * The HVR-950Q's inputs (its au0828_boards entry): three of AU0828_MAX_INPUT's four slots are
   * defined, so ENUMINPUT and S_INPUT refuse index 3 with EINVAL as for any undefined slot.
   */
  private static final Vmux[] INPUTS = {Vmux.TELEVISION, Vmux.COMPOSITE, Vmux.SVIDEO};

  private static final String[] INPUT_NAMES = {"Television", "Composite", "S-Video"};

  private final Allocation mem;
  private final Au0828Driver driver;
  private final UsbInterface intf;
  private final Mutex lock = new Mutex("au0828.lock");
  private final SpinLock slock = new SpinLock("au0828.slock");
  private final ArrayDeque<Vb2Buffer> active = new ArrayDeque<>();
  private final V4l2Device v4l2;
  private final VideoDevice vdev;
  private final Vb2Queue queue;
  private final MediaEntity tuner;
  private final MediaEntity decoder;
  private final MediaEntity demod;
  private final MediaEntity[] inputEnt = new MediaEntity[3];
  private final Au0828Source source = new Au0828Source(this);
  private final EntityNotify notify = this::graphNotify;
  private final V4l2Format fmt = new V4l2Format();

  private volatile @Nullable UsbDevice usbdev;
  private volatile @Nullable IoMem regs;
  private volatile @Nullable IrqChip chip;
  private volatile @Nullable MediaDevice mediaDev;
  private volatile boolean disconnected;
  private volatile boolean mediaRegistered;
  private volatile Vmux vmux = Vmux.TELEVISION;
  private volatile int input;
  private final java.util.concurrent.atomic.AtomicInteger users =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean streaming;
  private volatile @Nullable MediaEntity cachedTuner;
  private volatile @Nullable MediaEntity cachedDecoder;
  private volatile boolean demodRegistered;
  private volatile boolean released;

  Au0828Dev(Allocation mem, Au0828Driver driver, UsbInterface intf) {
    this.mem = mem;
    this.driver = driver;
    this.intf = intf;
    this.usbdev = intf.usbDevice();
    this.v4l2 = new V4l2Device(mem);
    this.vdev = new VideoDevice(intf.device().kernel(), mem);
    this.queue = new Vb2Queue(Vb2Queue.TYPE_VIDEO_CAPTURE, Vb2Queue.IO_MMAP, new HwOps(), lock, 1);
    this.tuner = new MediaEntity(mem, "au0828 tuner", MediaUapi.MEDIA_ENT_F_TUNER);
    this.decoder = new MediaEntity(mem, "au8522 decoder", MediaUapi.MEDIA_ENT_F_ATV_DECODER);
    this.demod = new MediaEntity(mem, "au8522 demod", MediaUapi.MEDIA_ENT_F_DTV_DEMOD);
    this.inputEnt[0] = new MediaEntity(mem, "Television", MediaUapi.MEDIA_ENT_F_CONN_RF);
    this.inputEnt[1] = new MediaEntity(mem, "Composite", MediaUapi.MEDIA_ENT_F_CONN_COMPOSITE);
    this.inputEnt[2] = new MediaEntity(mem, "S-Video", MediaUapi.MEDIA_ENT_F_CONN_SVIDEO);
    fmt.width = 720;
    fmt.height = 480;
    fmt.pixelformat = Videodev2.V4L2_PIX_FMT_UYVY;
    fmt.bytesperline = 1440;
    fmt.sizeimage = 1440 * 480;
  }

  // ------------------------------------------------------------------ probe

  /** au0828_usb_probe from the media device allocation on; the caller frees {@code mem} on error. */
  @KernelSymbol("au0828_usb_probe")
  int probe(Module module) {
    UsbFunction fn = intf.usbDevice().function();
    if (fn == null) {
      return -Errno.ENODEV;
    }
    // au0828_media_device_init
    Allocated a = MediaDeviceAllocator.usbAllocate(intf.usbDevice(), NAME, module);
    MediaDevice m = a.mdev();
    if (m == null) {
      return a.error();
    }
    mediaDev = m;
    int ret = setup(fn, m, module);
    if (ret != 0) {
      unwindProbe(m, module);
    }
    return ret;
  }

  private int setup(UsbFunction fn, MediaDevice m, Module module) {
    IoMem io = IoMem.ioremap(intf.device(), fn.regs());
    regs = io;
    int ret = v4l2.register(intf.device());
    if (ret != 0) {
      return ret;
    }
    v4l2.setMdev(m);
    ret = fn.completions().requestIrq(LINE_VIDEO, this::irq, 0, NAME, mem);
    if (ret != 0) {
      return ret;
    }
    chip = fn.completions();
    ret = createEntities(m);
    if (ret != 0) {
      return ret;
    }
    ret = analogRegister(module);
    if (ret != 0) {
      return ret;
    }
    return mediaDeviceRegister(m, module);
  }

  private void unwindProbe(MediaDevice m, Module module) {
    if (vdev.isRegistered()) {
      vdev.unregister();
    }
    unregisterEntities(m);
    IrqChip c = chip;
    chip = null;
    if (c != null) {
      c.freeIrq(LINE_VIDEO, mem);
    }
    IoMem io = regs;
    regs = null;
    if (io != null) {
      io.iounmap();
    }
    v4l2.unregister();
    m.unregisterEntityNotify(notify);
    MediaDeviceAllocator.delete(m, NAME, module);
    mediaDev = null;
  }

  /** The subdev and connector entities and their links (v4l2_mc_create_media_graph's part). */
  private int createEntities(MediaDevice m) {
    int ret = tuner.padsInit(MediaPad.sink(), MediaPad.source(), MediaPad.source());
    ret = ret != 0 ? ret : decoder.padsInit(MediaPad.sink(), MediaPad.source(), MediaPad.source());
    ret = ret != 0 ? ret : demod.padsInit(MediaPad.sink(), MediaPad.source());
    for (MediaEntity c : inputEnt) {
      c.setFlags(MediaUapi.MEDIA_ENT_FL_CONNECTOR);
      ret = ret != 0 ? ret : c.padsInit(MediaPad.source());
    }
    if (ret != 0) {
      return ret;
    }
    for (MediaEntity e : entities()) {
      ret = m.registerEntity(e);
      if (ret != 0) {
        return ret;
      }
    }
    demodRegistered = true;
    ret = MediaGraph.createPadLink(inputEnt[0], 0, tuner, 0, MediaUapi.MEDIA_LNK_FL_ENABLED);
    ret = ret != 0 ? ret : MediaGraph.createPadLink(tuner, 1, decoder, 0, 0);
    ret = ret != 0 ? ret : MediaGraph.createPadLink(tuner, 1, demod, 0, 0);
    ret = ret != 0 ? ret : MediaGraph.createPadLink(inputEnt[1], 0, decoder, 0, 0);
    ret = ret != 0 ? ret : MediaGraph.createPadLink(inputEnt[2], 0, decoder, 0, 0);
    return ret;
  }

  private List<MediaEntity> entities() {
    return List.of(tuner, decoder, demod, inputEnt[0], inputEnt[1], inputEnt[2]);
  }

  /** au0828_analog_register: the video node, with one sink pad fed by the decoder. */
  private int analogRegister(Module module) {
    vdev.setName("au0828a video");
    vdev.setV4l2Dev(v4l2);
    vdev.setFops(new Fops());
    vdev.setIoctlOps(new IoctlOps());
    vdev.setLock(lock);
    vdev.setQueue(queue);
    vdev.setDeviceCaps(
        Videodev2.V4L2_CAP_VIDEO_CAPTURE | Videodev2.V4L2_CAP_STREAMING | Videodev2.V4L2_CAP_TUNER);
    vdev.setRelease(VideoDevice::releaseEmpty);
    vdev.setEntityPads(MediaPad.sink());
    int ret = vdev.register(VideoDevice.VflType.VIDEO, -1, module);
    if (ret != 0) {
      return ret;
    }
    MediaEntity ve = vdev.entity();
    if (ve == null) {
      return -Errno.ENODEV;
    }
    return MediaGraph.createPadLink(decoder, 1, ve, 0, MediaUapi.MEDIA_LNK_FL_ENABLED);
  }

  /** au0828_media_device_register. */
  @KernelSymbol("au0828_media_device_register")
  private int mediaDeviceRegister(MediaDevice m, Module module) {
    if (!m.isRegistered()) {
      int ret = m.register(module);
      if (ret != 0) {
        return ret;
      }
    } else {
      // snd-usb-audio registered first: connect its mixer by hand.
      m.graphMutex().lock();
      try {
        graphNotify(null);
      } finally {
        m.graphMutex().unlock();
      }
    }
    cachedTuner = tuner;
    cachedDecoder = decoder;
    // The tuner links start disabled: enable_source enables the one in use.
    m.registerEntityNotify(notify);
    m.graphMutex().lock();
    try {
      m.setSourceHooks(source, this);
    } finally {
      m.graphMutex().unlock();
    }
    mediaRegistered = true;
    return 0;
  }

  /**
   * au0828_media_graph_notify: when a mixer (or a decoder) appears, link the decoder's audio
   * output to the mixer's input, once. Graph mutex held.
   */
  @KernelSymbol("au0828_media_graph_notify")
  private void graphNotify(@Nullable MediaEntity added) {
    MediaDevice m = mediaDev;
    if (m == null) {
      return;
    }
    MediaEntity mixer = null;
    if (added != null && added.function() == MediaUapi.MEDIA_ENT_F_AUDIO_MIXER) {
      mixer = added;
    } else {
      for (MediaEntity e : m.entities()) {
        if (e.function() == MediaUapi.MEDIA_ENT_F_AUDIO_MIXER) {
          mixer = e;
        }
      }
    }
    if (mixer == null || mixer.numPads() == 0 || !decoder.isRegistered()) {
      return;
    }
    for (MediaLink l : decoder.links()) {
      if (!l.isBacklink() && l.sink().entity().equals(mixer)) {
        return;
      }
    }
    int ret = MediaGraph.createPadLink(decoder, 2, mixer, 0, MediaUapi.MEDIA_LNK_FL_ENABLED);
    if (ret != 0) {
      LOG.error("au0828: decoder to mixer link failed: {}", Errno.name(ret));
    }
  }

  // ------------------------------------------------------------------ disconnect

  /** au0828_usb_disconnect. */
  @KernelSymbol("au0828_usb_disconnect")
  void disconnect() {
    disconnected = true;
    MediaDevice m = mediaDev;
    if (m != null && mediaRegistered && PatchSwitch.AU0828_DISCONNECT_SOURCE.enabled()) {
      // Model fix: the tuner and the hooks go with the device, not with its last close; the
      // kernel keeps both until au0828_unregister_media_device at the release, so an au0828
      // bound again in between inherits a started pipeline it does not know about.
      m.graphMutex().lock();
      try {
        source.giveBack();
        if (source.equals(m.sourceHooks())) {
          m.setSourceHooks(null, null);
        }
      } finally {
        m.graphMutex().unlock();
      }
    }
    // DVB: the frontend's entity goes.
    if (m != null && demodRegistered) {
      m.unregisterEntity(demod);
      demodRegistered = false;
    }
    lock.lock();
    try {
      usbdev = null;
    } finally {
      lock.unlock();
    }
    analogUnregister();
  }

  /** au0828_analog_unregister, then the v4l2_device put whose release finishes the job. */
  private void analogUnregister() {
    queue.queueError();
    // vb2_video_unregister_device stops the stream under the queue lock (dev->lock), so a STREAMON
    // of an open file cannot put fresh buffers on the active list while the stop empties it.
    lock.lock();
    try {
      RaceWindow.at(WINDOW_STOP_STREAM);
      if (streaming) {
        // Only a running capture has buffers the hardware will never fill; buffers a failed
        // start left on the list (the kernel's behaviour) belong to vb2 again.
        stopHardware(Vb2Buffer.State.ERROR);
      }
    } finally {
      lock.unlock();
    }
    RaceWindow.at(WINDOW_ANALOG_UNREGISTER);
    vdev.unregister();
    MediaDevice m = mediaDev;
    // dev->tuner and dev->decoder stay cached until the memory goes: au0828_enable_source keeps
    // answering for a file still open on the node.
    if (m != null) {
      for (MediaEntity e : List.of(tuner, decoder, inputEnt[0], inputEnt[1], inputEnt[2])) {
        if (e.isRegistered()) {
          m.unregisterEntity(e);
        }
      }
    }
    IrqChip c = chip;
    chip = null;
    if (c != null) {
      c.freeIrq(LINE_VIDEO, mem);
    }
    IoMem io = regs;
    regs = null;
    if (io != null) {
      io.iounmap();
    }
    v4l2.disconnect();
    v4l2.unregister();
    v4l2.put();
  }

  /** au0828_usb_release, from the v4l2_device release: the last reference is gone. */
  @KernelSymbol("au0828_usb_release")
  private void release(Module module) {
    MediaDevice m = mediaDev;
    if (m != null) {
      // au0828_unregister_media_device
      m.unregisterEntityNotify(notify);
      m.graphMutex().lock();
      try {
        source.reset();
        // The kernel clears the hooks whoever installed them, also those of an au0828 bound
        // again after this one's disconnect; the model fix leaves another's hooks alone.
        if (source.equals(m.sourceHooks()) || !PatchSwitch.AU0828_DISCONNECT_SOURCE.enabled()) {
          m.setSourceHooks(null, null);
        }
      } finally {
        m.graphMutex().unlock();
      }
      MediaDeviceAllocator.delete(m, NAME, module);
      mediaDev = null;
    }
    released = true;
    driver.released(this);
    Kmem.kfree(mem, "au0828_usb_v4l2_release");
  }

  void installRelease(Module module) {
    v4l2.setRelease(v -> release(module));
  }

  private void unregisterEntities(MediaDevice m) {
    for (MediaEntity e : entities()) {
      if (e.isRegistered()) {
        m.unregisterEntity(e);
      }
    }
  }

  // ------------------------------------------------------------------ hardware

  private int readReg(int reg) {
    IoMem io = regs;
    return io == null || usbdev == null ? -Errno.ENODEV : io.readl(reg);
  }

  private int writeReg(int reg, int value) {
    IoMem io = regs;
    if (io == null || usbdev == null) {
      return -Errno.ENODEV;
    }
    io.writel(reg, value);
    return 0;
  }
  /**
   * {@code au0828_set_format}: UYVY only (anything else is EINVAL, TRY_FMT included, as tvtime's
   * UYVY-then-YUYV probing expects), always 720x480.
   */
  @KernelSymbol("au0828_set_format")
  static int setFormat(V4l2Format f) {
    if (f.pixelformat != Videodev2.V4L2_PIX_FMT_UYVY) {
      return -Errno.EINVAL;
    }
    f.width = 720;
    f.height = 480;
    f.bytesperline = 720 * 2;
    f.sizeimage = 720 * 480 * 2;
    return 0;
  }


  void writeRoute(int bits) {
    writeReg(REG_TUNER_ROUTE, bits);
  }

  /** The completion line: a finished frame fills the oldest active buffer. */
  private int irq(int line, Object devId) {
    IoMem io = regs;
    if (io == null) {
      return IrqReturn.IRQ_NONE;
    }
    int status = io.readl(REG_IRQ_STATUS);
    if ((status & IRQ_VIDEO_FRAME) == 0 || status == IoMem.DEAD_BUS) {
      return IrqReturn.IRQ_NONE;
    }
    io.writel(REG_IRQ_STATUS, IRQ_VIDEO_FRAME);
    int seq = io.readl(REG_VIDEO_SEQ);
    int size = io.readl(REG_FRAME_SIZE);
    slock.lock();
    try {
      Vb2Buffer vb = active.poll();
      if (vb != null) {
        vb.setSequence(seq - 1);
        vb.setBytesused(Math.min(size, fmt.sizeimage));
        vb.bufferDone(Vb2Buffer.State.DONE);
      }
    } finally {
      slock.unlock();
    }
    return IrqReturn.IRQ_HANDLED;
  }

  private void stopHardware(Vb2Buffer.State state) {
    if (streaming) {
      // au0828_uninit_isoc kills the URBs, which needs no control message: the stream stops
      // also inside the disconnect, after dev->usbdev was cleared, with the stick still plugged.
      IoMem io = regs;
      if (io != null) {
        io.writel(REG_VIDEO_CTRL, 0);
      }
      streaming = false;
    }
    slock.lock();
    try {
      for (Vb2Buffer vb; (vb = active.poll()) != null; ) {
        vb.bufferDone(state);
      }
    } finally {
      slock.unlock();
    }
  }

  /** The vb2 ops (au0828_video_qops). */
  private final class HwOps implements Vb2Ops {
    /** queue_setup: only sizes the planes; it does not look at the device state. */
    @Override
    public int queueSetup(Vb2Queue q, int count) {
      return count;
    }

    /**
     * buffer_queue: puts the buffer on the active list under the spinlock, whatever the device
     * state; a disconnected stick simply never fills it.
     */
    @Override
    public void bufQueue(Vb2Buffer vb) {
      slock.lock();
      try {
        active.add(vb);
      } finally {
        slock.unlock();
      }
    }

    /**
     * au0828_start_analog_streaming. The model asks for the media source first and, if it is
     * refused, gives the buffers back as QUEUED before touching the hardware. The hardware start
     * (au0828_init_isoc: URB allocation and submission) fails on a stick that is gone. The kernel's
     * driver then returns the error and leaves the buffers on its active list, so that
     * vb2_start_streaming warns and takes them back itself; that is what the model does with
     * {@link PatchSwitch#AU0828_START_FAILURE} off. On (the default), the model's fix gives them
     * back as QUEUED. The kernel's errno there depends on the instant (usb_submit_urb gives
     * -ENODEV once the device is NOTATTACHED; usb_alloc_coherent fails, giving -ENOMEM, once
     * au0828 cleared dev->usbdev); the model's gone stick answers -ENODEV.
     */
    @Override
    public int startStreaming(Vb2Queue q, int count) {
      int ret = V4l2Mc.enableMediaSource(vdev);
      if (ret != 0) {
        stopHardware(Vb2Buffer.State.QUEUED);
        return ret;
      }
      ret = writeReg(REG_INPUT, vmux.hw);
      if (ret == 0) {
        ret = writeReg(REG_VIDEO_CTRL, 1);
      }
      if (ret != 0) {
        if (PatchSwitch.AU0828_START_FAILURE.enabled()) {
          stopHardware(Vb2Buffer.State.QUEUED);
        }
        return ret;
      }
      streaming = true;
      return 0;
    }

    @Override
    public void stopStreaming(Vb2Queue q) {
      stopHardware(Vb2Buffer.State.ERROR);
    }
  }

  // ------------------------------------------------------------------ V4L2

  /** The file operations (au0828_v4l_fops). */
  private final class Fops implements V4l2FileOperations {
    @Override
    public int open(File file) {
      if (disconnected) {
        return -Errno.ENODEV;
      }
      int ret = V4l2Fh.open(file);
      if (ret == 0) {
        users.incrementAndGet();
      }
      return ret;
    }

    /**
     * au0828_v4l2_close: unless the stick is gone, the last user asks for the media source again
     * (so that the tuner could be put in standby when it is granted); then _vb2_fop_release,
     * whose v4l2_fh_exit gives the source back; the user count drops last.
     */
    @Override
    public int release(File file) {
      // The kernel holds dev->lock across the whole close and calls _vb2_fop_release without a
      // lock; the model's queue lock is dev->lock itself, so fopRelease takes it on its own.
      lock.lock();
      try {
        if (!disconnected && users.get() == 1) {
          int ret = V4l2Mc.enableMediaSource(vdev);
          LOG.debug("au0828 close: media source {} before standby", Errno.name(ret));
        }
      } finally {
        lock.unlock();
      }
      int ret = Vb2Ioctls.fopRelease(file);
      users.decrementAndGet();
      return ret;
    }

    @Override
    public int poll(File file, PollTable table) {
      return Vb2Ioctls.fopPoll(file, table);
    }
  }

  /** The ioctl ops (video_ioctl_ops). */
  private final class IoctlOps implements V4l2IoctlOps {
    @Override
    public int querycap(File file, @Nullable V4l2Fh fh, V4l2Capability cap) {
      cap.driver = NAME;
      cap.card = "Hauppauge HVR-950Q";
      return 0;
    }

    @Override
    public int enumFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Fmtdesc f) {
      if (f.index != 0) {
        return -Errno.EINVAL;
      }
      f.pixelformat = Videodev2.V4L2_PIX_FMT_UYVY;
      f.description = "UYVY 4:2:2";
      return 0;
    }

    @Override
    public int gFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Format f) {
      fmt.type = f.type;
      f.copyFrom(fmt);
      return 0;
    }

    @Override
    public int tryFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Format f) {
      return setFormat(f);
    }

    @Override
    public int sFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Format f) {
      // vidioc_s_fmt_vid_cap: check_dev, then no change once the queue has buffers.
      if (disconnected) {
        return -Errno.ENODEV;
      }
      if (queue.numBuffers() > 0) {
        return -Errno.EBUSY;
      }
      int ret = setFormat(f);
      if (ret == 0) {
        fmt.copyFrom(f);
      }
      return ret;
    }

    @Override
    public int reqbufs(File file, @Nullable V4l2Fh fh, V4l2Requestbuffers r) {
      return Vb2Ioctls.reqbufs(file, fh, r);
    }

    @Override
    public int querybuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
      return Vb2Ioctls.querybuf(file, fh, b);
    }

    @Override
    public int qbuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
      return Vb2Ioctls.qbuf(file, fh, b);
    }

    @Override
    public int dqbuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
      return Vb2Ioctls.dqbuf(file, fh, b);
    }

    @Override
    public int streamon(File file, @Nullable V4l2Fh fh, V4l2Int type) {
      return Vb2Ioctls.streamon(file, fh, type);
    }

    @Override
    public int streamoff(File file, @Nullable V4l2Fh fh, V4l2Int type) {
      return Vb2Ioctls.streamoff(file, fh, type);
    }

    @Override
    public int enumInput(File file, @Nullable V4l2Fh fh, V4l2Input inp) {
      if (inp.index < 0 || inp.index >= INPUTS.length) {
        return -Errno.EINVAL;
      }
      inp.name = INPUT_NAMES[inp.index];
      inp.type =
          INPUTS[inp.index] == Vmux.TELEVISION
              ? Videodev2.V4L2_INPUT_TYPE_TUNER
              : Videodev2.V4L2_INPUT_TYPE_CAMERA;
      return 0;
    }

    @Override
    public int gInput(File file, @Nullable V4l2Fh fh, V4l2Int i) {
      i.value = input;
      return 0;
    }

    @Override
    public int sInput(File file, @Nullable V4l2Fh fh, V4l2Int i) {
      if (i.value < 0 || i.value >= INPUTS.length) {
        return -Errno.EINVAL;
      }
      if (input == i.value) {
        return 0;
      }
      if (disconnected) {
        return -Errno.ENODEV;
      }
      input = i.value;
      vmux = INPUTS[i.value];
      int ret = writeReg(REG_INPUT, vmux.hw);
      if (ret != 0) {
        return ret;
      }
      // vidioc_s_input: the input changed, so give back the source of the old one and ask for
      // the new one's.
      V4l2Mc.disableMediaSource(vdev);
      return V4l2Mc.enableMediaSource(vdev);
    }

    @Override
    public int gTuner(File file, @Nullable V4l2Fh fh, V4l2Tuner t) {
      // vidioc_g_tuner checks the index, then asks for the source: G_TUNER can fail with EBUSY.
      if (t.index != 0) {
        return -Errno.EINVAL;
      }
      int ret = V4l2Mc.enableMediaSource(vdev);
      if (ret != 0) {
        return ret;
      }
      t.name = "Auvitek tuner";
      t.type = Videodev2.V4L2_TUNER_ANALOG_TV;
      t.signal = readReg(REG_INPUT) == Vmux.TELEVISION.hw ? 0xffff : 0;
      return 0;
    }
  }

  // ------------------------------------------------------------------ accessors

  @Nullable MediaDevice mdev() {
    return mediaDev;
  }

  /**
   * The media device this driver uses (null once released).
   *
   * @return the media device
   */
  public @Nullable MediaDevice mediaDevice() {
    return mediaDev;
  }

  @Nullable MediaEntity tunerEntity() {
    return cachedTuner;
  }

  @Nullable MediaEntity decoderEntity() {
    return cachedDecoder;
  }

  @Nullable MediaEntity inputEntity(Vmux v) {
    return cachedDecoder == null ? null : inputEnt[v.hw];
  }

  Vmux inputType() {
    return vmux;
  }

  /**
   * Sets the input type as S_INPUT would on a board whose table has an input of another type
   * than TV, Composite and S-Video (the kernel's DEBUG, CABLE or DVB ones). The HVR-950Q has no
   * such input, so only tests of enable_source's unknown-input path use this.
   */
  void forceInputType(Vmux v) {
    lock.lock();
    try {
      vmux = v;
    } finally {
      lock.unlock();
    }
  }

  int users() {
    return users.get();
  }

  /**
   * The DTV demodulator entity: what the DVB core's frontend open passes to enable_source.
   *
   * @return the entity
   */
  public MediaEntity demodEntity() {
    return demod;
  }

  /**
   * The capture node.
   *
   * @return the video device
   */
  public VideoDevice videoDevice() {
    return vdev;
  }

  /**
   * The capture queue.
   *
   * @return the queue
   */
  public Vb2Queue queue() {
    return queue;
  }

  /**
   * The arbitration state.
   *
   * @return the source hooks
   */
  Au0828Source source() {
    return source;
  }

  /**
   * The driver's memory.
   *
   * @return the allocation
   */
  public Allocation mem() {
    return mem;
  }

  /**
   * Whether the last reference went and the memory was freed.
   *
   * @return true after the release
   */
  public boolean released() {
    return released;
  }

  /**
   * Whether the media device was set up (registered or connected).
   *
   * @return true after a complete probe
   */
  public boolean mediaRegistered() {
    return mediaRegistered;
  }

  @Override
  public String toString() {
    return "au0828 " + intf.device().name();
  }
}
