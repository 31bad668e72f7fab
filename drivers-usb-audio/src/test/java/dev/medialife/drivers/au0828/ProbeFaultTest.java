package dev.medialife.drivers.au0828;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.allocator.MediaDeviceAllocator;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.fault.FaultSweep;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.Sanitized;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every single failure inside plugging the stick, through either probe or both, ends in a clean
 * kernel errno with nothing leaked and nothing reported, and the next plug works.
 */
@Sanitized
@Timeout(120)
class ProbeFaultTest {
  private static final Set<Integer> CLEAN =
      Set.of(-Errno.ENOMEM, -Errno.ENFILE, -Errno.EBUSY, -Errno.ENODEV, -Errno.EINVAL);

  private final StickBed bed = new StickBed();

  /** Plugs; a probe failure is the path's result, and the path unplugs again. */
  private IntSupplier plugPath(boolean video, boolean audio) {
    return () -> {
      int ret = bed.stick.plug(bed.host, StickBed.PORT);
      if (ret < 0) {
        return ret;
      }
      int err = video && bed.video.lastProbe() != 0 ? bed.video.lastProbe()
          : audio && bed.audio.lastProbe() != 0 ? bed.audio.lastProbe() : 0;
      if (err != 0) {
        assertEquals(0, bed.stick.unplug());
      }
      return err;
    };
  }

  private void sweep(String name, boolean video, boolean audio) {
    FaultSweep.Result r = FaultSweep.run(name, plugPath(video, audio), ret -> {
      Au0828Dev d = Au0828Driver.of(bed.intf(0));
      assertTrue(StickBed.notNull(d != null ? d.mediaDevice() : bed.chip().mediaDevice())
          .isRegistered());
      assertEquals(List.of("/dev/media0"), bed.mediaNodes());
      assertEquals(0, bed.stick.unplug());
    });
    assertEquals(0, r.baseline().result());
    assertEquals(List.of(), r.baseline().reports());
    assertFalse(r.steps().isEmpty());
    assertTrue(r.points().contains(Kmem.FAULT_POINT), r.points().toString());
    int degraded = 0;
    for (FaultSweep.Step s : r.steps()) {
      assertEquals(List.of(), s.reports(), s.toString());
      if (s.result() == 0) {
        // snd_media_device_create on a device au0828 already registered only logs a failed
        // mixer or stream setup: the card works without its media entities.
        degraded++;
      } else {
        assertTrue(CLEAN.contains(s.result()), s.toString());
      }
    }
    assertEquals(video && audio, degraded > 0, "only the second driver's media glue degrades");
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    assertEquals(List.of(), bed.mediaNodes());
    assertEquals(0, bed.video.live() + bed.audio.live());
    // And afterwards a plain plug works.
    assertTrue(bed.stick.plug(bed.host, StickBed.PORT) > 0);
    assertEquals(0, bed.video.lastProbe());
    assertEquals(0, bed.audio.lastProbe());
    bed.down();
  }

  @Test
  void everyFailureOfTheVideoProbeIsClean() {
    assertEquals(0, bed.video.register(bed.core));
    sweep("au0828 probe", true, false);
  }

  @Test
  void everyFailureOfTheAudioProbeIsClean() {
    assertEquals(0, bed.audio.register(bed.core));
    assertEquals(0, bed.video.register(bed.core));
    bed.video.deregister(bed.core);
    sweep("snd-usb-audio probe", false, true);
  }

  @Test
  void everyFailureOfBothProbesIsClean() {
    assertEquals(0, bed.video.register(bed.core));
    assertEquals(0, bed.audio.register(bed.core));
    sweep("au0828 + snd-usb-audio probes", true, true);
  }
}
