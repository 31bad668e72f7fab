package dev.medialife.m2m;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two hardware nodes share one scheduler, each with its own core thread: 2 nodes × 8 contexts ×
 * {@value #JOBS} jobs. The cores' shared busy counter proves no two jobs ever overlap, and the
 * device_run sequence is round-robin: no context waits for more jobs than there are ready
 * contexts.
 */
@Sanitized
@Timeout(120)
class SharedSchedulerStressTest {
  private static final int CTX_PER_NODE = 8;
  private static final int JOBS = 12;

  @Test
  void twoNodesNeverOverlapAndServeContextsRoundRobin() throws Exception {
    M2mBed bed = new M2mBed();
    bed.dev.get(); // the second node's reference, as Hantro's G2 probe takes
    List<M2mBed.Node> nodes = List.of(bed.node("G1", true), bed.node("G2", true));
    List<List<M2mBed.TCtx>> ctxs = new ArrayList<>();
    for (M2mBed.Node n : nodes) {
      List<M2mBed.TCtx> mine = new ArrayList<>();
      for (int i = 0; i < CTX_PER_NODE; i++) {
        mine.add(bed.new TCtx(n.name + "-" + i, n).open().stream(JOBS));
      }
      ctxs.add(mine);
    }
    // Everything is queued while the scheduler is paused, from one submitter thread per node.
    bed.dev.suspend();
    CyclicBarrier start = new CyclicBarrier(nodes.size());
    List<Thread> submitters = new ArrayList<>();
    for (List<M2mBed.TCtx> mine : ctxs) {
      submitters.add(
          Sync.start(
              "submit",
              () -> {
                try {
                  start.await();
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
                for (int j = 0; j < JOBS; j++) {
                  for (M2mBed.TCtx c : mine) {
                    assertEquals(0, c.qOut(j));
                    assertEquals(0, c.qCap(j));
                  }
                }
              }));
    }
    for (Thread t : submitters) {
      Sync.join(t);
    }
    int total = nodes.size() * CTX_PER_NODE * JOBS;
    assertEquals(nodes.size() * CTX_PER_NODE, bed.dev.jobQueue().size());
    bed.dev.resume();
    Sync.until(() -> bed.dev.jobsFinished() == total, "every job finished");
    bed.flushWork();
    assertEquals(0, bed.overlaps.get(), "two jobs overlapped on the shared scheduler");
    assertEquals(total, bed.runs.size());
    List<String> runs = List.copyOf(bed.runs);
    Map<String, Integer> last = new HashMap<>();
    int ready = nodes.size() * CTX_PER_NODE;
    for (int i = 0; i < runs.size(); i++) {
      Integer prev = last.put(runs.get(i), i);
      if (prev != null) {
        assertTrue(
            i - prev <= ready,
            runs.get(i) + " waited " + (i - prev - 1) + " jobs with " + ready + " ready contexts");
      }
    }
    bed.stop();
    for (List<M2mBed.TCtx> mine : ctxs) {
      for (M2mBed.TCtx c : mine) {
        c.release();
      }
    }
    assertTrue(!bed.dev.put());
    assertTrue(bed.dev.put());
  }
}
