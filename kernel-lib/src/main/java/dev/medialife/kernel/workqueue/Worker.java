package dev.medialife.kernel.workqueue;

import org.jspecify.annotations.Nullable;

/**
 * A worker thread of one workqueue (the kernel's {@code struct worker} with its kworker task).
 *
 * <p>Implementation notes: {@link #current} is written only by the worker itself and read by {@link
 * Work#current()} on the same thread, so volatile is more than enough.
 */
final class Worker extends Thread {
  final Workqueue wq;
  volatile @Nullable Work current;

  Worker(Workqueue wq, String name) {
    super(name);
    this.wq = wq;
    setDaemon(true);
  }

  @Override
  public void run() {
    wq.workerLoop(this);
  }

  /**
   * Whether the calling thread is a worker of {@code wq}.
   *
   * @param wq a workqueue
   * @return true on one of its workers
   */
  static boolean isWorkerOf(Workqueue wq) {
    return Thread.currentThread() instanceof Worker w && w.wq == wq;
  }
}
