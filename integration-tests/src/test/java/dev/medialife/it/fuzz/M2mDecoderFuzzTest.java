package dev.medialife.it.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.medialife.cli.Board;
import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.drivers.hantro.HantroCodec;
import dev.medialife.drivers.hantro.HantroDev;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.vb2.Vb2Queue;

/**
 * The Hantro decoder nodes' ioctls with fuzzer-built arguments, non-blocking: one context on G1
 * and one on G2, both on the scheduler the two cores share, so jobs of the two contexts are
 * queued, run, cancelled and streamed off in whatever order the fuzzer picks.
 */
class M2mDecoderFuzzTest {
  private static final V4l2Steps STEPS = new V4l2Steps(
      new int[] {Vb2Queue.TYPE_VIDEO_OUTPUT, Vb2Queue.TYPE_VIDEO_CAPTURE, 0, 9},
      new int[] {HantroCodec.H264.fourcc(), HantroCodec.HEVC.fourcc(), HantroCodec.VP9.fourcc(),
        HantroCodec.NV12, 0});

  @FuzzTest(maxDuration = "30s")
  void decoderIoctls(FuzzedDataProvider data) {
    try (FuzzRig rig = FuzzRig.boot(Board.Kind.IMX8MQ)) {
      Task t = rig.task();
      int[] fds = {open(rig, t, VpuCore.Kind.G1), open(rig, t, VpuCore.Kind.G2)};
      for (int op = 0; op < FuzzRig.MAX_OPS && data.remainingBytes() > 0; op++) {
        STEPS.step(data, t, fds[data.consumeInt(0, 1)]);
      }
    }
  }

  private static int open(FuzzRig rig, Task t, VpuCore.Kind core) {
    HantroDev vpu = rig.board().vpu(core);
    VideoDevice node = vpu == null ? null : vpu.decoderNode();
    if (node == null) {
      throw new AssertionError(core + " is bound at boot");
    }
    return FuzzRig.check("open", t.open(node.path(), File.O_RDWR | File.O_NONBLOCK));
  }
}
