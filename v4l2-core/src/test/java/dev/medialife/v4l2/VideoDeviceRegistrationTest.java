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
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.v4l2.uapi.V4l2Priority;
import dev.medialife.v4l2.uapi.Videodev2;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registration rules of §6.1 and §6.2: v4l2_device_register and its reference counting, the
 * checks of video_register_device, node names and numbers per type, minors and numbers reused
 * only after the release, and -ENFILE when the 256 minors are taken.
 */
@Sanitized
@Timeout(60)
class VideoDeviceRegistrationTest {
  private final V4l2Bed bed = new V4l2Bed();

  /** A v4l2_device and node in one allocation, outside any driver. */
  private final class Node {
    final Allocation mem;
    final V4l2Device v4l2;
    final VideoDevice vdev;
    final AtomicInteger released = new AtomicInteger();

    Node(String name) {
      Allocation a = Kmem.kzalloc("node", name);
      assertNotNull(a);
      mem = a;
      v4l2 = new V4l2Device(a);
      v4l2.setName(name);
      assertEquals(0, v4l2.register(null));
      vdev = new VideoDevice(bed.kernel, a);
      vdev.setV4l2Dev(v4l2);
      vdev.setDeviceCaps(V4l2Bed.CAPS);
      vdev.setRelease(v -> released.incrementAndGet());
    }

    void free() {
      v4l2.unregister();
      v4l2.put();
      Kmem.kfree(mem);
    }
  }

  @Test
  void v4l2DeviceRegisterTakesTheParentAndDefaultsNameAndDrvdata() {
    bed.registerDriver();
    Device parent = bed.addDevice("other0");
    assertNull(parent.driver());
    int refs = parent.refcount();
    Allocation a = Kmem.kzalloc("v4l2", "t");
    assertNotNull(a);
    V4l2Device v = new V4l2Device(a);
    assertEquals(0, v.register(parent));
    assertEquals(1, v.refcount());
    assertEquals(refs + 1, parent.refcount());
    assertEquals("other0", v.name(), "no driver bound: the device name alone");
    assertSame(v, parent.drvdata(V4l2Device.class));
    assertSame(parent, v.dev());
    AtomicInteger releases = new AtomicInteger();
    v.get();
    assertEquals(2, v.refcount());
    assertFalse(v.put());
    assertFalse(v.hasRelease());

    v.unregister();
    assertEquals("", v.name());
    assertNull(v.dev());
    assertNull(parent.drvdata(Object.class), "disconnect clears drvdata pointing here");
    assertEquals(refs, parent.refcount());
    v.unregister();
    assertEquals(refs, parent.refcount(), "a second unregister does nothing");
    assertEquals(1, v.refcount(), "unregister keeps the initial reference");
    v.setRelease(x -> releases.incrementAndGet());
    assertTrue(v.hasRelease());
    assertTrue(v.put());
    assertEquals(1, releases.get());
    Kmem.kfree(a);
    parent.unregister();
  }

