package dev.medialife.drivers.hantro;

import static dev.medialife.drivers.hantro.HantroBed.G1;
import static dev.medialife.drivers.hantro.HantroBed.G2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.hw.imx8m.Imx8mSoc;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.fault.FaultSweep;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.m2m.V4l2M2mDev;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.v4l2.VideoDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How the cores share (or do not share) the scheduler across probe, remove and rebind: scenarios
 * 20, 21, 24, 27 and 28, the probe's media objects, and a fault sweep over the second core's
 * probe.
 */
@Sanitized
@Timeout(60)
class HantroSharingTest {

  /** Scenario 20. */
  @Test
  void theSchedulerKrefFollowsTheCores() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      V4l2M2mDev m2m = bed.m2m(G1);
      assertSame(m2m, bed.m2m(G2));
      assertEquals(2, m2m.refcount());
      assertEquals(0, bed.unbind(G1));
      assertEquals(1, m2m.refcount());
      assertTrue(m2m.mem().isLive(), "not freed with one core left");
      HantroBed.Session g2 = bed.session(G2, HantroCodec.HEVC, 2);
      g2.queue(0);
      g2.queue(1);
      bed.completeOne();
      bed.completeOne();
      assertEquals(2, m2m.jobsFinished(), "G2 contexts keep scheduling");
      g2.close();
      bed.settle(m2m); // the last finish left job_work queued; release does not flush it
      assertEquals(0, bed.unbind(G2));
      assertFalse(m2m.mem().isLive(), "freed at the last put");
      assertTrue(SanitizerScope.current().reports().isEmpty(), "freed exactly once");
    }
  }

  /** Scenario 21. */
  @ParameterizedTest
  @EnumSource(VpuCore.Kind.class)
  void probeOrderDoesNotMatter(VpuCore.Kind first) {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      assertEquals(0, bed.unbind(G1));
      assertEquals(0, bed.unbind(G2));
      assertEquals(0, bed.bind(first));
      assertEquals(1, bed.m2m(first).refcount());
      assertEquals(0, bed.bind(first.other()));
      V4l2M2mDev m2m = bed.m2m(first);
      assertSame(m2m, bed.m2m(first.other()), "exactly one scheduler");
      assertEquals(2, m2m.refcount(), "both cores reference it");
    }
  }

  /** Scenario 24. */
  @Test
  void aReboundCoreSharesTheSameSchedulerAgain() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      V4l2M2mDev m2m = bed.m2m(G2);
      assertEquals(0, bed.unbind(G1));
      assertNull(bed.vpuOrNull(G1), "the driver core cleared the driver data");
      assertEquals(1, m2m.refcount());
      assertEquals(0, bed.bind(G1));
      assertSame(m2m, bed.m2m(G1), "the same scheduler, not a new one");
      assertEquals(2, m2m.refcount());
    }
  }

  /** Scenario 27. */
  @ParameterizedTest
  @EnumSource(value = Imx8mSoc.class, names = {"IMX8MM", "IMX8MP"})
  void variantsWithoutASiblingGetPrivateSchedulers(Imx8mSoc soc) {
    try (HantroBed bed = new HantroBed(soc)) {
      V4l2M2mDev a = bed.m2m(G1);
      V4l2M2mDev b = bed.m2m(G2);
      assertNotSame(a, b);
      assertEquals(1, a.refcount());
      assertEquals(1, b.refcount());
      if (soc == Imx8mSoc.IMX8MP) {
        assertSame(HantroVariant.IMX8MQ_G2, bed.vpu(G2).variant(),
            "the 8MP G2 is the 8MQ variant, with the shared table, and finds only itself");
      }
      // Independent cores decode at the same time without faults.
      HantroBed.Session g1 = bed.session(G1, HantroCodec.H264, 1);
      HantroBed.Session g2 = bed.session(G2, HantroCodec.VP9, 1);
      g1.queue(0);
      g2.queue(0);
      bed.awaitDecoding(G1);
      bed.awaitDecoding(G2);
      bed.clock.advance(HantroBed.DECODE);
      Sync.until(() -> a.jobsFinished() == 1 && b.jobsFinished() == 1, "both finished");
      assertEquals(0, bed.core(G2).busErrors());
      g1.close();
      g2.close();
    }
  }

  /**
   * Scenario 28, a documentation test of a race upstream leaves open: G2 probes entirely inside
   * G1's window between its sibling lookup and its store of the scheduler. G2 sees G1's driver
   * data without a scheduler (the kernel would call v4l2_m2m_get(NULL); the model warns) and G1
   * found no bound sibling: two schedulers, sharing silently lost.
   */
  @Test
  @ExpectReports(ReportKind.WARNING)
  void concurrentProbesCanLoseTheSharing() {
    PatchSwitch.HANTRO_SHARED_LOCK.set(false); // upstream as merged
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      assertEquals(0, bed.unbind(G1));
      assertEquals(0, bed.unbind(G2));
      AtomicInteger g2Probe = new AtomicInteger(1);
      RaceWindow.arm(HantroDriver.WINDOW_M2M_STORE, () -> {
        Thread t = Sync.start("probe-g2", () -> g2Probe.set(bed.bind(G2)));
        Sync.join(t);
      });
      assertEquals(0, bed.bind(G1));
      assertEquals(0, g2Probe.get());
      V4l2M2mDev a = bed.m2m(G1);
      V4l2M2mDev b = bed.m2m(G2);
      assertNotSame(a, b, "sharing lost: two schedulers");
      assertEquals(1, a.refcount());
      assertEquals(1, b.refcount());
      assertEquals(1, SanitizerScope.current().reports(ReportKind.WARNING).size());
      // With two schedulers the cores decode at once and the bus faults: what the series fixed.
      HantroBed.Session g1 = bed.session(G1, HantroCodec.H264, 1);
      HantroBed.Session g2 = bed.session(G2, HantroCodec.HEVC, 1);
      g1.queue(0);
      g2.queue(0);
      bed.awaitDecoding(G1);
      bed.awaitDecoding(G2);
      bed.clock.advance(HantroBed.DECODE);
      Sync.until(() -> a.jobsFinished() == 1 && b.jobsFinished() == 1, "both finished");
      assertTrue(bed.board.bus().overlaps() > 0);
      g1.close();
      g2.close();
    }
  }

  /**
   * The other race upstream leaves open (reference §3.3): a probe concurrent with the sibling's
   * remove. G2's remove has put the last reference, but its driver data is still set; G1 probes
   * in that window, finds G2 and takes a reference on the freed scheduler.
   */
  @Test
  @ExpectReports({ReportKind.USE_AFTER_FREE, ReportKind.REFCOUNT})
  void aProbeRacingTheSiblingsRemoveTakesAFreedScheduler() {
    PatchSwitch.HANTRO_SHARED_LOCK.set(false); // upstream as merged
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      assertEquals(0, bed.unbind(G1));
      V4l2M2mDev m2m = bed.m2m(G2);
      assertEquals(1, m2m.refcount());
      probeG1InsideTheRemoveOfG2(bed, HantroDriver.WINDOW_REMOVE_PUT);
      assertFalse(m2m.mem().isLive());
      assertSame(m2m, bed.m2m(G1), "G1 shares a scheduler that no longer exists");
      assertTrue(SanitizerScope.current().reports().stream()
          .anyMatch(r -> r.kind() == ReportKind.USE_AFTER_FREE), "v4l2_m2m_get after free");
      // G1's remove, when the bed closes, puts a count that is already zero: refcount underflow.
    }
  }

  /**
   * The same interleaving as scenario 28 with the model's fix ({@code hantro-shared-lock}): G2's
   * probe starts while G1 sits between its lookup and its store, but G1 holds the shared lock, so
   * G2 waits, then finds G1's stored scheduler. One scheduler, no warning.
   */
  @Test
  void withTheSharedLockConcurrentProbesEndWithOneScheduler() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      assertEquals(0, bed.unbind(G1));
      assertEquals(0, bed.unbind(G2));
      AtomicInteger g2Probe = new AtomicInteger(1);
      CountDownLatch g2AtTheLock = new CountDownLatch(1);
      AtomicReference<Thread> g2 = new AtomicReference<>();
      RaceWindow.arm(HantroDriver.WINDOW_M2M_STORE, () -> {
        // G1 holds the lock here; G2's probe runs up to the lock and blocks on it.
        RaceWindow.arm(HantroDriver.WINDOW_SHARED_LOCK, g2AtTheLock::countDown);
        g2.set(Sync.start("probe-g2", () -> g2Probe.set(bed.bind(G2))));
        Sync.await(g2AtTheLock, "G2's probe at the shared lock");
      });
      assertEquals(0, bed.bind(G1));
      Thread t = g2.get();
      assertNotNull(t, "the window ran");
      Sync.join(t);
      assertEquals(0, g2Probe.get());
      V4l2M2mDev shared = bed.m2m(G1);
      assertSame(shared, bed.m2m(G2), "G2 found G1's scheduler after G1 stored it");
      assertEquals(2, shared.refcount());
      assertTrue(SanitizerScope.current().reports().isEmpty());
    }
  }

  /**
   * A probe racing the sibling's remove, with the fix: the remove stops lending its scheduler
   * under the shared lock before the put, so a probe after that point creates its own scheduler
   * instead of borrowing the freed one.
   */
  @Test
  void withTheSharedLockAProbeAfterTheSiblingsPutCreatesItsOwnScheduler() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      assertEquals(0, bed.unbind(G1));
      V4l2M2mDev old = bed.m2m(G2);
      probeG1InsideTheRemoveOfG2(bed, HantroDriver.WINDOW_REMOVE_PUT);
      assertFalse(old.mem().isLive(), "G2's put freed its scheduler");
      V4l2M2mDev fresh = bed.m2m(G1);
      assertNotSame(old, fresh);
      assertEquals(1, fresh.refcount());
      assertTrue(SanitizerScope.current().reports().isEmpty());
    }
  }

  /**
   * A probe that takes the shared lock before the sibling's remove does borrows the scheduler
   * with a reference of its own, so the remove's put does not free it.
   */
  @Test
  void withTheSharedLockAProbeBeforeTheSiblingsPutKeepsTheSchedulerAlive() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      assertEquals(0, bed.unbind(G1));
      V4l2M2mDev m2m = bed.m2m(G2);
      probeG1InsideTheRemoveOfG2(bed, HantroDriver.WINDOW_SHARED_LOCK);
      assertTrue(m2m.mem().isLive());
      assertSame(m2m, bed.m2m(G1));
      assertEquals(1, m2m.refcount(), "G1's reference; G2's was put");
    }
  }

  /**
   * Unbinds G2 while G1's whole probe runs inside {@code window} of G2's remove; both succeed.
   */
  private static void probeG1InsideTheRemoveOfG2(HantroBed bed, String window) {
    AtomicInteger g1Probe = new AtomicInteger(1);
    RaceWindow.arm(window,
        () -> Sync.join(Sync.start("probe-g1", () -> g1Probe.set(bed.bind(G1)))));
    assertEquals(0, bed.unbind(G2));
    assertEquals(0, g1Probe.get(), "G1's probe");
  }

  /** The probe's objects: a decoder node and the MC objects Hantro builds itself. */
  @Test
  void probeRegistersADecoderNodeWithItsOwnMediaObjects() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      HantroDev g1 = bed.vpu(G1);
      VideoDevice vdev = g1.decoderNode();
      assertNotNull(vdev);
      assertEquals("imx8mq-vpu-g1-dec", vdev.name());
      assertEquals(VideoDevice.VflDir.M2M, vdev.vflDir());
      assertTrue(g1.mediaDevice().isRegistered());
      assertSame(g1.mediaDevice(), g1.v4l2Device().mdev());
      List<String> names = new ArrayList<>();
      for (MediaEntity e : g1.mediaDevice().entities()) {
        names.add(e.name());
      }
      assertEquals(List.of("imx8mq-vpu-g1-dec-source", "imx8mq-vpu-g1-dec-proc",
          "imx8mq-vpu-g1-dec-sink"), names);
      assertEquals(MediaUapi.MEDIA_ENT_F_PROC_VIDEO_DECODER,
          g1.mediaDevice().entities().get(1).function());
      assertEquals(1, g1.mediaDevice().interfaces().size());
      assertNull(g1.m2mDev() == null ? null : g1.m2mDev().mc(),
          "not through v4l2_m2m_register_media_controller");
      assertSame(bed.pdev(G1), g1.pdev());
      assertEquals(HantroVariant.IMX8MQ_G1, g1.variant());
      assertTrue(g1.mem().isLive());
      assertTrue(g1.toString().contains("imx8mq-vpu-g1"));
      assertNotEquals(g1.mediaDevice(), bed.vpu(G2).mediaDevice(), "one media device per core");
    }
  }

  /**
   * A fault sweep over the second core's probe: every failure is a clean errno with nothing
   * leaked, and the sibling's scheduler keeps exactly its own reference.
   */
  @Test
  void faultSweepOverTheSecondCoresProbe() {
    try (HantroBed bed = new HantroBed(Imx8mSoc.IMX8MQ)) {
      V4l2M2mDev m2m = bed.m2m(G1);
      assertEquals(0, bed.unbind(G2));
      List<Integer> refsAfterFailure = new ArrayList<>();
      FaultSweep.Result r =
          FaultSweep.run(
              "hantro_probe g2",
              () -> {
                int ret = bed.bind(G2);
                if (ret != 0) {
                  refsAfterFailure.add(m2m.refcount());
                }
                return ret;
              },
              x -> assertEquals(0, bed.unbind(G2)));
      assertEquals(0, r.baseline().result());
      assertTrue(r.baseline().reports().isEmpty(), r.baseline().toString());
      int injected = 0;
      for (FaultSweep.Step s : r.steps()) {
        if (s.point().isEmpty()) {
          assertTrue(s.result() == 0 && s.reports().isEmpty(), s.toString());
          continue;
        }
        injected++;
        assertTrue(s.failedCleanly(), s.toString());
        assertTrue(s.result() < 0, s.toString());
      }
      assertTrue(injected >= 5, "the probe's allocations were swept: " + r.points());
      assertEquals(injected, refsAfterFailure.size());
      for (int refs : refsAfterFailure) {
        assertEquals(1, refs, "the sibling's scheduler refcount is unchanged");
      }
      assertEquals(1, m2m.refcount());
      assertNull(bed.vpuOrNull(G2));
      assertEquals(0, bed.bind(G2));
      assertSame(m2m, bed.m2m(G2));
    }
  }
}
