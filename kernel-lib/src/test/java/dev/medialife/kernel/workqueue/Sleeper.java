package dev.medialife.kernel.workqueue;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A thread that runs one blocking call, for tests: start it, make sure it sleeps, wake it, then
 * {@link #join()} its result. It also records whether its interrupt flag was set when the call
 * returned.
 */
final class Sleeper<T> {
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

  static <T> Sleeper<T> start(String name, Callable<T> body) {
    Sleeper<T> s = new Sleeper<>(name, body);
    s.thread.start();
    return s;
  }

  /** The call's result; fails the test if it does not return within 10 s. */
  T join() throws InterruptedException, ExecutionException {
    try {
      return task.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(thread.getName() + " is still asleep", e);
    }
  }

  boolean done() {
    return task.isDone();
  }

  void interrupt() {
    thread.interrupt();
  }

  boolean interruptedAfter() {
    return interruptedAfter;
  }

  Thread thread() {
    return thread;
  }

  /** Spins (bounded by the test's timeout) until {@code condition} holds. */
  static void until(BooleanSupplier condition) {
    while (!condition.getAsBoolean()) {
      Thread.onSpinWait();
    }
  }

  /** Spins until the thread parks: it is waiting for a flush, a cancel or a drain. */
  void untilParked() {
    until(() -> thread.getState() == Thread.State.WAITING);
  }
}
