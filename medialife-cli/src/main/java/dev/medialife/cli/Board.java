package dev.medialife.cli;

import dev.medialife.driver.Device;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Module;
import dev.medialife.driver.of.Of;
import dev.medialife.driver.of.PlatformBus;
import dev.medialife.driver.of.PlatformDevice;
import dev.medialife.driver.usb.UsbCore;
import dev.medialife.driver.usb.UsbDevice;
import dev.medialife.driver.usb.UsbHost;
import dev.medialife.drivers.au0828.Au0828Dev;
import dev.medialife.drivers.au0828.Au0828Driver;
import dev.medialife.drivers.hantro.HantroDev;
import dev.medialife.drivers.hantro.HantroDriver;
import dev.medialife.drivers.usbaudio.SndUsbAudioDriver;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.hw.imx8m.Imx8mBoard;
import dev.medialife.hw.imx8m.Imx8mSoc;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.hw.usbtv.UsbTvStick;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.workqueue.Workqueue;
import dev.medialife.m2m.V4l2M2mDev;
import dev.medialife.mc.MediaDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole simulated machine in one {@link Kernel}: optionally an i.MX8M SoC with its G1 and G2
 * decoder cores bound to the Hantro platform driver, and optionally a USB host with a hybrid TV
 * stick plugged into {@link #PORT}, claimed by the au0828 and snd-usb-audio drivers.
 *
 * <p>{@link #boot} registers the buses, populates the device tree, registers the drivers and plugs
 * the stick, in the order a kernel would probe them at boot; {@link #close} undoes it all in
 * reverse, so that a sanitizer scope around the board sees every allocation freed.
 */
public final class Board implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Board.class);

  /** The root-hub port the stick sits in. */
  public static final int PORT = 1;

  /** The USB bus number of the host controller. */
  public static final int BUSNUM = 1;

  /** The boards the CLI can boot. */
  public enum Kind {
    /** The demo's machine: an i.MX8MQ (G1 and G2 sharing a bus) and the USB TV stick. */
    DEFAULT(Imx8mSoc.IMX8MQ, true),
    /** An i.MX8MQ EVK alone. */
    IMX8MQ(Imx8mSoc.IMX8MQ, false),
    /** An i.MX8MM EVK alone: independent cores. */
    IMX8MM(Imx8mSoc.IMX8MM, false),
    /** An i.MX8MP EVK alone. */
    IMX8MP(Imx8mSoc.IMX8MP, false),
    /** A PC with only the USB TV stick. */
    USBTV(null, true);

    private final @Nullable Imx8mSoc soc;
    private final boolean stick;

    Kind(@Nullable Imx8mSoc soc, boolean stick) {
      this.soc = soc;
      this.stick = stick;
    }

    /**
     * The SoC of the board, if it has one.
     *
     * @return the SoC or null
     */
    public @Nullable Imx8mSoc soc() {
      return soc;
    }

    /**
     * Whether the USB TV stick is plugged at boot.
     *
     * @return true when the board has the stick
     */
    public boolean hasStick() {
      return stick;
    }

    /**
     * The name used on the command line.
     *
     * @return the lower-case name
     */
    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * A one-line description.
     *
     * @return the description
     */
    public String describe() {
      Imx8mSoc s = soc;
      String socPart = s == null ? "" : s.model() + " VPU (G1 + G2)";
      String stickPart = stick ? "USB TV stick on " + BUSNUM + "-" + PORT : "";
      return socPart.isEmpty() ? stickPart
          : stickPart.isEmpty() ? socPart : socPart + " + " + stickPart;
    }
  }

  /** Boot failed: the errno of the step that failed. */
  public static final class BootException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int errno;

    BootException(String step, int errno) {
      super(step + " failed: " + Errno.describe(errno));
      this.errno = errno;
    }

    /**
     * The negative errno of the failed step.
     *
     * @return the errno
     */
    public int errno() {
      return errno;
    }
  }

  private final Kind kind;
  private final Kernel kernel = new Kernel();
  private final List<Runnable> teardown = new ArrayList<>();
  private @Nullable Imx8mBoard soc;
  private @Nullable PlatformBus platform;
  private @Nullable HantroDriver hantro;
  private @Nullable UsbHost host;
  private @Nullable UsbTvStick stick;
  private final Au0828Driver au0828 = new Au0828Driver(new Module(Au0828Dev.NAME));
  private final SndUsbAudioDriver sndUsbAudio = new SndUsbAudioDriver(new Module("snd_usb_audio"));

  private Board(Kind kind) {
    this.kind = kind;
  }

  /**
   * Boots a board: buses, devices, drivers, and the stick plugged in.
   *
   * @param kind which board
   * @return the running board
   * @throws BootException when a step of the boot fails; what was set up is torn down again
   */
  public static Board boot(Kind kind) throws BootException {
    Board b = new Board(kind);
    try {
      b.bootSoc();
      b.bootUsb();
    } catch (BootException e) {
      b.close();
      throw e;
    }
    LOG.info("booted {}", kind.describe());
    return b;
  }

  private void bootSoc() throws BootException {
    Imx8mSoc s = kind.soc();
    if (s == null) {
      return;
    }
    Imx8mBoard board = Imx8mBoard.builder(s).build();
    soc = board;
    teardown.add(0, board::close);
    PlatformBus pb = check(PlatformBus.register(kernel), "platform bus");
    platform = pb;
    int n = board.populate(pb);
    check(n, "device tree population");
    teardown.add(0, () -> pb.depopulate(board.deviceTree()));
    HantroDriver drv = new HantroDriver(null);
    check(drv.register(pb), "hantro-vpu driver registration");
    hantro = drv;
    teardown.add(0, () -> drv.unregister(pb));
  }

  private void bootUsb() throws BootException {
    if (!kind.hasStick()) {
      return;
    }
    UsbCore core = check(UsbCore.register(kernel), "usb core");
    host = core.addHost(BUSNUM, 4);
    check(au0828.register(core), "au0828 driver registration");
    teardown.add(0, () -> au0828.deregister(core));
    check(sndUsbAudio.register(core), "snd-usb-audio driver registration");
    teardown.add(0, () -> sndUsbAudio.deregister(core));
    UsbTvStick s = new UsbTvStick("HVR-950Q", "4034012345", 0x0100);
    stick = s;
    teardown.add(0, () -> {
      if (s.present()) {
        s.unplug();
      }
    });
    check(plug(), "plugging the stick");
  }

  private static <T> T check(@Nullable T value, String step) throws BootException {
    if (value == null) {
      throw new BootException(step, -Errno.ENOMEM);
    }
    return value;
  }

  private static void check(int ret, String step) throws BootException {
    if (ret < 0) {
      throw new BootException(step, ret);
    }
  }

  /**
   * Which board this is.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The kernel everything lives in.
   *
   * @return the kernel
   */
  public Kernel kernel() {
    return kernel;
  }

  /**
   * The i.MX8M part.
   *
   * @return the SoC board
   * @throws IllegalStateException on a board without a SoC
   */
  public Imx8mBoard soc() {
    Imx8mBoard s = soc;
    if (s == null) {
      throw new IllegalStateException(kind.cliName() + " has no i.MX8M");
    }
    return s;
  }

  /**
   * The Hantro driver.
   *
   * @return the driver
   * @throws IllegalStateException on a board without a SoC
   */
  public HantroDriver hantro() {
    HantroDriver h = hantro;
    if (h == null) {
      throw new IllegalStateException(kind.cliName() + " has no Hantro VPU");
    }
    return h;
  }

  /**
   * The platform device of a decoder core.
   *
   * @param core G1 or G2
   * @return the device, or null if the tree has none
   */
  public @Nullable PlatformDevice pdev(VpuCore.Kind core) {
    PlatformDevice p = Of.findDeviceByNode(soc().coreNode(core));
    if (p != null) {
      p.put(); // the population keeps it alive
    }
    return p;
  }

  /**
   * The driver state of a decoder core, when it is bound.
   *
   * @param core G1 or G2
   * @return the bound device or null
   */
  public @Nullable HantroDev vpu(VpuCore.Kind core) {
    PlatformDevice p = pdev(core);
    return p == null ? null : bound(p.device(), HantroDev.class);
  }

  /**
   * A device's driver data when it is the driver's state object. Mid-probe it can still be the
   * {@code v4l2_device} that {@code v4l2_device_register} stored there, so the device counts as
   * not bound yet rather than failing the caller.
   */
  private static <T> @Nullable T bound(Device dev, Class<T> type) {
    Object data = dev.drvdata(Object.class);
    return type.isInstance(data) ? type.cast(data) : null;
  }

  /**
   * Unbinds a decoder core through the bus's sysfs {@code unbind}.
   *
   * @param core G1 or G2
   * @return 0 or a negative errno
   */
  public int unbind(VpuCore.Kind core) {
    return sysfs(core, false);
  }

  /**
   * Binds a decoder core through the bus's sysfs {@code bind}.
   *
   * @param core G1 or G2
   * @return 0 or a negative errno
   */
  public int bind(VpuCore.Kind core) {
    return sysfs(core, true);
  }

  private int sysfs(VpuCore.Kind core, boolean bind) {
    PlatformDevice p = pdev(core);
    PlatformBus pb = platform;
    if (p == null || pb == null) {
      return -Errno.ENODEV;
    }
    return bind ? pb.bus().bind(HantroDriver.NAME, p.name())
        : pb.bus().unbind(HantroDriver.NAME, p.name());
  }

  /**
   * The USB TV stick.
   *
   * @return the stick
   * @throws IllegalStateException on a board without one
   */
  public UsbTvStick stick() {
    UsbTvStick s = stick;
    if (s == null) {
      throw new IllegalStateException(kind.cliName() + " has no USB TV stick");
    }
    return s;
  }

  /**
   * Plugs the stick into its port.
   *
   * @return the new device number, or a negative errno
   */
  public int plug() {
    UsbHost h = host;
    if (h == null) {
      return -Errno.ENODEV;
    }
    return stick().plug(h, PORT);
  }

  /**
   * Pulls the stick out.
   *
   * @return 0 or a negative errno
   */
  public int unplug() {
    return stick().unplug();
  }

  /**
   * The au0828 state of the plugged stick.
   *
   * @return the device, or null when unplugged
   */
  public @Nullable Au0828Dev au0828() {
    UsbDevice d = usbDevice();
    return d == null ? null : bound(d.interfaces().get(0).device(), Au0828Dev.class);
  }

  /**
   * The sound card of the plugged stick.
   *
   * @return the card, or null when unplugged
   */
  public @Nullable SndUsbChip sndChip() {
    UsbDevice d = usbDevice();
    return d == null || d.interfaces().size() < 2 ? null
        : bound(d.interfaces().get(1).device(), SndUsbChip.class);
  }

  private @Nullable UsbDevice usbDevice() {
    UsbHost h = host;
    return h == null ? null : h.findChild(PORT);
  }

  /**
   * Drivers' live objects on the USB side (au0828 and snd-usb-audio), for leak checks.
   *
   * @return the count of live driver objects
   */
  public int usbDriverObjects() {
    return au0828.live() + sndUsbAudio.live();
  }

  /**
   * The registered media devices: each decoder core's, then the stick's (one, shared by video
   * and audio through the allocator).
   *
   * @return the media devices, in that order
   */
  public List<MediaDevice> mediaDevices() {
    List<MediaDevice> out = new ArrayList<>();
    if (soc != null) {
      for (VpuCore.Kind k : VpuCore.Kind.values()) {
        HantroDev v = vpu(k);
        if (v != null) {
          out.add(v.mediaDevice());
        }
      }
    }
    Au0828Dev a = stick == null ? null : au0828();
    if (a != null) {
      MediaDevice m = a.mediaDevice();
      if (m != null) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * Tears down in reverse boot order: stick out, drivers unregistered, tree depopulated. First
   * it waits for the cores' interrupt handlers to return and lets the decoders' schedulers go
   * idle: a finished job leaves {@code job_work} queued to
   * try the next one, and {@code v4l2_m2m_release} frees the scheduler without flushing it (as
   * upstream), so removing a core with that work pending would be a use-after-free.
   */
  @Override
  public void close() {
    Imx8mBoard s = soc;
    if (s != null) {
      // A reader wakes when the interrupt handler completes its buffers, before the handler
      // schedules job_work for the next job: let the handlers return, so the flush below sees
      // that work.
      s.irqChip().synchronizeIrq(Imx8mSoc.G1_SPI);
      s.irqChip().synchronizeIrq(Imx8mSoc.G2_SPI);
    }
    if (hantro != null) {
      for (VpuCore.Kind k : VpuCore.Kind.values()) {
        HantroDev v = vpu(k);
        V4l2M2mDev m = v == null ? null : v.m2mDev();
        if (m != null) {
          m.jobWork().flush();
        }
      }
      Workqueue.system().flush();
    }
    List<Runnable> steps = List.copyOf(teardown);
    teardown.clear();
    for (Runnable r : steps) {
      r.run();
    }
    LOG.info("{} torn down", kind.cliName());
  }

  @Override
  public String toString() {
    return "Board[" + kind.cliName() + ": " + kind.describe() + "]";
  }

  // ---- sysfs bind/unbind of the stick's interface drivers (used by scenario files) ----

  /** The stick's interface each USB driver claims: au0828 the first, snd-usb-audio the second. */
  private static int usbInterface(String driver) {
    return driver.equals(Au0828Dev.NAME) ? 0 : driver.equals(SndUsbChip.NAME) ? 1 : -1;
  }

  /**
   * Binds a USB interface driver to its interface of the plugged stick, as writing the interface
   * name to {@code /sys/bus/usb/drivers/DRIVER/bind} does.
   *
   * @param driver {@code au0828} or {@code snd-usb-audio}
   * @return 0 or a negative errno: {@code -ENODEV} without a stick or for an unknown driver,
   *     {@code -EBUSY} when the interface is bound
   */
  public int bindUsb(String driver) {
    return usbSysfs(driver, true);
  }

  /**
   * Unbinds a USB interface driver from the stick's interface ({@code .../unbind}).
   *
   * @param driver {@code au0828} or {@code snd-usb-audio}
   * @return 0 or a negative errno: {@code -ENODEV} when the interface is not bound to it
   */
  public int unbindUsb(String driver) {
    return usbSysfs(driver, false);
  }

  private int usbSysfs(String driver, boolean bind) {
    UsbDevice d = usbDevice();
    dev.medialife.driver.BusType bus = kernel.bus(UsbCore.NAME);
    int i = usbInterface(driver);
    if (d == null || bus == null || i < 0 || i >= d.interfaces().size()) {
      return -Errno.ENODEV;
    }
    String intf = d.interfaces().get(i).device().name();
    return bind ? bus.bind(driver, intf) : bus.unbind(driver, intf);
  }
}
