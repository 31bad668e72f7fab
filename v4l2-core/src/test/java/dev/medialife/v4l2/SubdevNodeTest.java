package dev.medialife.v4l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.Module;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.fault.FaultSweep;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaInterface;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sub-device nodes: {@code /dev/v4l-subdevN} with an interface link to the entity; open takes a
 * sub-device reference with try-get and a reference on the media device driver's module, close
 * gives both back; an open file keeps the sub-device past unregistration and the release runs at
 * the last close; fault injection over registration leaves nothing behind.
 */
@Sanitized
@Timeout(60)
class SubdevNodeTest {
  private final V4l2Bed bed = new V4l2Bed();
  private final Module sensorMod = new Module("sensor_mod");

  private V4l2Bed.Priv bind() {
    bed.withMdev = true;
    bed.registerDriver();
    return V4l2Bed.priv(bed.addDevice("vdrv0"));
  }

  private static MediaDevice mdev(V4l2Bed.Priv p) {
    MediaDevice m = p.mdev;
    assertNotNull(m);
    return m;
  }

  private static void unbind(V4l2Bed.Priv p) {
    Device d = p.vdev.device().parent();
    assertNotNull(d);
    d.unregister();
  }

  @Test
  void openAndCloseTakeAndGiveReferences() {
    V4l2Bed.Priv p = bind();
    MediaDevice m = mdev(p);
    SubdevBed s = SubdevBed.make("sensor", sensorMod).withNode();
    SubdevBed plain = SubdevBed.make("plain", sensorMod);
    assertEquals(0, p.v4l2.registerSubdev(s.sd));
    assertEquals(0, p.v4l2.registerSubdev(plain.sd));
    assertEquals(0, p.v4l2.registerSubdevNodes());
    VideoDevice node = s.sd.devnode();
    assertNotNull(node);
    assertNull(plain.sd.devnode(), "no HAS_DEVNODE, no node");
    assertEquals("/dev/v4l-subdev0", node.path());
    assertEquals(VideoDevice.VflType.SUBDEV, node.vflType());
    assertEquals(0, p.v4l2.registerSubdevNodes(), "a second call makes nothing");
    assertSame(node, s.sd.devnode());
    MediaInterface intf = node.intfDevnode();
    assertNotNull(intf);
    assertEquals(MediaUapi.MEDIA_INTF_T_V4L_SUBDEV, intf.intfType());
    assertEquals(1, intf.links().size());
    assertSame(s.sd.entity(), intf.links().get(0).gobj1());
    assertEquals(3, s.sd.refcount(), "driver, registration, node");

    int bridge = bed.module.refcount();
    Task t = new Task(bed.kernel, "app");
    int fd = t.open(node.path(), File.O_RDWR);
    assertTrue(fd >= 0, () -> "open: " + fd);
    assertEquals(4, s.sd.refcount());
    assertEquals(1, s.opens.get());
    assertEquals(bridge + 1, bed.module.refcount(), "the media device driver's module");
    assertEquals(1, node.fhCount());
    assertEquals(-Errno.ENOTTY, t.ioctl(fd, V4l2Bed.VIDIOC_PRIVATE, null));
    int fd2 = t.open(node.path(), File.O_RDWR);
    assertTrue(fd2 >= 0);
    assertEquals(5, s.sd.refcount());
    assertEquals(0, t.close(fd2));
    assertEquals(0, t.close(fd));
    assertEquals(3, s.sd.refcount());
    assertEquals(2, s.closes.get());
    assertEquals(bridge, bed.module.refcount());
    assertEquals(0, node.fhCount());

    // A failing internal open undoes everything.
    s.openResult = -Errno.EIO;
    assertEquals(-Errno.EIO, t.open(node.path(), File.O_RDWR));
    assertEquals(3, s.sd.refcount());
    assertEquals(bridge, bed.module.refcount());
    assertEquals(0, node.fhCount());
    s.openResult = 0;

    unbind(p);
    assertEquals(1, s.unregistered.get());
    assertEquals(1, s.sd.refcount(), "only the driver's: the node was released");
    assertNull(s.sd.devnode());
    assertFalse(m.interfaces().contains(intf));
    s.sd.put();
    plain.sd.put();
    assertEquals(1, s.releases.get());
    assertEquals(1, plain.releases.get());
    assertEquals(0, sensorMod.refcount());
  }

