package dev.medialife.v4l2;

import static dev.medialife.v4l2.VividBed.CAP;
import static dev.medialife.v4l2.VividCaptureTest.req;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The vb2 helpers' edges: the buffer capabilities, a queue without a lock, a node without one. */
@Sanitized
@Timeout(60)
class Vb2IoctlsEdgeTest {
  @Test
  void capabilitiesFollowTheIoModesAndReleaseFallsBackToTheDeviceLock() {
    VividBed bed = new VividBed();
    bed.ioModes = Vb2Queue.IO_MMAP | Vb2Queue.IO_USERPTR | Vb2Queue.IO_DMABUF;
    bed.queueLock = false;
    Device d = bed.addDevice("vivid0");
    VividBed.Priv p = VividBed.priv(d);
    assertNull(p.queue.lock());
    Task t = new Task(bed.kernel, "capture");
    int fd = t.open(p.path(), File.O_RDWR);
    V4l2Requestbuffers r = req(2, CAP, Vb2Queue.MEMORY_DMABUF);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_REQBUFS, r));
    assertEquals(2, r.count);
    assertEquals(
        Videodev2.V4L2_BUF_CAP_SUPPORTS_MMAP
            | Videodev2.V4L2_BUF_CAP_SUPPORTS_USERPTR
            | Videodev2.V4L2_BUF_CAP_SUPPORTS_DMABUF,
        r.capabilities);
    assertEquals(
        0,
        t.ioctl(
            fd,
            Videodev2.VIDIOC_QBUF,
            new V4l2Buffer(0, CAP, Vb2Queue.MEMORY_DMABUF)));
    // The release of the owner takes the device lock, which a queue without a lock falls back to.
    assertEquals(0, t.close(fd));
    assertEquals(0, p.queue.numBuffers());
    assertEquals(p.queue.queuedTotal(), p.queue.cancelledTotal());
    d.unregister();
    assertEquals(1, bed.v4l2Releases.get());
  }

  @Test
  void aNodeWithoutAQueueIsADriverBug() {
    V4l2Bed old = new V4l2Bed();
    old.registerDriver();
    Device d = old.addDevice("vdrv0");
    Task t = new Task(old.kernel, "probe");
    VideoDevice v = V4l2Bed.priv(d).vdev;
    V4l2IoctlOps vb2Ops =
        new V4l2IoctlOps() {
          @Override
          public int reqbufs(
              File file, @org.jspecify.annotations.Nullable V4l2Fh fh, V4l2Requestbuffers p) {
            return Vb2Ioctls.reqbufs(file, fh, p);
          }
        };
    v.setIoctlOps(vb2Ops);
    int fd = t.open(v.path(), File.O_RDWR);
    assertThrows(
        IllegalStateException.class,
        () -> t.ioctl(fd, Videodev2.VIDIOC_REQBUFS, req(1, CAP, Vb2Queue.MEMORY_MMAP)));
    assertSame(null, v.queue());
    // No queue, no owner: the vb2 release is a plain v4l2_fh release.
    v.setFops(
        new V4l2FileOperations() {
          @Override
          public int release(File file) {
            return Vb2Ioctls.fopRelease(file);
          }
        });
    assertEquals(0, t.close(fd));
    d.unregister();
  }
}
