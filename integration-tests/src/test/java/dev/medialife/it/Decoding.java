package dev.medialife.it;

import dev.medialife.driver.Task;
import dev.medialife.drivers.hantro.HantroCodec;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.Vb2Queue;

/** What a stateless-decoder client does on an open Hantro node before its first frame. */
public final class Decoding {
  private Decoding() {}

  /**
   * S_FMT of the coded format on the OUTPUT queue (1280x720), REQBUFS of {@code buffers} MMAP
   * buffers on both queues, STREAMON on both; stops at the first error.
   *
   * @param t the task
   * @param fd its descriptor of the decoder node
   * @param codec the coded format
   * @param buffers buffers per queue
   * @return 0 or the first negative errno
   */
  public static int start(Task t, int fd, HantroCodec codec, int buffers) {
    V4l2Format f = new V4l2Format();
    f.type = Vb2Queue.TYPE_VIDEO_OUTPUT;
    f.pixelformat = codec.fourcc();
    f.width = 1280;
    f.height = 720;
    int ret = t.ioctl(fd, Videodev2.VIDIOC_S_FMT, f);
    int[] types = {Vb2Queue.TYPE_VIDEO_OUTPUT, Vb2Queue.TYPE_VIDEO_CAPTURE};
    for (int type : types) {
      V4l2Requestbuffers r = new V4l2Requestbuffers();
      r.type = type;
      r.memory = Vb2Queue.MEMORY_MMAP;
      r.count = buffers;
      ret = ret < 0 ? ret : t.ioctl(fd, Videodev2.VIDIOC_REQBUFS, r);
    }
    for (int type : types) {
      ret = ret < 0 ? ret : t.ioctl(fd, Videodev2.VIDIOC_STREAMON, new V4l2Int(type));
    }
    return ret;
  }
}
