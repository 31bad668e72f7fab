package dev.medialife.drivers.usbaudio;

import dev.medialife.allocator.Allocated;
import dev.medialife.allocator.MediaDeviceAllocator;
import dev.medialife.driver.Cdev;
import dev.medialife.driver.DevT;
import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Module;
import dev.medialife.driver.PollTable;
import dev.medialife.driver.io.IoMem;
import dev.medialife.driver.irq.IrqChip;
import dev.medialife.driver.irq.IrqReturn;
import dev.medialife.driver.usb.UsbFunction;
import dev.medialife.driver.usb.UsbInterface;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.locking.SpinLock;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.wait.WaitQueueHead;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaGraph;
import dev.medialife.mc.MediaInterface;
import dev.medialife.mc.MediaLink;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.MediaPipeline;
import dev.medialife.mc.SourceHooks;
import dev.medialife.mc.uapi.MediaUapi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound audio interface ({@code struct snd_usb_audio} with its one capture substream): the
 * PCM capture node {@code /dev/snd/pcmC<card>D0c}, the ring of periods the stick's completion IRQ
 * fills, and the media controller glue of sound/usb/media.c (the mixer and PCM entities, the ALSA
 * interface, {@code enable_source} at hw_params and {@code disable_source} at hw_free).
 *
 * <p>Lifetime: the chip is one allocation, embedding the PCM node's device; an open file pins that
 * device, whose release frees the chip ({@code snd_card_free_when_closed}). Disconnect stops the
 * capture, wakes every reader (they get {@code -ENODEV}), gives the media device back and removes
 * the node; a file still open keeps the memory until its close.
 *
 * <p>Implementation notes: the PCM state, the ring counters and the wait condition are guarded by
 * {@code slock} (a spinlock, as the IRQ handler updates them); the ioctls are serialised by {@code
 * pcmLock}.
 */
@KernelSymbol("snd_usb_audio")
public final class SndUsbChip {
  private static final Logger LOG = LoggerFactory.getLogger(SndUsbChip.class);

  /** The module name, also the media device's driver name when audio allocates first. */
  public static final String NAME = "snd-usb-audio";

  /**
   * The race window in the PCM START ioctl after the state check, before the trigger starts the
   * stick's capture (snd_pcm_do_start), with the PCM's ioctl lock held.
   */
  public static final String WINDOW_TRIGGER = "snd_pcm_start.trigger";

  /** Bytes of one period, as the stick delivers them. */
  public static final int PERIOD_BYTES = 1024 * 4;

  /** Most periods a ring may hold. */
  public static final int MAX_PERIODS = 32;

  static final int REG_IRQ_STATUS = 0x00;
  static final int REG_AUDIO_CTRL = 0x10;
  static final int REG_PERIOD_BYTES = 0x24;
  static final int IRQ_AUDIO_PERIOD = 1 << 1;
  static final int LINE_AUDIO = 1;

  private final Allocation mem;
  private final SndUsbAudioDriver driver;
  private final UsbInterface intf;
  private final Module module;
  private final int card;
  private final Device pcmDev;
  private final Cdev cdev;
  private final SpinLock slock = new SpinLock("snd_pcm.stream_lock");
  private final Mutex pcmLock = new Mutex("snd_pcm.open_mutex");
  private final WaitQueueHead sleep = new WaitQueueHead("snd_pcm.sleep");
  private final MediaEntity mixer;
  private final MediaEntity pcmEntity;
  private final MediaPipeline pipe = new MediaPipeline();

  private volatile @Nullable IoMem regs;
  private volatile @Nullable IrqChip chip;
  private volatile @Nullable MediaDevice mediaDev;
  private volatile @Nullable MediaInterface pcmIntf;
  private volatile boolean mixerRegistered;
  private volatile boolean pcmRegistered;
  private volatile boolean released;
  private volatile boolean nodeAdded;
  private volatile boolean pipelineStarted;
  // Whether the last trigger started the capture; written under pcmLock.
  private volatile boolean capturing;

  // Guarded by slock.
  private SndPcm.State state = SndPcm.State.OPEN;
  private boolean opened;
  private final PcmRing ring = new PcmRing();

  SndUsbChip(Allocation mem, SndUsbAudioDriver driver, UsbInterface intf, Module module, int card) {
    this.mem = mem;
    this.driver = driver;
    this.intf = intf;
    this.module = module;
    this.card = card;
    Kernel k = intf.device().kernel();
    this.pcmDev = new Device(k, this, mem, "snd/pcmC" + card + "D0c");
    this.cdev = new Cdev(new PcmFops(), module);
    this.mixer = new MediaEntity(mem, "USB Mixer", MediaUapi.MEDIA_ENT_F_AUDIO_MIXER);
    this.pcmEntity = new MediaEntity(mem, "pcmC" + card + "D0c", MediaUapi.MEDIA_ENT_F_AUDIO_CAPTURE);
  }

