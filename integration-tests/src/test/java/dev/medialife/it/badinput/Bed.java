package dev.medialife.it.badinput;

import dev.medialife.cli.Board;
import dev.medialife.driver.File;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.Task;
import dev.medialife.drivers.au0828.Au0828Dev;
import dev.medialife.drivers.hantro.HantroDev;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.it.fuzz.SubdevRig;
import dev.medialife.kernel.Errno;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaDevnode;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The world of one row: a freshly booted board, a task, and a descriptor of the row's node opened
 * as a client would. The helpers make the valid calls a row needs before its malformed one (each
 * must succeed, else the row is wrong, not the model) and build common arguments.
 */
final class Bed implements AutoCloseable {
  /** The sub-device rows' sensor: two pads, an active state, a writable node. */
  static final SubdevRig.Shape SENSOR = new SubdevRig.Shape(2, true, false);

  private final @Nullable Board board;
  private final @Nullable SubdevRig rig;
  private final Node node;
  private final Task task;
  private final String path;
  private final int fd;

  private Bed(Board board, Node node) {
    this.board = board;
    this.rig = null;
    this.node = node;
    this.task = new Task(board.kernel(), "badinput");
    this.path = pathOf(board, node);
    this.fd = ok(task.open(path, node.openFlags()), "open " + path);
  }

  private Bed(SubdevRig rig) {
    this.board = null;
    this.rig = rig;
    this.node = Node.SUBDEV;
    this.task = rig.task();
    this.path = present(rig.node(), "the sensor's node").path();
    this.fd = ok(task.open(path, node.openFlags()), "open " + path);
  }

  /**
   * Boots the row's board (or the sub-device rig) and opens its node.
   *
   * @param node the node the row calls
   * @return the bed
   */
  static Bed boot(Node node) {
    Board.Kind kind = node.board();
    if (kind == null) {
      SubdevRig r = SubdevRig.boot(SENSOR);
      try {
        return new Bed(r);
      } catch (RuntimeException | AssertionError e) {
        r.close();
        throw e;
      }
    }
    Board b;
    try {
      b = Board.boot(kind);
    } catch (Board.BootException e) {
      throw new AssertionError("the board boots without fault injection: " + e.getMessage(), e);
    }
    try {
      return new Bed(b, node);
    } catch (RuntimeException | AssertionError e) {
      b.close();
      throw e;
    }
  }

  private static <T> T present(@Nullable T value, String what) {
    if (value == null) {
      throw new AssertionError(what + " is there at boot");
    }
    return value;
  }

  private static String pathOf(Board board, Node node) {
    return switch (node) {
      case MEDIA, MEDIA_M2M -> present(media(board, node).devnode(), "the media devnode").path();
      case CAPTURE -> present(board.au0828(), "au0828").videoDevice().path();
      case M2M -> {
        HantroDev vpu = present(board.vpu(VpuCore.Kind.G1), "Hantro G1");
        VideoDevice vdev = present(vpu.decoderNode(), "G1's decoder node");
        yield vdev.path();
      }
      case PCM -> present(board.sndChip(), "snd-usb-audio").path();
      case SUBDEV -> throw new AssertionError("the sub-device has no board");
    };
  }

  /** The stick's media device, or G1's on the decoder board. */
  private static MediaDevice media(Board board, Node node) {
    if (node == Node.MEDIA_M2M) {
      return present(board.vpu(VpuCore.Kind.G1), "Hantro G1").mediaDevice();
    }
    List<MediaDevice> all = board.mediaDevices();
    return all.get(all.size() - 1);
  }

  /**
   * Asserts that a setup call succeeded.
   *
   * @param ret its result
   * @param what the call, for the message
   * @return {@code ret}
   */
  static int ok(int ret, String what) {
    if (ret < 0) {
      throw new AssertionError("setup step " + what + " failed with " + Errno.describe(ret));
    }
    return ret;
  }

  Board board() {
    return present(board, "a board");
  }

  /** The sub-device rig, for the sub-device rows. */
  SubdevRig subdev() {
    return present(rig, "the sub-device rig");
  }

  Task task() {
    return task;
  }

  /** The row's open descriptor. */
  int fd() {
    return fd;
  }

  /** The path the descriptor was opened from. */
  String path() {
    return path;
  }

  /** The media device of the row's node: the stick's, or G1's on the decoder board. */
  MediaDevice mdev() {
    return media(board(), node);
  }

  /** The devnode of {@link #mdev()}. */
  MediaDevnode devnode() {
    return present(mdev().devnode(), "the media devnode");
  }

  /** An ioctl on the row's descriptor. */
  int ioctl(int cmd, @Nullable IoctlArg<?> arg) {
    return task.ioctl(fd, cmd, arg);
  }

  /** REQBUFS of {@code count} MMAP buffers of {@code type} on {@code onFd}, which must succeed. */
  void reqbufs(int onFd, int type, int count) {
    V4l2Requestbuffers r = new V4l2Requestbuffers();
    r.type = type;
    r.memory = Vb2Queue.MEMORY_MMAP;
    r.count = count;
    ok(task.ioctl(onFd, Videodev2.VIDIOC_REQBUFS, r), "REQBUFS");
  }

  /** QBUF of MMAP buffer {@code index} of {@code type}, which must succeed. */
  void qbuf(int type, int index) {
    V4l2Buffer b = new V4l2Buffer(index, type, Vb2Queue.MEMORY_MMAP);
    b.bytesused = 1;
    ok(ioctl(Videodev2.VIDIOC_QBUF, b), "QBUF " + index);
  }

  /** STREAMON of {@code type}, which must succeed. */
  void streamon(int type) {
    ok(ioctl(Videodev2.VIDIOC_STREAMON, new V4l2Int(type)), "STREAMON");
  }

  /** A second descriptor of the row's node. */
  int openAgain() {
    return ok(task.open(path, File.O_RDWR | File.O_NONBLOCK), "second open");
  }

  /** Pulls the stick out, which must succeed. */
  void unplug() {
    ok(board().unplug(), "unplug");
  }

  /** The au0828 state, which must be bound. */
  Au0828Dev au0828() {
    return present(board().au0828(), "au0828");
  }

  /** The sound card, which must be bound. */
  SndUsbChip snd() {
    return present(board().sndChip(), "snd-usb-audio");
  }

  @Override
  public void close() {
    SubdevRig r = rig;
    if (r != null) {
      r.close();
      return;
    }
    task.exit();
    board().close();
  }
}
