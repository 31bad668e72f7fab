package dev.medialife.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pads, data and interface links, entity notifiers, remote pads and pipelines. */
@Sanitized
@Timeout(30)
class GraphEntityPadPipelineTest {
  private static final int EN = MediaUapi.MEDIA_LNK_FL_ENABLED;

  private static MediaPad[] sinks(int n) {
    MediaPad[] p = new MediaPad[n];
    for (int i = 0; i < n; i++) {
      p[i] = MediaPad.sink();
    }
    return p;
  }

  @Test
  void padsInitLimitsAndIndexes() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity e = new MediaEntity(bed.mem, "big", MediaUapi.MEDIA_ENT_F_PROC_VIDEO_SCALER);
      assertEquals(-Errno.E2BIG, e.padsInit(sinks(MediaEntity.MAX_PADS)));
      assertEquals(0, e.numPads());
      assertEquals(0, e.padsInit(sinks(MediaEntity.MAX_PADS - 1)));
      assertEquals(MediaEntity.MAX_PADS - 1, e.numPads());
      assertEquals(510, e.pad(510).index());
      assertSame(e, e.pad(7).entity());
      assertEquals(0, e.pad(7).id(), "not a graph object before registration");
      assertFalse(e.isRegistered());
    }
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void aPadMustBeExactlyOneOfSinkAndSource() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity e = new MediaEntity(bed.mem, "e", MediaUapi.MEDIA_ENT_F_PROC_VIDEO_SCALER);
      int both = MediaUapi.MEDIA_PAD_FL_SINK | MediaUapi.MEDIA_PAD_FL_SOURCE;
      assertEquals(-Errno.EINVAL, e.padsInit(MediaPad.sink(), new MediaPad(both)));
      assertEquals(-Errno.EINVAL, e.padsInit(new MediaPad(MediaUapi.MEDIA_PAD_FL_MUST_CONNECT)));
      assertEquals(0, e.numPads());
      MediaPad p = new MediaPad(MediaUapi.MEDIA_PAD_FL_SINK | MediaUapi.MEDIA_PAD_FL_MUST_CONNECT);
      assertEquals(0, e.padsInit(p));
      assertTrue(p.isSink());
      assertFalse(p.isSource());
      assertTrue(p.toString().contains("e:0"));
    }
  }

  @Test
  void padsInitAfterRegistrationCreatesPadObjects() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity e = bed.entity("late-pads", MediaUapi.MEDIA_ENT_F_PROC_VIDEO_SCALER);
      assertEquals(0, e.numPads());
      long v = bed.mdev.topologyVersion();
      assertEquals(0, e.padsInit(MediaPad.sink(), MediaPad.source()));
      assertEquals(v + 2, bed.mdev.topologyVersion());
      for (MediaPad p : e.pads()) {
        assertEquals(GobjType.PAD, p.gobjType());
        assertEquals(1, GobjType.ofId(p.id()));
        assertSame(bed.mdev, p.mdev());
        assertTrue(p.localId() > e.localId());
      }
      assertTrue(bed.mdev.pads().containsAll(e.pads()));
      assertTrue(e.isRegistered());
      assertSame(e, bed.mdev.entity(e.id()));
    }
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void createPadLinkRejectsBadPadsAndUnregisteredEntities() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 1, 1);
      MediaEntity b = bed.entity("b", 1, 1);
      MediaEntity loose = bed.unregistered("loose", MediaUapi.MEDIA_ENT_F_PROC_VIDEO_SCALER, MediaPad.sink());
      long v = bed.mdev.topologyVersion();
      assertEquals(-Errno.EINVAL, MediaGraph.createPadLink(a, 2, b, 0, EN), "source index");
      assertEquals(-Errno.EINVAL, MediaGraph.createPadLink(a, -1, b, 0, EN), "negative source");
      assertEquals(-Errno.EINVAL, MediaGraph.createPadLink(a, 1, b, 2, EN), "sink index");
      assertEquals(-Errno.EINVAL, MediaGraph.createPadLink(a, 1, b, -1, EN), "negative sink");
      assertEquals(-Errno.EINVAL, MediaGraph.createPadLink(a, 0, b, 0, EN), "source is a sink");
      assertEquals(-Errno.EINVAL, MediaGraph.createPadLink(a, 1, b, 1, EN), "sink is a source");
      assertEquals(-Errno.EINVAL, MediaGraph.createPadLink(a, 1, loose, 0, EN), "unregistered");
      assertEquals(-Errno.EINVAL, MediaGraph.createPadLink(loose, 0, a, 0, EN), "wrong pad");
      assertEquals(v, bed.mdev.topologyVersion());
      assertEquals(0, a.numLinks());
      assertEquals(0, b.numLinks());
      assertTrue(bed.mdev.links().isEmpty());
      // the type bits of the caller are replaced by DATA
      MediaLink l = bed.link(a, 1, b, 0, EN | MediaUapi.MEDIA_LNK_FL_INTERFACE_LINK);
      assertEquals(MediaUapi.MEDIA_LNK_FL_DATA_LINK, l.linkType());
      assertTrue(l.toString().contains("a:1"));
      assertTrue(GraphBed.notNull(l.reverse()).toString().contains("backlink"));
    }
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void registrationWarnsOnUnknownFunctionsAndTwice() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity u = bed.entity("unknown", MediaUapi.MEDIA_ENT_F_UNKNOWN, MediaPad.sink());
      assertTrue(u.isRegistered(), "an unknown function only warns");
      assertEquals(-Errno.EINVAL, bed.mdev.registerEntity(u));
      assertFalse(MediaEntity.knownFunction(MediaUapi.MEDIA_ENT_F_V4L2_SUBDEV_UNKNOWN));
      assertTrue(MediaEntity.knownFunction(MediaUapi.MEDIA_ENT_F_IO_V4L));
    }
  }

  @Test
  void interfaceLinksLiveOnTheInterfaceAndAreFreed() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 1, 1);
      MediaEntity b = bed.entity("b", 1, 0);
      MediaInterface intf = GraphBed.notNull(bed.mdev.devnodeCreate(MediaUapi.MEDIA_INTF_T_V4L_SUBDEV, 3, 81, 9));
      assertEquals(3, GobjType.ofId(intf.id()));
      assertEquals(3, intf.flags());
      assertEquals(MediaUapi.MEDIA_INTF_T_V4L_SUBDEV, intf.intfType());
      assertTrue(bed.mdev.interfaces().contains(intf));
      MediaLink la = GraphBed.notNull(MediaGraph.createIntfLink(a, intf, EN));
      MediaLink lb = GraphBed.notNull(MediaGraph.createIntfLink(b, intf, 0));
      assertEquals(List.of(la, lb), intf.links());
      assertSame(intf, la.intf());
      assertSame(a, la.entity());
      assertNull(la.reverse());
      assertEquals(MediaUapi.MEDIA_LNK_FL_INTERFACE_LINK, la.linkType());
      assertTrue(la.toString().startsWith("interface link"));
      assertEquals(0, a.numLinks(), "not on the entity's list");
      assertTrue(a.links().isEmpty());
      MediaGraph.removeIntfLink(lb);
      assertEquals(List.of(la), intf.links());
      assertFalse(lb.mem().isLive());
      assertFalse(bed.mdev.links().contains(lb));
      // unregistering an entity drops the interface links that point to it
      bed.mdev.unregisterEntity(a);
      assertTrue(intf.links().isEmpty());
      assertFalse(la.mem().isLive());
      bed.mdev.devnodeRemove(intf);
      assertFalse(intf.mem().isLive());
      assertFalse(bed.mdev.interfaces().contains(intf));
      assertTrue(intf.toString().contains("81:9"));
    }
  }

  @Test
  void devnodeRemoveFreesTheInterfaceAndItsLinks() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 1, 1);
      MediaInterface intf = GraphBed.notNull(bed.mdev.devnodeCreate(MediaUapi.MEDIA_INTF_T_V4L_VIDEO, 0, 81, 1));
      MediaLink l = GraphBed.notNull(MediaGraph.createIntfLink(a, intf, EN));
      long v = bed.mdev.topologyVersion();
      bed.mdev.devnodeRemove(intf);
      assertEquals(v + 2, bed.mdev.topologyVersion());
      assertFalse(l.mem().isLive());
      assertFalse(intf.mem().isLive());
      assertNull(intf.mdev());
      assertTrue(bed.mdev.links().isEmpty());
    }
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void anInterfaceLinkOnADetachedInterfaceWarns() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 1, 1);
      bed.register();
      MediaInterface intf = bed.intf(MediaUapi.MEDIA_INTF_T_V4L_VIDEO, 81, 1);
      MediaLink l = GraphBed.notNull(MediaGraph.createIntfLink(a, intf, EN));
      bed.mdev.unregister(); // detaches the interface, frees its links
      assertFalse(l.mem().isLive());
      assertNull(intf.mdev());
      assertNull(MediaGraph.createIntfLink(a, intf, EN));
    }
  }

  @Test
  void entityNotifyRunsForLaterEntitiesWithTheGraphMutexHeld() {
    try (GraphBed bed = new GraphBed()) {
      bed.entity("before", 1, 0);
      List<String> seen = new ArrayList<>();
      EntityNotify n =
          e -> {
            assertTrue(bed.mdev.graphMutex().isHeldByCurrentThread());
            assertTrue(e.id() != 0 && e.pad(0).id() != 0, "entity and pads are objects");
            seen.add(e.name());
          };
      bed.mdev.registerEntityNotify(n);
      bed.entity("after1", 1, 0);
      bed.entity("after2", 0, 1);
      assertEquals(List.of("after1", "after2"), seen);
      bed.mdev.unregisterEntityNotify(n);
      bed.entity("after3", 1, 0);
      assertEquals(List.of("after1", "after2"), seen);
    }
  }

  @Test
  void removeLinksUpdatesTheCountersOnBothEnds() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 1, 2);
      MediaEntity b = bed.entity("b", 1, 1);
      MediaEntity c = bed.entity("c", 1, 0);
      MediaEntity d = bed.entity("d", 0, 1);
      bed.link(a, 1, b, 0, EN);
      bed.link(a, 2, c, 0, 0);
      bed.link(d, 0, a, 0, EN);
      bed.link(b, 1, c, 0, EN);
      assertEquals(3, a.numLinks());
      assertEquals(1, a.numBacklinks());
      assertEquals(2, c.numBacklinks());
      assertEquals(8, bed.mdev.links().size());
      MediaGraph.removeLinks(a);
      assertEquals(0, a.numLinks());
      assertEquals(0, a.numBacklinks());
      assertEquals(1, b.numLinks(), "only b->c left");
      assertEquals(0, b.numBacklinks());
      assertEquals(1, c.numLinks());
      assertEquals(1, c.numBacklinks());
      assertEquals(0, d.numLinks());
      assertEquals(2, bed.mdev.links().size());
      // removing the sink end leaves the source's backlink counter alone
      MediaGraph.removeLinks(c);
      assertEquals(0, b.numLinks());
      assertEquals(0, c.numLinks());
      assertTrue(bed.mdev.links().isEmpty());
      MediaGraph.removeLinks(bed.unregistered("loose", MediaUapi.MEDIA_ENT_F_IO_V4L));
    }
  }

  @Test
  void aLinkFromAnEntityToItselfIsRemovedOnce() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity loop = bed.entity("loop", 1, 1);
      MediaLink self = bed.link(loop, 1, loop, 0, EN);
      assertEquals(2, loop.numLinks());
      assertEquals(1, loop.numBacklinks());
      assertSame(loop.pad(0), MediaGraph.remotePadFirst(loop.pad(1)));
      MediaGraph.removeLinks(loop);
      assertFalse(self.mem().isLive());
      assertFalse(GraphBed.notNull(self.reverse()).mem().isLive());
      assertEquals(0, loop.numLinks());
      assertEquals(0, loop.numBacklinks());
      assertTrue(bed.mdev.links().isEmpty());
    }
  }

  @Test
  void remotePadFirstAndUnique() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 1);
      MediaEntity c = bed.entity("c", 0, 1);
      MediaLink ab = bed.link(a, 0, b, 0, 0);
      MediaLink cb = bed.link(c, 0, b, 0, EN);
      assertSame(c.pad(0), MediaGraph.remotePadFirst(b.pad(0)));
      assertSame(b.pad(0), MediaGraph.remotePadFirst(c.pad(0)));
      assertNull(MediaGraph.remotePadFirst(a.pad(0)));
      assertNull(MediaGraph.remotePadFirst(b.pad(1)));
      assertSame(c.pad(0), MediaGraph.remotePadUnique(b.pad(0)).pad());
      assertSame(b.pad(0), MediaGraph.remotePadUnique(c.pad(0)).pad());
      assertEquals(0, MediaGraph.remotePadUnique(c.pad(0)).error());
      assertEquals(-Errno.ENOLINK, MediaGraph.remotePadUnique(a.pad(0)).error());
      assertNull(MediaGraph.remotePadUnique(a.pad(0)).pad());
      assertEquals(-Errno.ENOLINK, MediaGraph.remotePadUnique(b.pad(1)).error());
      assertEquals(0, MediaGraph.setupLink(ab, EN));
      assertSame(a.pad(0), MediaGraph.remotePadFirst(b.pad(0)), "first in list order");
      assertEquals(-Errno.ENOTUNIQ, MediaGraph.remotePadUnique(b.pad(0)).error());
      assertEquals(0, MediaGraph.setupLink(cb, 0));
      assertSame(a.pad(0), MediaGraph.remotePadUnique(b.pad(0)).pad());
    }
  }

  @Test
  void pipelineStartCountsAndStopBalances() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 1);
      MediaEntity c = bed.entity("c", 1, 0);
      MediaEntity off = bed.entity("off", 1, 0);
      bed.link(a, 0, b, 0, EN);
      bed.link(b, 1, c, 0, EN);
      bed.link(b, 1, off, 0, 0);
      MediaPipeline pipe = new MediaPipeline();
      assertEquals(0, MediaGraph.pipelineStart(c.pad(0), pipe));
      assertEquals(1, pipe.startCount());
      assertEquals(4, pipe.pads().size());
      for (MediaPad p : List.of(a.pad(0), b.pad(0), b.pad(1), c.pad(0))) {
        assertSame(pipe, p.pipeline(), p.toString());
      }
      assertNull(off.pad(0).pipeline(), "disabled link not followed");
      assertEquals(0, MediaGraph.pipelineStart(a.pad(0), pipe));
      assertEquals(2, pipe.startCount());
      MediaGraph.pipelineStop(a.pad(0));
      assertEquals(1, pipe.startCount());
      assertTrue(b.isStreaming());
      MediaGraph.pipelineStop(b.pad(1));
      assertEquals(0, pipe.startCount());
      assertFalse(a.isStreaming());
      assertFalse(c.isStreaming());
      assertTrue(pipe.pads().isEmpty());
      // and it can start again
      assertEquals(0, MediaGraph.pipelineStart(b.pad(0), pipe));
      MediaGraph.pipelineStop(b.pad(0));
      assertFalse(b.isStreaming());
    }
  }

  @Test
  void aReachedPadOfAnotherPipelineIsBusyAndNothingIsMarked() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 1);
      MediaEntity c = bed.entity("c", 1, 0);
      bed.link(a, 0, b, 0, EN);
      MediaLink bc = bed.link(b, 1, c, 0, MediaUapi.MEDIA_LNK_FL_DYNAMIC);
      MediaPipeline p1 = new MediaPipeline();
      assertEquals(0, MediaGraph.pipelineStart(a.pad(0), p1));
      assertSame(p1, b.pad(1).pipeline());
      assertEquals(0, MediaGraph.setupLink(bc, MediaUapi.MEDIA_LNK_FL_DYNAMIC | EN));
      MediaPipeline p2 = new MediaPipeline();
      assertEquals(-Errno.EBUSY, MediaGraph.pipelineStart(c.pad(0), p2));
      assertNull(c.pad(0).pipeline());
      assertEquals(0, p2.startCount());
      MediaGraph.pipelineStop(a.pad(0));
      assertEquals(0, MediaGraph.pipelineStart(c.pad(0), p2));
      assertSame(p2, a.pad(0).pipeline());
      MediaGraph.pipelineStop(c.pad(0));
    }
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void aPadOfAnotherPipelineIsBusy() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 1);
      MediaEntity c = bed.entity("c", 1, 0);
      bed.link(a, 0, b, 0, EN);
      bed.link(b, 1, c, 0, 0);
      MediaPipeline p1 = new MediaPipeline();
      MediaPipeline p2 = new MediaPipeline();
      assertEquals(0, MediaGraph.pipelineStart(a.pad(0), p1));
      assertEquals(0, MediaGraph.pipelineStart(c.pad(0), p2), "c is not connected");
      MediaLink bc = GraphBed.notNull(MediaGraph.findLink(b.pad(1), c.pad(0)));
      assertEquals(-Errno.EBUSY, MediaGraph.setupLink(bc, EN), "both ends stream");
      MediaGraph.pipelineStop(c.pad(0));
      assertEquals(-Errno.EBUSY, MediaGraph.setupLink(bc, EN), "b still streams in p1");
      MediaPipeline p3 = new MediaPipeline();
      assertEquals(-Errno.EINVAL, MediaGraph.pipelineStart(b.pad(0), p3), "origin in p1: WARN");
      assertEquals(0, p3.startCount());
      assertTrue(p3.pads().isEmpty());
      assertSame(p1, b.pad(0).pipeline());
      assertSame(p1, a.pad(0).pipeline());
      MediaGraph.pipelineStop(a.pad(0));
      assertNull(b.pad(0).pipeline());
    }
  }

  @Test
  void aLinkValidateFailureUndoesEverything() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 1);
      MediaEntity c = bed.entity("c", 1, 0);
      bed.link(a, 0, b, 0, EN);
      bed.link(b, 1, c, 0, EN);
      List<String> validated = new ArrayList<>();
      int[] result = {0};
      MediaEntityOperations ops =
          new MediaEntityOperations() {
            @Override
            public int linkValidate(MediaLink link) {
              validated.add(link.source().entity().name() + "->" + link.sink().entity().name());
              return link.sink().entity() == c ? result[0] : 0;
            }
          };
      a.setOps(ops);
      b.setOps(ops);
      c.setOps(ops);
      MediaPipeline pipe = new MediaPipeline();
      assertEquals(0, MediaGraph.pipelineStart(a.pad(0), pipe));
      assertEquals(List.of("a->b", "b->c"), validated.stream().sorted().toList());
      MediaGraph.pipelineStop(a.pad(0));
      result[0] = -Errno.EPIPE;
      assertEquals(-Errno.EPIPE, MediaGraph.pipelineStart(a.pad(0), pipe));
      assertEquals(0, pipe.startCount());
      assertTrue(pipe.pads().isEmpty());
      for (MediaEntity e : List.of(a, b, c)) {
        assertFalse(e.isStreaming(), e.name());
      }
    }
  }

  @Test
  void aMustConnectPadWithoutAnEnabledLinkFails() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaPad must = new MediaPad(MediaUapi.MEDIA_PAD_FL_SINK | MediaUapi.MEDIA_PAD_FL_MUST_CONNECT);
      MediaEntity b = bed.entity("b", MediaUapi.MEDIA_ENT_F_PROC_VIDEO_SCALER, must, MediaPad.source());
      MediaLink ab = bed.link(a, 0, b, 0, 0);
      MediaPipeline pipe = new MediaPipeline();
      assertEquals(-Errno.ENOLINK, MediaGraph.pipelineStart(b.pad(1), pipe));
      assertFalse(b.isStreaming());
      assertEquals(0, pipe.startCount());
      assertEquals(0, MediaGraph.setupLink(ab, EN));
      assertEquals(0, MediaGraph.pipelineStart(b.pad(1), pipe));
      assertTrue(a.isStreaming());
      MediaGraph.pipelineStop(b.pad(1));
    }
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void stoppingAPadThatDoesNotStreamWarns() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaPipeline pipe = new MediaPipeline();
      assertEquals(0, MediaGraph.pipelineStart(a.pad(0), pipe));
      MediaGraph.pipelineStop(a.pad(0));
      assertEquals(0, pipe.startCount());
      MediaGraph.pipelineStop(a.pad(0));
      assertEquals(0, pipe.startCount());
      MediaEntity loose = bed.unregistered("loose", MediaUapi.MEDIA_ENT_F_IO_V4L, MediaPad.sink());
      assertEquals(-Errno.EINVAL, MediaGraph.pipelineStart(loose.pad(0), pipe));
      MediaGraph.pipelineStop(loose.pad(0)); // unregistered: nothing
    }
  }

  @Test
  void operationsOnDetachedLinksAreRefused() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 0);
      MediaLink ab = bed.link(a, 0, b, 0, 0);
      MediaGraph.removeLinks(a);
      assertNull(ab.mdev());
      assertNull(MediaGraph.findLink(a.pad(0), b.pad(0)));
      assertEquals(-Errno.EINVAL, MediaGraph.setupLink(ab, EN));
    }
  }
}