  private int minor() {
    return card * 32 + SndPcm.MINOR_PCM_CAPTURE;
  }

  // ------------------------------------------------------------------ probe

  /** usb_audio_probe: the PCM node, the completion line, then the media glue. */
  @KernelSymbol("usb_audio_probe")
  int probe() {
    UsbFunction fn = intf.usbDevice().function();
    if (fn == null) {
      return -Errno.ENODEV;
    }
    regs = IoMem.ioremap(intf.device(), fn.regs());
    int ret = fn.completions().requestIrq(LINE_AUDIO, this::irq, 0, NAME, mem);
    if (ret != 0) {
      unwind();
      return ret;
    }
    chip = fn.completions();
    int devt = DevT.mkdev(SndPcm.ALSA_MAJOR, minor());
    pcmDev.setDevt(devt);
    pcmDev.setParent(intf.device());
    pcmDev.setRelease(d -> release());
    ret = cdev.deviceAdd(pcmDev);
    if (ret != 0) {
      unwind();
      return ret;
    }
    nodeAdded = true;
    ret = mediaDeviceCreate();
    if (ret != 0) {
      unwind();
      return ret;
    }
    return 0;
  }

  /** Undoes a failed probe; the caller frees the memory. */
  private void unwind() {
    if (nodeAdded) {
      cdev.deviceDel(pcmDev);
      nodeAdded = false;
    }
    IrqChip c = chip;
    chip = null;
    if (c != null) {
      c.freeIrq(LINE_AUDIO, mem);
    }
    IoMem io = regs;
    regs = null;
    if (io != null) {
      io.iounmap();
    }
  }

  /** snd_media_device_create: allocate (or share), mixer and stream entities, register if first. */
  @KernelSymbol("snd_media_device_create")
  private int mediaDeviceCreate() {
    Allocated a = MediaDeviceAllocator.usbAllocate(intf.usbDevice(), NAME, module);
    MediaDevice m = a.mdev();
    if (m == null) {
      return -Errno.ENOMEM;
    }
    mediaDev = m;
    int mixerRet = mixerInit(m);
    if (mixerRet != 0) {
      LOG.error("{}: media mixer init failed: {}", NAME, Errno.name(mixerRet));
    } else {
      int streamRet = streamInit(m);
      if (streamRet != 0) {
        LOG.error("{}: media stream init failed: {}", NAME, Errno.name(streamRet));
        mixerRet = streamRet;
      }
    }
    if (!m.isRegistered()) {
      // Configure first, then register; never register a half-built graph.
      int ret = mixerRet != 0 ? mixerRet : m.register(module);
      if (ret != 0) {
        mediaEntitiesDelete(m);
        MediaDeviceAllocator.delete(m, NAME, module);
        mediaDev = null;
        return ret;
      }
    }
    return 0;
  }

  private int mixerInit(MediaDevice m) {
    int ret = mixer.padsInit(MediaPad.sink(), MediaPad.source(), MediaPad.source());
    if (ret == 0) {
      ret = m.registerEntity(mixer);
    }
    if (ret == 0) {
      mixerRegistered = true;
    }
    return ret;
  }

  /**
   * snd_media_stream_init for the capture substream. Departure from the kernel: snd-usb-audio
   * calls it from the PCM open (once per substream), so the PCM entity appears at the first open;
   * the model creates it at probe, so that the graph is whole from the moment both drivers are
   * bound and does not depend on who opened what.
   */
  private int streamInit(MediaDevice m) {
    int ret = pcmEntity.padsInit(MediaPad.sink());
    if (ret != 0) {
      return ret;
    }
    pcmEntity.setDevnode(SndPcm.ALSA_MAJOR, minor());
    ret = m.registerEntity(pcmEntity);
    if (ret != 0) {
      return ret;
    }
    pcmRegistered = true;
    MediaInterface i =
        m.devnodeCreate(MediaUapi.MEDIA_INTF_T_ALSA_PCM_CAPTURE, 0, SndPcm.ALSA_MAJOR, minor());
    if (i == null) {
      return -Errno.ENOMEM;
    }
    pcmIntf = i;
    MediaLink il = MediaGraph.createIntfLink(pcmEntity, i, MediaUapi.MEDIA_LNK_FL_ENABLED);
    if (il == null) {
      return -Errno.ENOMEM;
    }
    return MediaGraph.createPadLink(mixer, 2, pcmEntity, 0, MediaUapi.MEDIA_LNK_FL_ENABLED);
  }

