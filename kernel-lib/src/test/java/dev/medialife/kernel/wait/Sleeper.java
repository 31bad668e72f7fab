package dev.medialife.kernel.wait;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A thread that runs one blocking call, for the wait and workqueue tests: start it, make sure it sleeps, wake it, then
 * {@link #join()} its result. It also records whether its interrupt flag was set when the call
 * returned.
 */
public final class Sleeper<T> {
  private final FutureTask<T> task;
  private final Thread thread;
  private volatile boolean interruptedAfter;

  private Sleeper(String name, Callable<T> body) {
    this.task =
        new FutureTask<>(
            () -> {
              try {
                return body.call();
              } finally {
                interruptedAfter = Thread.currentThread().isInterrupted();
              }
            });
    this.thread = new Thread(task, name);
    thread.setDaemon(true);
  }

  public static <T> Sleeper<T> start(String name, Callable<T> body) {
    Sleeper<T> s = new Sleeper<>(name, body);
    s.thread.start();
    return s;
  }

  /** The call's result; fails the test if it does not return within 10 s. */
  public T join() throws InterruptedException, ExecutionException {
    try {
      return task.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(thread.getName() + " is still asleep", e);
    }
  }

  public boolean done() {
    return task.isDone();
  }

  public void interrupt() {
    thread.interrupt();
  }

  public boolean interruptedAfter() {
    return interruptedAfter;
  }

  public Thread thread() {
    return thread;
  }

  /** Spins (bounded by the test's timeout) until {@code condition} holds. */
  public static void until(BooleanSupplier condition) {
    while (!condition.getAsBoolean()) {
      Thread.onSpinWait();
    }
  }

  /** Spins until {@code wq} has exactly {@code n} queued waiters. */
  public static void untilWaiters(WaitQueueHead wq, int n) {
    until(() -> wq.waiters() == n);
  }

  /** Spins until the thread parks, which after an interrupt means it went back to sleep. */
  public void untilParked() {
    until(() -> thread.getState() == Thread.State.WAITING);
  }
}
