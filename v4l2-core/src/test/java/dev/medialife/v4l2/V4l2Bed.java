package dev.medialife.v4l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.medialife.driver.BusType;
import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.File;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Module;
import dev.medialife.driver.PollTable;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.mc.MediaDevice;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.Videodev2;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A kernel with a bus ("vbus", devices match drivers by name prefix) and a small V4L2 capture
 * driver, {@value #DRIVER}, written the way the V4L2 lifetime rules ask: probe kzallocs a private
 * structure embedding a v4l2_device, a video device and its lock (and, optionally, a media device
 * of its own allocation), registers the node last; remove unregisters the node and the
 * v4l2_device and puts the v4l2_device; the v4l2_device's release frees the structure. File
 * handles come from {@link V4l2Fh#open}; poll waits on the handle's queue; QUERYCAP is answered
 * and a private command {@link #VIDIOC_PRIVATE} counts the calls that reach the driver.
 */
final class V4l2Bed {
  /** The driver's name. */
  static final String DRIVER = "vdrv";

  /** A private command the driver handles in vidioc_default. */
  static final int VIDIOC_PRIVATE = dev.medialife.driver.Ioc.ioc(0, 'V', 192, 0);

  /** The node's capabilities. */
  static final int CAPS = Videodev2.V4L2_CAP_VIDEO_CAPTURE | Videodev2.V4L2_CAP_STREAMING;

  final Kernel kernel = new Kernel();
  final BusType bus = new BusType("vbus", (dev, drv) -> dev.name().startsWith(drv.name()));
  final Module module = new Module("vdrv_mod");

  /** Whether the v4l2_device gets a release callback (else the vdev release frees). */
  boolean v4l2Release = true;

  /** Whether probe makes a media device. */
  boolean withMdev;

  /** The node type probe registers. */
  VideoDevice.VflType type = VideoDevice.VflType.VIDEO;

  /** The direction of the node. */
  VideoDevice.VflDir dir = VideoDevice.VflDir.RX;

  final AtomicInteger v4l2Releases = new AtomicInteger();
  final AtomicInteger vdevReleases = new AtomicInteger();
  final AtomicInteger mdevReleases = new AtomicInteger();
  final AtomicInteger driverIoctls = new AtomicInteger();

  /** The v4l2_device's reference count the vdev release saw, without a v4l2 release. */
  final AtomicInteger v4l2RefsAtVdevRelease = new AtomicInteger(-1);

  final DeviceDriver driver =
      new DeviceDriver(
          DRIVER,
          module,
          false,
          new DeviceDriver.Ops() {
            @Override
            public int probe(Device dev) {
              return V4l2Bed.this.probe(dev);
            }

            @Override
            public void remove(Device dev) {
              Priv p = dev.drvdata(Priv.class);
              if (p != null) {
                p.remove();
              }
            }
          });

  final V4l2FileOperations fops =
      new V4l2FileOperations() {
        @Override
        public int open(File file) {
          return V4l2Fh.open(file);
        }

        @Override
        public int release(File file) {
          return V4l2Fh.release(file);
        }

        @Override
        public int poll(File file, PollTable table) {
          V4l2Fh fh = file.privateData(V4l2Fh.class);
          if (fh != null) {
            table.pollWait(file, fh.waitQueue());
          }
          return 0;
        }

        @Override
        public int read(File file, byte[] buf) {
          return 0;
        }
      };

  final V4l2IoctlOps ioctlOps =
      new V4l2IoctlOps() {
        @Override
        public int querycap(File file, @Nullable V4l2Fh fh, V4l2Capability cap) {
          driverIoctls.incrementAndGet();
          cap.driver = DRIVER;
          cap.card = "vdrv card";
          return 0;
        }

        @Override
        public int defaultIoctl(
            File file, @Nullable V4l2Fh fh, boolean validPrio, int cmd,
            @Nullable IoctlArg<?> arg) {
          if (cmd != VIDIOC_PRIVATE) {
            return -Errno.ENOTTY;
          }
          driverIoctls.incrementAndGet();
          return validPrio ? 0 : -Errno.EBUSY;
        }
      };

  /** The driver's private structure. */
  final class Priv {
    final Allocation mem;
    final V4l2Device v4l2;
    final VideoDevice vdev;
    final Mutex lock = new Mutex("vdrv.lock");
    @Nullable MediaDevice mdev;

    Priv(Allocation mem) {
      this.mem = mem;
      this.v4l2 = new V4l2Device(mem);
      this.vdev = new VideoDevice(kernel, mem);
    }

    void remove() {
      vdev.unregister();
      MediaDevice m = mdev;
      if (m != null) {
        m.unregister();
      }
      v4l2.unregister();
      if (m != null) {
        m.put();
      }
      if (v4l2Release) {
        v4l2.put();
      }
    }

    String path() {
      return vdev.path();
    }
  }

  V4l2Bed() {
    assertEquals(0, kernel.busRegister(bus));
  }

  void registerDriver() {
    assertEquals(0, bus.driverRegister(driver));
  }

  private int probe(Device dev) {
    Allocation mem = Kmem.kzalloc("vdrv_priv", dev.name());
    if (mem == null) {
      return -Errno.ENOMEM;
    }
    Priv p = new Priv(mem);
    dev.setDrvdata(p);
    int ret = p.v4l2.register(dev);
    if (ret != 0) {
      Kmem.kfree(mem);
      return ret;
    }
    if (v4l2Release) {
      p.v4l2.setRelease(
          v -> {
            v4l2Releases.incrementAndGet();
            Kmem.kfree(mem, "vdrv_release");
          });
    }
    if (withMdev) {
      Allocation mm = Kmem.kzalloc("vdrv_mdev", dev.name());
      assertNotNull(mm);
      MediaDevice m = new MediaDevice(kernel, mm);
      m.setDev(dev);
      m.setModel("vdrv model");
      m.setRelease(
          x -> {
            mdevReleases.incrementAndGet();
            Kmem.kfree(mm, "vdrv_mdev_release");
          });
      m.init();
      assertEquals(0, m.register(module));
      p.mdev = m;
      p.v4l2.setMdev(m);
    }
    VideoDevice v = p.vdev;
    v.setName("vdrv video");
    v.setV4l2Dev(p.v4l2);
    v.setFops(fops);
    v.setIoctlOps(ioctlOps);
    v.setLock(p.lock);
    v.setDeviceCaps(CAPS);
    v.setVflDir(dir);
    v.setRelease(
        x -> {
          vdevReleases.incrementAndGet();
          if (!v4l2Release) {
            v4l2RefsAtVdevRelease.set(p.v4l2.refcount());
            Kmem.kfree(mem, "vdrv_vdev_release");
          }
        });
    ret = v.register(type, -1, module);
    if (ret != 0) {
      p.remove();
      return ret;
    }
    return 0;
  }

  /** Adds a device (binding it if the driver is registered). */
  Device addDevice(String name) {
    Allocation a = Kmem.kzalloc("vbus_device", name);
    assertNotNull(a);
    Device d = new Device(kernel, a, a, name);
    d.setBus(bus);
    d.setRelease(x -> Kmem.kfree(a, "vbus_release"));
    assertEquals(0, d.add());
    return d;
  }

  /** The private structure of a bound device. */
  static Priv priv(Device dev) {
    Priv p = dev.drvdata(Priv.class);
    assertNotNull(p, "device " + dev.name() + " is not bound");
    return p;
  }
}
