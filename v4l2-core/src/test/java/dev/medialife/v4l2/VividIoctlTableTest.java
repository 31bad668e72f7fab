package dev.medialife.v4l2;

import static dev.medialife.v4l2.VividBed.CAP;
import static dev.medialife.v4l2.VividBed.MMAP;
import static dev.medialife.v4l2.VividCaptureTest.buf;
import static dev.medialife.v4l2.VividCaptureTest.req;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.Ioc;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaPipeline;
import dev.medialife.mc.SourceHooks;
import dev.medialife.v4l2.uapi.V4l2Fmtdesc;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.V4l2Input;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.V4l2Tuner;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The standard ioctls of the dispatcher: their command numbers, table-driven malformed calls with
 * the documented errno, the format and input handlers, {@code -ENOTTY} for a driver without the
 * ops, and {@code v4l_enable_media_source} (reference §4.5) before S_FMT, S_INPUT and, as au0828
 * does in its handler, G_TUNER.
 */
@Sanitized
@Timeout(60)
class VividIoctlTableTest {
  private final VividBed bed = new VividBed();

  private record Row(String what, int cmd, Supplier<@Nullable IoctlArg<?>> arg, int errno) {}

  private static V4l2Buffer bufOf(int index, int type, int memory) {
    return new V4l2Buffer(index, type, memory);
  }

  private static V4l2Format fmt(int type) {
    V4l2Format f = new V4l2Format();
    f.type = type;
    return f;
  }

  @Test
  void commandNumbersAreTheKernels() {
    assertAll(
        () -> assertEquals(0xc0405602, Videodev2.VIDIOC_ENUM_FMT),
        () -> assertEquals(0xc0d05604, Videodev2.VIDIOC_G_FMT),
        () -> assertEquals(0xc0d05605, Videodev2.VIDIOC_S_FMT),
        () -> assertEquals(0xc0145608, Videodev2.VIDIOC_REQBUFS),
        () -> assertEquals(0xc0585609, Videodev2.VIDIOC_QUERYBUF),
        () -> assertEquals(0xc058560f, Videodev2.VIDIOC_QBUF),
        () -> assertEquals(0xc0585611, Videodev2.VIDIOC_DQBUF),
        () -> assertEquals(0x40045612, Videodev2.VIDIOC_STREAMON),
        () -> assertEquals(0x40045613, Videodev2.VIDIOC_STREAMOFF),
        () -> assertEquals(0xc050561a, Videodev2.VIDIOC_ENUMINPUT),
        () -> assertEquals(0xc054561d, Videodev2.VIDIOC_G_TUNER),
        () -> assertEquals(0x80045626, Videodev2.VIDIOC_G_INPUT),
        () -> assertEquals(0xc0045627, Videodev2.VIDIOC_S_INPUT),
        () -> assertEquals(0xc0d05640, Videodev2.VIDIOC_TRY_FMT),
        () -> assertEquals(0x56595559, Videodev2.V4L2_PIX_FMT_YUYV));
  }

