package dev.medialife.it.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.medialife.cli.Board;
import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.Task;
import dev.medialife.drivers.au0828.Au0828Dev;
import dev.medialife.drivers.hantro.HantroDev;
import dev.medialife.drivers.usbaudio.SndPcm;
import dev.medialife.drivers.usbaudio.SndPcmHwParams;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaDevnode;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaEntityDesc;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Short random syscall programs against the default board (i.MX8MQ with G1 and G2, and the USB
 * stick): opens of every node that exists now or existed before, ioctls of every family with any
 * argument type on any descriptor, reads, polls and closes, mixed with unbinding and rebinding
 * the decoder cores and pulling out and replugging the stick. Descriptors stay open across
 * removals, so stale files are used on purpose.
 *
 * <p>One departure, on purpose: a decoder core is unbound only while the program holds no file
 * on a decoder node. With one open, upstream Hantro frees its device-managed {@code hantro_dev}
 * under the open context (reference §3.3, the pre-existing lifetime hole), which the model
 * reproduces and other tests show; here it would drown every other finding.
 */
class SyscallProgramFuzzTest {
  private static final int OUT = Vb2Queue.TYPE_VIDEO_OUTPUT;
  private static final int CAP = Vb2Queue.TYPE_VIDEO_CAPTURE;

  /** The ioctls programs pick from, each with the argument type it expects. */
  private static final List<Call> CALLS = List.of(
      new Call(MediaUapi.MEDIA_IOC_DEVICE_INFO, MediaDeviceInfo::new),
      new Call(MediaUapi.MEDIA_IOC_ENUM_ENTITIES, MediaEntityDesc::new),
      new Call(Videodev2.VIDIOC_QUERYCAP, V4l2Capability::new),
      new Call(Videodev2.VIDIOC_S_FMT, () -> fmt(OUT)),
      new Call(Videodev2.VIDIOC_G_FMT, () -> fmt(CAP)),
      new Call(Videodev2.VIDIOC_REQBUFS, () -> reqbufs(OUT)),
      new Call(Videodev2.VIDIOC_REQBUFS, () -> reqbufs(CAP)),
      new Call(Videodev2.VIDIOC_QBUF, () -> new V4l2Buffer(0, CAP, Vb2Queue.MEMORY_MMAP)),
      new Call(Videodev2.VIDIOC_QBUF, SyscallProgramFuzzTest::bitstream),
      new Call(Videodev2.VIDIOC_DQBUF, () -> new V4l2Buffer(0, CAP, Vb2Queue.MEMORY_MMAP)),
      new Call(Videodev2.VIDIOC_STREAMON, () -> new V4l2Int(CAP)),
      new Call(Videodev2.VIDIOC_STREAMON, () -> new V4l2Int(OUT)),
      new Call(Videodev2.VIDIOC_STREAMOFF, () -> new V4l2Int(CAP)),
      new Call(SndPcm.HW_PARAMS, () -> SndPcmHwParams.standard(4)),
      new Call(SndPcm.PREPARE, () -> null),
      new Call(SndPcm.START, () -> null),
      new Call(SndPcm.HW_FREE, () -> null));

  /** An ioctl and a maker of its argument. */
  private record Call(int cmd, Supplier<@Nullable IoctlArg<?>> arg) {}

  private static V4l2Format fmt(int type) {
    V4l2Format f = new V4l2Format();
    f.type = type;
    f.pixelformat = Videodev2.fourcc('H', '2', '6', '4');
    f.width = 1280;
    f.height = 720;
    return f;
  }

  private static V4l2Requestbuffers reqbufs(int type) {
    V4l2Requestbuffers r = new V4l2Requestbuffers();
    r.type = type;
    r.memory = Vb2Queue.MEMORY_MMAP;
    r.count = 2;
    return r;
  }

  private static V4l2Buffer bitstream() {
    V4l2Buffer b = new V4l2Buffer(0, OUT, Vb2Queue.MEMORY_MMAP);
    b.bytesused = 4096;
    return b;
  }

