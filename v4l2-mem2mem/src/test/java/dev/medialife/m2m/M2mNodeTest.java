package dev.medialife.m2m;

import static dev.medialife.m2m.M2mBed.CAP;
import static dev.medialife.m2m.M2mBed.MMAP;
import static dev.medialife.m2m.M2mBed.OUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.BusType;
import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Module;
import dev.medialife.driver.PollTable;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.fault.FaultSweep;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaLink;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.v4l2.V4l2Device;
import dev.medialife.v4l2.V4l2Fh;
import dev.medialife.v4l2.V4l2FileOperations;
import dev.medialife.v4l2.V4l2IoctlOps;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A vim2m-like video node whose ioctls and poll are the m2m helpers, reached through the V4L2 core
 * dispatcher by a task; and the media-controller registration of m2m nodes.
 */
@Sanitized
@Timeout(60)
class M2mNodeTest {
  private final Kernel kernel = new Kernel();
  private final BusType bus = new BusType("m2mbus", (d, drv) -> false);
  private final Module module = new Module("vim2m_mod");
  private final M2mBed bed = new M2mBed();
  private final M2mBed.Node hw = bed.node("VIM2M", false);
  private final Mutex devMutex = new Mutex("vim2m.dev_mutex");
  private final AtomicReference<@Nullable File> lastFile = new AtomicReference<>();
  private final AtomicReference<M2mBed.@Nullable TCtx> lastCtx = new AtomicReference<>();
  private final Device parent;
  private final Allocation mem;
  private final V4l2Device v4l2;
  private final MediaDevice mdev;
  private final VideoDevice vdev;

  private final V4l2FileOperations fops =
      new V4l2FileOperations() {
        @Override
        public int open(File file) {
          int ret = V4l2Fh.open(file);
          if (ret != 0) {
            return ret;
          }
          V4l2Fh fh = file.privateData(V4l2Fh.class);
          assertNotNull(fh);
          M2mBed.TCtx c = bed.new TCtx("F" + fh.hashCode(), hw, devMutex).open();
          fh.setM2mCtx(c.m2m());
          lastFile.set(file);
          lastCtx.set(c);
          return 0;
        }

        @Override
        public int release(File file) {
          V4l2Fh fh = file.privateData(V4l2Fh.class);
          if (fh != null && fh.m2mCtx() instanceof V4l2M2mCtx c) {
            devMutex.lock();
            try {
              c.ctxRelease();
            } finally {
              devMutex.unlock();
            }
          }
          return V4l2Fh.release(file);
        }

        @Override
        public int poll(File file, PollTable table) {
          return V4l2M2mIoctls.fopPoll(file, table);
        }
      };

  /** The buffer ioctls straight from the framework, as vim2m's table points at them. */
  private final V4l2IoctlOps ioctls = new V4l2M2mIoctlOps() {};

  M2mNodeTest() {
    assertEquals(0, kernel.busRegister(bus));
    Allocation pa = Kmem.kzalloc("bus_device", "m2m0");
    assertNotNull(pa);
    parent = new Device(kernel, pa, pa, "m2m0");
    parent.setBus(bus);
    parent.setRelease(x -> Kmem.kfree(pa, "bus_release"));
    assertEquals(0, parent.add());
    Allocation m = Kmem.kzalloc("vim2m_dev", "vim2m");
    assertNotNull(m);
    mem = m;
    v4l2 = new V4l2Device(mem);
    assertEquals(0, v4l2.register(parent));
    v4l2.setRelease(x -> Kmem.kfree(mem, "vim2m_release"));
    Allocation mm = Kmem.kzalloc("vim2m_mdev", "vim2m");
    assertNotNull(mm);
    mdev = new MediaDevice(kernel, mm);
    mdev.setDev(parent);
    mdev.setModel("vim2m");
    mdev.setRelease(x -> Kmem.kfree(mm, "vim2m_mdev_release"));
    mdev.init();
    assertEquals(0, mdev.register(module));
    v4l2.setMdev(mdev);
    vdev = node("vim2m");
  }

  private VideoDevice node(String name) {
    VideoDevice v = new VideoDevice(kernel, mem);
    v.setName(name);
    v.setV4l2Dev(v4l2);
    v.setFops(fops);
    v.setIoctlOps(ioctls);
    v.setLock(devMutex);
    v.setDeviceCaps(Videodev2.V4L2_CAP_VIDEO_M2M | Videodev2.V4L2_CAP_STREAMING);
    v.setVflDir(VideoDevice.VflDir.M2M);
    v.setRelease(x -> {});
    assertEquals(0, v.register(VideoDevice.VflType.VIDEO, -1, module));
    return v;
  }