  @Test
  void malformedIoctlsGiveTheDocumentedErrno() {
    Device d = bed.addDevice("vivid0");
    VividBed.Priv p = VividBed.priv(d);
    Task t = new Task(bed.kernel, "fuzz");
    int fd = t.open(p.path(), File.O_RDWR);
    assertEquals(2, VividCaptureTest.reqbufs(t, fd, 2));
    int out = Vb2Queue.TYPE_VIDEO_OUTPUT;
    int userptr = Vb2Queue.MEMORY_USERPTR;
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("unknown command", Ioc.iowr('V', 200, 4), () -> new V4l2Int(), -Errno.ENOTTY));
    rows.add(new Row("REQBUFS wrong type", Videodev2.VIDIOC_REQBUFS, () -> req(2, out, MMAP),
        -Errno.EINVAL));
    rows.add(new Row("REQBUFS wrong memory", Videodev2.VIDIOC_REQBUFS, () -> req(2, CAP, userptr),
        -Errno.EINVAL));
    rows.add(new Row("REQBUFS no memory", Videodev2.VIDIOC_REQBUFS, () -> req(2, CAP, 0),
        -Errno.EINVAL));
    rows.add(new Row("REQBUFS bad arg", Videodev2.VIDIOC_REQBUFS, () -> new V4l2Int(),
        -Errno.EFAULT));
    rows.add(new Row("QUERYBUF index 2 of 2", Videodev2.VIDIOC_QUERYBUF, () -> buf(2),
        -Errno.EINVAL));
    rows.add(new Row("QUERYBUF index -1", Videodev2.VIDIOC_QUERYBUF, () -> buf(-1),
        -Errno.EINVAL));
    rows.add(new Row("QUERYBUF wrong type", Videodev2.VIDIOC_QUERYBUF,
        () -> bufOf(0, out, MMAP), -Errno.EINVAL));
    rows.add(new Row("QBUF huge index", Videodev2.VIDIOC_QBUF, () -> buf(Integer.MAX_VALUE),
        -Errno.EINVAL));
    rows.add(new Row("QBUF wrong type", Videodev2.VIDIOC_QBUF, () -> bufOf(0, out, MMAP),
        -Errno.EINVAL));
    rows.add(new Row("QBUF wrong memory", Videodev2.VIDIOC_QBUF, () -> bufOf(0, CAP, userptr),
        -Errno.EINVAL));
    rows.add(new Row("QBUF bad arg", Videodev2.VIDIOC_QBUF, () -> fmt(CAP), -Errno.EFAULT));
    rows.add(new Row("DQBUF not streaming", Videodev2.VIDIOC_DQBUF, () -> buf(0), -Errno.EINVAL));
    rows.add(new Row("DQBUF wrong type", Videodev2.VIDIOC_DQBUF, () -> bufOf(0, out, MMAP),
        -Errno.EINVAL));
    rows.add(new Row("STREAMON wrong type", Videodev2.VIDIOC_STREAMON, () -> new V4l2Int(out),
        -Errno.EINVAL));
    rows.add(new Row("STREAMOFF wrong type", Videodev2.VIDIOC_STREAMOFF, () -> new V4l2Int(out),
        -Errno.EINVAL));
    rows.add(new Row("STREAMON bad arg", Videodev2.VIDIOC_STREAMON, () -> buf(0), -Errno.EFAULT));
    rows.add(new Row("G_FMT output type", Videodev2.VIDIOC_G_FMT, () -> fmt(out), -Errno.EINVAL));
    rows.add(new Row("TRY_FMT bad arg", Videodev2.VIDIOC_TRY_FMT, () -> new V4l2Int(),
        -Errno.EFAULT));
    rows.add(new Row("ENUM_FMT index 1", Videodev2.VIDIOC_ENUM_FMT, VividIoctlTableTest::fmtdesc1,
        -Errno.EINVAL));
    rows.add(new Row("ENUM_FMT output", Videodev2.VIDIOC_ENUM_FMT, () -> fmtdesc(out),
        -Errno.EINVAL));
    rows.add(new Row("S_INPUT 5", Videodev2.VIDIOC_S_INPUT, () -> new V4l2Int(5), -Errno.EINVAL));
    rows.add(new Row("ENUMINPUT 2", Videodev2.VIDIOC_ENUMINPUT, () -> input(2), -Errno.EINVAL));
    rows.add(new Row("G_TUNER 1", Videodev2.VIDIOC_G_TUNER, () -> tuner(1), -Errno.EINVAL));
    int[] cmds = {
      Videodev2.VIDIOC_ENUM_FMT, Videodev2.VIDIOC_G_FMT, Videodev2.VIDIOC_S_FMT,
      Videodev2.VIDIOC_TRY_FMT, Videodev2.VIDIOC_REQBUFS, Videodev2.VIDIOC_QUERYBUF,
      Videodev2.VIDIOC_QBUF, Videodev2.VIDIOC_DQBUF, Videodev2.VIDIOC_STREAMON,
      Videodev2.VIDIOC_STREAMOFF, Videodev2.VIDIOC_ENUMINPUT, Videodev2.VIDIOC_G_INPUT,
      Videodev2.VIDIOC_S_INPUT, Videodev2.VIDIOC_G_TUNER, Videodev2.VIDIOC_QUERYCAP
    };
    for (int cmd : cmds) {
      rows.add(new Row("null arg " + Integer.toHexString(cmd), cmd, () -> null, -Errno.EFAULT));
    }
    List<Executable> checks = new ArrayList<>();
    for (Row r : rows) {
      checks.add(() -> assertEquals(r.errno(), t.ioctl(fd, r.cmd(), r.arg().get()), r.what()));
    }
    assertAll(checks);

