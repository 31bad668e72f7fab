package dev.medialife.v4l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.Module;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.fault.FaultSweep;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.MediaPad;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2SubdevCapability;
import dev.medialife.v4l2.uapi.V4l2SubdevFormat;
import dev.medialife.v4l2.uapi.V4l2SubdevMbusCodeEnum;
import dev.medialife.v4l2.uapi.V4l2SubdevUapi;
import dev.medialife.v4l2.uapi.Videodev2;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sub-device node's ioctls as v4l2-subdev.c answers them: QUERYCAP; G_FMT, S_FMT and
 * ENUM_MBUS_CODE with the core's checks (which, pad, TRY state) before the driver, a missing pad
 * operation as ENOTTY before any check, EPERM for S_FMT ACTIVE on a read-only node, per-file TRY
 * formats and a shared active one, ENOTTY for other commands, ENODEV once the node is
 * unregistered, and the TRY state's allocation and its failures at open.
 */
@Sanitized
@Timeout(60)
class SubdevIoctlTest {
  private static final int TRY = V4l2SubdevUapi.V4L2_SUBDEV_FORMAT_TRY;
  private static final int ACTIVE = V4l2SubdevUapi.V4L2_SUBDEV_FORMAT_ACTIVE;

  private final V4l2Bed bed = new V4l2Bed();
  private final Module sensorMod = new Module("sensor_mod");
  private final SensorPadOps pads = SensorPadOps.make();
  private final Task t = new Task(bed.kernel, "app");
  private V4l2Bed.@org.jspecify.annotations.Nullable Priv priv;

  /** Binds the bridge, registers a one-pad sensor (optionally with an active state) and nodes. */
  private SubdevBed sensor(boolean readOnly, boolean active, MediaPad... padList) {
    bed.withMdev = true;
    bed.registerDriver();
    V4l2Bed.Priv p = V4l2Bed.priv(bed.addDevice("vdrv0"));
    priv = p;
    SubdevBed s = SubdevBed.make("sensor", sensorMod, padList).withNode();
    s.sd.setPadOps(SensorPadOps.table(pads));
    if (active) {
      assertEquals(0, s.sd.initFinalize());
    }
    assertEquals(0, p.v4l2.registerSubdev(s.sd));
    assertEquals(0, readOnly ? p.v4l2.registerRoSubdevNodes() : p.v4l2.registerSubdevNodes());
    return s;
  }

  private SubdevBed sensor() {
    return sensor(false, true, MediaPad.source());
  }

  private static String path(SubdevBed s) {
    VideoDevice node = s.sd.devnode();
    assertNotNull(node);
    return node.path();
  }

  private int open(SubdevBed s) {
    int fd = t.open(path(s), File.O_RDWR);
    assertTrue(fd >= 0, () -> "open: " + fd);
    return fd;
  }

  private void teardown(SubdevBed s) {
    V4l2Bed.Priv p = priv;
    assertNotNull(p);
    Device d = p.vdev.device().parent();
    assertNotNull(d);
    d.unregister();
    s.sd.put();
    assertEquals(1, s.releases.get());
  }

  private static V4l2SubdevFormat fmt(int which, int pad, int w, int h, int code) {
    V4l2SubdevFormat f = new V4l2SubdevFormat();
    f.which = which;
    f.pad = pad;
    f.format.width = w;
    f.format.height = h;
    f.format.code = code;
    return f;
  }