  @Test
  void mediaDriverModuleGoingGivesEbusy() {
    V4l2Bed.Priv p = bind();
    SubdevBed s = SubdevBed.make("sensor", sensorMod).withNode();
    assertEquals(0, p.v4l2.registerSubdev(s.sd));
    assertEquals(0, p.v4l2.registerSubdevNodes());
    VideoDevice node = s.sd.devnode();
    assertNotNull(node);
    Device d = p.vdev.device().parent();
    assertNotNull(d);
    Task t = new Task(bed.kernel, "app");
    AtomicInteger result = new AtomicInteger(1);
    // Exits run newest first: this one runs while the module is GOING and the driver still bound.
    bed.module.onExit(() -> result.set(t.open(node.path(), File.O_RDWR)));
    assertEquals(0, bed.module.unload(), "nothing holds the bridge module");
    assertEquals(-Errno.EBUSY, result.get());
    assertEquals(0, s.opens.get());
    assertEquals(1, s.sd.refcount(), "the module's exit unbound the bridge: only the driver's");
    s.sd.put();
    d.unregister();
    assertEquals(1, s.releases.get());
  }

  /** An open file keeps the sub-device, and its release waits for the last close. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void openFileKeepsTheSubdevPastUnregister(boolean lifetime) {
    PatchSwitch.MEDIA_LIFETIME.set(lifetime);
    V4l2Bed.Priv p = bind();
    MediaDevice m = mdev(p);
    SubdevBed s = SubdevBed.make("sensor", sensorMod).withNode();
    assertEquals(0, p.v4l2.registerSubdev(s.sd));
    assertEquals(0, p.v4l2.registerSubdevNodes());
    VideoDevice node = s.sd.devnode();
    assertNotNull(node);
    String path = node.path();
    MediaEntity e = s.sd.entity();
    Task t = new Task(bed.kernel, "app");
    int fd = t.open(path, File.O_RDWR);
    assertTrue(fd >= 0);
    // A second open parked between v4l2_open's checks while the sub-device goes.
    CountDownLatch parked = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    RaceWindow.arm(
        VideoDevice.WINDOW_OPEN,
        () -> {
          parked.countDown();
          Sync.await(go, "the test to release the open");
        });
    AtomicInteger late = new AtomicInteger(1);
    Task t2 = new Task(bed.kernel, "late");
    Thread opener = Sync.start("open", () -> late.set(t2.open(path, File.O_RDWR)));
    Sync.await(parked, "open to pass the first check");

    V4l2Device.unregisterSubdev(s.sd);
    s.sd.put();
    go.countDown();
    Sync.join(opener);
    assertEquals(-Errno.ENODEV, late.get(), "open after unregister");
    assertEquals(-Errno.ENOENT, t.open(path, File.O_RDWR), "the node is gone");
    assertEquals(0, s.releases.get(), "the open file holds the sub-device");
    assertEquals(2, e.refcount(), "the file's and the node's");
    assertEquals(1, s.opens.get());
    assertEquals(0, sensorMod.refcount() - 1, "the open file pins the sub-device's module");
    if (!lifetime) {
      assertFalse(m.entities().contains(e));
    } else {
      assertTrue(m.entities().contains(e), "with the lifetime rules: until the last reference");
    }
    assertEquals(0, t.close(fd));
    assertEquals(1, s.closes.get());
    assertEquals(1, s.releases.get(), "the release at the last close");
    assertFalse(m.entities().contains(e));
    assertEquals(0, sensorMod.refcount());
    unbind(p);
  }

  @Test
  void v4l2DeviceUnregisterUnregistersEverySubdev() {
    V4l2Bed.Priv p = bind();
    List<SubdevBed> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SubdevBed s = SubdevBed.make("sd" + i, sensorMod).withNode();
      assertEquals(0, p.v4l2.registerSubdev(s.sd));
      all.add(s);
    }
    assertEquals(0, p.v4l2.registerSubdevNodes());
    assertEquals(3, sensorMod.refcount());
    Task t = new Task(bed.kernel, "app");
    VideoDevice n1 = all.get(1).sd.devnode();
    assertNotNull(n1);
    int fd = t.open(n1.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    unbind(p);
    assertTrue(p.v4l2.subdevs().isEmpty());
    for (SubdevBed s : all) {
      assertEquals(1, s.unregistered.get());
      assertNull(s.sd.v4l2Dev());
      s.sd.put();
    }
    assertEquals(1, all.get(0).releases.get());
    assertEquals(0, all.get(1).releases.get());
    assertEquals(1, all.get(2).releases.get());
    assertEquals(1, sensorMod.refcount(), "the open node's cdev");
    assertEquals(0, t.close(fd));
    assertEquals(1, all.get(1).releases.get());
    assertEquals(0, sensorMod.refcount());
    assertEquals(1, bed.mdevReleases.get(), "the media device outlived nothing");
    assertEquals(1, bed.v4l2Releases.get());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void faultInjectionOverRegistrationLeavesNothing(boolean lifetime) {
    PatchSwitch.MEDIA_LIFETIME.set(lifetime);
    V4l2Bed.Priv p = bind();
    MediaDevice m = mdev(p);
    int entities = m.entities().size();
    int interfaces = m.interfaces().size();
    int links = m.links().size();
    List<SubdevBed> made = new ArrayList<>();
    FaultSweep.Result r =
        FaultSweep.run(
            "v4l2_device_register_subdev",
            () -> {
              SubdevBed s = SubdevBed.tryMake("swept", sensorMod);
              if (s == null) {
                return -Errno.ENOMEM;
              }
              s.withNode();
              int ret = p.v4l2.registerSubdev(s.sd);
              if (ret == 0) {
                ret = p.v4l2.registerSubdevNodes();
                if (ret < 0) {
                  V4l2Device.unregisterSubdev(s.sd);
                }
              }
              if (ret < 0) {
                s.sd.put();
                return ret;
              }
              made.add(s);
              return 0;
            },
            ok -> {
              SubdevBed s = made.remove(made.size() - 1);
              V4l2Device.unregisterSubdev(s.sd);
              s.sd.put();
            });
    assertEquals(0, r.baseline().result(), r.baseline()::toString);
    assertTrue(r.baseline().reports().isEmpty());
    assertTrue(r.points().contains(MediaDevice.FAULT_ENTITY_IDX), r.points()::toString);
    assertTrue(r.points().contains(Device.FAULT_ADD), r.points()::toString);
    assertTrue(r.steps().size() > 3);
    for (FaultSweep.Step s : r.steps()) {
      assertTrue(s.reports().isEmpty(), s::toString);
      assertTrue(s.result() == 0 || s.result() == -Errno.ENOMEM, s::toString);
    }
    assertTrue(made.isEmpty());
    assertEquals(entities, m.entities().size());
    assertEquals(interfaces, m.interfaces().size());
    assertEquals(links, m.links().size());
    assertTrue(p.v4l2.subdevs().isEmpty());
    assertEquals(0, sensorMod.refcount());
    assertFalse(VideoSubsystem.of(bed.kernel).numInUse(VideoDevice.VflType.SUBDEV, 0));
    unbind(p);
  }

  @Test
  void defaultInternalOpsDoNothing() {
    V4l2Bed.Priv p = bind();
    Allocation a = Kmem.kzalloc("plain_subdev", "plain");
    assertNotNull(a);
    V4l2Subdev sd = new V4l2Subdev(a, "plain", MediaUapi.MEDIA_ENT_F_ATV_DECODER, null);
    sd.setFlags(V4l2Subdev.FL_HAS_DEVNODE);
    assertEquals(0, p.v4l2.registerSubdev(sd));
    assertEquals(0, p.v4l2.registerSubdevNodes());
    VideoDevice node = sd.devnode();
    assertNotNull(node);
    Task t = new Task(bed.kernel, "app");
    int fd = t.open(node.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    assertEquals(0, t.close(fd));
    V4l2Device.unregisterSubdev(sd);
    assertTrue(sd.put(), "the default release does nothing; the driver frees");
    Kmem.kfree(a);
    unbind(p);
  }
}
