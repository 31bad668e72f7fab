package dev.medialife.hw.usbtv;

import dev.medialife.driver.io.MmioRegion;
import dev.medialife.driver.io.RegisterFile;
import dev.medialife.driver.irq.IrqChip;
import dev.medialife.driver.usb.UsbDeviceDescriptor;
import dev.medialife.driver.usb.UsbFunction;
import dev.medialife.driver.usb.UsbHost;
import dev.medialife.driver.usb.UsbInterfaceDescriptor;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.time.KernelClock;
import dev.medialife.kernel.time.Timer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated USB hybrid TV stick (a Hauppauge HVR-950Q-like device): one USB device with a
 * vendor-specific video/tuner interface (0) and an audio-class interface (1).
 *
 * <p>Inside: a tuner, an analog decoder with three inputs (TV from the tuner, Composite and
 * S-Video), a digital demodulator behind the same tuner, and an audio capture path fed by the
 * decoder. The stick produces video frames and audio periods on its own thread: one per {@link
 * #frame()} or {@link #period()} step, or at a configured rate from timers on a kernel clock
 * ({@link #startClock}). Each produced frame or period sets a status bit and raises the host
 * controller's completion line of the interface (as a finished isochronous URB would); the
 * drivers see the stick only through its registers ({@link #region()}) and those lines ({@link
 * #irqChip()}), handed over at enumeration as the device's {@link UsbFunction}.
 *
 * <p>The tuner-conflict detector: a consumer (analog video from the TV input, audio from the TV
 * input, the digital demodulator) "drives" the tuner while it streams. The tuner is arbitrated
 * when every driving consumer is routed to it in {@link #REG_TUNER_ROUTE}, which only the video
 * driver's arbitration writes. Whenever a consumer starts streaming while another already drives
 * the tuner and the two are not both routed, the detector counts a conflict: two users retuning
 * one tuner, what happens without the media device allocator.
 *
 * <p>Implementation notes: the register state is guarded by the stick's monitor; a step is a task
 * on the stick thread's queue, and the IRQ is raised from that thread with no lock held.
 */
@JavaOnly("simulated hardware")
public final class UsbTvStick {
  private static final Logger LOG = LoggerFactory.getLogger(UsbTvStick.class);

  /** Hauppauge's vendor id. */
  public static final int VID = 0x2040;

  /** The HVR-950Q product id. */
  public static final int PID = 0x7200;

  /** USB interface class of the video/tuner interface (vendor specific). */
  public static final int CLASS_VENDOR = 0xff;

  /** USB audio class. */
  public static final int CLASS_AUDIO = 0x01;

  /** USB audio-control subclass. */
  public static final int SUBCLASS_AUDIOCONTROL = 0x01;

  /** Interrupt status, write 1 to clear. */
  public static final int REG_IRQ_STATUS = 0x00;

  /** The decoder's input: {@link #INPUT_TV}, {@link #INPUT_COMPOSITE} or {@link #INPUT_SVIDEO}. */
  public static final int REG_INPUT = 0x04;

  /** 1 while analog video streams. */
  public static final int REG_VIDEO_CTRL = 0x08;

  /** Sequence number of the last frame. */
  public static final int REG_VIDEO_SEQ = 0x0c;

  /** 1 while audio capture runs. */
  public static final int REG_AUDIO_CTRL = 0x10;

  /** Sequence number of the last audio period. */
  public static final int REG_AUDIO_SEQ = 0x14;

  /** Which consumers the tuner is routed to: {@link #ROUTE_VIDEO}, {@link #ROUTE_AUDIO}, {@link #ROUTE_DTV}. */
  public static final int REG_TUNER_ROUTE = 0x18;

  /** 1 while the digital demodulator streams. */
  public static final int REG_DTV_CTRL = 0x1c;

  /** Bytes of one frame (read only). */
  public static final int REG_FRAME_SIZE = 0x20;

  /** Bytes of one audio period (read only). */
  public static final int REG_PERIOD_BYTES = 0x24;

  /** Window size. */
  public static final int REGION_SIZE = 0x28;

  /** Status bit: a frame is ready. */
  public static final int IRQ_VIDEO_FRAME = 1;

  /** Status bit: an audio period is ready. */
  public static final int IRQ_AUDIO_PERIOD = 1 << 1;

  /** Completion line of the video interface. */
  public static final int LINE_VIDEO = 0;

  /** Completion line of the audio interface. */
  public static final int LINE_AUDIO = 1;

  /** Decoder input: the tuner. */
  public static final int INPUT_TV = 0;

  /** Decoder input: composite. */
  public static final int INPUT_COMPOSITE = 1;

  /** Decoder input: S-Video. */
  public static final int INPUT_SVIDEO = 2;

  /** Tuner route bit: analog video. */
  public static final int ROUTE_VIDEO = 1;

  /** Tuner route bit: audio capture. */
  public static final int ROUTE_AUDIO = 1 << 1;

  /** Tuner route bit: the digital demodulator. */
  public static final int ROUTE_DTV = 1 << 2;

  /** Bytes of one frame: 720x480 UYVY. */
  public static final int FRAME_BYTES = 720 * 480 * 2;

  /** Bytes of one period: 1024 frames of 16-bit stereo. */
  public static final int PERIOD_BYTES = 1024 * 4;

  private final String name;
  private final UsbDeviceDescriptor descriptor;
  private final IrqChip chip;
  private final MmioRegion region;
  private final LinkedBlockingQueue<Runnable> steps = new LinkedBlockingQueue<>();
  private final AtomicInteger conflicts = new AtomicInteger();
  private final AtomicInteger framesProduced = new AtomicInteger();
  private final AtomicInteger periodsProduced = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();

  // Guarded by this.
  private boolean present;
  private int status;
  private int input;
  private boolean video;
  private boolean audio;
  private boolean dtv;
  private int route;
  private int videoSeq;
  private int audioSeq;
  private @Nullable Thread thread;
  private @Nullable UsbHost host;
  private int port;
  private @Nullable Timer frameTimer;
  private @Nullable Timer periodTimer;

  /**
   * A stick with the given strings.
   *
   * @param product the product string
   * @param serial the serial number
   * @param bcdDevice the device release
   */
  public UsbTvStick(String product, String serial, int bcdDevice) {
    this.name = "usbtv-" + serial;
    this.descriptor =
        new UsbDeviceDescriptor(VID, PID, bcdDevice, "Hauppauge", product, serial,
            List.of(new UsbInterfaceDescriptor(0, CLASS_VENDOR, 0, 0),
                new UsbInterfaceDescriptor(1, CLASS_AUDIO, SUBCLASS_AUDIOCONTROL, 0)));
    this.chip = new IrqChip(name + "-hcd", 2);
    this.region = new MmioRegion(name, REGION_SIZE, new Regs());
  }

  /**
   * The descriptor the stick reports.
   *
   * @return the descriptor
   */
  public UsbDeviceDescriptor descriptor() {
    return descriptor;
  }

  /**
   * The register window drivers map.
   *
   * @return the region
   */
  public MmioRegion region() {
    return region;
  }

  /**
   * The host controller's completion lines for this stick.
   *
   * @return the chip
   */
  public IrqChip irqChip() {
    return chip;
  }

  /**
   * Plugs the stick into a root port: the stick's thread starts and the host enumerates it
   * (probing both interfaces).
   *
   * @param h the host
   * @param p the port
   * @return the device address, or the host's error
   */
  public int plug(UsbHost h, int p) {
    synchronized (this) {
      if (present) {
        return -Errno.EBUSY;
      }
      present = true;
      resetLocked();
      host = h;
      port = p;
      Thread t = new Thread(this::run, name);
      t.setDaemon(true);
      thread = t;
      t.start();
    }
    int ret = h.plug(p, descriptor, new UsbFunction(region, chip));
    if (ret < 0) {
      stop();
    }
    return ret;
  }

  /**
   * Pulls the stick out: it stops answering at once (reads return all ones, no more IRQs), then
   * the host disconnects the drivers.
   *
   * @return 0, or {@code -ENODEV} when not plugged
   */
  public int unplug() {
    UsbHost h;
    int p;
    synchronized (this) {
      h = host;
      p = port;
      if (h == null) {
        return -Errno.ENODEV;
      }
    }
    stop();
    return h.unplug(p);
  }

  private void stop() {
    Thread t;
    synchronized (this) {
      present = false;
      host = null;
      cancelTimersLocked();
      t = thread;
      thread = null;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(TimeUnit.SECONDS.toMillis(20));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    steps.clear();
  }

  private void resetLocked() {
    status = 0;
    input = INPUT_TV;
    video = false;
    audio = false;
    dtv = false;
    route = 0;
    videoSeq = 0;
    audioSeq = 0;
  }

  private void run() {
    try {
      for (; ; ) {
        steps.take().run();
      }
    } catch (InterruptedException e) {
      LOG.debug("{}: stick thread stops", name);
    }
  }

  /**
   * Produces one frame on the stick's thread, if video streams, and waits until its IRQ was
   * handled.
   *
   * @return whether a frame was produced
   */
  public boolean frame() {
    return step(this::produceFrame);
  }

  /**
   * Produces one audio period on the stick's thread, if audio capture runs, and waits until its
   * IRQ was handled.
   *
   * @return whether a period was produced
   */
  public boolean period() {
    return step(this::producePeriod);
  }

  private boolean step(java.util.function.BooleanSupplier body) {
    boolean[] out = new boolean[1];
    CountDownLatch done = new CountDownLatch(1);
    synchronized (this) {
      if (thread == null) {
        return false;
      }
      steps.add(
          () -> {
            out[0] = body.getAsBoolean();
            done.countDown();
          });
    }
    try {
      if (!done.await(20, TimeUnit.SECONDS)) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return out[0];
  }

  /**
   * Produces frames and periods at a fixed rate from timers on {@code clock}: each expiry posts a
   * step to the stick's thread and re-arms. With a manual clock the test decides when time
   * passes.
   *
   * @param clock the clock
   * @param frameNanos the frame interval
   * @param periodNanos the audio period interval
   */
  public synchronized void startClock(KernelClock clock, long frameNanos, long periodNanos) {
    cancelTimersLocked();
    armFrame(clock, frameNanos);
    armPeriod(clock, periodNanos);
  }

  private synchronized void armFrame(KernelClock clock, long interval) {
    if (!present) {
      return;
    }
    frameTimer =
        clock.schedule(
            KernelClock.deadline(clock.nanoTime(), interval),
            () -> {
              steps.add(this::produceFrame);
              armFrame(clock, interval);
            });
  }

  private synchronized void armPeriod(KernelClock clock, long interval) {
    if (!present) {
      return;
    }
    periodTimer =
        clock.schedule(
            KernelClock.deadline(clock.nanoTime(), interval),
            () -> {
              steps.add(this::producePeriod);
              armPeriod(clock, interval);
            });
  }

  private void cancelTimersLocked() {
    Timer f = frameTimer;
    if (f != null) {
      f.cancel();
    }
    Timer p = periodTimer;
    if (p != null) {
      p.cancel();
    }
    frameTimer = null;
    periodTimer = null;
  }

  private boolean produceFrame() {
    synchronized (this) {
      if (!present || !video) {
        dropped.incrementAndGet();
        return false;
      }
      videoSeq++;
      status |= IRQ_VIDEO_FRAME;
    }
    framesProduced.incrementAndGet();
    chip.raise(LINE_VIDEO);
    return true;
  }

  private boolean producePeriod() {
    synchronized (this) {
      if (!present || !audio) {
        dropped.incrementAndGet();
        return false;
      }
      audioSeq++;
      status |= IRQ_AUDIO_PERIOD;
    }
    periodsProduced.incrementAndGet();
    chip.raise(LINE_AUDIO);
    return true;
  }

  /** The consumers driving the tuner now, as route bits; lock held. */
  private int driversLocked() {
    int d = 0;
    if (video && input == INPUT_TV) {
      d |= ROUTE_VIDEO;
    }
    if (audio && input == INPUT_TV) {
      d |= ROUTE_AUDIO;
    }
    if (dtv) {
      d |= ROUTE_DTV;
    }
    return d;
  }

  /** A consumer starts: count a conflict if it joins another one without arbitration. */
  private void startingLocked(int bit) {
    int others = driversLocked() & ~bit;
    if (others == 0) {
      return;
    }
    boolean arbitrated = (route & (others | bit)) == (others | bit);
    boolean analogShare = (others | bit) == (ROUTE_VIDEO | ROUTE_AUDIO);
    if (!arbitrated || !analogShare) {
      int n = conflicts.incrementAndGet();
      LOG.warn("{}: tuner driven by two users at once (bits {} and {}), conflict {}", name,
          others, bit, n);
    }
  }

  /**
   * How many times two users drove the tuner at once without arbitration.
   *
   * @return the count
   */
  public int tunerConflicts() {
    return conflicts.get();
  }

  /**
   * Frames produced so far.
   *
   * @return the count
   */
  public int framesProduced() {
    return framesProduced.get();
  }

  /**
   * Periods produced so far.
   *
   * @return the count
   */
  public int periodsProduced() {
    return periodsProduced.get();
  }

  /**
   * Steps that produced nothing (nobody streaming, or the stick unplugged).
   *
   * @return the count
   */
  public int dropped() {
    return dropped.get();
  }

  /**
   * The tuner route register, as the arbitration last wrote it.
   *
   * @return the route bits
   */
  public synchronized int route() {
    return route;
  }

  /**
   * Whether the stick is plugged.
   *
   * @return true while plugged
   */
  public synchronized boolean present() {
    return present;
  }

  @Override
  public String toString() {
    return name;
  }

  /** The registers. */
  private final class Regs implements RegisterFile {
    @Override
    public int read(int offset) {
      synchronized (UsbTvStick.this) {
        if (!present) {
          return 0xffffffff;
        }
        return switch (offset) {
          case REG_IRQ_STATUS -> status;
          case REG_INPUT -> input;
          case REG_VIDEO_CTRL -> video ? 1 : 0;
          case REG_VIDEO_SEQ -> videoSeq;
          case REG_AUDIO_CTRL -> audio ? 1 : 0;
          case REG_AUDIO_SEQ -> audioSeq;
          case REG_TUNER_ROUTE -> route;
          case REG_DTV_CTRL -> dtv ? 1 : 0;
          case REG_FRAME_SIZE -> FRAME_BYTES;
          case REG_PERIOD_BYTES -> PERIOD_BYTES;
          default -> 0;
        };
      }
    }

    @Override
    public void write(int offset, int value) {
      synchronized (UsbTvStick.this) {
        if (!present) {
          return;
        }
        switch (offset) {
          case REG_IRQ_STATUS -> status &= ~value;
          case REG_INPUT -> input = value;
          case REG_VIDEO_CTRL -> {
            boolean on = value != 0;
            if (on && !video && input == INPUT_TV) {
              startingLocked(ROUTE_VIDEO);
            }
            video = on;
          }
          case REG_AUDIO_CTRL -> {
            boolean on = value != 0;
            if (on && !audio && input == INPUT_TV) {
              startingLocked(ROUTE_AUDIO);
            }
            audio = on;
          }
          case REG_DTV_CTRL -> {
            boolean on = value != 0;
            if (on && !dtv) {
              startingLocked(ROUTE_DTV);
            }
            dtv = on;
          }
          case REG_TUNER_ROUTE -> route = value;
          default -> LOG.debug("{}: write of read-only register {}", name, offset);
        }
      }
    }
  }
}