  private static V4l2SubdevMbusCodeEnum code(int which, int pad, int index) {
    V4l2SubdevMbusCodeEnum c = new V4l2SubdevMbusCodeEnum();
    c.which = which;
    c.pad = pad;
    c.index = index;
    return c;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void querycapReportsVersionAndReadOnly(boolean readOnly) {
    SubdevBed s = sensor(readOnly, true, MediaPad.source());
    int fd = open(s);
    V4l2SubdevCapability cap = new V4l2SubdevCapability();
    cap.capabilities = -1;
    assertEquals(0, t.ioctl(fd, V4l2SubdevUapi.VIDIOC_SUBDEV_QUERYCAP, cap));
    assertEquals(V4l2Ioctl.LINUX_VERSION_CODE, cap.version);
    assertEquals(readOnly ? V4l2SubdevUapi.V4L2_SUBDEV_CAP_RO_SUBDEV : 0, cap.capabilities);
    VideoDevice node = s.sd.devnode();
    assertNotNull(node);
    assertEquals(readOnly, node.isSubdevRo());
    assertEquals(-Errno.EFAULT, t.ioctl(fd, V4l2SubdevUapi.VIDIOC_SUBDEV_QUERYCAP, null));
    assertEquals(-Errno.EFAULT,
        t.ioctl(fd, V4l2SubdevUapi.VIDIOC_SUBDEV_QUERYCAP, new V4l2SubdevFormat()));
    // The video node's QUERYCAP has another size, so another number: not a sub-device command.
    assertEquals(-Errno.ENOTTY, t.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, new V4l2Capability()));
    assertEquals(FileOperations.POLLERR, t.poll(fd, FileOperations.POLLIN, 0),
        "no sub-device events: EPOLLERR");
    assertEquals(0, t.close(fd));
    teardown(s);
  }

  @Test
  void tryFormatsArePerFileActiveIsShared() {
    SubdevBed s = sensor();
    int a = open(s);
    int b = open(s);
    assertEquals(3, s.initStates.get(), "the active state and one TRY state per file");

    V4l2SubdevFormat set = fmt(TRY, 0, 1281, 5000, 0x1234);
    set.stream = 7;
    assertEquals(0, t.ioctl(a, V4l2SubdevUapi.VIDIOC_SUBDEV_S_FMT, set));
    assertEquals(1280, set.format.width, "adjusted by the driver and copied back");
    assertEquals(SensorPadOps.MAX, set.format.height);
    assertEquals(SensorPadOps.CODES[0], set.format.code);
    assertEquals(0, set.stream, "a client without the streams capability gets stream 0");

    V4l2SubdevFormat got = fmt(TRY, 0, 0, 0, 0);
    assertEquals(0, t.ioctl(a, V4l2SubdevUapi.VIDIOC_SUBDEV_G_FMT, got));
    assertEquals(1280, got.format.width);
    got = fmt(TRY, 0, 0, 0, 0);
    assertEquals(0, t.ioctl(b, V4l2SubdevUapi.VIDIOC_SUBDEV_G_FMT, got));
    assertEquals(SensorPadOps.DEFAULT_WIDTH, got.format.width, "the other file's TRY state");
    got = fmt(ACTIVE, 0, 0, 0, 0);
    assertEquals(0, t.ioctl(b, V4l2SubdevUapi.VIDIOC_SUBDEV_G_FMT, got));
    assertEquals(SensorPadOps.DEFAULT_WIDTH, got.format.width, "TRY never touches ACTIVE");

    assertEquals(0, t.ioctl(a, V4l2SubdevUapi.VIDIOC_SUBDEV_S_FMT,
        fmt(ACTIVE, 0, 320, 240, SensorPadOps.CODES[1])));
    got = fmt(ACTIVE, 0, 0, 0, 0);
    assertEquals(0, t.ioctl(b, V4l2SubdevUapi.VIDIOC_SUBDEV_G_FMT, got));
    assertEquals(320, got.format.width);
    assertEquals(SensorPadOps.CODES[1], got.format.code);

    for (int i = 0; i < SensorPadOps.CODES.length; i++) {
      V4l2SubdevMbusCodeEnum c = code(i % 2 == 0 ? TRY : ACTIVE, 0, i);
      assertEquals(0, t.ioctl(b, V4l2SubdevUapi.VIDIOC_SUBDEV_ENUM_MBUS_CODE, c));
      assertEquals(SensorPadOps.CODES[i], c.code);
    }
    V4l2SubdevMbusCodeEnum past = code(ACTIVE, 0, SensorPadOps.CODES.length);
    assertEquals(-Errno.EINVAL, t.ioctl(b, V4l2SubdevUapi.VIDIOC_SUBDEV_ENUM_MBUS_CODE, past));
    assertEquals(0, past.code, "nothing copied back on an error");
    assertEquals(0, t.close(a));
    assertEquals(0, t.close(b));
    teardown(s);
  }

