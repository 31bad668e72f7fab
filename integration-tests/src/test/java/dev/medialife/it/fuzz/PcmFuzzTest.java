package dev.medialife.it.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.medialife.cli.Board;
import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.Task;
import dev.medialife.drivers.usbaudio.SndPcm;
import dev.medialife.drivers.usbaudio.SndPcmHwParams;
import dev.medialife.drivers.usbaudio.SndUsbChip;

/**
 * The snd-usb-audio capture PCM's calls (HW_PARAMS with fuzzer-built parameters, PREPARE, START,
 * DROP, HW_FREE, non-blocking reads of any size, poll) while the stick delivers periods when the
 * fuzzer says so.
 */
class PcmFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void pcmCalls(FuzzedDataProvider data) {
    try (FuzzRig rig = FuzzRig.boot(Board.Kind.USBTV)) {
      SndUsbChip chip = rig.board().sndChip();
      if (chip == null) {
        throw new AssertionError("snd-usb-audio binds the stick at boot");
      }
      Task t = rig.task();
      int fd = FuzzRig.check("open", t.open(chip.path(), File.O_RDWR | File.O_NONBLOCK));
      for (int op = 0; op < FuzzRig.MAX_OPS && data.remainingBytes() > 0; op++) {
        switch (data.consumeInt(0, 8)) {
          case 0 -> {
            SndPcmHwParams p = SndPcmHwParams.standard(FuzzRig.pick(data, 2, 4, 0, 1024));
            if (data.consumeBoolean()) {
              p.format = FuzzRig.pick(data, SndPcmHwParams.FORMAT_S16_LE, 0, 3);
              p.rate = FuzzRig.pick(data, 48_000, 44_100, 0, 1);
              p.channels = FuzzRig.pick(data, 2, 1, 0, 8);
              p.periodBytes = FuzzRig.pick(data, p.periodBytes, 0, 1, 1 << 30);
            }
            FuzzRig.check("HW_PARAMS", t.ioctl(fd, SndPcm.HW_PARAMS, p));
          }
          case 1 -> FuzzRig.check("PREPARE", t.ioctl(fd, SndPcm.PREPARE, null));
          case 2 -> FuzzRig.check("START", t.ioctl(fd, SndPcm.START, null));
          case 3 -> FuzzRig.check("DROP", t.ioctl(fd, SndPcm.DROP, null));
          case 4 -> FuzzRig.check("HW_FREE", t.ioctl(fd, SndPcm.HW_FREE, null));
          case 5 -> FuzzRig.check("read",
              t.read(fd, new byte[FuzzRig.pick(data, SndUsbChip.PERIOD_BYTES, 0, 1, 7, 65_536)
                  & 0x1ffff]));
          case 6 -> rig.board().stick().period();
          case 7 -> FuzzRig.check("poll", t.poll(fd, FileOperations.POLLIN, 0));
          default -> FuzzRig.check("unknown ioctl", t.ioctl(fd, data.consumeInt(),
              data.consumeBoolean() ? null : SndPcmHwParams.standard(2)));
        }
      }
    }
  }
}
