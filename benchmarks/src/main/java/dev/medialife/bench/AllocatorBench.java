package dev.medialife.bench;

import dev.medialife.allocator.Allocated;
import dev.medialife.allocator.MediaDeviceAllocator;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Module;
import dev.medialife.driver.usb.UsbCore;
import dev.medialife.driver.usb.UsbDevice;
import dev.medialife.driver.usb.UsbDeviceDescriptor;
import dev.medialife.driver.usb.UsbHost;
import dev.medialife.driver.usb.UsbInterfaceDescriptor;
import dev.medialife.mc.MediaDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code media_device_usb_allocate} followed by {@code media_device_delete} for one more USB
 * device while {@link Usb#devices} other USB devices already own a shared media device (so the
 * allocator's instance list holds that many entries). The first call misses the lookup and
 * allocates and initialises a new media device; the delete drops its last reference and frees it.
 *
 * <p>Target: at 10,000 devices at most 1.2× the time at 10 (the kernel's list is walked linearly;
 * the model looks instances up by USB device).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class AllocatorBench {
  private static final int PORTS_PER_HOST = 100;

  /** {@code au0828}'s module name, the allocating driver. */
  public static final String DRIVER = "au0828";

  /** Devices present, each with its media device allocated. */
  @State(Scope.Benchmark)
  public static class Usb {
    /** How many USB devices already have a media device. */
    @Param({"10", "1000", "10000"})
    public int devices;

    private Sanitizing sanitizing = Sanitizing.off();
    private final Module module = new Module(DRIVER);
    private final List<UsbHost> hosts = new ArrayList<>();
    private final List<MediaDevice> present = new ArrayList<>();
    private @Nullable UsbDevice extra;

    /** Plugs {@code devices + 1} devices and allocates for all but the last. */
    @Setup(Level.Trial)
    public void setUp() {
      sanitizing = Sanitizing.off();
      Kernel kernel = new Kernel();
      UsbCore core = UsbCore.register(kernel);
      if (core == null) {
        throw new IllegalStateException("usb core");
      }
      for (int i = 0; i <= devices; i++) {
        if (i % PORTS_PER_HOST == 0) {
          hosts.add(core.addHost(hosts.size() + 1, PORTS_PER_HOST));
        }
        UsbHost host = hosts.get(hosts.size() - 1);
        int port = i % PORTS_PER_HOST + 1;
        UsbDeviceDescriptor desc =
            new UsbDeviceDescriptor(0x2040, 0x7200, 0x0100, "Hauppauge", "HVR-950Q",
                String.format("%010d", i),
                List.of(new UsbInterfaceDescriptor(0, 0xff, 0, 0),
                    new UsbInterfaceDescriptor(1, 0x01, 0x01, 0)));
        int devnum = host.plug(port, desc);
        UsbDevice udev = host.findChild(port);
        if (devnum <= 0 || udev == null) {
          throw new IllegalStateException("plug " + i + ": " + devnum);
        }
        if (i < devices) {
          present.add(allocate(udev));
        } else {
          extra = udev;
        }
      }
      if (MediaDeviceAllocator.instances(kernel) != devices) {
        throw new IllegalStateException(
            MediaDeviceAllocator.instances(kernel) + " instances, not " + devices);
      }
    }

    MediaDevice allocate(UsbDevice udev) {
      Allocated a = MediaDeviceAllocator.usbAllocate(udev, DRIVER, module);
      MediaDevice m = a.mdev();
      if (m == null) {
        throw new IllegalStateException("media_device_usb_allocate: " + a.error());
      }
      return m;
    }

    void delete(MediaDevice m) {
      MediaDeviceAllocator.delete(m, DRIVER, module);
    }

    UsbDevice extra() {
      UsbDevice u = extra;
      if (u == null) {
        throw new IllegalStateException("no extra device");
      }
      return u;
    }

    /** Deletes every media device and unplugs every device. */
    @TearDown(Level.Trial)
    public void tearDown() {
      for (MediaDevice m : present) {
        delete(m);
      }
      present.clear();
      for (UsbHost h : hosts) {
        for (int port = 1; port <= PORTS_PER_HOST; port++) {
          if (h.findChild(port) != null) {
            h.unplug(port);
          }
        }
      }
      hosts.clear();
      sanitizing.restore();
    }
  }

  /**
   * Allocate and delete the media device of one more USB device.
   *
   * @param u the devices
   * @return the media device that was allocated (and is freed again)
   */
  @Benchmark
  public Object allocateDelete(Usb u) {
    MediaDevice m = u.allocate(u.extra());
    u.delete(m);
    return m;
  }
}
