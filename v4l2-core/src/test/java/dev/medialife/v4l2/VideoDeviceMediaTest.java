package dev.medialife.v4l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.fault.FaultSweep;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaInterface;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Media-controller integration of video nodes (§6.2): a registered node's entity and interface
 * appear in the media device, linked, and are removed at the release; M2M nodes get none, radio
 * nodes only an interface. And fault injection over the whole of video_register_device.
 */
@Sanitized
@Timeout(60)
class VideoDeviceMediaTest {
  private final V4l2Bed bed = new V4l2Bed();

  private static MediaDevice mdev(V4l2Bed.Priv p) {
    MediaDevice m = p.mdev;
    assertNotNull(m);
    return m;
  }

  @Test
  void entityAndInterfaceAppearAndGoAtTheRelease() {
    bed.withMdev = true;
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    MediaDevice m = mdev(p);
    MediaEntity e = p.vdev.entity();
    MediaInterface intf = p.vdev.intfDevnode();
    assertNotNull(e);
    assertNotNull(intf);
    assertEquals("vdrv video", e.name());
    assertEquals(MediaUapi.MEDIA_ENT_F_IO_V4L, e.function());
    assertEquals(p.vdev.minor(), e.minor());
    assertEquals(81, e.major());
    assertTrue(m.entities().contains(e));
    assertTrue(m.interfaces().contains(intf));
    assertEquals(MediaUapi.MEDIA_INTF_T_V4L_VIDEO, intf.intfType());
    assertEquals(81, intf.major());
    assertEquals(p.vdev.minor(), intf.minor());
    assertEquals(1, intf.links().size());
    assertSame(e, intf.links().get(0).gobj1());

    // An open file keeps the node, and so its MC objects, past unregistration.
    Task t = new Task(bed.kernel, "app");
    int fd = t.open(p.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    p.vdev.unregister();
    assertSame(e, p.vdev.entity());
    assertTrue(m.entities().contains(e));
    assertEquals(0, t.close(fd));
    assertNull(p.vdev.entity());
    assertNull(p.vdev.intfDevnode());
    assertFalse(m.entities().contains(e));
    assertTrue(m.interfaces().isEmpty());
    assertTrue(m.links().isEmpty());
    d.unregister();
    assertEquals(1, bed.mdevReleases.get());
    assertEquals(1, bed.v4l2Releases.get());
  }

  @Test
  void m2mNodesGetNoMcObjectsAndRadioOnlyAnInterface() {
    bed.withMdev = true;
    bed.dir = VideoDevice.VflDir.M2M;
    bed.registerDriver();
    Device d0 = bed.addDevice("vdrv0");
    V4l2Bed.Priv p0 = V4l2Bed.priv(d0);
    assertEquals(VideoDevice.VflDir.M2M, p0.vdev.vflDir());
    assertNull(p0.vdev.entity());
    assertNull(p0.vdev.intfDevnode());
    assertTrue(mdev(p0).entities().isEmpty());
    bed.dir = VideoDevice.VflDir.RX;
    bed.type = VideoDevice.VflType.RADIO;
    Device d1 = bed.addDevice("vdrv1");
    V4l2Bed.Priv p1 = V4l2Bed.priv(d1);
    assertEquals("/dev/radio0", p1.path());
    assertNull(p1.vdev.entity());
    MediaInterface intf = p1.vdev.intfDevnode();
    assertNotNull(intf);
    assertEquals(MediaUapi.MEDIA_INTF_T_V4L_RADIO, intf.intfType());
    assertTrue(intf.links().isEmpty());
    bed.type = VideoDevice.VflType.VBI;
    Device d2 = bed.addDevice("vdrv2");
    MediaEntity vbi = V4l2Bed.priv(d2).vdev.entity();
    assertNotNull(vbi);
    assertEquals(MediaUapi.MEDIA_ENT_F_IO_VBI, vbi.function());
    d2.unregister();
    d1.unregister();
    d0.unregister();
    assertEquals(3, bed.mdevReleases.get());
    assertEquals(3, bed.v4l2Releases.get());
  }

  @Test
  void faultInjectionOverRegistration() {
    bed.withMdev = true;
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    MediaDevice m = mdev(p);
    List<VideoDevice> made = new ArrayList<>();
    AtomicInteger releases = new AtomicInteger();
    FaultSweep.Result r =
        FaultSweep.run(
            "video_register_device",
            () -> {
              Allocation a = Kmem.kzalloc("vdrv_node", "swept");
              if (a == null) {
                return -Errno.ENOMEM;
              }
              boolean[] released = new boolean[1];
              VideoDevice v = new VideoDevice(bed.kernel, a);
              v.setName("swept");
              v.setV4l2Dev(p.v4l2);
              v.setDeviceCaps(V4l2Bed.CAPS);
              v.setRelease(
                  x -> {
                    released[0] = true;
                    releases.incrementAndGet();
                    Kmem.kfree(a, "swept_release");
                  });
              int ret = v.register(VideoDevice.VflType.VIDEO, -1, bed.module);
              if (ret < 0) {
                if (!released[0]) {
                  Kmem.kfree(a);
                }
                return ret;
              }
              made.add(v);
              return 0;
            },
            ok -> made.remove(made.size() - 1).unregister());
    assertEquals(0, r.baseline().result(), r.baseline()::toString);
    assertTrue(r.baseline().reports().isEmpty());
    List<String> points = r.points();
    assertTrue(points.contains(Kmem.FAULT_POINT), points::toString);
    assertTrue(points.contains(dev.medialife.driver.Cdev.FAULT_ADD), points::toString);
    assertTrue(points.contains(Device.FAULT_ADD), points::toString);
    assertTrue(points.contains(MediaDevice.FAULT_ENTITY_IDX), points::toString);
    for (FaultSweep.Step s : r.steps()) {
      assertTrue(s.reports().isEmpty(), s::toString);
      boolean mc =
          s.nth() > 0
              && !s.point().equals(dev.medialife.driver.Cdev.FAULT_ADD)
              && !s.point().equals(Device.FAULT_ADD)
              && !(s.point().equals(Kmem.FAULT_POINT) && s.result() < 0);
      assertTrue(
          s.result() == -Errno.ENOMEM || (mc && s.result() == 0),
          () -> "a failure before the node is live is an error, an MC one is not: " + s);
    }
    assertTrue(made.isEmpty());
    assertEquals(Kmem.FAULT_POINT, points.get(0), "the node's own allocation");
    // The baseline and every run that reached device_register released through the callback;
    // the runs whose allocation or cdev_add failed never had a node to release.
    long noNode =
        r.steps().stream()
            .filter(
                s -> s.nth() == 1 || s.point().equals(dev.medialife.driver.Cdev.FAULT_ADD))
            .count();
    assertEquals(1 + r.steps().size() - noNode, releases.get(), points::toString);
    assertEquals(1, m.entities().size(), "only the driver's own node is left");
    assertEquals(1, m.interfaces().size());
    assertEquals(2, p.v4l2.refcount());
    assertFalse(VideoSubsystem.of(bed.kernel).numInUse(VideoDevice.VflType.VIDEO, 1));
    d.unregister();
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void padsSetBeforeRegistrationArriveOnTheEntityAndBadOnesOnlyCostTheEntity() {
    bed.withMdev = true;
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    MediaDevice m = mdev(p);
    List<VideoDevice> nodes = new ArrayList<>();
    for (MediaPad[] pads : List.of(new MediaPad[] {MediaPad.sink()},
        new MediaPad[] {new MediaPad(MediaUapi.MEDIA_PAD_FL_SINK | MediaUapi.MEDIA_PAD_FL_SOURCE)})) {
      Allocation a = Kmem.kzalloc("vdrv_node", "padded");
      assertNotNull(a);
      VideoDevice v = new VideoDevice(bed.kernel, a);
      v.setName("padded " + nodes.size());
      v.setV4l2Dev(p.v4l2);
      v.setDeviceCaps(V4l2Bed.CAPS);
      v.setRelease(x -> Kmem.kfree(a, "padded_release"));
      v.setEntityPads(pads);
      assertEquals(0, v.register(VideoDevice.VflType.VIDEO, -1, bed.module),
          "an MC failure is only logged, as video_register_media_controller's is");
      nodes.add(v);
    }
    MediaEntity e = nodes.get(0).entity();
    assertNotNull(e);
    assertEquals(1, e.numPads());
    assertTrue(e.pad(0).isSink());
    assertNull(nodes.get(1).entity(), "a pad that is both sink and source is refused");
    assertEquals(2, m.entities().size(), "the driver's node and the padded one");
    for (VideoDevice v : nodes) {
      v.unregister();
    }
    d.unregister();
  }
}