  @Test
  void coreChecksComeBeforeTheDriver() {
    SubdevBed s = sensor();
    int fd = open(s);
    int before = pads.calls.get();
    int[] cmds = {V4l2SubdevUapi.VIDIOC_SUBDEV_G_FMT, V4l2SubdevUapi.VIDIOC_SUBDEV_S_FMT};
    for (int cmd : cmds) {
      assertEquals(-Errno.EINVAL, t.ioctl(fd, cmd, fmt(2, 0, 8, 8, 0)), "which 2");
      assertEquals(-Errno.EINVAL, t.ioctl(fd, cmd, fmt(-1, 0, 8, 8, 0)), "which ~0");
      assertEquals(-Errno.EINVAL, t.ioctl(fd, cmd, fmt(ACTIVE, 1, 8, 8, 0)), "pad == num_pads");
      assertEquals(-Errno.EINVAL, t.ioctl(fd, cmd, fmt(TRY, -1, 8, 8, 0)), "pad is unsigned");
      assertEquals(-Errno.EFAULT, t.ioctl(fd, cmd, null));
      assertEquals(-Errno.EFAULT, t.ioctl(fd, cmd, code(TRY, 0, 0)));
    }
    int enumCmd = V4l2SubdevUapi.VIDIOC_SUBDEV_ENUM_MBUS_CODE;
    assertEquals(-Errno.EINVAL, t.ioctl(fd, enumCmd, code(5, 0, 0)));
    assertEquals(-Errno.EINVAL, t.ioctl(fd, enumCmd, code(TRY, 1, 0)));
    assertEquals(-Errno.EFAULT, t.ioctl(fd, enumCmd, fmt(TRY, 0, 0, 0, 0)));
    assertEquals(before, pads.calls.get(), "no call reached the driver");
    assertEquals(-Errno.ENOTTY, t.ioctl(fd, V4l2Bed.VIDIOC_PRIVATE, null), "unknown command");
    assertEquals(-Errno.ENOTTY, t.ioctl(fd, 0x7fff_0000, fmt(TRY, 0, 0, 0, 0)));
    assertEquals(0, t.close(fd));
    teardown(s);
  }

  @Test
  void missingPadOpsAreEnottyBeforeAnyCheck() {
    SubdevBed s = sensor();
    int fd = open(s);
    int enumCmd = V4l2SubdevUapi.VIDIOC_SUBDEV_ENUM_MBUS_CODE;
    s.sd.setPadOps(null);
    assertNull(s.sd.padOps());
    assertEquals(-Errno.ENOTTY, t.ioctl(fd, V4l2SubdevUapi.VIDIOC_SUBDEV_G_FMT, fmt(9, 9, 0, 0, 0)));
    assertEquals(-Errno.ENOTTY, t.ioctl(fd, V4l2SubdevUapi.VIDIOC_SUBDEV_S_FMT, fmt(9, 9, 0, 0, 0)));
    assertEquals(-Errno.ENOTTY, t.ioctl(fd, enumCmd, code(9, 9, 0)));
    SensorPadOps only = SensorPadOps.make();
    s.sd.setPadOps(new V4l2SubdevPadOps(only::getFmt, null, null));
    assertEquals(0, t.ioctl(fd, V4l2SubdevUapi.VIDIOC_SUBDEV_G_FMT, fmt(TRY, 0, 0, 0, 0)));
    assertEquals(-Errno.ENOTTY,
        t.ioctl(fd, V4l2SubdevUapi.VIDIOC_SUBDEV_S_FMT, fmt(TRY, 0, 8, 8, 0)));
    assertEquals(-Errno.ENOTTY, t.ioctl(fd, enumCmd, code(TRY, 0, 0)));
    assertEquals(1, only.calls.get());
    assertEquals(0, t.close(fd));
    teardown(s);
  }

  @Test
  void readOnlyNodeRefusesActiveSetFirst() {
    SubdevBed s = sensor(true, true, MediaPad.source());
    int fd = open(s);
    int sfmt = V4l2SubdevUapi.VIDIOC_SUBDEV_S_FMT;
    assertEquals(-Errno.EPERM, t.ioctl(fd, sfmt, fmt(ACTIVE, 0, 320, 240, 0)));
    assertEquals(-Errno.EPERM, t.ioctl(fd, sfmt, fmt(7, 3, 320, 240, 0)),
        "EPERM before the which and pad checks");
    assertEquals(0, t.ioctl(fd, sfmt, fmt(TRY, 0, 320, 240, 0)), "TRY is allowed");
    V4l2SubdevFormat got = fmt(ACTIVE, 0, 0, 0, 0);
    assertEquals(0, t.ioctl(fd, V4l2SubdevUapi.VIDIOC_SUBDEV_G_FMT, got));
    assertEquals(SensorPadOps.DEFAULT_WIDTH, got.format.width);
    assertEquals(0, t.close(fd));
    teardown(s);
  }