  /** The entity and interface half of snd_media_device_delete. */
  @KernelSymbol("snd_media_device_delete")
  private void mediaEntitiesDelete(MediaDevice m) {
    MediaInterface i = pcmIntf;
    pcmIntf = null;
    if (i != null) {
      m.devnodeRemove(i);
    }
    if (pcmRegistered) {
      m.unregisterEntity(pcmEntity);
      pcmRegistered = false;
    }
    if (mixerRegistered) {
      m.unregisterEntity(mixer);
      mixerRegistered = false;
    }
  }

  // ------------------------------------------------------------------ disconnect

  /** usb_audio_disconnect. */
  @KernelSymbol("usb_audio_disconnect")
  void disconnect() {
    boolean wasRunning;
    slock.lock();
    try {
      wasRunning = state == SndPcm.State.RUNNING;
      state = SndPcm.State.DISCONNECTED;
      ring.discardAll();
    } finally {
      slock.unlock();
    }
    // usb_audio_disconnect waits until no PCM operation holds snd_usb_lock_shutdown's usage
    // count before it tears the interface down: here, until the ioctl in flight (which may have
    // checked the state just before it became DISCONNECTED and be starting the stream) is done.
    pcmLock.lock();
    pcmLock.unlock();
    if (wasRunning || capturing) {
      writeReg(REG_AUDIO_CTRL, 0);
    }
    sleep.wakeUpAll();
    MediaDevice m = mediaDev;
    if (m != null) {
      stopPipeline();
      mediaEntitiesDelete(m);
      MediaDeviceAllocator.delete(m, NAME, module);
      mediaDev = null;
    }
    unwind();
    pcmDev.put();
  }

  /** The PCM device's release: the last reference (the last close after disconnect) frees the chip. */
  private void release() {
    released = true;
    driver.released(this);
    Kmem.kfree(mem, "snd_card_free_when_closed");
  }

  // ------------------------------------------------------------------ hardware

  private void writeReg(int reg, int value) {
    IoMem io = regs;
    if (io != null) {
      io.writel(reg, value);
    }
  }

  /** The completion line: one period arrived. */
  private int irq(int line, Object devId) {
    IoMem io = regs;
    if (io == null) {
      return IrqReturn.IRQ_NONE;
    }
    int status = io.readl(REG_IRQ_STATUS);
    if (status == IoMem.DEAD_BUS || (status & IRQ_AUDIO_PERIOD) == 0) {
      return IrqReturn.IRQ_NONE;
    }
    io.writel(REG_IRQ_STATUS, IRQ_AUDIO_PERIOD);
    slock.lock();
    try {
      if (ring.deliver(state == SndPcm.State.RUNNING) == PcmRing.Delivery.OVERRUN) {
        // snd_pcm_stop(XRUN): the reader is too slow.
        state = SndPcm.State.XRUN;
        io.writel(REG_AUDIO_CTRL, 0);
      }
    } finally {
      slock.unlock();
    }
    sleep.wakeUpAll();
    return IrqReturn.IRQ_HANDLED;
  }

  // ------------------------------------------------------------------ media glue

  /** snd_media_start_pipeline: asks the source hooks; the error goes back as is. */
  @KernelSymbol("snd_media_start_pipeline")
  private int startPipeline() {
    MediaDevice m = mediaDev;
    if (m == null || !pcmRegistered) {
      return 0;
    }
    int ret = 0;
    m.graphMutex().lock();
    try {
      SourceHooks hooks = m.sourceHooks();
      if (hooks != null) {
        ret = hooks.enableSource(pcmEntity, pipe);
      }
    } finally {
      m.graphMutex().unlock();
    }
    if (ret == 0) {
      pipelineStarted = true;
    }
    return ret;
  }

  /** snd_media_stop_pipeline. */
  @KernelSymbol("snd_media_stop_pipeline")
  private void stopPipeline() {
    MediaDevice m = mediaDev;
    if (m == null || !pipelineStarted) {
      return;
    }
    pipelineStarted = false;
    m.graphMutex().lock();
    try {
      SourceHooks hooks = m.sourceHooks();
      if (hooks != null) {
        hooks.disableSource(pcmEntity);
      }
    } finally {
      m.graphMutex().unlock();
    }
  }

  // ------------------------------------------------------------------ PCM

  private SndPcm.State state() {
    slock.lock();
    try {
      return state;
    } finally {
      slock.unlock();
    }
  }

