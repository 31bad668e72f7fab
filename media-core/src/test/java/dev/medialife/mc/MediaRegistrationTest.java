package dev.medialife.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.fault.FaultSweep;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Registration and its failure paths: every fault point of a probe that builds a media device
 * fails once and must unwind cleanly, with and without the lifetime rules; the minor space runs
 * out at 256; unregister is idempotent; cleanup is only for mainline media devices.
 */
@Sanitized
@Timeout(60)
class MediaRegistrationTest {
  private final LifetimeBed bed = new LifetimeBed();

  /** Creates a media device under {@code parent}, asserting success. */
  private LifetimeBed.Priv media(@Nullable Device parent, String model) {
    int[] err = new int[1];
    LifetimeBed.Priv p = bed.create(parent, model, err);
    assertNotNull(p, "create " + model + ": " + Errno.describe(err[0]));
    return p;
  }

  @ParameterizedTest(name = "lifetime rules {0}")
  @ValueSource(booleans = {true, false})
  void everyFaultOfTheProbePathUnwindsCleanly(boolean lifetime) {
    PatchSwitch.MEDIA_LIFETIME.set(lifetime);
    Device parent = bed.addDevice("parent0");
    List<LifetimeBed.Priv> made = new ArrayList<>();
    FaultSweep.Result r =
        FaultSweep.run(
            "media probe",
            () -> {
              int[] err = new int[1];
              LifetimeBed.Priv p = bed.create(parent, "swept", err);
              if (p == null) {
                return err[0];
              }
              made.add(p);
              return 0;
            },
            ok -> made.remove(made.size() - 1).remove());
    assertTrue(r.allFailedCleanly(), () -> "baseline " + r.baseline() + ", unclean " + r.unclean());
    List<String> points = r.points();
    assertTrue(points.contains(Kmem.FAULT_POINT), points::toString);
    assertTrue(points.contains(MediaDevice.FAULT_ENTITY_IDX), points::toString);
    assertTrue(points.contains(MediaDevice.FAULT_PM_WALK), points::toString);
    assertTrue(points.contains(MediaDevice.FAULT_MODEL_ATTR), points::toString);
    assertTrue(points.contains(Device.FAULT_ADD), points::toString);
    assertTrue(made.isEmpty());
    for (FaultSweep.Step s : r.steps()) {
      assertTrue(s.result() == -Errno.ENOMEM || s.result() == -Errno.EINVAL, s::toString);
    }
    // Every run that got its private structure (all but the one whose kzalloc failed) released
    // it through the media device's release, and freed its minor.
    assertEquals(Kmem.FAULT_POINT, points.get(0));
    assertEquals(r.steps().size(), bed.releases.get());
    assertFalse(MediaSubsystem.of(bed.kernel).minorInUse(0));
    LifetimeBed.removeDevice(parent);
  }

  @Test
  void theMinorsRunOutAt256AndAFailedRegisterLeavesNothing() {
    PatchSwitch.MEDIA_LIFETIME.set(false);
    List<LifetimeBed.Priv> all = new ArrayList<>();
    for (int i = 0; i < MediaSubsystem.MEDIA_NUM_DEVICES; i++) {
      LifetimeBed.Priv p = media(null, "m" + i);
      MediaDevnode dn = p.mdev.devnode();
      assertNotNull(dn);
      assertEquals(i, dn.minor());
      all.add(p);
    }
    int[] err = new int[1];
    assertNull(bed.create(null, "one too many", err));
    assertEquals(-Errno.ENFILE, err[0]);
    assertEquals(1, bed.releases.get(), "the failed one was released by its put");

    // Freeing one minor makes room for exactly one more.
    all.remove(17).remove();
    LifetimeBed.Priv again = media(null, "again");
    MediaDevnode dn = again.mdev.devnode();
    assertNotNull(dn);
    assertEquals(17, dn.minor());
    assertNull(bed.create(null, "still too many", err));
    assertEquals(-Errno.ENFILE, err[0]);
    again.remove();
    for (LifetimeBed.Priv p : all) {
      p.remove();
    }
    assertEquals(MediaSubsystem.MEDIA_NUM_DEVICES + 3, bed.releases.get(), "256 + 2 failed + 1");
  }

  @ParameterizedTest(name = "lifetime rules {0}")
  @ValueSource(booleans = {true, false})
  void unregisterIsIdempotent(boolean lifetime) {
    PatchSwitch.MEDIA_LIFETIME.set(lifetime);
    LifetimeBed.Priv p = media(null, "twice");
    String path = p.path();
    p.mdev.unregister();
    assertFalse(p.mdev.isRegistered());
    assertEquals(MediaDevice.State.UNREGISTERED, p.mdev.state());
    int entities = bed.entityReleases.get();
    assertEquals(2, entities);
    p.mdev.unregister();
    assertEquals(MediaDevice.State.UNREGISTERED, p.mdev.state());
    assertEquals(entities, bed.entityReleases.get(), "nothing is unregistered twice");
    Task t = new Task(bed.kernel, "app");
    int fd = t.open(path, File.O_RDWR);
    assertTrue(fd == -Errno.ENOENT || fd == -Errno.ENXIO, "open: " + fd);
    assertEquals(0, bed.releases.get());
    p.remove(); // the driver's remove: unregister once more, then put
    assertEquals(1, bed.releases.get());
    assertFalse(p.mem.isLive());
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void cleanupOfALifetimeMediaDeviceOnlyWarns(SanitizerScope scope) {
    LifetimeBed.Priv p = media(null, "cleanup");
    p.mdev.unregister();
    p.mdev.cleanup();
    List<Report> warnings = scope.reports(ReportKind.WARNING);
    assertEquals(1, warnings.size());
    String msg = ((Report.Warning) warnings.get(0)).message();
    assertTrue(msg.contains("media_device_cleanup") && msg.contains("release callback"), msg);
    assertEquals(MediaDevice.State.UNREGISTERED, p.mdev.state(), "the cleanup did nothing");
    assertTrue(p.mem.isLive());
    p.mdev.put();
    assertEquals(MediaDevice.State.CLEANED, p.mdev.state());
    assertEquals(1, bed.releases.get());
    assertFalse(p.mem.isLive());
  }

  @Test
  void mainlineCleanupAfterUnregisterIsTheDriversJob() {
    PatchSwitch.MEDIA_LIFETIME.set(false);
    LifetimeBed.Priv p = media(null, "mainline");
    p.mdev.unregister();
    p.mdev.cleanup();
    assertEquals(MediaDevice.State.CLEANED, p.mdev.state());
    assertTrue(p.mem.isLive());
    p.mdev.put();
    assertEquals(1, bed.releases.get());
    assertFalse(p.mem.isLive());
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void aMediaDeviceIsRegisteredOnlyOnceWithTheLifetimeRules() {
    LifetimeBed.Priv p = media(null, "once");
    p.mdev.unregister();
    assertEquals(-Errno.EINVAL, p.mdev.register(bed.module));
    assertFalse(p.mdev.isRegistered());
    p.mdev.put();
    assertEquals(1, bed.releases.get());
  }
}
