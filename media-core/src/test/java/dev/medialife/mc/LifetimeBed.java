package dev.medialife.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.medialife.driver.BusType;
import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Module;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A kernel with a simple bus ("mcbus", devices match drivers by name prefix) and a small media
 * driver, {@value #DRIVER}, written the way the media lifetime rules ask: probe kzallocs a private
 * structure that embeds a media device and two linked entities ("src" and "sink"), registers the
 * media device last, and installs a release callback that frees the structure; remove calls
 * {@code media_device_unregister} and {@code media_device_put}. Reusable by other media tests.
 */
final class LifetimeBed {
  /** The driver's name; devices whose names start with it bind to it. */
  static final String DRIVER = "mcdrv";

  final Kernel kernel = new Kernel();
  final BusType bus = new BusType("mcbus", (dev, drv) -> dev.name().startsWith(drv.name()));
  final Module module = new Module("mc_test_drv");

  /** How many private structures the release callbacks freed. */
  final AtomicInteger releases = new AtomicInteger();

  /** How many entity release callbacks ran. */
  final AtomicInteger entityReleases = new AtomicInteger();

  final DeviceDriver driver =
      new DeviceDriver(
          DRIVER,
          module,
          false,
          new DeviceDriver.Ops() {
            @Override
            public int probe(Device dev) {
              return LifetimeBed.this.probe(dev);
            }

            @Override
            public void remove(Device dev) {
              Priv p = dev.drvdata(Priv.class);
              if (p != null) {
                dev.setDrvdata(null);
                p.remove();
              }
            }
          });

  /** The driver's private structure: a media device and two entities, embedded. */
  final class Priv {
    final Allocation mem;
    final MediaDevice mdev;
    final MediaEntity src;
    final MediaEntity sink;

    Priv(Allocation mem, String model) {
      this.mem = mem;
      this.mdev = new MediaDevice(kernel, mem);
      this.src = new MediaEntity(mem, model + "-src", MediaUapi.MEDIA_ENT_F_IO_V4L);
      this.sink = new MediaEntity(mem, model + "-sink", MediaUapi.MEDIA_ENT_F_IO_V4L);
      src.setRelease(e -> entityReleases.incrementAndGet());
      sink.setRelease(e -> entityReleases.incrementAndGet());
    }

    /** The driver's remove: unregister, then drop the driver's reference. */
    void remove() {
      mdev.unregister();
      mdev.put();
    }

    /** The devnode's path. */
    String path() {
      MediaDevnode dn = mdev.devnode();
      assertNotNull(dn);
      return dn.path();
    }
  }

  LifetimeBed() {
    MediaSubsystem.of(kernel);
    assertEquals(0, kernel.busRegister(bus));
  }

  /** Registers the driver on the bus. */
  void registerDriver() {
    assertEquals(0, bus.driverRegister(driver));
  }

  /**
   * Builds, initialises and registers a media device with two linked entities under {@code
   * parent}, unwinding everything on failure.
   *
   * @param parent the parent device, or null
   * @param model the model name
   * @return the private structure, or null after a failure (its errno in {@code err[0]})
   */
  @Nullable Priv create(@Nullable Device parent, String model, int[] err) {
    Allocation mem = Kmem.kzalloc("mc_test_priv", model);
    if (mem == null) {
      err[0] = -Errno.ENOMEM;
      return null;
    }
    Priv p = new Priv(mem, model);
    MediaDevice mdev = p.mdev;
    mdev.setDev(parent);
    mdev.setModel(model);
    mdev.setRelease(
        m -> {
          releases.incrementAndGet();
          Kmem.kfree(mem, "mc_test_release");
        });
    mdev.init();
    int ret = p.src.padsInit(MediaPad.source());
    if (ret == 0) {
      ret = p.sink.padsInit(MediaPad.sink());
    }
    boolean srcReg = false;
    boolean sinkReg = false;
    if (ret == 0) {
      ret = mdev.registerEntity(p.src);
      srcReg = ret == 0;
    }
    if (ret == 0) {
      ret = mdev.registerEntity(p.sink);
      sinkReg = ret == 0;
    }
    if (ret == 0) {
      ret = MediaGraph.createPadLink(p.src, 0, p.sink, 0, MediaUapi.MEDIA_LNK_FL_ENABLED);
    }
    if (ret == 0) {
      ret = mdev.register(module);
    }
    if (ret != 0) {
      mdev.unregister();
      if (sinkReg) {
        mdev.unregisterEntity(p.sink);
      }
      if (srcReg) {
        mdev.unregisterEntity(p.src);
      }
      mdev.put();
      err[0] = ret;
      return null;
    }
    return p;
  }

  private int probe(Device dev) {
    int[] err = new int[1];
    Priv p = create(dev, dev.name(), err);
    if (p == null) {
      return err[0];
    }
    dev.setDrvdata(p);
    return 0;
  }

  /** A plain device on the bus, freed by its release. */
  static final class PlainDevice {
    final Allocation mem;
    final Device dev;

    PlainDevice(Kernel kernel, BusType bus, String name, Allocation a) {
      mem = a;
      dev = new Device(kernel, this, a, name);
      dev.setBus(bus);
      dev.setRelease(d -> Kmem.kfree(d.container(PlainDevice.class).mem, "plain_release"));
    }
  }

  /** Adds a device named {@code name} (binding it if the driver is registered). */
  Device addDevice(String name) {
    Allocation a = Kmem.kzalloc("mc_test_device", name);
    assertNotNull(a);
    PlainDevice p = new PlainDevice(kernel, bus, name, a);
    assertEquals(0, p.dev.add());
    return p.dev;
  }

  /** Unregisters a device added with {@link #addDevice} (unbinding it first). */
  static void removeDevice(Device dev) {
    dev.unregister();
  }

  /** The driver's private structure of a bound device. */
  static Priv priv(Device dev) {
    Priv p = dev.drvdata(Priv.class);
    assertNotNull(p, "device " + dev.name() + " is not bound");
    return p;
  }
}
