package dev.medialife.v4l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.medialife.driver.BusType;
import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.File;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Module;
import dev.medialife.driver.PollTable;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.mc.MediaDevice;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2Fmtdesc;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.V4l2Input;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.V4l2Tuner;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Buffer;
import dev.medialife.v4l2.vb2.Vb2Ops;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A vivid-like capture driver on a bus ("vivbus"): probe kzallocs a private structure embedding a
 * v4l2_device, a video device, its lock and a vb2 queue (whose lock is the device lock), and, if
 * asked, a media device; the v4l2_device's release frees the structure. The "hardware" is a
 * thread that completes one active buffer per {@link Priv#frames(int)} permit, so tests decide
 * how many frames arrive. Remove is the USB disconnect pattern: mark disconnected, {@code
 * vb2_queue_error}, return the in-flight buffers as ERROR, {@code video_unregister_device}, then
 * unregister and put the v4l2_device; the memory goes at the last close.
 */
final class VividBed {
  static final String DRIVER = "vivid";
  static final int CAPS = Videodev2.V4L2_CAP_VIDEO_CAPTURE | Videodev2.V4L2_CAP_STREAMING;
  static final int CAP = Vb2Queue.TYPE_VIDEO_CAPTURE;
  static final int MMAP = Vb2Queue.MEMORY_MMAP;

  final Kernel kernel = new Kernel();
  final BusType bus = new BusType("vivbus", (dev, drv) -> dev.name().startsWith(drv.name()));
  final Module module = new Module("vivid_mod");

  /** Whether probe makes a media device. */
  boolean withMdev;

  /** The queue's memory types. */
  int ioModes = Vb2Queue.IO_MMAP;

  /** Whether the queue gets the device lock as its lock (else it has none). */
  boolean queueLock = true;

  final AtomicInteger v4l2Releases = new AtomicInteger();
  final AtomicInteger sFmtCalls = new AtomicInteger();
  final AtomicInteger sInputCalls = new AtomicInteger();
  final AtomicInteger gTunerCalls = new AtomicInteger();
  final AtomicInteger buffersGiven = new AtomicInteger();
  final AtomicInteger buffersDone = new AtomicInteger();
  final AtomicInteger buffersError = new AtomicInteger();

  final DeviceDriver driver =
      new DeviceDriver(
          DRIVER,
          module,
          false,
          new DeviceDriver.Ops() {
            @Override
            public int probe(Device dev) {
              return VividBed.this.probe(dev);
            }

            @Override
            public void remove(Device dev) {
              Priv p = dev.drvdata(Priv.class);
              if (p != null) {
                p.disconnect();
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
          // v4l2_fh_exit, reached from the release helper, gives the media source back.
          return Vb2Ioctls.fopRelease(file);
        }

        @Override
        public int poll(File file, PollTable table) {
          return Vb2Ioctls.fopPoll(file, table);
        }
      };

  final V4l2IoctlOps ioctlOps =
      new V4l2IoctlOps() {
        @Override
        public int querycap(File file, @Nullable V4l2Fh fh, V4l2Capability cap) {
          cap.driver = DRIVER;
          cap.card = "vivid card";
          return 0;
        }

        @Override
        public int enumFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Fmtdesc f) {
          if (f.index != 0) {
            return -Errno.EINVAL;
          }
          f.pixelformat = Videodev2.V4L2_PIX_FMT_YUYV;
          f.description = "YUYV 4:2:2";
          return 0;
        }

        @Override
        public int gFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Format f) {
          priv(file).fmt.type = f.type;
          f.copyFrom(priv(file).fmt);
          return 0;
        }

        @Override
        public int tryFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Format f) {
          f.width = Math.max(16, Math.min(1920, f.width));
          f.height = Math.max(16, Math.min(1080, f.height));
          f.pixelformat = Videodev2.V4L2_PIX_FMT_YUYV;
          f.bytesperline = f.width * 2;
          f.sizeimage = f.bytesperline * f.height;
          return 0;
        }

        @Override
        public int sFmtVidCap(File file, @Nullable V4l2Fh fh, V4l2Format f) {
          sFmtCalls.incrementAndGet();
          Priv p = priv(file);
          if (p.queue.numBuffers() != 0) {
            return -Errno.EBUSY;
          }
          tryFmtVidCap(file, fh, f);
          p.fmt.copyFrom(f);
          return 0;
        }

        @Override
        public int reqbufs(File file, @Nullable V4l2Fh fh, V4l2Requestbuffers r) {
          return Vb2Ioctls.reqbufs(file, fh, r);
        }

        @Override
        public int querybuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
          return Vb2Ioctls.querybuf(file, fh, b);
        }

        @Override
        public int qbuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
          return Vb2Ioctls.qbuf(file, fh, b);
        }

        @Override
        public int dqbuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
          return Vb2Ioctls.dqbuf(file, fh, b);
        }

        @Override
        public int streamon(File file, @Nullable V4l2Fh fh, V4l2Int type) {
          return Vb2Ioctls.streamon(file, fh, type);
        }

        @Override
        public int streamoff(File file, @Nullable V4l2Fh fh, V4l2Int type) {
          return Vb2Ioctls.streamoff(file, fh, type);
        }

        @Override
        public int enumInput(File file, @Nullable V4l2Fh fh, V4l2Input inp) {
          if (inp.index == 0) {
            inp.name = "Webcam";
            inp.type = Videodev2.V4L2_INPUT_TYPE_CAMERA;
            return 0;
          }
          if (inp.index == 1) {
            inp.name = "TV";
            inp.type = Videodev2.V4L2_INPUT_TYPE_TUNER;
            return 0;
          }
          return -Errno.EINVAL;
        }

        @Override
        public int gInput(File file, @Nullable V4l2Fh fh, V4l2Int i) {
          i.value = priv(file).input;
          return 0;
        }

        @Override
        public int sInput(File file, @Nullable V4l2Fh fh, V4l2Int i) {
          sInputCalls.incrementAndGet();
          if (i.value < 0 || i.value > 1) {
            return -Errno.EINVAL;
          }
          priv(file).input = i.value;
          return 0;
        }

        @Override
        public int gTuner(File file, @Nullable V4l2Fh fh, V4l2Tuner t) {
          // As au0828_v4l2_g_tuner: the source first, then the tuner.
          int ret = V4l2Mc.enableMediaSource(VideoDevice.devdata(file));
          if (ret != 0) {
            return ret;
          }
          gTunerCalls.incrementAndGet();
          if (t.index != 0) {
            return -Errno.EINVAL;
          }
          t.name = "vivid tuner";
          t.type = Videodev2.V4L2_TUNER_ANALOG_TV;
          t.signal = 0xffff;
          return 0;
        }
      };

  private final Map<VideoDevice, Priv> privs = new ConcurrentHashMap<>();

  private Priv priv(File file) {
    Priv p = privs.get(VideoDevice.devdata(file));
    assertNotNull(p);
    return p;
  }

  /** The driver's private structure. */
  final class Priv {
    final Allocation mem;
    final V4l2Device v4l2;
    final VideoDevice vdev;
    final Mutex lock = new Mutex("vivid.lock");
    final Vb2Queue queue;
    final V4l2Format fmt = new V4l2Format();
    final Semaphore frames = new Semaphore(0);
    final ArrayDeque<Vb2Buffer> active = new ArrayDeque<>();
    volatile int input;
    volatile boolean disconnected;
    boolean running;
    @Nullable Thread hw;
    @Nullable MediaDevice mdev;

    Priv(Allocation mem) {
      this.mem = mem;
      this.v4l2 = new V4l2Device(mem);
      this.vdev = new VideoDevice(kernel, mem);
      this.queue = new Vb2Queue(CAP, ioModes, new HwOps(), queueLock ? lock : null, 1);
      fmt.width = 640;
      fmt.height = 480;
      fmt.pixelformat = Videodev2.V4L2_PIX_FMT_YUYV;
      fmt.bytesperline = 1280;
      fmt.sizeimage = 1280 * 480;
    }

    /** Lets the hardware complete {@code n} more frames. */
    void frames(int n) {
      frames.release(n);
    }

    private void hardware() {
      int seq = 0;
      try {
        for (; ; ) {
          frames.acquire();
          synchronized (active) {
            while (running && active.isEmpty()) {
              active.wait();
            }
            if (!running) {
              return;
            }
            Vb2Buffer vb = active.poll();
            vb.setSequence(seq++);
            vb.setBytesused(fmt.sizeimage);
            buffersDone.incrementAndGet();
            vb.bufferDone(Vb2Buffer.State.DONE);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Stops the hardware and returns every active buffer with {@code state}. */
    private void stopHardware(Vb2Buffer.State state) {
      Thread t;
      synchronized (active) {
        running = false;
        active.notifyAll();
        for (Vb2Buffer vb; (vb = active.poll()) != null; ) {
          buffersError.incrementAndGet();
          vb.bufferDone(state);
        }
        t = hw;
        hw = null;
      }
      if (t != null) {
        t.interrupt();
        Sync.join(t);
      }
    }

    final class HwOps implements Vb2Ops {
      @Override
      public int queueSetup(Vb2Queue q, int count) {
        return disconnected ? -Errno.ENODEV : count;
      }

      @Override
      public void bufQueue(Vb2Buffer vb) {
        buffersGiven.incrementAndGet();
        synchronized (active) {
          if (disconnected) {
            buffersError.incrementAndGet();
            vb.bufferDone(Vb2Buffer.State.ERROR);
            return;
          }
          active.add(vb);
          active.notifyAll();
        }
      }

      @Override
      public int startStreaming(Vb2Queue q, int count) {
        synchronized (active) {
          running = true;
          Thread t = new Thread(Priv.this::hardware, "vivid-hw");
          t.setDaemon(true);
          hw = t;
          t.start();
        }
        return 0;
      }

      @Override
      public void stopStreaming(Vb2Queue q) {
        stopHardware(Vb2Buffer.State.ERROR);
      }
    }

    /** The USB disconnect pattern (uvc, au0828). */
    void disconnect() {
      disconnected = true;
      queue.queueError();
      stopHardware(Vb2Buffer.State.ERROR);
      vdev.unregister();
      MediaDevice m = mdev;
      if (m != null) {
        m.unregister();
      }
      v4l2.disconnect();
      v4l2.unregister();
      if (m != null) {
        m.put();
      }
      v4l2.put();
    }

    String path() {
      return vdev.path();
    }
  }

  VividBed() {
    assertEquals(0, kernel.busRegister(bus));
    assertEquals(0, bus.driverRegister(driver));
  }

  private int probe(Device dev) {
    Allocation mem = Kmem.kzalloc("vivid_dev", dev.name());
    if (mem == null) {
      return -Errno.ENOMEM;
    }
    Priv p = new Priv(mem);
    dev.setDrvdata(p);
    privs.put(p.vdev, p);
    int ret = p.v4l2.register(dev);
    if (ret != 0) {
      Kmem.kfree(mem);
      return ret;
    }
    p.v4l2.setRelease(
        v -> {
          v4l2Releases.incrementAndGet();
          Kmem.kfree(mem, "vivid_release");
        });
    if (withMdev) {
      Allocation mm = Kmem.kzalloc("vivid_mdev", dev.name());
      assertNotNull(mm);
      MediaDevice m = new MediaDevice(kernel, mm);
      m.setDev(dev);
      m.setModel("vivid model");
      m.setRelease(x -> Kmem.kfree(mm, "vivid_mdev_release"));
      m.init();
      assertEquals(0, m.register(module));
      p.mdev = m;
      p.v4l2.setMdev(m);
    }
    VideoDevice v = p.vdev;
    v.setName("vivid capture");
    v.setV4l2Dev(p.v4l2);
    v.setFops(fops);
    v.setIoctlOps(ioctlOps);
    v.setLock(p.lock);
    v.setQueue(p.queue);
    v.setDeviceCaps(CAPS);
    v.setRelease(VideoDevice::releaseEmpty);
    return v.register(VideoDevice.VflType.VIDEO, -1, module);
  }

  /** Adds a device, bound at once. */
  Device addDevice(String name) {
    Allocation a = Kmem.kzalloc("vivbus_device", name);
    assertNotNull(a);
    Device d = new Device(kernel, a, a, name);
    d.setBus(bus);
    d.setRelease(x -> Kmem.kfree(a, "vivbus_release"));
    assertEquals(0, d.add());
    return d;
  }

  static Priv priv(Device dev) {
    Priv p = dev.drvdata(Priv.class);
    assertNotNull(p, "device " + dev.name() + " is not bound");
    return p;
  }
}
