package dev.medialife.it.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.v4l2.V4l2Device;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2SubdevCapability;
import dev.medialife.v4l2.uapi.V4l2SubdevFormat;
import dev.medialife.v4l2.uapi.V4l2SubdevMbusCodeEnum;
import dev.medialife.v4l2.uapi.V4l2SubdevUapi;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The sub-device node's calls (open, close, QUERYCAP, G/S_FMT, ENUM_MBUS_CODE with fuzzer-built
 * arguments, unknown commands, poll) on a sensor registered by a bridge ({@link SubdevRig}), with
 * the bridge unbound and re-bound, or the sensor unregistered alone, while files stay open; the
 * sensor's shape (no pad, one, two; with or without an active state; read-only node or not) is
 * the fuzzer's choice too. Besides the rig's findings, each call is held to the node's rules: a
 * file of an unregistered node gets ENODEV, S_FMT ACTIVE on a read-only node EPERM, a format that
 * succeeds is one the sensor can do, and a stream never comes back non-zero.
 */
class SubdevFuzzTest {
  private static final int MAX_FDS = 4;

  /** An open file and the node it was opened on. */
  private record Fd(int fd, VideoDevice node) {}

  @FuzzTest(maxDuration = "30s")
  void subdevIoctls(FuzzedDataProvider data) {
    try (SubdevRig rig = SubdevRig.boot(shape(data))) {
      Task t = rig.task();
      List<Fd> fds = new ArrayList<>();
      List<String> oldPaths = new ArrayList<>();
      for (int op = 0; op < FuzzRig.MAX_OPS && data.remainingBytes() > 0; op++) {
        int what = data.consumeInt(0, 11);
        if (what == 0) {
          open(rig, data, fds, oldPaths);
        } else if (what == 1) {
          if (!fds.isEmpty()) {
            Fd f = fds.remove(data.consumeInt(0, fds.size() - 1));
            FuzzRig.check("close", t.close(f.fd()));
          }
        } else if (what == 8) {
          VideoDevice n = rig.node();
          if (n != null) {
            oldPaths.add(n.path());
          }
          rig.unplug();
        } else if (what == 9) {
          FuzzRig.check("plug", rig.plug(shape(data)));
        } else if (what == 10) {
          SubdevRig.Sensor s = rig.sensor();
          if (s != null) {
            VideoDevice n = s.sd.devnode();
            if (n != null) {
              oldPaths.add(n.path());
            }
            V4l2Device.unregisterSubdev(s.sd);
          }
        } else if (!fds.isEmpty()) {
          call(t, data, what, fds.get(data.consumeInt(0, fds.size() - 1)));
        }
      }
    }
  }

  private static SubdevRig.Shape shape(FuzzedDataProvider data) {
    return new SubdevRig.Shape(data.consumeInt(0, 2), data.consumeBoolean(),
        data.consumeBoolean());
  }

  private static void open(SubdevRig rig, FuzzedDataProvider data, List<Fd> fds,
      List<String> oldPaths) {
    if (fds.size() >= MAX_FDS) {
      return;
    }
    VideoDevice n = rig.node();
    int flags = data.consumeBoolean() ? File.O_RDWR : File.O_RDWR | File.O_NONBLOCK;
    if (n != null && (oldPaths.isEmpty() || data.consumeBoolean())) {
      int fd = FuzzRig.check("open", rig.task().open(n.path(), flags));
      if (fd >= 0) {
        fds.add(new Fd(fd, n));
      }
      return;
    }
    if (oldPaths.isEmpty()) {
      return;
    }
    String p = oldPaths.get(data.consumeInt(0, oldPaths.size() - 1));
    int fd = FuzzRig.check("open stale", rig.task().open(p, flags));
    if (fd >= 0) {
      // The path came back with a new node: keep the file like any other.
      VideoDevice now = rig.node();
      if (now == null || !now.path().equals(p)) {
        throw new AssertionError("opened " + p + ", which no node has");
      }
      fds.add(new Fd(fd, now));
    }
  }

