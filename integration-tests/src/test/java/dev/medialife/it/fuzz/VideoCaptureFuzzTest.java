package dev.medialife.it.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.medialife.cli.Board;
import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.drivers.au0828.Au0828Dev;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.Vb2Queue;

/**
 * The au0828 capture node's ioctls with fuzzer-built arguments, non-blocking, while the stick
 * delivers frames when the fuzzer says so; two descriptors, so one may own the queue while the
 * other is refused.
 */
class VideoCaptureFuzzTest {
  private static final V4l2Steps STEPS = new V4l2Steps(
      new int[] {Vb2Queue.TYPE_VIDEO_CAPTURE, Vb2Queue.TYPE_VIDEO_OUTPUT, 0, 9},
      new int[] {Videodev2.V4L2_PIX_FMT_UYVY, Videodev2.V4L2_PIX_FMT_YUYV, 0,
          Videodev2.fourcc('N', 'V', '1', '2')});

  @FuzzTest(maxDuration = "30s")
  void captureIoctls(FuzzedDataProvider data) {
    try (FuzzRig rig = FuzzRig.boot(Board.Kind.USBTV)) {
      Au0828Dev dev = rig.board().au0828();
      if (dev == null) {
        throw new AssertionError("au0828 binds the stick at boot");
      }
      Task t = rig.task();
      String path = dev.videoDevice().path();
      int[] fds = {
        FuzzRig.check("open", t.open(path, File.O_RDWR | File.O_NONBLOCK)),
        FuzzRig.check("open", t.open(path, File.O_RDWR | File.O_NONBLOCK))
      };
      for (int op = 0; op < FuzzRig.MAX_OPS && data.remainingBytes() > 0; op++) {
        int which = data.consumeInt(0, 1);
        if (data.consumeInt(0, 7) == 0) {
          rig.board().stick().frame();
        } else {
          STEPS.step(data, t, fds[which]);
        }
      }
    }
  }
}