  private void setState(SndPcm.State s) {
    slock.lock();
    try {
      if (state != SndPcm.State.DISCONNECTED) {
        state = s;
      }
    } finally {
      slock.unlock();
    }
  }

  private int hwParams(SndPcmHwParams p) {
    SndPcm.State s = state();
    if (s == SndPcm.State.DISCONNECTED) {
      return -Errno.ENODEV;
    }
    if (s == SndPcm.State.RUNNING || s == SndPcm.State.XRUN) {
      return -Errno.EBADFD;
    }
    if (p.format != SndPcmHwParams.FORMAT_S16_LE
        || p.rate != 48000
        || p.channels != 2
        || p.periodBytes != PERIOD_BYTES
        || p.periods < 2
        || p.periods > MAX_PERIODS) {
      return -Errno.EINVAL;
    }
    int ret = startPipeline();
    if (ret != 0) {
      return ret;
    }
    slock.lock();
    try {
      ring.configure(p.periods);
      if (state != SndPcm.State.DISCONNECTED) {
        state = SndPcm.State.SETUP;
      }
    } finally {
      slock.unlock();
    }
    return 0;
  }

  private int hwFree() {
    SndPcm.State s = state();
    if (s == SndPcm.State.DISCONNECTED) {
      return -Errno.ENODEV;
    }
    if (s != SndPcm.State.SETUP && s != SndPcm.State.PREPARED) {
      return -Errno.EBADFD;
    }
    stopPipeline();
    setState(SndPcm.State.OPEN);
    return 0;
  }

  /** {@code snd_pcm_prepare}: a running stream is refused (EBUSY); DROP stops it first. */
  private int prepare() {
    if (state() == SndPcm.State.RUNNING) {
      return -Errno.EBUSY;
    }
    return stopAndDiscard(SndPcm.State.PREPARED);
  }

  /**
   * PREPARE and DROP: stop a running stream, throw away what the ring holds, and move to {@code
   * target} (unless a disconnect got there first).
   */
  private int stopAndDiscard(SndPcm.State target) {
    SndPcm.State s = state();
    if (s == SndPcm.State.DISCONNECTED) {
      return -Errno.ENODEV;
    }
    if (s == SndPcm.State.OPEN) {
      return -Errno.EBADFD;
    }
    if (s == SndPcm.State.RUNNING) {
      trigger(false);
    }
    slock.lock();
    try {
      ring.discardAll();
      if (state != SndPcm.State.DISCONNECTED) {
        state = target;
      }
    } finally {
      slock.unlock();
    }
    return 0;
  }

  private int start() {
    SndPcm.State s = state();
    if (s == SndPcm.State.DISCONNECTED) {
      return -Errno.ENODEV;
    }
    if (s != SndPcm.State.PREPARED) {
      return -Errno.EBADFD;
    }
    setState(SndPcm.State.RUNNING);
    RaceWindow.at(WINDOW_TRIGGER);
    trigger(true);
    return 0;
  }

  private int drop() {
    int ret = stopAndDiscard(SndPcm.State.SETUP);
    if (ret == 0) {
      sleep.wakeUpAll();
    }
    return ret;
  }

  /** The substream's trigger op: start or stop the stick's capture. */
  private void trigger(boolean on) {
    capturing = on;
    writeReg(REG_AUDIO_CTRL, on ? 1 : 0);
  }

  private boolean readable() {
    slock.lock();
    try {
      return ring.avail() > 0
          || (state != SndPcm.State.RUNNING && state != SndPcm.State.PREPARED);
    } finally {
      slock.unlock();
    }
  }

  private int read(File file, byte[] buf) {
    if (buf.length < PERIOD_BYTES) {
      return -Errno.EINVAL;
    }
    for (; ; ) {
      slock.lock();
      try {
        switch (state) {
          case DISCONNECTED -> {
            return -Errno.ENODEV;
          }
          case XRUN -> {
            return -Errno.EPIPE;
          }
          case OPEN, SETUP -> {
            return -Errno.EBADFD;
          }
          default -> {
            if (ring.take()) {
              return PERIOD_BYTES;
            }
          }
        }
      } finally {
        slock.unlock();
      }
      if (file.nonBlocking()) {
        return -Errno.EAGAIN;
      }
      int ret = sleep.waitEventInterruptible(this::readable);
      if (ret != 0) {
        return ret;
      }
    }
  }

