package dev.medialife.bench;

import dev.medialife.driver.Kernel;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaGraph;
import dev.medialife.mc.MediaGraphWalk;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.SimpleGraph;
import org.jgrapht.traverse.DepthFirstIterator;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole graph walk from one entity ({@code media_graph_walk_start} then {@code
 * media_graph_walk_next} until it returns nothing, with the graph mutex held and each handed-out
 * reference put) over a media graph of {@value #ENTITIES} registered entities, against JGraphT's
 * {@code DepthFirstIterator} over the same entities and links as an undirected graph.
 *
 * <p>The graph is fan-out and chains, kept within the kernel walk's fixed stack depth of {@value
 * MediaGraphWalk#MAX_DEPTH}: a root links to {@value #HUBS} hubs; each hub fans out to chains of
 * {@value #CHAIN} entities (source pad to sink pad, enabled data links) until the graph has
 * {@value #ENTITIES} entities. Both walks must reach every entity, checked at setup.
 *
 * <p>Target: the model's walk at least as fast as JGraphT's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class GraphWalkBench {
  /** Entities in the graph. */
  public static final int ENTITIES = 100_000;

  /** Hubs below the root. */
  public static final int HUBS = 100;

  /** Entities in one chain: root and hub plus a chain fill the walk's 16-deep stack. */
  public static final int CHAIN = MediaGraphWalk.MAX_DEPTH - 2;

  /** The media graph and the same graph in JGraphT. */
  @State(Scope.Benchmark)
  public static class Graphs {
    private Sanitizing sanitizing = Sanitizing.off();
    private @Nullable Allocation mem;
    private @Nullable MediaDevice mdev;
    private @Nullable MediaGraphWalk walk;
    private final List<MediaEntity> entities = new ArrayList<>();
    private final Graph<MediaEntity, DefaultEdge> jgrapht = new SimpleGraph<>(DefaultEdge.class);

    /** Builds both graphs and checks that both walks reach every entity. */
    @Setup(Level.Trial)
    public void setUp() {
      sanitizing = Sanitizing.off();
      Allocation a = Kmem.kzalloc("bench_graph", "graph walk bench");
      if (a == null) {
        throw new IllegalStateException("kzalloc failed");
      }
      mem = a;
      MediaDevice m = new MediaDevice(new Kernel(), a);
      m.setModel("graph walk bench");
      m.init();
      mdev = m;
      int perHub = (ENTITIES - 1 - HUBS + HUBS * CHAIN - 1) / (HUBS * CHAIN);
      MediaEntity root = entity(m, 0, HUBS);
      int left = ENTITIES - 1 - HUBS;
      List<MediaEntity> hubs = new ArrayList<>();
      for (int h = 0; h < HUBS; h++) {
        MediaEntity hub = entity(m, 1, perHub);
        link(root, h, hub);
        hubs.add(hub);
      }
      for (int c = 0; c < perHub && left > 0; c++) {
        for (int h = 0; h < HUBS && left > 0; h++) {
          MediaEntity prev = hubs.get(h);
          int srcPad = 1 + c;
          for (int k = 0; k < CHAIN && left > 0; k++, left--) {
            MediaEntity e = entity(m, 1, 1);
            link(prev, srcPad, e);
            prev = e;
            srcPad = 1;
          }
        }
      }
      if (entities.size() != ENTITIES) {
        throw new IllegalStateException("built " + entities.size() + " entities");
      }
      MediaGraphWalk w = new MediaGraphWalk(m);
      if (w.init() != 0) {
        throw new IllegalStateException("media_graph_walk_init failed");
      }
      walk = w;
      int model = modelWalk();
      int peer = jgraphtWalk();
      if (model != ENTITIES || peer != ENTITIES) {
        throw new IllegalStateException("walks reached " + model + " and " + peer + " entities");
      }
    }

    private MediaEntity entity(MediaDevice m, int sinks, int sources) {
      MediaPad[] pads = new MediaPad[sinks + sources];
      for (int i = 0; i < pads.length; i++) {
        pads[i] = i < sinks ? MediaPad.sink() : MediaPad.source();
      }
      MediaEntity e =
          new MediaEntity(mem(), "e" + entities.size(), MediaUapi.MEDIA_ENT_F_PROC_VIDEO_SCALER);
      if (e.padsInit(pads) != 0 || m.registerEntity(e) != 0) {
        throw new IllegalStateException("entity " + entities.size());
      }
      entities.add(e);
      jgrapht.addVertex(e);
      return e;
    }

    private void link(MediaEntity src, int srcPad, MediaEntity sink) {
      if (MediaGraph.createPadLink(src, srcPad, sink, 0, MediaUapi.MEDIA_LNK_FL_ENABLED) != 0) {
        throw new IllegalStateException("link " + src.name() + " -> " + sink.name());
      }
      jgrapht.addEdge(src, sink);
    }

    private Allocation mem() {
      Allocation a = mem;
      if (a == null) {
        throw new IllegalStateException("no memory");
      }
      return a;
    }

    private MediaDevice mdev() {
      MediaDevice m = mdev;
      if (m == null) {
        throw new IllegalStateException("no media device");
      }
      return m;
    }

    int modelWalk() {
      MediaGraphWalk w = walk;
      if (w == null) {
        throw new IllegalStateException("no walk");
      }
      MediaDevice m = mdev();
      int n = 0;
      m.graphMutex().lock();
      try {
        w.start(entities.get(0));
        for (MediaEntity e = w.next(); e != null; e = w.next()) {
          n++;
          e.put();
        }
      } finally {
        m.graphMutex().unlock();
      }
      return n;
    }

    int jgraphtWalk() {
      int n = 0;
      DepthFirstIterator<MediaEntity, DefaultEdge> it =
          new DepthFirstIterator<>(jgrapht, entities.get(0));
      while (it.hasNext()) {
        it.next();
        n++;
      }
      return n;
    }

    /**
     * Ends the walk (its bitmap is freed) and leaves the graph to the garbage collector. The
     * entities are not unregistered one by one: each unregistration scans the device's link list
     * (as the kernel's {@code __media_device_unregister_entity} walks {@code mdev->links}), so
     * taking down 100,000 entities that way is quadratic and would take minutes per fork. With
     * the sanitizers off nothing tracks the abandoned objects.
     */
    @TearDown(Level.Trial)
    public void tearDown() {
      MediaGraphWalk w = walk;
      if (w != null) {
        w.cleanup();
      }
      walk = null;
      entities.clear();
      mdev = null;
      mem = null;
      sanitizing.restore();
    }
  }

  /**
   * The model's walk over the whole graph.
   *
   * @param g the graphs
   * @return entities reached
   */
  @Benchmark
  public int mediaGraphWalk(Graphs g) {
    return g.modelWalk();
  }

  /**
   * JGraphT's depth-first iteration over the same graph.
   *
   * @param g the graphs
   * @return vertices reached
   */
  @Benchmark
  public int jgraphtDepthFirst(Graphs g) {
    return g.jgraphtWalk();
  }
}
