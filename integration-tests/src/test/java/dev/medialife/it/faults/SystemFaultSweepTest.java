package dev.medialife.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.cli.Board;
import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.drivers.au0828.Au0828Dev;
import dev.medialife.drivers.hantro.HantroCodec;
import dev.medialife.drivers.hantro.HantroDev;
import dev.medialife.drivers.usbaudio.SndPcm;
import dev.medialife.drivers.usbaudio.SndPcmHwParams;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.it.Decoding;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.fault.FaultSweep;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaDevnode;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.mc.uapi.MediaV2Entity;
import dev.medialife.mc.uapi.MediaV2Interface;
import dev.medialife.mc.uapi.MediaV2Link;
import dev.medialife.mc.uapi.MediaV2Pad;
import dev.medialife.mc.uapi.MediaV2Topology;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.Locale;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12, item 2: the probe, remove, open and streaming-start paths of both sample driver sets
 * and the allocator, each swept with every fault point it reaches failed once, on a booted board.
 * The baseline must succeed; every failed run must return a negative errno with no sanitizer
 * report and no leak in its scope, except where the kernel itself absorbs the failure (the USB
 * core leaves an interface whose probe failed unbound; REQBUFS succeeds with the buffers it could
 * allocate), which must still leave no report and no leak; and the board must work afterwards.
 * Each sweep logs its number of fault points.
 */
@Sanitized
@Timeout(300)
class SystemFaultSweepTest {
  private static final Logger LOG = LoggerFactory.getLogger(SystemFaultSweepTest.class);
  private static final int OUT = Vb2Queue.TYPE_VIDEO_OUTPUT;
  private static final int CAP = Vb2Queue.TYPE_VIDEO_CAPTURE;
  private static final int MMAP = Vb2Queue.MEMORY_MMAP;

  /** A syscall sequence: the first error ends it, and whatever it opened is closed. */
  private static IntSupplier syscalls(Board board, ToIntFunction<Task> body) {
    return () -> {
      Task t = new Task(board.kernel(), "sweep");
      int ret = body.applyAsInt(t);
      t.exit();
      return ret;
    };
  }

  /** Checks a sweep and returns its number of fault points. */
  private static int check(FaultSweep.Result r, boolean probeMayAbsorb) {
    assertTrue(r.baseline().result() >= 0, "baseline: " + r.baseline());
    assertTrue(r.baseline().reports().isEmpty(), r.baseline().reports().toString());
    for (FaultSweep.Step s : r.steps()) {
      assertTrue(s.reports().isEmpty(), s + ": " + s.reports());
      assertTrue(s.failedCleanly() || (probeMayAbsorb && s.result() >= 0),
          s + " must fail with an errno");
      if (s.result() < 0) {
        assertTrue(!Errno.name(s.result()).startsWith("E?"), s.toString());
      }
    }
    return r.steps().size();
  }

  private static void log(String path, int points) {
    LOG.info(String.format(Locale.ROOT, "fault sweep %-40s %3d fault points, no report, no leak", path,
        points));
  }

  private static int run(String name, IntSupplier path, IntConsumer teardown, boolean absorb) {
    FaultSweep.Result r = FaultSweep.run(name, path, teardown);
    for (FaultSweep.Step s : r.steps()) {
      if (s.result() >= 0) {
        LOG.info("{}: failure {} absorbed", name, s);
      }
    }
    int points = check(r, absorb);
    log(name, points);
    return points;
  }

  private static String decoder(Board b, VpuCore.Kind core) {
    HantroDev vpu = b.vpu(core);
    VideoDevice node = vpu == null ? null : vpu.decoderNode();
    assertNotNull(node, core + " bound");
    return node.path();
  }

  private static int decodeStart(Task t, String path) {
    int fd = t.open(path, File.O_RDWR | File.O_NONBLOCK);
    if (fd < 0) {
      return fd;
    }
    int ret = Decoding.start(t, fd, HantroCodec.H264, 2);
    ret = ret < 0 ? ret : t.ioctl(fd, Videodev2.VIDIOC_QBUF, new V4l2Buffer(0, CAP, MMAP));
    V4l2Buffer out = new V4l2Buffer(0, OUT, MMAP);
    out.bytesused = 4096;
    ret = ret < 0 ? ret : t.ioctl(fd, Videodev2.VIDIOC_QBUF, out);
    return ret < 0 ? ret : t.ioctl(fd, Videodev2.VIDIOC_STREAMOFF, new V4l2Int(OUT));
  }

  private static int topology(Task t, String path) {
    int fd = t.open(path, File.O_RDWR);
    if (fd < 0) {
      return fd;
    }
    MediaV2Topology topo = new MediaV2Topology();
    topo.numEntities = 16;
    topo.ptrEntities = new MediaV2Entity[16];
    topo.numInterfaces = 8;
    topo.ptrInterfaces = new MediaV2Interface[8];
    topo.numPads = 32;
    topo.ptrPads = new MediaV2Pad[32];
    topo.numLinks = 32;
    topo.ptrLinks = new MediaV2Link[32];
    return t.ioctl(fd, MediaUapi.MEDIA_IOC_G_TOPOLOGY, topo);
  }