  @AfterEach
  void tearDown() {
    bed.dev.unregisterMediaController();
    vdev.unregister();
    mdev.unregister();
    v4l2.unregister();
    mdev.put();
    v4l2.put();
    bed.stop();
    assertTrue(bed.dev.put());
    parent.unregister();
  }

  private static V4l2Requestbuffers req(int type, int count) {
    V4l2Requestbuffers p = new V4l2Requestbuffers();
    p.type = type;
    p.memory = MMAP;
    p.count = count;
    return p;
  }

  private static V4l2Int type(int t) {
    V4l2Int i = new V4l2Int();
    i.value = t;
    return i;
  }

  @Test
  void theIoctlHelpersDriveTheSchedulerThroughTheCore() {
    Task t = new Task(kernel, "app");
    int fd = t.open(vdev.path(), File.O_RDWR | File.O_NONBLOCK);
    assertTrue(fd >= 0, "open: " + fd);
    assertNull(vdev.entity(), "the core made no MC objects for an M2M node");
    for (int ty : new int[] {OUT, CAP}) {
      V4l2Requestbuffers p = req(ty, 2);
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_REQBUFS, p));
      assertEquals(2, p.count);
    }
    V4l2Buffer qb = new V4l2Buffer(1, CAP, MMAP);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QUERYBUF, qb));
    assertTrue(qb.offset >= V4l2M2mCtx.DST_QUEUE_OFF_BASE);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_STREAMON, type(OUT)));
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_STREAMON, type(CAP)));
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QBUF, new V4l2Buffer(0, OUT, MMAP)));
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QBUF, new V4l2Buffer(0, CAP, MMAP)));
    assertEquals(1, bed.runs.size());
    V4l2Buffer early = new V4l2Buffer(0, CAP, MMAP);
    assertEquals(-Errno.EAGAIN, t.ioctl(fd, Videodev2.VIDIOC_DQBUF, early));
    hw.completeNext();
    bed.flushWork();
    File file = lastFile.get();
    assertNotNull(file);
    int mask = fops.poll(file, new PollTable());
    assertEquals(
        FileOperations.POLLIN | FileOperations.POLLRDNORM | FileOperations.POLLOUT
            | FileOperations.POLLWRNORM,
        mask);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_DQBUF, new V4l2Buffer(0, CAP, MMAP)));
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_DQBUF, new V4l2Buffer(0, OUT, MMAP)));
    V4l2Fh fh = file.privateData(V4l2Fh.class);
    devMutex.lock();
    try {
      assertEquals(0, V4l2M2mIoctls.codecCmd(file, fh, type(V4l2M2mCtx.CMD_STOP)));
      assertEquals(-Errno.EBUSY, V4l2M2mIoctls.codecCmd(file, fh, type(V4l2M2mCtx.CMD_START)));
      assertEquals(
          -Errno.EINVAL, V4l2M2mIoctls.statelessDecoderCmd(file, fh, type(V4l2M2mCtx.CMD_STOP)));
    } finally {
      devMutex.unlock();
    }
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_STREAMOFF, type(OUT)));
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_STREAMOFF, type(CAP)));
    M2mBed.TCtx c = lastCtx.get();
    assertNotNull(c);
    assertEquals(c.out.queuedTotal(), c.out.dequeuedTotal() + c.out.cancelledTotal());
    assertEquals(c.cap.queuedTotal(), c.cap.dequeuedTotal() + c.cap.cancelledTotal());
    assertEquals(0, t.close(fd));
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void aHandleWithoutAContextGetsEinval() {
    Task t = new Task(kernel, "app");
    int fd = t.open(vdev.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    File file = lastFile.get();
    assertNotNull(file);
    V4l2Fh fh = file.privateData(V4l2Fh.class);
    assertNotNull(fh);
    Object ctx = fh.m2mCtx();
    fh.setM2mCtx(null);
    V4l2Int ty = type(OUT);
    V4l2Buffer b = new V4l2Buffer(0, OUT, MMAP);
    List<Integer> results =
        List.of(
            V4l2M2mIoctls.reqbufs(file, fh, req(OUT, 1)),
            V4l2M2mIoctls.querybuf(file, fh, b),
            V4l2M2mIoctls.qbuf(file, fh, b),
            V4l2M2mIoctls.dqbuf(file, fh, b),
            V4l2M2mIoctls.streamon(file, fh, ty),
            V4l2M2mIoctls.streamoff(file, fh, ty),
            V4l2M2mIoctls.codecCmd(file, fh, ty),
            V4l2M2mIoctls.statelessDecoderCmd(file, fh, ty));
    for (int r : results) {
      assertEquals(-Errno.EINVAL, r);
    }
    assertEquals(FileOperations.POLLERR, V4l2M2mIoctls.fopPoll(file, new PollTable()));
    assertEquals(9, SanitizerScope.current().reports(ReportKind.WARNING).size());
    fh.setM2mCtx(ctx);
    assertEquals(0, t.close(fd));
  }

  @Test
  void mediaControllerObjectsOfAnM2mNode() {
    assertEquals(
        0,
        bed.dev.registerMediaController(vdev, MediaUapi.MEDIA_ENT_F_PROC_VIDEO_DECODER));
    V4l2M2mMc mc = bed.dev.mc();
    assertNotNull(mc);
    assertSame(vdev, mc.vdev());
    assertEquals("vim2m-source", mc.source().name());
    assertEquals("vim2m-proc", mc.proc().name());
    assertEquals("vim2m-sink", mc.sink().name());
    assertEquals(MediaUapi.MEDIA_ENT_F_IO_V4L, mc.source().function());
    assertEquals(MediaUapi.MEDIA_ENT_F_PROC_VIDEO_DECODER, mc.proc().function());
    assertEquals(2, mc.proc().numPads());
    assertEquals(vdev.minor(), mc.source().minor());
    int flags = MediaUapi.MEDIA_LNK_FL_IMMUTABLE | MediaUapi.MEDIA_LNK_FL_ENABLED;
    for (MediaEntity e : List.of(mc.source(), mc.proc(), mc.sink())) {
      assertTrue(mdev.entities().contains(e));
      for (MediaLink l : e.links()) {
        assertEquals(flags, l.flags() & flags);
      }
    }
    assertEquals(1, mc.source().numLinks());
    assertEquals(MediaUapi.MEDIA_INTF_T_V4L_VIDEO, mc.intf().intfType());
    assertEquals(2, mc.intf().links().size());
    bed.dev.unregisterMediaController();
    assertNull(bed.dev.mc());
    for (MediaEntity e : List.of(mc.source(), mc.proc(), mc.sink())) {
      assertTrue(!mdev.entities().contains(e));
    }
    assertTrue(!mdev.interfaces().contains(mc.intf()));
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void oneSetOfMcObjectsPerSchedulerAndOnlyAfterRegistration() {
    VideoDevice unregistered = new VideoDevice(kernel, mem);
    unregistered.setName("early");
    unregistered.setV4l2Dev(v4l2);
    assertEquals(-Errno.EINVAL, bed.dev.registerMediaController(unregistered, 0));
    VideoDevice noMdev = new VideoDevice(kernel, mem);
    assertEquals(0, bed.dev.registerMediaController(noMdev, 0), "no media device: nothing");
    assertNull(bed.dev.mc());
    assertEquals(
        0, bed.dev.registerMediaController(vdev, MediaUapi.MEDIA_ENT_F_PROC_VIDEO_DECODER));
    VideoDevice second = node("vim2m-g2");
    assertEquals(
        -Errno.EBUSY,
        bed.dev.registerMediaController(second, MediaUapi.MEDIA_ENT_F_PROC_VIDEO_DECODER));
    V4l2M2mMc mc = bed.dev.mc();
    assertNotNull(mc);
    assertSame(vdev, mc.vdev(), "nothing overwritten");
    assertEquals(2, SanitizerScope.current().reports(ReportKind.WARNING).size());
    bed.dev.unregisterMediaController();
    second.unregister();
  }

  @Test
  void faultSweepOverMcRegistration() {
    FaultSweep.Result r =
        FaultSweep.run(
            "v4l2_m2m_register_media_controller",
            () -> bed.dev.registerMediaController(vdev, MediaUapi.MEDIA_ENT_F_PROC_VIDEO_DECODER),
            x -> bed.dev.unregisterMediaController());
    assertEquals(0, r.baseline().result());
    assertTrue(r.baseline().reports().isEmpty());
    int injected = 0;
    for (FaultSweep.Step s : r.steps()) {
      if (s.point().isEmpty()) {
        // A hit the baseline made once only (a lazily grown id table): nothing failed here.
        assertTrue(s.result() == 0 && s.reports().isEmpty(), s.toString());
      } else {
        injected++;
        assertTrue(s.failedCleanly(), s.toString());
        assertEquals(-Errno.ENOMEM, s.result(), s.toString());
      }
    }
    assertTrue(injected >= 10, "every allocation was swept: " + r.points());
  }
}
