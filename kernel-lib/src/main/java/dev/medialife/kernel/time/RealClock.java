package dev.medialife.kernel.time;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The real clock: {@link System#nanoTime()} measured from class initialisation ("boot"), with
 * timers run by one daemon thread named {@code ktimerd}.
 *
 * <p>Implementation notes: the executor is created on the first {@link #schedule} so that a model
 * that never arms a timer starts no thread. Each timer owns an atomic state (pending, fired,
 * cancelled); the executor task and {@link Timer#cancel()} race on one compare-and-set, so cancel
 * returns true exactly when the callback will never run. The executor's own future is cancelled
 * only to free its queue slot ({@code removeOnCancelPolicy}); its result is not trusted, because a
 * {@code FutureTask} still reads as cancellable while its callback runs.
 */
final class RealClock implements KernelClock {
  static final RealClock INSTANCE = new RealClock();

  private static final long BOOT = System.nanoTime();

  private volatile @Nullable ScheduledThreadPoolExecutor executor;

  private RealClock() {}

  @Override
  public long nanoTime() {
    return System.nanoTime() - BOOT;
  }

  @Override
  public Timer schedule(long deadlineNanos, Runnable callback) {
    RealTimer t = new RealTimer(deadlineNanos, callback);
    long delay = Math.max(0, deadlineNanos - nanoTime());
    t.future = executor().schedule(t::fire, delay, TimeUnit.NANOSECONDS);
    return t;
  }

  private ScheduledThreadPoolExecutor executor() {
    ScheduledThreadPoolExecutor e = executor;
    if (e == null) {
      synchronized (this) {
        e = executor;
        if (e == null) {
          e =
              new ScheduledThreadPoolExecutor(
                  1,
                  r -> {
                    Thread t = new Thread(r, "ktimerd");
                    t.setDaemon(true);
                    return t;
                  });
          e.setRemoveOnCancelPolicy(true);
          executor = e;
        }
      }
    }
    return e;
  }

  @Override
  public String toString() {
    return "RealClock[" + nanoTime() + " ns]";
  }

  /** A timer on the real clock; its state decides the race between firing and cancel. */
  private static final class RealTimer implements Timer {
    private static final int PENDING = 0;
    private static final int FIRED = 1;
    private static final int CANCELLED = 2;

    private final long deadline;
    private final Runnable callback;
    private final AtomicInteger state = new AtomicInteger(PENDING);
    private volatile @Nullable ScheduledFuture<?> future;

    RealTimer(long deadline, Runnable callback) {
      this.deadline = deadline;
      this.callback = callback;
    }

    void fire() {
      if (!state.compareAndSet(PENDING, FIRED)) {
        return;
      }
      TimerCallbacks.run(callback);
    }

    @Override
    public boolean cancel() {
      if (!state.compareAndSet(PENDING, CANCELLED)) {
        return false;
      }
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
      return true;
    }

    @Override
    public boolean pending() {
      return state.get() == PENDING;
    }

    @Override
    public long deadlineNanos() {
      return deadline;
    }

    @Override
    public String toString() {
      return "timer@" + deadline + (pending() ? " (pending)" : "");
    }
  }
}
