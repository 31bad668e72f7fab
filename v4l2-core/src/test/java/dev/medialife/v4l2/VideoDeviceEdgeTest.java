package dev.medialife.v4l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.DevT;
import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Task;
import dev.medialife.v4l2.vb2.Vb2Queue;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.V4l2Fmtdesc;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.Videodev2;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Edge cases: QUERYCAP sanity warnings and bus_info, a kernel whose major 81 is taken, and the
 * caveat of §6.2 — a driver that frees its memory at remove with video_device_release_empty
 * leaves open files pointing at freed memory, which KASAN reports.
 */
@Sanitized
@Timeout(60)
class VideoDeviceEdgeTest {
  private final V4l2Bed bed = new V4l2Bed();

  @Test
  @ExpectReports(ReportKind.WARNING)
  void querycapWarnsWhenTheDriverChangesDeviceCaps() {
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    p.vdev.setIoctlOps(
        new V4l2IoctlOps() {
          @Override
          public int querycap(File file, @Nullable V4l2Fh fh, V4l2Capability cap) {
            cap.deviceCaps = 0;
            cap.capabilities = 0;
            return 0;
          }
        });
    Task t = new Task(bed.kernel, "app");
    int fd = t.open(p.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    V4l2Capability cap = new V4l2Capability();
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, cap));
    assertEquals(Videodev2.V4L2_CAP_EXT_PIX_FORMAT, cap.deviceCaps);
    assertEquals(0, t.close(fd));
    d.unregister();
  }

  @Test
  void outputFormatIoctlsReachTheVidOutOpsOnAnM2mNodeOnly() {
    bed.dir = VideoDevice.VflDir.M2M;
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    Task t = new Task(bed.kernel, "app");
    int fd = t.open(p.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    V4l2Fmtdesc desc = new V4l2Fmtdesc();
    desc.type = Vb2Queue.TYPE_VIDEO_OUTPUT;
    // The bed's driver has no vid_out ops: the defaults answer, so dispatch reached them.
    assertEquals(-Errno.ENOTTY, t.ioctl(fd, Videodev2.VIDIOC_ENUM_FMT, desc));
    for (int cmd : new int[] {Videodev2.VIDIOC_G_FMT, Videodev2.VIDIOC_S_FMT,
        Videodev2.VIDIOC_TRY_FMT}) {
      V4l2Format f = new V4l2Format();
      f.type = Vb2Queue.TYPE_VIDEO_OUTPUT;
      assertEquals(-Errno.ENOTTY, t.ioctl(fd, cmd, f));
      f.type = 99;
      assertEquals(-Errno.EINVAL, t.ioctl(fd, cmd, f));
    }
    desc.type = 99;
    assertEquals(-Errno.EINVAL, t.ioctl(fd, Videodev2.VIDIOC_ENUM_FMT, desc));
    assertEquals(0, t.close(fd));
    d.unregister();
  }

  @Test
  void busInfoOfANodeWithoutParentOrBusAndLongNames() {
    Allocation a = Kmem.kzalloc("node", "n");
    assertNotNull(a);
    V4l2Device v4l2 = new V4l2Device(a);
    v4l2.setName("standalone");
    assertEquals(0, v4l2.register(null));
    VideoDevice vdev = new VideoDevice(bed.kernel, a);
    vdev.setV4l2Dev(v4l2);
    vdev.setDeviceCaps(V4l2Bed.CAPS);
    vdev.setRelease(VideoDevice::releaseEmpty);
    vdev.setIoctlOps(bed.ioctlOps);
    vdev.setFops(bed.fops);
    assertEquals(0, vdev.register(VideoDevice.VflType.VIDEO, -1, null));
    assertNull(vdev.devParent());
    Task t = new Task(bed.kernel, "app");
    int fd = t.open(vdev.path(), File.O_RDWR);
    V4l2Capability cap = new V4l2Capability();
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, cap));
    assertEquals("", cap.busInfo);
    assertEquals(0, t.close(fd));
    vdev.unregister();

    Device parent = new Device(bed.kernel, a, a, "a-parent-device-with-a-very-long-name-indeed");
    VideoDevice v2 = new VideoDevice(bed.kernel, a);
    v2.setV4l2Dev(v4l2);
    v2.setDevParent(parent);
    v2.setDeviceCaps(V4l2Bed.CAPS);
    v2.setRelease(VideoDevice::releaseEmpty);
    v2.setIoctlOps(bed.ioctlOps);
    assertEquals(0, v2.register(VideoDevice.VflType.VIDEO, -1, null));
    fd = t.open(v2.path(), File.O_RDWR);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, cap));
    assertEquals(31, cap.busInfo.length());
    assertEquals(0, t.close(fd));
    v2.unregister();
    assertNull(VideoSubsystem.of(bed.kernel).lookup(-1));
    assertNull(VideoSubsystem.of(bed.kernel).lookup(VideoSubsystem.VIDEO_NUM_DEVICES));
    v4l2.unregister();
    Kmem.kfree(a);
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void aTakenMajorFailsEveryRegistration() {
    Kernel k = new Kernel();
    assertEquals(0, k.registerChrdevRegion(DevT.mkdev(81, 0), 1, "squatter"));
    Allocation a = Kmem.kzalloc("node", "n");
    assertNotNull(a);
    V4l2Device v4l2 = new V4l2Device(a);
    v4l2.setName("n");
    assertEquals(0, v4l2.register(null));
    VideoDevice vdev = new VideoDevice(k, a);
    vdev.setV4l2Dev(v4l2);
    vdev.setDeviceCaps(V4l2Bed.CAPS);
    vdev.setRelease(VideoDevice::releaseEmpty);
    assertEquals(-Errno.EIO, vdev.register(VideoDevice.VflType.VIDEO, -1, null));
    assertFalse(vdev.isRegistered());
    Kmem.kfree(a);
  }

  @Test
  @ExpectReports(ReportKind.USE_AFTER_FREE)
  void releaseEmptyWithMemoryFreedAtRemoveIsAUseAfterFree() {
    bed.registerDriver();
    Device d = bed.addDevice("vdrv0");
    V4l2Bed.Priv p = V4l2Bed.priv(d);
    p.vdev.setRelease(VideoDevice::releaseEmpty);
    Task t = new Task(bed.kernel, "app");
    int fd = t.open(p.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    // The devm pattern: remove unregisters and frees at once, whatever files are open.
    p.vdev.unregister();
    p.v4l2.unregister();
    d.setDrvdata(null);
    Kmem.kfree(p.mem, "devm_kfree");
    assertEquals(-Errno.ENODEV, t.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, new V4l2Capability()));
    assertEquals(
        V4l2Fops.POLL_GONE,
        t.poll(
            fd,
            dev.medialife.driver.FileOperations.POLLIN | dev.medialife.driver.FileOperations.POLLPRI,
            0));
    assertEquals(-Errno.ENODEV, t.read(fd, new byte[1]));
    assertEquals(0, t.close(fd));
    d.unregister();
  }
}
