package dev.medialife.drivers.au0828;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.Task;
import dev.medialife.drivers.usbaudio.SndPcm;
import dev.medialife.drivers.usbaudio.SndPcmHwParams;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.v4l2.uapi.V4l2Int;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad input on the PCM capture node: calls in the wrong state and bad parameters get errnos. */
@Sanitized
@Timeout(60)
class PcmErrnoTest {
  private final StickBed bed = new StickBed().up();
  private final Task at = new Task(bed.kernel, "arecord");
  private final byte[] period = new byte[SndUsbChip.PERIOD_BYTES];

  @AfterEach
  void down() {
    at.exit();
    bed.down();
    assertEquals(0, bed.audio.live());
  }

  private int hw(Consumer<SndPcmHwParams> change) {
    SndPcmHwParams p = SndPcmHwParams.standard(4);
    change.accept(p);
    return at.ioctl(fd, SndPcm.HW_PARAMS, p);
  }

  private int fd;

  @Test
  void callsOutOfOrderGetEbadfd() {
    fd = bed.openPcm(at);
    assertEquals(-Errno.EBUSY, at.open(bed.chip().path(), File.O_RDWR), "one capture substream");
    assertEquals(-Errno.EBADFD, at.read(fd, period), "read before hw_params");
    assertEquals(-Errno.EBADFD, at.ioctl(fd, SndPcm.PREPARE, null), "prepare before hw_params");
    assertEquals(-Errno.EBADFD, at.ioctl(fd, SndPcm.START, null), "start before prepare");
    assertEquals(-Errno.EBADFD, at.ioctl(fd, SndPcm.HW_FREE, null), "hw_free without params");
    assertEquals(-Errno.EBADFD, at.ioctl(fd, SndPcm.DROP, null), "drop in OPEN");
    assertEquals(0, StickBed.hwParams(at, fd));
    assertEquals(0, StickBed.hwParams(at, fd), "hw_params again in SETUP (same owner)");
    assertEquals(-Errno.EBADFD, at.read(fd, period), "read in SETUP");
    assertEquals(-Errno.EBADFD, at.ioctl(fd, SndPcm.START, null), "start in SETUP");
    assertEquals(0, at.ioctl(fd, SndPcm.PREPARE, null));
    assertEquals(0, at.ioctl(fd, SndPcm.START, null));
    assertEquals(SndPcm.State.RUNNING, bed.chip().pcmState());
    assertEquals(-Errno.EBADFD, StickBed.hwParams(at, fd), "hw_params while running");
    assertEquals(-Errno.EBADFD, at.ioctl(fd, SndPcm.HW_FREE, null), "hw_free while running");
    assertEquals(-Errno.EBADFD, at.ioctl(fd, SndPcm.START, null), "start while running");
    assertEquals(-Errno.EBUSY, at.ioctl(fd, SndPcm.PREPARE, null),
        "prepare while running (snd_pcm_pre_prepare); DROP stops it");
    assertEquals(SndPcm.State.RUNNING, bed.chip().pcmState());
    assertEquals(0, at.ioctl(fd, SndPcm.DROP, null));
    assertEquals(SndPcm.State.SETUP, bed.chip().pcmState());
    assertEquals(0, at.ioctl(fd, SndPcm.HW_FREE, null));
    assertEquals(SndPcm.State.OPEN, bed.chip().pcmState());
    assertEquals(-Errno.ENOTTY, at.ioctl(fd, 0x4141, null), "unknown ioctl");
    assertEquals(-Errno.EFAULT, at.ioctl(fd, SndPcm.HW_PARAMS, new V4l2Int(0)), "wrong argument");
    assertEquals(-Errno.EFAULT, at.ioctl(fd, SndPcm.HW_PARAMS, null), "no argument");
    assertEquals(0, at.close(fd));
    fd = bed.openPcm(at);
    assertEquals(0, at.close(fd), "the substream is free again after close");
  }

  @Test
  void badHardwareParametersGetEinvalAndChangeNothing() {
    fd = bed.openPcm(at);
    assertEquals(-Errno.EINVAL, hw(p -> p.rate = 44100));
    assertEquals(-Errno.EINVAL, hw(p -> p.channels = 1));
    assertEquals(-Errno.EINVAL, hw(p -> p.format = 0));
    assertEquals(-Errno.EINVAL, hw(p -> p.periodBytes = 100));
    assertEquals(-Errno.EINVAL, hw(p -> p.periods = 1));
    assertEquals(-Errno.EINVAL, hw(p -> p.periods = SndUsbChip.MAX_PERIODS + 1));
    assertEquals(SndPcm.State.OPEN, bed.chip().pcmState());
    assertEquals(null, bed.dev().source().owner(), "no claim for rejected parameters");
    assertEquals(0, hw(p -> p.periods = SndUsbChip.MAX_PERIODS));
    assertEquals(0, at.close(fd));
  }

  @Test
  void readsNeedAWholePeriodAndNonBlockingReadsDoNotWait() {
    fd = at.open(bed.chip().path(), File.O_RDWR | File.O_NONBLOCK);
    assertTrue(fd >= 0);
    StickBed.capture(at, fd);
    assertEquals(-Errno.EINVAL, at.read(fd, new byte[16]), "shorter than a period");
    assertEquals(-Errno.EAGAIN, at.read(fd, period), "nothing captured yet");
    assertTrue(bed.stick.period());
    assertEquals(SndUsbChip.PERIOD_BYTES, at.read(fd, period));
    assertEquals(0, at.close(fd));
  }

  @Test
  void anOverrunStopsTheStreamUntilPrepare() {
    fd = bed.openPcm(at);
    assertEquals(0, at.ioctl(fd, SndPcm.HW_PARAMS, SndPcmHwParams.standard(2)));
    assertEquals(0, at.ioctl(fd, SndPcm.PREPARE, null));
    assertEquals(0, at.ioctl(fd, SndPcm.START, null));
    for (int i = 0; i < 3; i++) {
      assertTrue(bed.stick.period());
    }
    assertEquals(SndPcm.State.XRUN, bed.chip().pcmState());
    assertEquals(-Errno.EPIPE, at.read(fd, period));
    assertEquals(FileOperations.POLLERR, at.poll(fd, FileOperations.POLLIN, 0));
    assertEquals(-Errno.EBADFD, at.ioctl(fd, SndPcm.START, null));
    assertEquals(0, at.ioctl(fd, SndPcm.PREPARE, null));
    assertEquals(0, bed.chip().avail());
    assertEquals(3, bed.chip().periodsDiscarded(), "the overrun and the two unread periods");
    assertEquals(0, at.ioctl(fd, SndPcm.START, null));
    assertTrue(bed.stick.period());
    assertEquals(SndUsbChip.PERIOD_BYTES, at.read(fd, period));
    assertEquals(0, at.close(fd));
    assertEquals(bed.chip().periodsDelivered(),
        bed.chip().periodsRead() + bed.chip().periodsDiscarded());
  }

  @Test
  void dropWakesABlockedReaderWithEbadfd() {
    fd = bed.openPcm(at);
    StickBed.capture(at, fd);
    AtomicInteger rd = new AtomicInteger(1);
    Thread reader = Sync.start("read", () -> rd.set(at.read(fd, period)));
    Sync.until(() -> bed.chip().sleepers() == 1, "reader asleep");
    assertEquals(0, at.ioctl(fd, SndPcm.DROP, null));
    Sync.join(reader);
    assertEquals(-Errno.EBADFD, rd.get());
    assertEquals(false, bed.stick.period(), "the trigger stopped the stick's capture");
    assertEquals(0, at.close(fd));
  }
}