  @Test
  void withoutPadsOnlyPadZeroAndNoTryState() {
    SubdevBed s = sensor(false, false);
    assertNull(s.sd.activeState());
    int fd = open(s);
    int gfmt = V4l2SubdevUapi.VIDIOC_SUBDEV_G_FMT;
    assertEquals(-Errno.EINVAL, t.ioctl(fd, gfmt, fmt(TRY, 0, 0, 0, 0)),
        "a TRY state without pad formats");
    assertEquals(-Errno.EINVAL, t.ioctl(fd, gfmt, fmt(ACTIVE, 1, 0, 0, 0)), "only pad 0");
    int before = pads.calls.get();
    assertEquals(-Errno.EINVAL, t.ioctl(fd, gfmt, fmt(ACTIVE, 0, 0, 0, 0)),
        "passes the checks; the driver has no active state to read");
    assertEquals(before + 1, pads.calls.get());
    assertEquals(0, t.close(fd));
    teardown(s);
  }

  @Test
  void unregisteredNodeAnswersEnodevAndTheFileStillCloses() {
    SubdevBed s = sensor();
    int fd = open(s);
    V4l2Device.unregisterSubdev(s.sd);
    assertEquals(-Errno.ENODEV,
        t.ioctl(fd, V4l2SubdevUapi.VIDIOC_SUBDEV_QUERYCAP, new V4l2SubdevCapability()));
    assertEquals(-Errno.ENODEV, t.ioctl(fd, V4l2SubdevUapi.VIDIOC_SUBDEV_G_FMT,
        fmt(ACTIVE, 0, 0, 0, 0)));
    assertEquals(FileOperations.POLLERR | FileOperations.POLLHUP,
        t.poll(fd, FileOperations.POLLIN, 0), "v4l2_poll of a gone node; PRI was not asked");
    s.sd.put();
    assertEquals(0, s.releases.get(), "the open file holds the sub-device");
    assertEquals(0, t.close(fd));
    assertEquals(1, s.releases.get(), "released at the last close, active state freed");
    assertNull(s.sd.activeState());
    V4l2Bed.Priv p = priv;
    assertNotNull(p);
    Device d = p.vdev.device().parent();
    assertNotNull(d);
    d.unregister();
  }

  @Test
  void initStateErrorsFailTheOpenOrTheFinalize() {
    SubdevBed s = sensor();
    s.initStateResult = -Errno.EIO;
    assertEquals(-Errno.EIO, t.open(path(s), File.O_RDWR));
    assertEquals(0, s.opens.get(), "the driver's open never ran");
    s.initStateResult = -Errno.ENOIOCTLCMD;
    int fd = open(s);
    assertEquals(0, t.close(fd));
    s.initStateResult = -Errno.EIO;
    s.sd.cleanup();
    assertEquals(-Errno.EIO, s.sd.initFinalize());
    assertNull(s.sd.activeState());
    s.initStateResult = 0;
    teardown(s);
  }

  @Test
  void faultInjectionOverOpenLeavesNothing() {
    SubdevBed s = sensor();
    String path = path(s);
    List<Integer> fds = new ArrayList<>();
    FaultSweep.Result r =
        FaultSweep.run(
            "subdev_open",
            () -> {
              int fd = t.open(path, File.O_RDWR);
              if (fd >= 0) {
                fds.add(fd);
                return 0;
              }
              return fd;
            },
            ok -> {
              int last = fds.size() - 1;
              assertEquals(0, t.close(fds.get(last)));
              fds.subList(last, last + 1).clear();
            });
    assertEquals(0, r.baseline().result());
    assertTrue(r.steps().size() >= 3, r::toString);
    for (FaultSweep.Step st : r.steps()) {
      assertTrue(st.reports().isEmpty(), st::toString);
      assertEquals(-Errno.ENOMEM, st.result(), st::toString);
    }
    assertTrue(fds.isEmpty());
    teardown(s);
  }
}
