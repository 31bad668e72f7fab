package dev.medialife.it.fuzz;

import dev.medialife.driver.BusType;
import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Module;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.workqueue.Workqueue;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.v4l2.V4l2Device;
import dev.medialife.v4l2.V4l2Subdev;
import dev.medialife.v4l2.V4l2SubdevInternalOps;
import dev.medialife.v4l2.V4l2SubdevPadOps;
import dev.medialife.v4l2.V4l2SubdevState;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2MbusFramefmt;
import dev.medialife.v4l2.uapi.V4l2SubdevFormat;
import dev.medialife.v4l2.uapi.V4l2SubdevMbusCodeEnum;
import dev.medialife.v4l2.uapi.V4l2SubdevUapi;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One sub-device fuzz input's world, since no sample board registers a {@code v4l-subdev} node: a
 * kernel with a bus and a bridge driver whose probe registers a v4l2_device, a media device and a
 * raw sensor sub-device ({@link Sensor}, from the sensor's own module) with a node, read-only or
 * not; its remove unregisters all of it. The input can unbind and re-bind the bridge, or
 * unregister the sensor alone, while files are open. Closing the rig exits the task, unbinds, and
 * turns sanitizer reports or live allocations into a finding, as {@link FuzzRig} does. The
 * bad-input table boots it for its sub-device rows.
 */
public final class SubdevRig implements AutoCloseable {
  static final String BRIDGE = "bridge";

  /** How the next probe builds its sensor. */
  public record Shape(int pads, boolean activeState, boolean readOnly) {}

  private final SanitizerScope scope;
  final Kernel kernel = new Kernel();
  private final BusType bus = new BusType("fuzzbus", (d, drv) -> d.name().startsWith(drv.name()));
  private final Module bridgeMod = new Module("bridge_mod");
  private final Module sensorMod = new Module("sensor_mod");
  private final Task task;
  private Shape shape;
  private int devices;
  private @Nullable Device device;
  private final DeviceDriver driver;

  /** The bridge's private structure; the v4l2_device's release frees it. */
  static final class Bridge {
    final Allocation mem;
    final V4l2Device v4l2;
    @Nullable MediaDevice mdev;
    @Nullable Sensor sensor;

    Bridge(Allocation mem) {
      this.mem = mem;
      this.v4l2 = new V4l2Device(mem);
    }
  }

  private SubdevRig(SanitizerScope scope, Shape shape) {
    this.scope = scope;
    this.shape = shape;
    this.driver = new DeviceDriver(BRIDGE, bridgeMod, false, new DeviceDriver.Ops() {
      @Override
      public int probe(Device dev) {
        return SubdevRig.this.probe(dev);
      }

      @Override
      public void remove(Device dev) {
        Bridge b = dev.drvdata(Bridge.class);
        if (b != null) {
          removeBridge(b);
        }
      }
    });
    if (kernel.busRegister(bus) != 0 || bus.driverRegister(driver) != 0) {
      throw new AssertionError("the bus and the bridge driver register");
    }
    this.task = new Task(kernel, "fuzz");
  }

  /**
   * Boots the rig and binds the bridge once.
   *
   * @param shape the sensor of the first probe
   * @return the rig
   */
  public static SubdevRig boot(Shape shape) {
    SanitizerScope scope = SanitizerScope.open("fuzz subdev");
    SubdevRig rig = new SubdevRig(scope, shape);
    if (rig.plug(shape) != 0) {
      throw new AssertionError("the bridge must bind without fault injection");
    }
    return rig;
  }

  public Task task() {
    return task;
  }

  /**
   * Adds a bridge device, which binds it (probe registers the sensor and its node).
   *
   * @param next the shape of the sensor
   * @return 0, or -EBUSY when a bridge is already bound
   */
  public int plug(Shape next) {
    if (device != null) {
      return -Errno.EBUSY;
    }
    shape = next;
    String name = BRIDGE + devices++;
    Allocation a = Kmem.kzalloc("fuzzbus_device", name);
    if (a == null) {
      return -Errno.ENOMEM;
    }
    Device d = new Device(kernel, a, a, name);
    d.setBus(bus);
    d.setRelease(x -> Kmem.kfree(a, "fuzzbus_release"));
    int ret = d.add();
    if (ret != 0) {
      d.put();
      return ret;
    }
    device = d;
    return 0;
  }

  /** Removes the bridge device (its remove unregisters everything), if one is there. */
  public void unplug() {
    Device d = device;
    device = null;
    if (d != null) {
      d.unregister();
    }
  }

  /** The bound bridge, or null. */
  @Nullable Bridge bridge() {
    Device d = device;
    return d == null ? null : d.drvdata(Bridge.class);
  }

  /** The sensor of the bound bridge, or null. */
  @Nullable Sensor sensor() {
    Bridge b = bridge();
    return b == null ? null : b.sensor;
  }

  /** The sensor's node, or null when there is none (any more). */
  public @Nullable VideoDevice node() {
    Sensor s = sensor();
    return s == null ? null : s.sd.devnode();
  }

  private int probe(Device dev) {
    Allocation mem = Kmem.kzalloc("bridge_priv", dev.name());
    if (mem == null) {
      return -Errno.ENOMEM;
    }
    Bridge b = new Bridge(mem);
    dev.setDrvdata(b);
    int ret = b.v4l2.register(dev);
    if (ret != 0) {
      Kmem.kfree(mem);
      return ret;
    }
    b.v4l2.setRelease(v -> Kmem.kfree(mem, "bridge_release"));
    Allocation mm = Kmem.kzalloc("bridge_mdev", dev.name());
    if (mm == null) {
      removeBridge(b);
      return -Errno.ENOMEM;
    }
    MediaDevice m = new MediaDevice(kernel, mm);
    m.setDev(dev);
    m.setModel("fuzz bridge");
    m.setRelease(x -> Kmem.kfree(mm, "bridge_mdev_release"));
    m.init();
    b.mdev = m;
    b.v4l2.setMdev(m);
    ret = m.register(bridgeMod);
    if (ret == 0) {
      ret = addSensor(b);
    }
    if (ret != 0) {
      removeBridge(b);
    }
    return ret;
  }

  private int addSensor(Bridge b) {
    Sensor s = Sensor.make(shape.pads(), sensorMod);
    if (s == null) {
      return -Errno.ENOMEM;
    }
    b.sensor = s;
    int ret = shape.activeState() ? s.sd.initFinalize() : 0;
    if (ret == 0) {
      ret = b.v4l2.registerSubdev(s.sd);
    }
    if (ret == 0) {
      ret = shape.readOnly() ? b.v4l2.registerRoSubdevNodes() : b.v4l2.registerSubdevNodes();
    }
    return ret;
  }

  private static void removeBridge(Bridge b) {
    MediaDevice m = b.mdev;
    if (m != null) {
      m.unregister();
    }
    b.v4l2.unregister();
    Sensor s = b.sensor;
    b.sensor = null;
    if (s != null) {
      s.sd.put();
    }
    if (m != null) {
      m.put();
    }
    b.v4l2.put();
  }

  @Override
  public void close() {
    task.exit();
    unplug();
    bus.driverUnregister(driver);
    Workqueue.system().flush();
    int live = scope.liveCount();
    scope.close();
    List<Report> reports = scope.reports();
    if (!reports.isEmpty()) {
      StringBuilder sb = new StringBuilder(reports.size() + " sanitizer report(s):\n");
      for (Report r : reports) {
        sb.append(r.render()).append('\n');
      }
      throw new AssertionError(sb.toString());
    }
    if (live != 0) {
      throw new AssertionError(live + " allocation(s) alive after the rig was torn down");
    }
  }

  /**
   * A raw sensor sub-device in kzalloced driver memory: pads as asked (a single source pad, or a
   * sink and a source, or none), formats kept in the state the core passes, set_fmt adjusting the
   * request to two Bayer codes and even sizes up to {@value #MAX}, and a release that frees the
   * active state and the memory.
   */
  static final class Sensor implements V4l2SubdevInternalOps {
    static final int MAX = 4096;
    static final int[] CODES = {
      V4l2SubdevUapi.MEDIA_BUS_FMT_SRGGB10_1X10, V4l2SubdevUapi.MEDIA_BUS_FMT_SRGGB8_1X8
    };

    final Allocation mem;
    final V4l2Subdev sd;

    private Sensor(Allocation mem, int pads, Module owner) {
      this.mem = mem;
      this.sd = new V4l2Subdev(mem, "fuzz-sensor", MediaUapi.MEDIA_ENT_F_CAM_SENSOR, owner);
      sd.setInternalOps(this);
      sd.setFlags(V4l2Subdev.FL_HAS_DEVNODE);
      sd.setPadOps(new V4l2SubdevPadOps(this::getFmt, this::setFmt, this::enumMbusCode));
      if (pads == 1) {
        sd.entity().padsInit(MediaPad.source());
      } else if (pads >= 2) {
        sd.entity().padsInit(MediaPad.sink(), MediaPad.source());
      }
    }

    static @Nullable Sensor make(int pads, Module owner) {
      Allocation a = Kmem.kzalloc("sensor_priv", "fuzz-sensor");
      return a == null ? null : new Sensor(a, pads, owner);
    }

    @Override
    public int initState(V4l2Subdev s, V4l2SubdevState state) {
      for (int pad = 0; pad < s.entity().numPads(); pad++) {
        V4l2MbusFramefmt f = state.format(pad);
        if (f != null) {
          f.width = 640;
          f.height = 480;
          f.code = CODES[0];
        }
      }
      return 0;
    }

    @Override
    public void release(V4l2Subdev s) {
      s.cleanup();
      Kmem.kfree(mem, "sensor_release");
    }

    private int getFmt(V4l2Subdev s, @Nullable V4l2SubdevState state, V4l2SubdevFormat f) {
      mem.check("sensor get_fmt");
      V4l2MbusFramefmt cur = state == null ? null : state.format(f.pad);
      if (cur == null) {
        return -Errno.EINVAL;
      }
      f.format.set(cur);
      return 0;
    }

    private int setFmt(V4l2Subdev s, @Nullable V4l2SubdevState state, V4l2SubdevFormat f) {
      mem.check("sensor set_fmt");
      V4l2MbusFramefmt cur = state == null ? null : state.format(f.pad);
      if (cur == null) {
        return -Errno.EINVAL;
      }
      f.format.width = Math.min(Math.max(f.format.width & ~1, 2), MAX);
      f.format.height = Math.min(Math.max(f.format.height & ~1, 2), MAX);
      if (f.format.code != CODES[0] && f.format.code != CODES[1]) {
        f.format.code = CODES[0];
      }
      cur.set(f.format);
      return 0;
    }

    private int enumMbusCode(V4l2Subdev s, @Nullable V4l2SubdevState state,
        V4l2SubdevMbusCodeEnum c) {
      mem.check("sensor enum_mbus_code");
      if (c.index < 0 || c.index >= CODES.length) {
        return -Errno.EINVAL;
      }
      c.code = CODES[c.index];
      return 0;
    }
  }
}