  private static void call(Task t, FuzzedDataProvider data, int what, Fd f) {
    boolean gone = !f.node().isRegistered();
    boolean ro = f.node().isSubdevRo();
    int ret;
    String name;
    IoctlArg<?> arg;
    int cmd;
    switch (what) {
      case 2 -> {
        name = "SUBDEV_QUERYCAP";
        cmd = V4l2SubdevUapi.VIDIOC_SUBDEV_QUERYCAP;
        arg = data.consumeBoolean() ? new V4l2SubdevCapability() : null;
      }
      case 3, 4 -> {
        name = what == 3 ? "SUBDEV_G_FMT" : "SUBDEV_S_FMT";
        cmd = what == 3 ? V4l2SubdevUapi.VIDIOC_SUBDEV_G_FMT : V4l2SubdevUapi.VIDIOC_SUBDEV_S_FMT;
        V4l2SubdevFormat fmt = new V4l2SubdevFormat();
        fmt.which = FuzzRig.pick(data, 0, 1, 2);
        fmt.pad = FuzzRig.pick(data, 0, 1, 2, -1);
        fmt.stream = FuzzRig.pick(data, 0, 1);
        fmt.format.width = FuzzRig.pick(data, 640, 1, 0, 4097, -1);
        fmt.format.height = FuzzRig.pick(data, 480, 1, 0, 4097, -1);
        fmt.format.code = FuzzRig.pick(data, SubdevRig.Sensor.CODES[0],
            SubdevRig.Sensor.CODES[1], 0);
        arg = data.consumeInt(0, 7) == 0 ? new V4l2SubdevMbusCodeEnum() : fmt;
      }
      case 5 -> {
        name = "SUBDEV_ENUM_MBUS_CODE";
        cmd = V4l2SubdevUapi.VIDIOC_SUBDEV_ENUM_MBUS_CODE;
        V4l2SubdevMbusCodeEnum c = new V4l2SubdevMbusCodeEnum();
        c.which = FuzzRig.pick(data, 0, 1, 2);
        c.pad = FuzzRig.pick(data, 0, 1, 2, -1);
        c.index = FuzzRig.pick(data, 0, 1, 2, -1);
        c.stream = FuzzRig.pick(data, 0, 3);
        arg = c;
      }
      case 6 -> {
        name = "unknown ioctl";
        cmd = data.consumeInt();
        arg = data.consumeBoolean() ? null : new V4l2Capability();
      }
      default -> {
        int ev = t.poll(f.fd(), FileOperations.POLLIN | FileOperations.POLLPRI, 0);
        int want = gone ? (FileOperations.POLLERR | FileOperations.POLLHUP
            | FileOperations.POLLPRI) : FileOperations.POLLERR;
        if (ev != want) {
          throw new AssertionError("poll gave " + ev + ", expected " + want
              + (gone ? " (node gone)" : ""));
        }
        return;
      }
    }
    ret = FuzzRig.check(name, t.ioctl(f.fd(), cmd, arg));
    if (gone && ret != -Errno.ENODEV) {
      throw new AssertionError(name + " on an unregistered node returned " + ret);
    }
    if (gone) {
      return;
    }
    if (cmd == V4l2SubdevUapi.VIDIOC_SUBDEV_S_FMT && arg instanceof V4l2SubdevFormat fmt
        && ro && fmt.which != V4l2SubdevUapi.V4L2_SUBDEV_FORMAT_TRY && ret != -Errno.EPERM) {
      throw new AssertionError("S_FMT which=" + fmt.which + " on a read-only node returned "
          + ret);
    }
    if (ret == 0) {
      checkResult(cmd, arg, ro);
    }
  }

  private static void checkResult(int cmd, @Nullable IoctlArg<?> arg, boolean ro) {
    if (arg instanceof V4l2SubdevFormat fmt) {
      if (fmt.stream != 0) {
        throw new AssertionError("stream " + fmt.stream + " came back");
      }
      if (fmt.format.width < 2 || fmt.format.width > SubdevRig.Sensor.MAX
          || (fmt.format.width & 1) != 0
          || (fmt.format.code != SubdevRig.Sensor.CODES[0]
              && fmt.format.code != SubdevRig.Sensor.CODES[1])) {
        throw new AssertionError("a format the sensor cannot do: " + fmt.format.width + " code "
            + fmt.format.code);
      }
    } else if (arg instanceof V4l2SubdevCapability cap) {
      int want = ro ? V4l2SubdevUapi.V4L2_SUBDEV_CAP_RO_SUBDEV : 0;
      if (cap.capabilities != want) {
        throw new AssertionError("QUERYCAP capabilities " + cap.capabilities);
      }
    } else if (arg instanceof V4l2SubdevMbusCodeEnum c
        && cmd == V4l2SubdevUapi.VIDIOC_SUBDEV_ENUM_MBUS_CODE
        && c.code != SubdevRig.Sensor.CODES[c.index]) {
      throw new AssertionError("ENUM_MBUS_CODE " + c.index + " gave " + c.code);
    }
  }
}
