package dev.medialife.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Entities with the media lifetime rules: released only after their last reference, holding a
 * reference on the media device while registered, never handed out by a graph walk once their
 * count reached zero, and no circular references.
 */
@Sanitized
@Timeout(30)
class MediaEntityLifetimeTest {
  private final LifetimeBed bed = new LifetimeBed();

  /** A registered media device with two linked entities, no parent. */
  private LifetimeBed.Priv media(String model) {
    int[] err = new int[1];
    LifetimeBed.Priv p = bed.create(null, model, err);
    assertNotNull(p, "create: " + err[0]);
    return p;
  }

  /** An entity with one sink pad in its own allocation, freed by its release. */
  private static MediaEntity ownEntity(String name, AtomicInteger released) {
    Allocation a = Kmem.kzalloc("test_entity", name);
    assertNotNull(a);
    MediaEntity e = new MediaEntity(a, name, MediaUapi.MEDIA_ENT_F_IO_V4L);
    assertEquals(0, e.padsInit(MediaPad.sink()));
    e.setRelease(
        x -> {
          released.incrementAndGet();
          Kmem.kfree(a, "test_entity_release");
        });
    return e;
  }

  @Test
  void anEntityIsReleasedOnlyAfterItsLastReference() {
    LifetimeBed.Priv p = media("ent");
    MediaDevice mdev = p.mdev;
    AtomicInteger released = new AtomicInteger();
    int before = mdev.refcount();
    MediaEntity e = ownEntity("extra", released);
    assertEquals(0, mdev.registerEntity(e));
    assertEquals(before + 1, mdev.refcount(), "a registered entity holds the media device");
    assertTrue(mdev.entities().contains(e));

    e.get();
    mdev.unregisterEntity(e);
    assertFalse(e.isRegistered());
    assertEquals(0, released.get(), "the extra reference keeps it");
    assertTrue(e.mem().isLive());
    assertEquals(before + 1, mdev.refcount(), "and it still holds the media device");
    assertTrue(mdev.entities().contains(e), "it leaves the graph at release");
    assertEquals(1, e.refcount());

    assertTrue(e.put());
    assertEquals(1, released.get());
    assertFalse(e.mem().isLive());
    assertEquals(before, mdev.refcount());
    assertFalse(mdev.entities().contains(e));

    p.remove();
    assertEquals(1, bed.releases.get());
  }

  @Test
  void aGraphWalkRacingTheLastPutNeverHandsOutTheReleasedEntity() {
    LifetimeBed.Priv p = media("walk");
    MediaDevice mdev = p.mdev;
    AtomicInteger released = new AtomicInteger();
    MediaEntity victim = ownEntity("victim", released);
    assertEquals(0, mdev.registerEntity(victim));
    assertEquals(
        0, MediaGraph.createPadLink(p.src, 0, victim, 0, MediaUapi.MEDIA_LNK_FL_ENABLED));
    victim.get(); // the reference the racing thread drops last
    mdev.unregisterEntity(victim);
    assertEquals(1, victim.refcount());

    MediaGraphWalk walk = new MediaGraphWalk(mdev);
    assertEquals(0, walk.init());
    CountDownLatch aboutToPut = new CountDownLatch(1);
    CountDownLatch putReturned = new CountDownLatch(1);
    List<MediaEntity> seen = new ArrayList<>();
    Thread putter;
    mdev.graphMutex().lock();
    try {
      putter =
          Sync.start(
              "last-put",
              () -> {
                aboutToPut.countDown();
                victim.put(); // the release blocks on the graph mutex we hold
                putReturned.countDown();
              });
      Sync.await(aboutToPut, "the last put");
      Sync.until(() -> victim.refcount() == 0, "the count to reach zero");
      Sync.staysClosed(putReturned, 50, "the release took the graph mutex we hold");
      assertTrue(victim.mem().isLive(), "not yet freed: the release waits for the mutex");
      assertEquals(0, released.get());
      assertFalse(victim.tryGet(), "a released entity cannot be got");

      walk.start(p.src);
      for (MediaEntity e = walk.next(); e != null; e = walk.next()) {
        seen.add(e);
      }
      walk.start(victim);
      assertTrue(walk.next() == null, "a walk from the dying entity is empty");
    } finally {
      mdev.graphMutex().unlock();
    }
    assertEquals(List.of(p.sink, p.src), seen, "the walk skipped the dying entity");
    for (MediaEntity e : seen) {
      e.put();
    }
    Sync.await(putReturned, "the release");
    Sync.join(putter);
    walk.cleanup();
    assertEquals(1, released.get());
    assertFalse(mdev.entities().contains(victim));
    assertTrue(p.src.links().stream().noneMatch(l -> l.sink().entity() == victim));
    p.remove();
    assertEquals(1, bed.releases.get());
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void anEntityHoldingItsMediaDeviceMayNotBeHeldByIt(SanitizerScope scope) {
    LifetimeBed.Priv p = media("circ");
    MediaDevice mdev = p.mdev;
    int before = p.src.refcount();
    assertTrue(scope.reports(ReportKind.WARNING).isEmpty());
    p.src.getFor(mdev);
    List<Report> warnings = scope.reports(ReportKind.WARNING);
    assertEquals(1, warnings.size());
    String msg = ((Report.Warning) warnings.get(0)).message();
    assertTrue(msg.contains("circular reference"), msg);
    assertTrue(msg.contains(p.src.name()), msg);
    assertEquals(before + 1, p.src.refcount());

    p.src.putFor(mdev);
    assertEquals(before, p.src.refcount());
    assertEquals(0, mdev.refs.count(mdev, p.src));
    p.remove();
    assertEquals(1, bed.releases.get());
    assertEquals(2, bed.entityReleases.get());
    assertFalse(p.mem.isLive());
  }

  @Test
  void referencesWithoutACycleAreNotReported() {
    LifetimeBed.Priv p = media("nocirc");
    p.sink.getFor(p.src);
    assertEquals(1, p.mdev.refs.count(p.src, p.sink));
    p.sink.putFor(p.src);
    assertEquals(0, p.mdev.refs.count(p.src, p.sink));
    p.remove();
    assertEquals(1, bed.releases.get());
  }
}
