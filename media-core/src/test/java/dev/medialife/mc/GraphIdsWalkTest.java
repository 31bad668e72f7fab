package dev.medialife.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scenario 37: graph object ids, the topology version, and graph walks. */
@Sanitized
@Timeout(30)
class GraphIdsWalkTest {
  private static final int EN = MediaUapi.MEDIA_LNK_FL_ENABLED;

  @Test
  void idsShareOneIncreasingCounterAcrossTypesAndAreNeverReused() {
    try (GraphBed bed = new GraphBed()) {
      List<MediaGobj> created = new ArrayList<>();
      MediaEntity a = bed.entity("a", 1, 1);
      created.add(a);
      created.addAll(a.pads());
      MediaEntity b = bed.entity("b", 1, 0);
      created.add(b);
      created.addAll(b.pads());
      MediaLink ab = bed.link(a, 1, b, 0, EN);
      created.add(ab);
      created.add(GraphBed.notNull(ab.reverse()));
      MediaInterface intf = bed.intf(MediaUapi.MEDIA_INTF_T_V4L_VIDEO, 81, 0);
      created.add(intf);
      MediaLink il = GraphBed.notNull(MediaGraph.createIntfLink(a, intf, EN));
      created.add(il);
      int prev = 0;
      for (MediaGobj g : created) {
        assertEquals(g.gobjType().value(), GobjType.ofId(g.id()), g + " type in id");
        assertEquals(g.id() & 0xffffff, g.localId());
        assertTrue(g.localId() > prev, g + " id must increase");
        prev = g.localId();
      }
      assertEquals(1, a.localId(), "the first object gets local id 1");
      assertEquals(0, GobjType.ofId(a.id()));
      assertEquals(1, GobjType.ofId(a.pad(0).id()));
      assertEquals(2, GobjType.ofId(ab.id()));
      assertEquals(3, GobjType.ofId(intf.id()));
      Set<Integer> seen = new HashSet<>();
      for (MediaGobj g : created) {
        seen.add(g.localId());
      }
      MediaGraph.removeIntfLink(il);
      MediaGraph.removeLinks(a);
      MediaEntity c = bed.entity("c", 1, 0);
      MediaLink again = bed.link(a, 1, c, 0, EN);
      for (MediaGobj g : List.of(c, c.pad(0), again, GraphBed.notNull(again.reverse()))) {
        assertFalse(seen.contains(g.localId()), "id " + g.localId() + " reused");
        assertTrue(g.localId() > prev);
        prev = g.localId();
      }
    }
  }

  @Test
  void topologyVersionCountsCreatesAndDestroysAndRestartsAtRegister() {
    try (GraphBed bed = new GraphBed()) {
      assertEquals(0, bed.mdev.topologyVersion());
      MediaEntity a = bed.entity("a", 0, 1);
      assertEquals(2, bed.mdev.topologyVersion(), "entity + pad");
      MediaEntity b = bed.entity("b", 1, 0);
      assertEquals(4, bed.mdev.topologyVersion());
      bed.link(a, 0, b, 0, EN);
      assertEquals(6, bed.mdev.topologyVersion(), "link + backlink");
      MediaGraph.removeLinks(b);
      assertEquals(8, bed.mdev.topologyVersion(), "both halves destroyed");
      assertEquals(0, a.numLinks());
      bed.register();
      assertEquals(0, bed.mdev.topologyVersion(), "register restarts the version");
      MediaInterface i = bed.intf(MediaUapi.MEDIA_INTF_T_V4L_SUBDEV, 81, 1);
      assertEquals(1, bed.mdev.topologyVersion());
      MediaLink il = GraphBed.notNull(MediaGraph.createIntfLink(a, i, 0));
      assertEquals(2, bed.mdev.topologyVersion());
      MediaGraph.removeIntfLink(il);
      assertEquals(3, bed.mdev.topologyVersion());
      MediaGraph.removeIntfLink(il); // detached: nothing
      assertEquals(3, bed.mdev.topologyVersion());
      bed.removeIntf(i);
      assertEquals(4, bed.mdev.topologyVersion());
    }
  }

  /** An independent DFS post-order over the edges in creation order (link list order). */
  private static List<String> expectedWalk(
      String start, List<String[]> edges, Map<String, Boolean> enabled) {
    Map<String, List<String>> adj = new LinkedHashMap<>();
    for (String[] e : edges) {
      if (!enabled.getOrDefault(e[0] + ">" + e[1], true)) {
        continue;
      }
      adj.computeIfAbsent(e[0], k -> new ArrayList<>()).add(e[1]);
      adj.computeIfAbsent(e[1], k -> new ArrayList<>()).add(e[0]);
    }
    List<String> out = new ArrayList<>();
    Set<String> visited = new HashSet<>();
    dfs(start, adj, visited, out);
    return out;
  }

  private static void dfs(String n, Map<String, List<String>> adj, Set<String> vis, List<String> out) {
    vis.add(n);
    for (String m : adj.getOrDefault(n, List.of())) {
      if (!vis.contains(m)) {
        dfs(m, adj, vis, out);
      }
    }
    out.add(n);
  }

