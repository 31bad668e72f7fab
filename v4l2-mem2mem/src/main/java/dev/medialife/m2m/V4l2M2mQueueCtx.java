package dev.medialife.m2m;

import dev.medialife.kernel.locking.SpinLock;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.v4l2.vb2.Vb2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.jspecify.annotations.Nullable;

/**
 * One direction of a mem2mem context ({@code struct v4l2_m2m_queue_ctx}): the vb2 queue and the
 * driver-owned ready list of buffers that {@code buf_queue} handed to the driver and no job has
 * consumed yet.
 *
 * <p>Implementation notes: the kernel's {@code struct v4l2_m2m_buffer} is a vb2 buffer with a list
 * node; here the ready list holds the {@link Vb2Buffer}s themselves, the deque entry playing the
 * list node. {@code rdySpinlock} protects {@code rdyQueue} and {@code numRdy}; the scheduler takes
 * it inside its {@code job_spinlock} (lock order: job lock, then ready lock).
 */
@KernelSymbol("v4l2_m2m_queue_ctx")
public final class V4l2M2mQueueCtx {
  private final Vb2Queue q;

  /** Protects {@code rdyQueue} and {@code numRdy}. */
  private final SpinLock rdySpinlock;

  /* Guarded by rdySpinlock (a kernel SpinLock, which Error Prone cannot see). */
  private final ArrayDeque<Vb2Buffer> rdyQueue = new ArrayDeque<>();

  /* Guarded by rdySpinlock (a kernel SpinLock, which Error Prone cannot see). */
  private int numRdy;

  private volatile boolean buffered;

  V4l2M2mQueueCtx(Vb2Queue q, String name) {
    this.q = q;
    this.rdySpinlock = new SpinLock("v4l2_m2m_queue_ctx.rdy_spinlock(" + name + ")");
  }

  /**
   * The vb2 queue.
   *
   * @return {@code q_ctx->q}
   */
  @KernelSymbol("v4l2_m2m_queue_ctx.q")
  public Vb2Queue queue() {
    return q;
  }

  /**
   * The ready-list lock.
   *
   * @return {@code q_ctx->rdy_spinlock}
   */
  @KernelSymbol("v4l2_m2m_queue_ctx.rdy_spinlock")
  public SpinLock rdySpinlock() {
    return rdySpinlock;
  }

  /**
   * Whether the queue may be scheduled with no buffer ready (a decoder with an internal ring).
   *
   * @return {@code q_ctx->buffered}
   */
  @KernelSymbol("v4l2_m2m_queue_ctx.buffered")
  public boolean buffered() {
    return buffered;
  }

  /**
   * Sets {@code buffered} ({@code v4l2_m2m_set_src_buffered}, {@code v4l2_m2m_set_dst_buffered}).
   *
   * @param b the new value
   */
  @KernelSymbol({"v4l2_m2m_set_src_buffered", "v4l2_m2m_set_dst_buffered"})
  public void setBuffered(boolean b) {
    buffered = b;
  }

  /**
   * The number of ready buffers ({@code v4l2_m2m_num_src_bufs_ready} and the dst variant).
   *
   * @return {@code num_rdy}
   */
  @KernelSymbol({"v4l2_m2m_num_src_bufs_ready", "v4l2_m2m_num_dst_bufs_ready"})
  public int numRdy() {
    rdySpinlock.lock();
    try {
      return numRdy;
    } finally {
      rdySpinlock.unlock();
    }
  }

  /**
   * Appends a buffer to the ready list ({@code v4l2_m2m_buf_queue}); the driver's vb2 {@code
   * buf_queue} calls it through {@link V4l2M2mCtx#bufQueue}.
   *
   * @param vb the buffer
   */
  @KernelSymbol("v4l2_m2m_buf_queue")
  void add(Vb2Buffer vb) {
    rdySpinlock.lock();
    try {
      rdyQueue.addLast(vb);
      numRdy++;
    } finally {
      rdySpinlock.unlock();
    }
  }

