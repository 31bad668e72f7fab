package dev.medialife.v4l2.vb2;

import dev.medialife.kernel.locking.Mutex;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A tiny capture driver for the vb2 tests: its "hardware" holds the buffers given to it and
 * completes them only when the test says so.
 */
final class FakeDriver implements Vb2Ops {
  /** The driver's answer to queue_setup; the identity by default. */
  volatile IntUnaryOperator setup = n -> n;

  /** The start_streaming result. */
  volatile int startError;

  /** Whether a failing start_streaming gives its buffers back as QUEUED (the driver contract). */
  volatile boolean returnOnStartFailure = true;

  /** Whether stop_streaming gives its buffers back as ERROR (the driver contract). */
  volatile boolean returnOnStop = true;

  /**
   * A state buf_queue completes each buffer with at once instead of keeping it (a driver that
   * refuses work, for example after a disconnect), or null for the normal driver.
   */
  volatile Vb2Buffer.@Nullable State completeOnQueue;

  final ConcurrentLinkedDeque<Vb2Buffer> hw = new ConcurrentLinkedDeque<>();
  final List<Integer> setupCalls = new ArrayList<>();
  final AtomicInteger started = new AtomicInteger();
  final AtomicInteger startCount = new AtomicInteger(-1);
  final AtomicInteger stopped = new AtomicInteger();

  static Vb2Queue capture(FakeDriver drv, @Nullable Mutex lock, int minQueued) {
    return new Vb2Queue(
        Vb2Queue.TYPE_VIDEO_CAPTURE,
        Vb2Queue.IO_MMAP | Vb2Queue.IO_USERPTR,
        drv,
        lock,
        minQueued);
  }

  @Override
  public synchronized int queueSetup(Vb2Queue q, int numBuffers) {
    setupCalls.add(numBuffers);
    return setup.applyAsInt(numBuffers);
  }

  @Override
  public void bufQueue(Vb2Buffer vb) {
    Vb2Buffer.State now = completeOnQueue;
    if (now != null) {
      vb.bufferDone(now);
      return;
    }
    hw.add(vb);
  }

  @Override
  public int startStreaming(Vb2Queue q, int count) {
    started.incrementAndGet();
    startCount.set(count);
    if (startError != 0 && returnOnStartFailure) {
      drain(Vb2Buffer.State.QUEUED);
    }
    return startError;
  }

  @Override
  public void stopStreaming(Vb2Queue q) {
    stopped.incrementAndGet();
    if (returnOnStop) {
      drain(Vb2Buffer.State.ERROR);
    }
  }

  /** The hardware finishes its oldest buffer. */
  Vb2Buffer complete(Vb2Buffer.State state, int bytes, int seq) {
    Vb2Buffer vb = hw.remove();
    vb.setBytesused(bytes);
    vb.setSequence(seq);
    vb.bufferDone(state);
    return vb;
  }

  Vb2Buffer complete(Vb2Buffer.State state) {
    return complete(state, 100, 0);
  }

  void drain(Vb2Buffer.State state) {
    for (Vb2Buffer vb = hw.poll(); vb != null; vb = hw.poll()) {
      vb.bufferDone(state);
    }
  }
}