  private static List<String> walk(GraphBed bed, MediaEntity start) {
    MediaGraphWalk w = new MediaGraphWalk(bed.mdev);
    assertEquals(0, w.init());
    List<MediaEntity> got = new ArrayList<>();
    List<Integer> refsBefore = new ArrayList<>();
    bed.mdev.graphMutex().lock();
    try {
      w.start(start);
      for (MediaEntity e = w.next(); e != null; e = w.next()) {
        got.add(e);
      }
      assertNull(w.next());
    } finally {
      bed.mdev.graphMutex().unlock();
    }
    List<String> names = new ArrayList<>();
    for (MediaEntity e : got) {
      names.add(e.name());
      refsBefore.add(e.refcount());
      e.put();
      assertEquals(refsBefore.get(refsBefore.size() - 1) - 1, e.refcount());
    }
    w.cleanup();
    return names;
  }

  @Test
  void aWalkVisitsEnabledDataNeighboursInPostOrderWithTheStartLast() {
    try (GraphBed bed = new GraphBed()) {
      Map<String, MediaEntity> ents = new LinkedHashMap<>();
      for (String n : List.of("s", "a", "b", "c", "d", "e", "f", "g", "x", "y")) {
        ents.put(n, bed.entity(n, 3, 3));
      }
      // fan-out from s, a chain a-b-c, a cycle c-d-e-c, a disabled link to f, g reached backwards
      String[][] spec = {
        {"s", "a"}, {"s", "b"}, {"a", "b"}, {"b", "c"}, {"c", "d"}, {"d", "e"}, {"e", "c"},
        {"s", "f"}, {"g", "s"}, {"x", "y"},
      };
      Map<String, Boolean> enabled = new LinkedHashMap<>();
      enabled.put("s>f", false);
      Map<String, Integer> outUsed = new LinkedHashMap<>();
      Map<String, Integer> inUsed = new LinkedHashMap<>();
      List<String[]> edges = new ArrayList<>();
      for (String[] e : spec) {
        int sp = 3 + outUsed.merge(e[0], 1, Integer::sum) - 1;
        int kp = inUsed.merge(e[1], 1, Integer::sum) - 1;
        int flags = enabled.getOrDefault(e[0] + ">" + e[1], true) ? EN : 0;
        bed.link(GraphBed.notNull(ents.get(e[0])), sp, GraphBed.notNull(ents.get(e[1])), kp, flags);
        edges.add(e);
      }
      // an interface link to f is not followed either
      MediaInterface intf = bed.intf(MediaUapi.MEDIA_INTF_T_V4L_VIDEO, 81, 3);
      MediaGraph.createIntfLink(GraphBed.notNull(ents.get("f")), intf, EN);
      MediaGraph.createIntfLink(GraphBed.notNull(ents.get("s")), intf, EN);
      Map<String, Integer> refs = new LinkedHashMap<>();
      ents.forEach((k, v) -> refs.put(k, v.refcount()));

      for (String start : List.of("s", "c", "e", "g", "f", "x")) {
        List<String> expected = expectedWalk(start, edges, enabled);
        List<String> got = walk(bed, GraphBed.notNull(ents.get(start)));
        assertEquals(expected, got, "walk from " + start);
        assertEquals(start, got.get(got.size() - 1));
        assertEquals(new HashSet<>(got).size(), got.size(), "each entity once");
      }
      assertEquals(List.of("f"), walk(bed, GraphBed.notNull(ents.get("f"))));
      assertEquals(
          Set.of("s", "a", "b", "c", "d", "e", "g"),
          new HashSet<>(walk(bed, GraphBed.notNull(ents.get("d")))));
      ents.forEach((k, v) -> assertEquals(refs.get(k), v.refcount(), k + " refcount restored"));
    }
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void aChainDeeperThanTheStackWarnsAndIsCutOff() {
    try (GraphBed bed = new GraphBed()) {
      List<MediaEntity> chain = new ArrayList<>();
      for (int i = 0; i < 18; i++) {
        chain.add(bed.entity("e" + i, 1, 1));
      }
      for (int i = 0; i + 1 < chain.size(); i++) {
        bed.link(chain.get(i), 1, chain.get(i + 1), 0, EN);
      }
      List<String> expected = new ArrayList<>();
      for (int i = MediaGraphWalk.MAX_DEPTH - 1; i >= 0; i--) {
        expected.add("e" + i);
      }
      assertEquals(expected, walk(bed, chain.get(0)));
      for (MediaEntity e : chain) {
        assertEquals(1, e.refcount(), e.name());
      }
    }
  }

  @Test
  void cleanupMidWalkPutsTheStackedReferences() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 1);
      MediaEntity c = bed.entity("c", 1, 0);
      bed.link(a, 0, b, 0, EN);
      bed.link(b, 1, c, 0, EN);
      MediaGraphWalk w = new MediaGraphWalk(bed.mdev);
      assertEquals(0, w.init());
      MediaEntity first;
      bed.mdev.graphMutex().lock();
      try {
        w.start(a);
        first = GraphBed.notNull(w.next());
        assertEquals("c", first.name());
        assertEquals(2, a.refcount(), "a is on the stack with a reference");
        assertEquals(2, b.refcount());
        // restarting drops the stacked references and starts over
        w.start(b);
        assertEquals(1, a.refcount());
        assertEquals(2, b.refcount());
      } finally {
        bed.mdev.graphMutex().unlock();
      }
      first.put();
      w.cleanup();
      assertEquals(1, a.refcount());
      assertEquals(1, b.refcount());
      assertEquals(1, c.refcount());
      w.cleanup(); // idempotent
    }
  }
}
