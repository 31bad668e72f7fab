package dev.medialife.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.fault.FaultInjection;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Allocation failures, default operations, late entities in walks, and entity references. */
@Sanitized
@Timeout(30)
class GraphEdgeCaseTest {
  private static final int EN = MediaUapi.MEDIA_LNK_FL_ENABLED;

  @AfterEach
  void disarm() {
    FaultInjection.reset();
  }

  @Test
  void allocationFailuresLeaveTheGraphUnchanged() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 0);
      long v = bed.mdev.topologyVersion();
      FaultInjection.failPoint(Kmem.FAULT_POINT, 1);
      assertEquals(-Errno.ENOMEM, MediaGraph.createPadLink(a, 0, b, 0, EN), "forward half");
      FaultInjection.reset();
      FaultInjection.failPointAt(Kmem.FAULT_POINT, 2);
      assertEquals(-Errno.ENOMEM, MediaGraph.createPadLink(a, 0, b, 0, EN), "backlink half");
      FaultInjection.reset();
      assertEquals(v, bed.mdev.topologyVersion());
      assertEquals(0, a.numLinks());
      assertEquals(0, b.numLinks());
      MediaInterface intf = bed.intf(MediaUapi.MEDIA_INTF_T_V4L_VIDEO, 81, 0);
      FaultInjection.failPoint(Kmem.FAULT_POINT, 1);
      assertNull(MediaGraph.createIntfLink(a, intf, EN));
      FaultInjection.failPoint(Kmem.FAULT_POINT, 1);
      assertNull(bed.mdev.devnodeCreate(MediaUapi.MEDIA_INTF_T_V4L_VIDEO, 0, 81, 1));
      FaultInjection.failPoint(Kmem.FAULT_POINT, 1);
      MediaGraphWalk w = new MediaGraphWalk(bed.mdev);
      assertEquals(-Errno.ENOMEM, w.init());
      w.cleanup(); // nothing to free
      assertTrue(intf.links().isEmpty());
      assertEquals(1, bed.mdev.interfaces().size());
    }
  }

  @Test
  void entityRegistrationFailuresLeaveNoGraphObjects() {
    try (GraphBed bed = new GraphBed()) {
      List<String> notified = new ArrayList<>();
      bed.mdev.registerEntityNotify(e -> notified.add(e.name()));
      MediaEntity e = bed.unregistered("e", MediaUapi.MEDIA_ENT_F_PROC_VIDEO_SCALER, MediaPad.sink());
      FaultInjection.failPoint(MediaDevice.FAULT_ENTITY_IDX, 1);
      assertEquals(-Errno.ENOMEM, bed.mdev.registerEntity(e));
      assertFalse(e.isRegistered());
      assertNull(e.mdev());
      assertEquals(0, bed.mdev.topologyVersion());
      FaultInjection.failPoint(MediaDevice.FAULT_PM_WALK, 1);
      assertEquals(-Errno.ENOMEM, bed.mdev.registerEntity(e));
      assertFalse(e.isRegistered());
      assertNull(e.mdev());
      assertEquals(0, e.internalIdx());
      assertTrue(bed.mdev.entities().isEmpty());
      assertTrue(bed.mdev.pads().isEmpty());
      assertEquals(List.of("e"), notified, "notifiers ran before the walk grew");
      assertEquals(4, bed.mdev.topologyVersion(), "two creates, two destroys");
      // a third attempt succeeds, with fresh ids and the freed index
      assertEquals(0, bed.mdev.registerEntity(e));
      bed.track(e);
      assertEquals(1, e.internalIdx());
      assertEquals(3, e.localId(), "ids 1 and 2 are not reused");
      assertSame(e, bed.mdev.entity(e.id()));
      assertNull(bed.mdev.entity(e.pad(0).id()));
    }
  }

  @Test
  void defaultOperationsAcceptEverything() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 0);
      MediaEntityOperations none = new MediaEntityOperations() {};
      a.setOps(none);
      b.setOps(none);
      assertSame(none, a.ops());
      bed.mdev.setOps(new MediaDeviceOps() {});
      MediaLink l = bed.link(a, 0, b, 0, 0);
      assertEquals(0, MediaGraph.setupLink(l, EN), "ENOIOCTLCMD from both ends is success");
      assertTrue(l.isEnabled());
      MediaPipeline pipe = new MediaPipeline();
      assertEquals(0, MediaGraph.pipelineStart(a.pad(0), pipe), "default link_validate accepts");
      MediaGraph.pipelineStop(a.pad(0));
    }
  }

  @Test
  void setupLinkLockedAcceptsAHeldGraphMutex() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 0);
      MediaLink l = bed.link(a, 0, b, 0, 0);
      bed.mdev.graphMutex().lock();
      try {
        assertEquals(0, MediaGraph.setupLink(l, EN), "the wrapper does not take it twice");
        assertEquals(0, MediaGraph.setupLinkLocked(l, 0));
      } finally {
        bed.mdev.graphMutex().unlock();
      }
      assertFalse(l.isEnabled());
    }
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void anEntityRegisteredAfterWalkInitIsTreatedAsVisited() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaGraphWalk w = new MediaGraphWalk(bed.mdev);
      assertEquals(0, w.init());
      MediaEntity late = bed.entity("late", 1, 1);
      bed.link(a, 0, late, 0, EN);
      // index 2 still fits the bitmap, which is rounded up to 64 bits; fill it up to 63
      for (int i = 3; i < 64; i++) {
        bed.entity("filler" + i, 0, 0);
      }
      MediaEntity beyond = bed.entity("beyond", 1, 0);
      assertEquals(64, beyond.internalIdx());
      bed.link(late, 1, beyond, 0, EN);
      List<String> got = new ArrayList<>();
      bed.mdev.graphMutex().lock();
      try {
        w.start(a);
        for (MediaEntity e = w.next(); e != null; e = w.next()) {
          got.add(e.name());
          e.put();
        }
      } finally {
        bed.mdev.graphMutex().unlock();
      }
      w.cleanup();
      assertEquals(List.of("late", "a"), got);
    }
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void startWithoutInitWarns() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaGraphWalk w = new MediaGraphWalk(bed.mdev);
      bed.mdev.graphMutex().lock();
      try {
        w.start(a);
        assertNull(w.next(), "the empty bitmap covers no entity");
      } finally {
        bed.mdev.graphMutex().unlock();
      }
      w.cleanup();
      assertEquals(1, a.refcount());
    }
  }

  @Test
  void aPadNeverInitialisedHasNoEntity() {
    MediaPad p = MediaPad.source();
    assertThrows(IllegalStateException.class, p::entity);
    assertTrue(p.toString().contains("?"));
    assertNull(p.pipeline());
  }

  @Test
  void entityReferencesAndTheReleaseCallback() {
    List<String> released = new ArrayList<>();
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      a.setRelease(e -> released.add(e.name()));
      Object holder = new Object();
      assertSame(a, a.getFor(holder));
      assertEquals(2, a.refcount());
      assertSame(a, a.get());
      assertEquals(3, a.refcount());
      assertFalse(a.put());
      assertFalse(a.putFor(holder));
      assertEquals(1, a.refcount());
      assertTrue(a.toString().contains("'a'"));
      MediaEntity loose = bed.unregistered("loose", MediaUapi.MEDIA_ENT_F_IO_V4L);
      assertSame(loose, loose.getFor(holder));
      assertFalse(loose.putFor(holder));
      assertEquals(1, loose.refcount());
      assertEquals(List.of(), released);
    }
    assertEquals(List.of("a"), released, "the last put runs the release");
  }
}