  @Test
  void v4l2DeviceNameFromTheBoundDriverAndDrvdataKept() {
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    assertEquals("vdrv vdrv0", p.v4l2.name());
    assertSame(p, d.drvdata(V4l2Bed.Priv.class), "drvdata set by the driver is kept");
    assertEquals(2, p.v4l2.refcount(), "the initial reference and the node's");
    d.unregister();
    assertEquals(1, bed.v4l2Releases.get());
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void v4l2DeviceWithoutParentNeedsAName() {
    Allocation a = Kmem.kzalloc("v4l2", "t");
    assertNotNull(a);
    V4l2Device v = new V4l2Device(a);
    assertEquals(-Errno.EINVAL, v.register(null));
    v.setName("a-name-that-is-much-longer-than-thirty-five-characters");
    assertEquals(35, v.name().length());
    assertEquals(0, v.register(null));
    v.disconnect();
    Kmem.kfree(a);
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void registerRefusesMissingReleaseV4l2DevOrCaps() {
    Node n = new Node("n");
    n.vdev.setRelease(null);
    assertEquals(-Errno.EINVAL, n.vdev.register(VideoDevice.VflType.VIDEO, -1, null));
    assertEquals(-1, n.vdev.minor());
    n.vdev.setRelease(VideoDevice::releaseEmpty);
    n.vdev.setV4l2Dev(null);
    assertEquals(-Errno.EINVAL, n.vdev.register(VideoDevice.VflType.VIDEO, -1, null));
    n.vdev.setV4l2Dev(n.v4l2);
    n.vdev.setDeviceCaps(0);
    assertEquals(-Errno.EINVAL, n.vdev.register(VideoDevice.VflType.VIDEO, -1, null));
    assertFalse(n.vdev.isRegistered());
    assertEquals(1, n.v4l2.refcount(), "no reference taken");
    // A sub-device node needs no caps.
    assertEquals(0, n.vdev.register(VideoDevice.VflType.SUBDEV, -1, null));
    assertEquals("/dev/v4l-subdev0", n.vdev.path());
    assertEquals(-Errno.EINVAL, n.vdev.register(VideoDevice.VflType.SUBDEV, -1, null), "twice");
    n.vdev.unregister();
    n.vdev.unregister();
    n.free();
  }

  @Test
  void nodeNamesAndNumbersPerType() {
    List<Node> nodes = new ArrayList<>();
    VideoDevice.VflType[] types = {
      VideoDevice.VflType.VIDEO, VideoDevice.VflType.VBI, VideoDevice.VflType.RADIO,
      VideoDevice.VflType.SUBDEV, VideoDevice.VflType.VIDEO
    };
    String[] paths = {
      "/dev/video0", "/dev/vbi0", "/dev/radio0", "/dev/v4l-subdev0", "/dev/video1"
    };
    for (int i = 0; i < types.length; i++) {
      Node n = new Node("n" + i);
      assertEquals(0, n.vdev.register(types[i], -1, null));
      assertEquals(paths[i], n.vdev.path());
      assertEquals(i, n.vdev.minor(), "minors are the first free slots");
      assertEquals(types[i], n.vdev.vflType());
      assertTrue(bed.kernel.devfsLookup(paths[i]) >= 0);
      nodes.add(n);
    }
    Node asked = new Node("asked");
    assertEquals(0, asked.vdev.register(VideoDevice.VflType.VIDEO, 5, null));
    assertEquals("/dev/video5", asked.vdev.path());
    Node taken = new Node("taken");
    assertEquals(0, taken.vdev.register(VideoDevice.VflType.VIDEO, 5, null));
    assertEquals("/dev/video6", taken.vdev.path(), "a taken number gives the next free one");
    Node high = new Node("high");
    assertEquals(0, high.vdev.register(VideoDevice.VflType.VIDEO, 300, null));
    assertEquals("/dev/video2", high.vdev.path(), "beyond the range: the first free from 0");
    nodes.add(asked);
    nodes.add(taken);
    nodes.add(high);
    for (Node n : nodes) {
      n.vdev.unregister();
      assertEquals(1, n.released.get());
      assertEquals(-1, n.vdev.minor());
      assertEquals(-1, n.vdev.num());
      n.free();
    }
    assertTrue(bed.kernel.chrdevList().contains("81 video4linux"));
  }

  @Test
  void minorAndNumberReusedOnlyAfterTheRelease() {
    bed.registerDriver();
    Device d0 = bed.addDevice("vdrv0");
    V4l2Bed.Priv p0 = V4l2Bed.priv(d0);
    assertEquals("/dev/video0", p0.path());
    Task t = new Task(bed.kernel, "holder");
    int fd = t.open(p0.path(), File.O_RDWR);
    assertTrue(fd >= 0, "open: " + fd);
    VideoSubsystem s = VideoSubsystem.of(bed.kernel);
    assertSame(p0.vdev, s.lookup(0));

    d0.unregister();
    assertFalse(p0.vdev.isRegistered());
    assertEquals(-Errno.ENOENT, bed.kernel.devfsLookup("/dev/video0"));
    assertSame(p0.vdev, s.lookup(0), "the slot is held until the release");
    assertTrue(s.numInUse(VideoDevice.VflType.VIDEO, 0));

    Device d1 = bed.addDevice("vdrv1");
    V4l2Bed.Priv p1 = V4l2Bed.priv(d1);
    assertEquals(1, p1.vdev.minor());
    assertEquals("/dev/video1", p1.path());

    assertEquals(0, t.close(fd));
    assertNull(s.lookup(0));
    assertFalse(s.numInUse(VideoDevice.VflType.VIDEO, 0));
    Device d2 = bed.addDevice("vdrv2");
    V4l2Bed.Priv p2 = V4l2Bed.priv(d2);
    assertEquals(0, p2.vdev.minor());
    assertEquals("/dev/video0", p2.path());
    d2.unregister();
    d1.unregister();
    assertEquals(3, bed.v4l2Releases.get());
    assertEquals(0, bed.module.refcount());
  }

  @Test
  void theMinorsRunOutAt256() {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < VideoSubsystem.VIDEO_NUM_DEVICES; i++) {
      Node n = new Node("n" + i);
      assertEquals(
          0,
          n.vdev.register(
              i % 2 == 0 ? VideoDevice.VflType.VIDEO : VideoDevice.VflType.VBI, -1, null));
      nodes.add(n);
    }
    Node extra = new Node("extra");
    assertEquals(-Errno.ENFILE, extra.vdev.register(VideoDevice.VflType.RADIO, -1, null));
    assertEquals(-1, extra.vdev.minor());
    assertEquals(1, extra.v4l2.refcount());
    Node last = nodes.remove(nodes.size() - 1);
    last.vdev.unregister();
    last.free();
    assertEquals(0, extra.vdev.register(VideoDevice.VflType.RADIO, -1, null));
    assertEquals(VideoSubsystem.VIDEO_NUM_DEVICES - 1, extra.vdev.minor());
    nodes.add(extra);
    for (Node n : nodes) {
      n.vdev.unregister();
      n.free();
    }
  }

  @Test
  void allocAndReleaseHelpers() {
    VideoDevice v = VideoDevice.alloc(bed.kernel);
    assertNotNull(v);
    assertTrue(v.mem().isLive());
    VideoDevice.release(v);
    assertFalse(v.mem().isLive());
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void releaseOfAnEmbeddedDeviceWarns() {
    Node n = new Node("n");
    VideoDevice.release(n.vdev);
    assertTrue(n.mem.isLive());
    n.free();
  }

  @Test
  void priorities() {
    V4l2PrioState s = new V4l2PrioState();
    assertEquals(V4l2Priority.UNSET, s.max());
    V4l2Priority a = s.open(V4l2Priority.UNSET);
    assertEquals(V4l2Priority.DEFAULT, a);
    assertEquals(V4l2Priority.INTERACTIVE, s.max());
    V4l2Priority b = s.open(V4l2Priority.UNSET);
    b = s.change(b, V4l2Priority.RECORD);
    assertEquals(V4l2Priority.RECORD, s.max());
    assertEquals(-Errno.EBUSY, s.check(a));
    assertEquals(0, s.check(b));
    assertEquals(b, s.change(b, V4l2Priority.UNSET), "UNSET is refused");
    assertEquals(b, s.change(b, b));
    s.close(b);
    assertEquals(0, s.check(a));
    a = s.change(a, V4l2Priority.BACKGROUND);
    assertEquals(V4l2Priority.BACKGROUND, s.max());
    assertEquals(1, s.count(V4l2Priority.BACKGROUND));
    s.close(a);
    s.close(V4l2Priority.UNSET);
    assertEquals(V4l2Priority.UNSET, s.max());
    assertEquals(3, V4l2Priority.RECORD.value());
    s.init();
  }

  @Test
  void fileHandlesCountPrioritiesAndTheDefaultIoctlSeesThem() {
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    Task t = new Task(bed.kernel, "app");
    int fd1 = t.open(p.path(), File.O_RDWR);
    int fd2 = t.open(p.path(), File.O_RDWR);
    assertTrue(fd1 >= 0 && fd2 >= 0);
    assertEquals(2, p.vdev.fhCount());
    assertTrue(p.vdev.usesV4l2Fh());
    assertEquals(2, p.v4l2.prio().count(V4l2Priority.INTERACTIVE));
    assertEquals(0, t.ioctl(fd1, V4l2Bed.VIDIOC_PRIVATE, null));
    assertEquals(-Errno.ENOTTY, t.ioctl(fd1, Videodev2.VIDIOC_QUERYCAP + 1, null));
    assertEquals(-Errno.EFAULT, t.ioctl(fd1, Videodev2.VIDIOC_QUERYCAP, null));
    assertEquals(0, t.close(fd2));
    assertEquals(1, p.vdev.fhCount());
    assertEquals(1, p.v4l2.prio().count(V4l2Priority.INTERACTIVE));
    assertEquals(0, t.close(fd1));
    assertEquals(0, p.vdev.fhCount());
    d.unregister();
  }

  @Test
  void fileHandleUnitRules() {
    Node n = new Node("n");
    V4l2Fh fh = new V4l2Fh(n.mem);
    assertEquals(-Errno.EINVAL, fh.changePrio(V4l2Priority.RECORD), "not initialised");
    fh.del();
    fh.init(n.vdev);
    assertSame(n.vdev, fh.vdev());
    assertEquals(V4l2Priority.UNSET, fh.prio());
    fh.add();
    assertEquals(V4l2Priority.INTERACTIVE, fh.prio());
    V4l2Fh other = new V4l2Fh(n.mem);
    other.init(n.vdev);
    other.add();
    assertEquals(0, fh.changePrio(V4l2Priority.RECORD));
    assertEquals(-Errno.EBUSY, other.changePrio(V4l2Priority.RECORD));
    assertEquals(-Errno.EINVAL, other.changePrio(V4l2Priority.UNSET));
    other.del();
    other.exit();
    fh.del();
    fh.del();
    fh.exit();
    assertNull(fh.vdev());
    assertTrue(fh.mem().isLive());
    assertEquals(0, n.vdev.fhCount());
    n.vdev.setPrio(new V4l2PrioState());
    assertEquals(V4l2Priority.UNSET, n.vdev.prio().max());
    n.free();
  }
}