    // QBUF twice; a huge REQBUFS count is clamped to VB2_MAX_FRAME.
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QBUF, buf(0)));
    assertEquals(-Errno.EINVAL, t.ioctl(fd, Videodev2.VIDIOC_QBUF, buf(0)), "QBUF twice");
    V4l2Requestbuffers huge = req(-1, CAP, MMAP);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_REQBUFS, huge));
    assertEquals(Vb2Queue.MAX_FRAME, huge.count);
    // S_FMT while buffers exist: the driver's EBUSY.
    assertEquals(-Errno.EBUSY, t.ioctl(fd, Videodev2.VIDIOC_S_FMT, fmt(CAP)));
    assertEquals(0, t.close(fd));
    d.unregister();
    assertEquals(1, bed.v4l2Releases.get());
  }

  private static MediaDevice assertNotNull(@Nullable MediaDevice m) {
    if (m == null) {
      throw new AssertionError("no media device");
    }
    return m;
  }

  private static V4l2Fmtdesc fmtdesc(int type) {
    V4l2Fmtdesc f = new V4l2Fmtdesc();
    f.type = type;
    return f;
  }

  private static V4l2Fmtdesc fmtdesc1() {
    V4l2Fmtdesc f = fmtdesc(CAP);
    f.index = 1;
    return f;
  }

  private static V4l2Input input(int index) {
    V4l2Input i = new V4l2Input();
    i.index = index;
    return i;
  }

  private static V4l2Tuner tuner(int index) {
    V4l2Tuner tu = new V4l2Tuner();
    tu.index = index;
    return tu;
  }

  @Test
  void formatsInputsAndTunerReachTheDriver() {
    Device d = bed.addDevice("vivid0");
    VividBed.Priv p = VividBed.priv(d);
    Task t = new Task(bed.kernel, "v4l2-ctl");
    int fd = t.open(p.path(), File.O_RDWR);
    V4l2Fmtdesc desc = fmtdesc(CAP);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_ENUM_FMT, desc));
    assertEquals(Videodev2.V4L2_PIX_FMT_YUYV, desc.pixelformat);
    assertEquals("YUYV 4:2:2", desc.description);
    V4l2Format f = fmt(CAP);
    f.width = 5000;
    f.height = 2;
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_TRY_FMT, f));
    assertEquals(1920, f.width);
    assertEquals(16, f.height);
    assertEquals(1920 * 2 * 16, f.sizeimage);
    V4l2Format g = fmt(CAP);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_G_FMT, g));
    assertEquals(640, g.width, "TRY_FMT changed nothing");
    f.width = 320;
    f.height = 240;
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_S_FMT, f));
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_G_FMT, g));
    assertEquals(320, g.width);
    assertEquals(240 * 640, g.sizeimage);
    V4l2Input in = input(1);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_ENUMINPUT, in));
    assertEquals("TV", in.name);
    assertEquals(Videodev2.V4L2_INPUT_TYPE_TUNER, in.type);
    V4l2Input cam = input(0);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_ENUMINPUT, cam));
    assertEquals(Videodev2.V4L2_INPUT_TYPE_CAMERA, cam.type);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_S_INPUT, new V4l2Int(1)));
    V4l2Int cur = new V4l2Int(-1);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_G_INPUT, cur));
    assertEquals(1, cur.value);
    V4l2Tuner tu = tuner(0);
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_G_TUNER, tu));
    assertEquals("vivid tuner", tu.name);
    assertEquals(Videodev2.V4L2_TUNER_ANALOG_TV, tu.type);
    assertEquals(0, t.close(fd));
    d.unregister();
  }

  @Test
  void aDriverWithoutTheOpsGetsEnotty() {
    V4l2Bed old = new V4l2Bed();
    old.registerDriver();
    Device d = old.addDevice("vdrv0");
    Task t = new Task(old.kernel, "probe");
    int fd = t.open(V4l2Bed.priv(d).path(), File.O_RDWR);
    List<Row> rows =
        List.of(
            new Row("ENUM_FMT", Videodev2.VIDIOC_ENUM_FMT, () -> fmtdesc(CAP), 0),
            new Row("G_FMT", Videodev2.VIDIOC_G_FMT, () -> fmt(CAP), 0),
            new Row("S_FMT", Videodev2.VIDIOC_S_FMT, () -> fmt(CAP), 0),
            new Row("TRY_FMT", Videodev2.VIDIOC_TRY_FMT, () -> fmt(CAP), 0),
            new Row("REQBUFS", Videodev2.VIDIOC_REQBUFS, () -> req(1, CAP, MMAP), 0),
            new Row("QUERYBUF", Videodev2.VIDIOC_QUERYBUF, () -> buf(0), 0),
            new Row("QBUF", Videodev2.VIDIOC_QBUF, () -> buf(0), 0),
            new Row("DQBUF", Videodev2.VIDIOC_DQBUF, () -> buf(0), 0),
            new Row("STREAMON", Videodev2.VIDIOC_STREAMON, () -> new V4l2Int(CAP), 0),
            new Row("STREAMOFF", Videodev2.VIDIOC_STREAMOFF, () -> new V4l2Int(CAP), 0),
            new Row("ENUMINPUT", Videodev2.VIDIOC_ENUMINPUT, () -> input(0), 0),
            new Row("G_INPUT", Videodev2.VIDIOC_G_INPUT, () -> new V4l2Int(), 0),
            new Row("S_INPUT", Videodev2.VIDIOC_S_INPUT, () -> new V4l2Int(), 0),
            new Row("G_TUNER", Videodev2.VIDIOC_G_TUNER, () -> tuner(0), 0));
    List<Executable> checks = new ArrayList<>();
    for (Row r : rows) {
      checks.add(() -> assertEquals(-Errno.ENOTTY, t.ioctl(fd, r.cmd(), r.arg().get()), r.what()));
    }
    assertAll(checks);
    assertEquals(0, old.driverIoctls.get(), "no call reached vidioc_default");
    assertEquals(0, t.close(fd));
    d.unregister();
  }

  /** A source hook that answers {@code answer} and records what it was called with. */
  private static final class Hook implements SourceHooks {
    volatile int answer;
    final AtomicInteger enables = new AtomicInteger();
    final AtomicInteger disables = new AtomicInteger();
    final AtomicBoolean graphMutexHeld = new AtomicBoolean(true);
    volatile @Nullable MediaEntity seen;
    volatile @Nullable MediaPipeline seenPipe;
    final MediaDevice mdev;

    Hook(MediaDevice mdev, int answer) {
      this.mdev = mdev;
      this.answer = answer;
    }

    @Override
    public int enableSource(MediaEntity entity, @Nullable MediaPipeline pipe) {
      enables.incrementAndGet();
      seen = entity;
      seenPipe = pipe;
      if (!mdev.graphMutex().isHeldByCurrentThread()) {
        graphMutexHeld.set(false);
      }
      return answer;
    }

    @Override
    public void disableSource(MediaEntity entity) {
      disables.incrementAndGet();
      if (!mdev.graphMutex().isHeldByCurrentThread()) {
        graphMutexHeld.set(false);
      }
    }
  }

  @Test
  void aRefusingEnableSourceMakesSfmtSinputAndGtunerEbusyBeforeTheDriver() {
    bed.withMdev = true;
    Device d = bed.addDevice("vivid0");
    VividBed.Priv p = VividBed.priv(d);
    MediaDevice m = assertNotNull(p.mdev);
    Task t = new Task(bed.kernel, "tv");
    int fd = t.open(p.path(), File.O_RDWR);
    // A media device without hooks: nothing to ask.
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_S_INPUT, new V4l2Int(0)));
    assertEquals(1, bed.sInputCalls.get());

    Hook hook = new Hook(m, -Errno.ENODEV);
    m.setSourceHooks(hook, null);
    assertEquals(-Errno.EBUSY, t.ioctl(fd, Videodev2.VIDIOC_S_FMT, fmt(CAP)), "any error: EBUSY");
    assertEquals(-Errno.EBUSY, t.ioctl(fd, Videodev2.VIDIOC_S_INPUT, new V4l2Int(1)));
    assertEquals(-Errno.EBUSY, t.ioctl(fd, Videodev2.VIDIOC_G_TUNER, tuner(0)));
    hook.answer = -Errno.EBUSY;
    assertEquals(-Errno.EBUSY, t.ioctl(fd, Videodev2.VIDIOC_S_FMT, fmt(CAP)));
    assertEquals(4, hook.enables.get());
    assertEquals(0, bed.sFmtCalls.get(), "the driver's S_FMT never ran");
    assertEquals(1, bed.sInputCalls.get(), "nor S_INPUT");
    assertEquals(0, bed.gTunerCalls.get(), "nor G_TUNER");
    assertSame(p.vdev.entity(), hook.seen);
    assertSame(p.vdev.pipe(), hook.seenPipe, "v4l_enable_media_source passes vdev->pipe");
    // Only the three are gated.
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_TRY_FMT, fmt(CAP)));
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_G_FMT, fmt(CAP)));
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_G_INPUT, new V4l2Int()));
    assertEquals(4, hook.enables.get());

    hook.answer = 0;
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_S_FMT, fmt(CAP)));
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_S_INPUT, new V4l2Int(1)));
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_G_TUNER, tuner(0)));
    assertEquals(1, bed.sFmtCalls.get());
    assertEquals(2, bed.sInputCalls.get());
    assertEquals(1, bed.gTunerCalls.get());
    // v4l2_fh_exit gives the source back at close, once.
    assertEquals(0, t.close(fd));
    assertEquals(1, hook.disables.get());
    assertTrue(hook.graphMutexHeld.get(), "hooks ran under the graph mutex, with no pipe");
    m.setSourceHooks(null, null);
    d.unregister();
    assertFalse(m.graphMutex().isHeldByCurrentThread());
    assertNull(p.queue.owner());
  }
}
