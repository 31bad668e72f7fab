package dev.medialife.v4l2.vb2;

import static dev.medialife.v4l2.vb2.Vb2Queue.MEMORY_MMAP;
import static dev.medialife.v4l2.vb2.Vb2Queue.TYPE_VIDEO_CAPTURE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A vivid-like capture driver whose "interrupt" thread completes buffers continuously while an
 * application loops DQBUF/QBUF; STREAMOFF in the middle must return every buffer exactly once.
 */
@Sanitized
@Timeout(60)
class Vb2StreamStressTest {
  /** The driver: its interrupt handler and stop_streaming exclude each other (synchronize_irq). */
  private static final class IrqDriver implements Vb2Ops {
    private final Object irq = new Object();

    @GuardedBy("irq")
    private final ArrayDeque<Vb2Buffer> hw = new ArrayDeque<>();

    @GuardedBy("irq")
    private boolean running;

    @GuardedBy("irq")
    private int seq;

    @Override
    public int queueSetup(Vb2Queue q, int numBuffers) {
      return numBuffers;
    }

    @Override
    public void bufQueue(Vb2Buffer vb) {
      synchronized (irq) {
        hw.add(vb);
      }
    }

    @Override
    public int startStreaming(Vb2Queue q, int count) {
      synchronized (irq) {
        running = true;
      }
      return 0;
    }

    @Override
    public void stopStreaming(Vb2Queue q) {
      synchronized (irq) {
        running = false;
        for (Vb2Buffer vb = hw.poll(); vb != null; vb = hw.poll()) {
          vb.bufferDone(Vb2Buffer.State.ERROR);
        }
      }
    }

    /** One interrupt: completes the oldest buffer if streaming. */
    void tick() {
      synchronized (irq) {
        Vb2Buffer vb = running ? hw.poll() : null;
        if (vb != null) {
          vb.setSequence(seq++);
          vb.bufferDone(Vb2Buffer.State.DONE);
        }
      }
    }
  }

  @Test
  void streamoffDuringCaptureLosesNothing() {
    IrqDriver drv = new IrqDriver();
    Vb2Queue q = new Vb2Queue(TYPE_VIDEO_CAPTURE, Vb2Queue.IO_MMAP, drv, null, 2);
    assertEquals(4, q.reqbufs(TYPE_VIDEO_CAPTURE, MEMORY_MMAP, 4));
    for (int i = 0; i < 4; i++) {
      assertEquals(0, q.qbuf(new V4l2Buffer(i, TYPE_VIDEO_CAPTURE, MEMORY_MMAP)));
    }
    assertEquals(0, q.streamon(TYPE_VIDEO_CAPTURE));
    AtomicBoolean stop = new AtomicBoolean();
    Thread irq =
        Sync.start(
            "irq",
            () -> {
              while (!stop.get()) {
                drv.tick();
                Thread.onSpinWait();
              }
            });
    List<Integer> seqs = new CopyOnWriteArrayList<>();
    AtomicInteger end = new AtomicInteger(1);
    Thread app =
        Sync.start(
            "app",
            () -> {
              for (; ; ) {
                V4l2Buffer b = new V4l2Buffer(0, TYPE_VIDEO_CAPTURE, MEMORY_MMAP);
                int r = q.dqbuf(b, false);
                if (r == 0) {
                  seqs.add(b.sequence);
                  r = q.qbuf(new V4l2Buffer(b.index, TYPE_VIDEO_CAPTURE, MEMORY_MMAP));
                }
                if (r != 0) {
                  end.set(r);
                  return;
                }
              }
            });
    Sync.until(() -> seqs.size() >= 200, "200 frames");
    assertEquals(0, q.streamoff(TYPE_VIDEO_CAPTURE));
    Sync.join(app);
    stop.set(true);
    Sync.join(irq);
    assertEquals(-Errno.EINVAL, end.get());
    for (int i = 1; i < seqs.size(); i++) {
      assertTrue(seqs.get(i) > seqs.get(i - 1), "frames in order");
    }
    assertEquals(0, q.ownedByDriver());
    for (int i = 0; i < 4; i++) {
      Vb2Buffer.State st = Objects.requireNonNull(q.buffer(i)).state();
      assertTrue(st == Vb2Buffer.State.DEQUEUED || st == Vb2Buffer.State.QUEUED, st.toString());
    }
    q.queueRelease();
    assertEquals(0, q.numBuffers());
    assertEquals(seqs.size(), q.dequeuedTotal());
    assertEquals(q.queuedTotal(), q.dequeuedTotal() + q.cancelledTotal());
    assertTrue(q.cancelledTotal() >= 3, "the buffers in flight came back by the cancel");
  }
}