  /**
   * Peeks at the head of the ready list ({@code v4l2_m2m_next_buf}).
   *
   * @return the first ready buffer, or null
   */
  @KernelSymbol({"v4l2_m2m_next_buf", "v4l2_m2m_next_src_buf", "v4l2_m2m_next_dst_buf"})
  public @Nullable Vb2Buffer nextBuf() {
    rdySpinlock.lock();
    try {
      // The count lives in this object: an empty list costs no visit to the deque's memory.
      return numRdy == 0 ? null : rdyQueue.peekFirst();
    } finally {
      rdySpinlock.unlock();
    }
  }

  /**
   * Peeks at the tail of the ready list ({@code v4l2_m2m_last_buf}).
   *
   * @return the last ready buffer, or null
   */
  @KernelSymbol({"v4l2_m2m_last_buf", "v4l2_m2m_last_src_buf", "v4l2_m2m_last_dst_buf"})
  public @Nullable Vb2Buffer lastBuf() {
    rdySpinlock.lock();
    try {
      return numRdy == 0 ? null : rdyQueue.peekLast();
    } finally {
      rdySpinlock.unlock();
    }
  }

  /**
   * Pops the head of the ready list ({@code v4l2_m2m_buf_remove}).
   *
   * @return the removed buffer, or null when the list is empty
   */
  @KernelSymbol({"v4l2_m2m_buf_remove", "v4l2_m2m_src_buf_remove", "v4l2_m2m_dst_buf_remove"})
  public @Nullable Vb2Buffer bufRemove() {
    rdySpinlock.lock();
    try {
      Vb2Buffer vb = rdyQueue.pollFirst();
      if (vb != null) {
        numRdy--;
      }
      return vb;
    } finally {
      rdySpinlock.unlock();
    }
  }

  /**
   * Removes a given buffer from the ready list ({@code v4l2_m2m_buf_remove_by_buf}).
   *
   * @param vb the buffer
   * @return true if it was on the list
   */
  @KernelSymbol({
    "v4l2_m2m_buf_remove_by_buf",
    "v4l2_m2m_src_buf_remove_by_buf",
    "v4l2_m2m_dst_buf_remove_by_buf"
  })
  public boolean bufRemoveByBuf(Vb2Buffer vb) {
    rdySpinlock.lock();
    try {
      Iterator<Vb2Buffer> it = rdyQueue.iterator();
      while (it.hasNext()) {
        if (it.next().equals(vb)) {
          it.remove();
          numRdy--;
          return true;
        }
      }
      return false;
    } finally {
      rdySpinlock.unlock();
    }
  }

  /**
   * Removes the ready buffer with a given index ({@code v4l2_m2m_buf_remove_by_idx}).
   *
   * @param idx the buffer index
   * @return the removed buffer, or null if none has that index
   */
  @KernelSymbol({
    "v4l2_m2m_buf_remove_by_idx",
    "v4l2_m2m_src_buf_remove_by_idx",
    "v4l2_m2m_dst_buf_remove_by_idx"
  })
  public @Nullable Vb2Buffer bufRemoveByIdx(int idx) {
    rdySpinlock.lock();
    try {
      Iterator<Vb2Buffer> it = rdyQueue.iterator();
      while (it.hasNext()) {
        Vb2Buffer vb = it.next();
        if (vb.index() == idx) {
          it.remove();
          numRdy--;
          return vb;
        }
      }
      return null;
    } finally {
      rdySpinlock.unlock();
    }
  }

  /** Empties the ready list (the streamoff reset); vb2 has already taken the buffers back. */
  void reset() {
    rdySpinlock.lock();
    try {
      rdyQueue.clear();
      numRdy = 0;
    } finally {
      rdySpinlock.unlock();
    }
  }

  @Override
  @JavaOnly("diagnostic")
  public String toString() {
    return "v4l2_m2m_queue_ctx(" + q + ", " + numRdy() + " ready)";
  }
}