  /** The PCM node's file operations (snd_pcm_f_ops for a capture stream). */
  private final class PcmFops implements FileOperations {
    @Override
    public int open(File file) {
      slock.lock();
      try {
        if (state == SndPcm.State.DISCONNECTED) {
          return -Errno.ENODEV;
        }
        if (opened) {
          return -Errno.EBUSY;
        }
        opened = true;
        state = SndPcm.State.OPEN;
      } finally {
        slock.unlock();
      }
      file.setPrivateData(SndUsbChip.this);
      return 0;
    }

    @Override
    public int release(File file) {
      pcmLock.lock();
      try {
        SndPcm.State s = state();
        if (s == SndPcm.State.RUNNING) {
          trigger(false);
        }
        if (s != SndPcm.State.DISCONNECTED) {
          stopPipeline();
        }
        slock.lock();
        try {
          ring.discardAll();
          opened = false;
          if (state != SndPcm.State.DISCONNECTED) {
            state = SndPcm.State.OPEN;
          }
        } finally {
          slock.unlock();
        }
      } finally {
        pcmLock.unlock();
      }
      return 0;
    }

    @Override
    public int ioctl(File file, int cmd, @Nullable IoctlArg<?> arg) {
      pcmLock.lock();
      try {
        if (cmd == SndPcm.HW_PARAMS) {
          return arg instanceof SndPcmHwParams p ? hwParams(p) : -Errno.EFAULT;
        }
        if (cmd == SndPcm.HW_FREE) {
          return hwFree();
        }
        if (cmd == SndPcm.PREPARE) {
          return prepare();
        }
        if (cmd == SndPcm.START) {
          return start();
        }
        if (cmd == SndPcm.DROP) {
          return drop();
        }
        return -Errno.ENOIOCTLCMD;
      } finally {
        pcmLock.unlock();
      }
    }

    @Override
    public int read(File file, byte[] buf) {
      return SndUsbChip.this.read(file, buf);
    }

    @Override
    public int poll(File file, PollTable table) {
      table.pollWait(file, sleep);
      slock.lock();
      try {
        if (state == SndPcm.State.DISCONNECTED) {
          return FileOperations.POLLERR | FileOperations.POLLHUP;
        }
        if (state == SndPcm.State.XRUN) {
          return FileOperations.POLLERR;
        }
        return ring.avail() > 0 ? FileOperations.POLLIN | FileOperations.POLLRDNORM : 0;
      } finally {
        slock.unlock();
      }
    }
  }

  // ------------------------------------------------------------------ accessors

  /**
   * The PCM capture node's path.
   *
   * @return for example "/dev/snd/pcmC0D0c"
   */
  public String path() {
    return "/dev/" + pcmDev.name();
  }

  /**
   * The media device this driver uses (null after disconnect, or when the media glue failed).
   *
   * @return the media device
   */
  public @Nullable MediaDevice mediaDevice() {
    return mediaDev;
  }

  /**
   * The PCM capture entity.
   *
   * @return the entity
   */
  public MediaEntity pcmEntity() {
    return pcmEntity;
  }

  /**
   * The mixer entity.
   *
   * @return the entity
   */
  public MediaEntity mixerEntity() {
    return mixer;
  }

  /**
   * The substream's media pipeline.
   *
   * @return the pipeline
   */
  public MediaPipeline pipe() {
    return pipe;
  }

  /**
   * The PCM state.
   *
   * @return the state
   */
  public SndPcm.State pcmState() {
    return state();
  }

  /**
   * Readers sleeping in read.
   *
   * @return the count
   */
  public int sleepers() {
    return sleep.waiters();
  }

  /**
   * Periods the stick delivered to this substream.
   *
   * @return the count
   */
  public int periodsDelivered() {
    return locked(ring::delivered);
  }

  /**
   * Periods a reader consumed.
   *
   * @return the count
   */
  public int periodsRead() {
    return locked(ring::read);
  }

  /**
   * Periods thrown away (overrun, drop, prepare, close or disconnect with data in the ring).
   *
   * @return the count
   */
  public int periodsDiscarded() {
    return locked(ring::discarded);
  }

  /**
   * Periods in the ring now.
   *
   * @return the count
   */
  public int avail() {
    return locked(ring::avail);
  }

  /**
   * Whether the chip's memory was freed.
   *
   * @return true after the release
   */
  public boolean released() {
    return released;
  }

  /**
   * The chip's memory.
   *
   * @return the allocation
   */
  public Allocation mem() {
    return mem;
  }

  private int locked(java.util.function.IntSupplier read) {
    slock.lock();
    try {
      return read.getAsInt();
    } finally {
      slock.unlock();
    }
  }

  int card() {
    return card;
  }

  @Override
  public String toString() {
    return "snd-usb-audio card " + card;
  }
}