  @FuzzTest(maxDuration = "60s")
  void programs(FuzzedDataProvider data) {
    try (FuzzRig rig = FuzzRig.boot(Board.Kind.DEFAULT)) {
      Board board = rig.board();
      Task t = rig.task();
      List<String> seen = new ArrayList<>();
      Map<Integer, String> open = new HashMap<>();
      for (int op = 0; op < FuzzRig.MAX_OPS && data.remainingBytes() > 0; op++) {
        List<String> now = paths(board);
        for (String p : now) {
          if (!seen.contains(p)) {
            seen.add(p);
          }
        }
        int fd = open.isEmpty() ? -1
            : new ArrayList<>(open.keySet()).get(data.consumeInt(0, open.size() - 1));
        switch (data.consumeInt(0, 7)) {
          case 0, 1 -> {
            String path = seen.get(data.consumeInt(0, seen.size() - 1));
            int ret = FuzzRig.check("open " + path, t.open(path, File.O_RDWR | File.O_NONBLOCK));
            if (ret >= 0) {
              open.put(ret, path);
            }
          }
          case 2, 3 -> {
            Call c = CALLS.get(data.consumeInt(0, CALLS.size() - 1));
            FuzzRig.check("ioctl", t.ioctl(fd, c.cmd(), c.arg().get()));
          }
          case 4 -> FuzzRig.check("read", t.read(fd, new byte[data.consumeInt(0, 8192)]));
          case 5 -> FuzzRig.check("poll", t.poll(fd, FileOperations.POLLIN, 0));
          case 6 -> {
            FuzzRig.check("close", t.close(fd));
            open.remove(fd);
          }
          default -> control(data, board, open);
        }
      }
    }
  }

  /** Every device node the board has right now. */
  private static List<String> paths(Board board) {
    List<String> out = new ArrayList<>();
    for (MediaDevice m : board.mediaDevices()) {
      MediaDevnode n = m.devnode();
      if (n != null) {
        out.add(n.path());
      }
    }
    for (VpuCore.Kind k : VpuCore.Kind.values()) {
      HantroDev v = board.vpu(k);
      VideoDevice d = v == null ? null : v.decoderNode();
      if (d != null) {
        out.add(d.path());
      }
    }
    Au0828Dev au = board.au0828();
    if (au != null) {
      out.add(au.videoDevice().path());
    }
    SndUsbChip chip = board.sndChip();
    if (chip != null) {
      out.add(chip.path());
    }
    if (out.isEmpty()) {
      out.add("/dev/media0");
    }
    return out;
  }

  private static void control(FuzzedDataProvider data, Board board, Map<Integer, String> open) {
    switch (data.consumeInt(0, 2)) {
      case 0 -> {
        VpuCore.Kind core = data.consumeBoolean() ? VpuCore.Kind.G1 : VpuCore.Kind.G2;
        if (board.vpu(core) == null) {
          FuzzRig.check("bind " + core, board.bind(core));
        } else if (!holdsDecoder(board, open)) {
          FuzzRig.check("unbind " + core, board.unbind(core));
        }
      }
      case 1 -> {
        if (board.stick().present()) {
          FuzzRig.check("unplug", board.unplug());
        } else {
          FuzzRig.check("plug", board.plug());
        }
      }
      default -> {
        board.stick().frame();
        board.stick().period();
      }
    }
  }

  /** Whether a descriptor is open on a node of a decoder core's (its video or media node). */
  private static boolean holdsDecoder(Board board, Map<Integer, String> open) {
    for (VpuCore.Kind k : VpuCore.Kind.values()) {
      HantroDev v = board.vpu(k);
      if (v == null) {
        continue;
      }
      VideoDevice d = v.decoderNode();
      MediaDevnode m = v.mediaDevice().devnode();
      for (String p : open.values()) {
        if ((d != null && p.equals(d.path())) || (m != null && p.equals(m.path()))) {
          return true;
        }
      }
    }
    return false;
  }
}
