package dev.medialife.m2m;

import static dev.medialife.m2m.M2mBed.CAP;
import static dev.medialife.m2m.M2mBed.OUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.v4l2.vb2.Vb2Buffer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ready-list accessors, ignore_cap_streaming and buffered queues. */
@Sanitized
@Timeout(60)
class M2mReadyListTest {
  private final M2mBed bed = new M2mBed();
  private final M2mBed.Node g1 = bed.node("G1", false);

  @AfterEach
  void tearDown() {
    bed.stop();
    assertTrue(bed.dev.put());
  }

  @Test
  void readyListAccessorsRemoveByBufferAndByIndex() {
    M2mBed.TCtx a = bed.new TCtx("A", g1).open().stream(3);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, a.qOut(i));
    }
    V4l2M2mQueueCtx out = a.m2m().outQ();
    assertNotNull(out.rdySpinlock());
    assertEquals(3, out.numRdy());
    Vb2Buffer b1 = a.out.buffer(1);
    assertNotNull(b1);
    assertTrue(out.bufRemoveByBuf(b1));
    assertFalse(out.bufRemoveByBuf(b1), "already removed");
    assertEquals(2, out.numRdy());
    Vb2Buffer b2 = out.bufRemoveByIdx(2);
    assertNotNull(b2);
    assertEquals(2, b2.index());
    assertNull(out.bufRemoveByIdx(2));
    assertSame(a.out.buffer(0), out.nextBuf());
    assertSame(a.out.buffer(0), out.lastBuf());
    assertNotNull(out.bufRemove());
    assertNull(out.bufRemove());
    assertNull(out.nextBuf());
    assertNull(out.lastBuf());
    assertEquals(0, out.numRdy());
    // The driver gave them back itself, as a stop_streaming would.
    for (int i = 0; i < 3; i++) {
      Vb2Buffer vb = a.out.buffer(i);
      assertNotNull(vb);
      vb.bufferDone(Vb2Buffer.State.ERROR);
    }
    a.release();
  }

  @Test
  void ignoreCapStreamingAndBufferedQueuesLetAJobRunWithoutCapture() {
    M2mBed.TCtx a = bed.new TCtx("A", g1).open();
    a.m2m().setIgnoreCapStreaming(true);
    assertTrue(a.m2m().ignoreCapStreaming());
    a.m2m().capQ().setBuffered(true);
    a.stream(2);
    assertEquals(0, a.streamoff(CAP));
    assertEquals(0, a.qOut(0));
    assertEquals(List.of("A"), bed.runs, "only the output queue needs to stream");
    a.finishBy(M2mBed.Finish.JOB_FINISH);
    g1.completeNext();
    bed.flushWork();
    assertEquals(1, bed.dev.jobsFinished());
    a.release();
  }
}
