package dev.medialife.it.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.Task;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2Fmtdesc;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.V4l2Input;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.V4l2Tuner;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;

/**
 * One fuzzer-chosen V4L2 system call on a video node, with its argument built from the fuzzer's
 * bytes: mostly values a real client would send (the node's buffer types, small counts and
 * indices, known pixel formats), sometimes any int at all. Shared by the capture-node and the
 * m2m-node targets, which differ only in the buffer types and formats they favour.
 */
final class V4l2Steps {
  private static final int MMAP = Vb2Queue.MEMORY_MMAP;

  private final int[] types;
  private final int[] formats;

  /**
   * Steps for a node.
   *
   * @param types the buffer types the node serves
   * @param formats the pixel formats worth trying
   */
  V4l2Steps(int[] types, int[] formats) {
    this.types = types.clone();
    this.formats = formats.clone();
  }

  private int type(FuzzedDataProvider data) {
    return FuzzRig.pick(data, types);
  }

  private V4l2Format format(FuzzedDataProvider data) {
    V4l2Format f = new V4l2Format();
    f.type = type(data);
    f.pixelformat = FuzzRig.pick(data, formats);
    f.width = FuzzRig.pick(data, 0, 16, 720, 1920, 4096, 8192);
    f.height = FuzzRig.pick(data, 0, 16, 480, 1080, 2304, 8192);
    f.bytesperline = data.consumeBoolean() ? 0 : data.consumeInt();
    f.sizeimage = data.consumeBoolean() ? 0 : data.consumeInt();
    return f;
  }

  private V4l2Buffer buffer(FuzzedDataProvider data) {
    V4l2Buffer b = new V4l2Buffer(FuzzRig.pick(data, 0, 1, 2, 3, 31, 32, -1), type(data),
        FuzzRig.pick(data, MMAP, 0, 2, 4));
    b.bytesused = FuzzRig.pick(data, 0, 1, 4096, 1 << 20, -1);
    b.flags = data.consumeBoolean() ? 0 : data.consumeInt();
    b.timestamp = data.consumeLong();
    b.requestFd = data.consumeBoolean() ? 0 : data.consumeInt();
    return b;
  }

  /**
   * Makes one call on {@code fd}.
   *
   * @param data the fuzzer's bytes
   * @param t the calling task
   * @param fd an open descriptor of the node
   */
  void step(FuzzedDataProvider data, Task t, int fd) {
    switch (data.consumeInt(0, 13)) {
      case 0 -> FuzzRig.check("QUERYCAP",
          t.ioctl(fd, Videodev2.VIDIOC_QUERYCAP, new V4l2Capability()));
      case 1 -> {
        V4l2Fmtdesc d = new V4l2Fmtdesc();
        d.type = type(data);
        d.index = FuzzRig.pick(data, 0, 1, 2, 5, -1);
        FuzzRig.check("ENUM_FMT", t.ioctl(fd, Videodev2.VIDIOC_ENUM_FMT, d));
      }
      case 2 -> FuzzRig.check("G_FMT", t.ioctl(fd, Videodev2.VIDIOC_G_FMT, format(data)));
      case 3 -> FuzzRig.check("S_FMT", t.ioctl(fd, Videodev2.VIDIOC_S_FMT, format(data)));
      case 4 -> FuzzRig.check("TRY_FMT", t.ioctl(fd, Videodev2.VIDIOC_TRY_FMT, format(data)));
      case 5 -> {
        V4l2Requestbuffers r = new V4l2Requestbuffers();
        r.type = type(data);
        r.memory = FuzzRig.pick(data, MMAP, 0, 2, 4);
        r.count = FuzzRig.pick(data, 0, 1, 2, 4, 32, 64, -1);
        FuzzRig.check("REQBUFS", t.ioctl(fd, Videodev2.VIDIOC_REQBUFS, r));
      }
      case 6 -> FuzzRig.check("QUERYBUF", t.ioctl(fd, Videodev2.VIDIOC_QUERYBUF, buffer(data)));
      case 7 -> FuzzRig.check("QBUF", t.ioctl(fd, Videodev2.VIDIOC_QBUF, buffer(data)));
      case 8 -> FuzzRig.check("DQBUF", t.ioctl(fd, Videodev2.VIDIOC_DQBUF, buffer(data)));
      case 9 -> FuzzRig.check("STREAMON",
          t.ioctl(fd, Videodev2.VIDIOC_STREAMON, new V4l2Int(type(data))));
      case 10 -> FuzzRig.check("STREAMOFF",
          t.ioctl(fd, Videodev2.VIDIOC_STREAMOFF, new V4l2Int(type(data))));
      case 11 -> {
        V4l2Input in = new V4l2Input();
        in.index = FuzzRig.pick(data, 0, 1, 2, 3, -1);
        FuzzRig.check("ENUMINPUT", t.ioctl(fd, Videodev2.VIDIOC_ENUMINPUT, in));
        FuzzRig.check("S_INPUT", t.ioctl(fd, Videodev2.VIDIOC_S_INPUT, new V4l2Int(in.index)));
        FuzzRig.check("G_INPUT", t.ioctl(fd, Videodev2.VIDIOC_G_INPUT, new V4l2Int(0)));
      }
      case 12 -> {
        V4l2Tuner tuner = new V4l2Tuner();
        tuner.index = FuzzRig.pick(data, 0, 1, -1);
        FuzzRig.check("G_TUNER", t.ioctl(fd, Videodev2.VIDIOC_G_TUNER, tuner));
      }
      default -> FuzzRig.check("poll", t.poll(fd,
          FileOperations.POLLIN | FileOperations.POLLOUT | FileOperations.POLLPRI, 0));
    }
  }
}