  @Test
  void theDecoderPaths() throws Exception {
    try (Board b = Board.boot(Board.Kind.IMX8MQ)) {
      int total = 0;
      // REQBUFS may absorb a failed buffer allocation: like __vb2_queue_alloc, vb2 keeps the
      // buffers it got and succeeds with a smaller count when the driver accepts it.
      total += run("hantro open + decode start on G1",
          syscalls(b, t -> decodeStart(t, decoder(b, VpuCore.Kind.G1))), r -> { }, true);
      total += run("hantro media devnode open + G_TOPOLOGY", syscalls(b, t -> {
        MediaDevnode n = b.mediaDevices().get(0).devnode();
        assertNotNull(n);
        return topology(t, n.path());
      }), r -> { }, false);
      // Probe of G2 with G1 bound (the sibling lookup, the shared scheduler), then its remove,
      // in one run so that everything the probe made is gone again inside the run's scope.
      assertEquals(0, b.unbind(VpuCore.Kind.G2));
      total += run("hantro probe + remove of G2 (G1 bound)", () -> {
        b.bind(VpuCore.Kind.G2);
        if (b.vpu(VpuCore.Kind.G2) == null) {
          return -Errno.ENODEV; // the probe failed and was unwound
        }
        return b.unbind(VpuCore.Kind.G2);
      }, r -> { }, false);
      assertEquals(0, b.bind(VpuCore.Kind.G2));
      assertNotNull(b.vpu(VpuCore.Kind.G2));
      assertTrue(total > 10, "the paths allocate: " + total);
      assertEquals(0, syscalls(b, t -> decodeStart(t, decoder(b, VpuCore.Kind.G2))).getAsInt(),
          "the board still decodes after the sweeps");
    }
  }

  @Test
  void theStickPaths() throws Exception {
    try (Board b = Board.boot(Board.Kind.USBTV)) {
      int total = 0;
      total += run("au0828 open + capture start", syscalls(b, t -> {
        Au0828Dev dev = b.au0828();
        assertNotNull(dev);
        int fd = t.open(dev.videoDevice().path(), File.O_RDWR);
        if (fd < 0) {
          return fd;
        }
        V4l2Requestbuffers r = new V4l2Requestbuffers();
        r.type = CAP;
        r.memory = MMAP;
        r.count = 4;
        int ret = t.ioctl(fd, Videodev2.VIDIOC_REQBUFS, r);
        for (int i = 0; i < 4 && ret >= 0; i++) {
          ret = t.ioctl(fd, Videodev2.VIDIOC_QBUF, new V4l2Buffer(i, CAP, MMAP));
        }
        ret = ret < 0 ? ret : t.ioctl(fd, Videodev2.VIDIOC_STREAMON, new V4l2Int(CAP));
        return ret < 0 ? ret : t.ioctl(fd, Videodev2.VIDIOC_STREAMOFF, new V4l2Int(CAP));
      }), r -> { }, true); // REQBUFS may succeed with fewer buffers, as above
      total += run("snd-usb-audio open + capture start", syscalls(b, t -> {
        SndUsbChip chip = b.sndChip();
        assertNotNull(chip);
        int fd = t.open(chip.path(), File.O_RDWR);
        if (fd < 0) {
          return fd;
        }
        int ret = t.ioctl(fd, SndPcm.HW_PARAMS, SndPcmHwParams.standard(4));
        ret = ret < 0 ? ret : t.ioctl(fd, SndPcm.PREPARE, null);
        ret = ret < 0 ? ret : t.ioctl(fd, SndPcm.START, null);
        return ret < 0 ? ret : t.ioctl(fd, SndPcm.DROP, null);
      }), r -> { }, false);
      total += run("shared media devnode open + G_TOPOLOGY", syscalls(b, t -> {
        MediaDevice m = b.mediaDevices().get(0);
        MediaDevnode n = m.devnode();
        assertNotNull(n);
        return topology(t, n.path());
      }), r -> { }, false);
      // Plug (enumeration, both probes, the allocator) and unplug (both disconnects, the
      // allocator's delete) in one run. A failed interface probe leaves that interface unbound,
      // which the USB core absorbs: the run still unplugs what was bound.
      assertEquals(0, b.unplug());
      total += run("usb plug + unplug: both probes and disconnects, allocator", () -> {
        int ret = b.plug();
        return ret < 0 ? ret : b.unplug();
      }, r -> { }, true);
      assertTrue(b.plug() > 0);
      assertNotNull(b.au0828());
      assertNotNull(b.sndChip());
      assertTrue(total > 10, "the paths allocate: " + total);
    }
  }
}
