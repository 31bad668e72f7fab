package dev.medialife.kernel.fault;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.meta.JavaOnly;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Named race windows: places in modelled code between a check and the use it protects (the
 * devnode's "registered" test and the ioctl that follows, a list lookup and the reference taken on
 * what it found). A test arms a window with an action, and the next thread to pass through it runs
 * that action there, so an interleaving the kernel hits once in a million runs happens every time,
 * in the same order, without sleeps.
 *
 * <p>This is the model's answer to the delay injection that tools such as KCSAN use to widen race
 * windows, made deterministic: the action typically releases a latch that another thread waits on,
 * then waits for that thread to reach its own point.
 *
 * <p>Implementation notes: actions are queued per window and each runs once, on the thread that
 * passes; the fast path when nothing is armed is one volatile read. Actions run outside the class
 * lock, so an action may arm further windows or pass through one itself.
 */
@JavaOnly("deterministic race-window injection; kernel tools only widen windows with delays")
public final class RaceWindow {
  private static final Object LOCK = new Object();

  private static volatile boolean armed;

  @GuardedBy("LOCK")
  private static final Map<String, Deque<Runnable>> actions = new HashMap<>();

  @GuardedBy("LOCK")
  private static final Map<String, Integer> passes = new HashMap<>();

  private RaceWindow() {}

  /**
   * Marks a race window in modelled code; runs the action armed for it, if any.
   *
   * @param window the window's name, for example "media_ioctl.registered"
   */
  public static void at(String window) {
    if (!armed) {
      return;
    }
    Runnable action;
    synchronized (LOCK) {
      passes.merge(window, 1, Integer::sum);
      Deque<Runnable> queue = actions.get(window);
      action = queue == null ? null : queue.pollFirst();
      if (queue != null && queue.isEmpty()) {
        actions.remove(window);
      }
    }
    if (action != null) {
      action.run();
    }
  }

  /**
   * Arms {@code window}: the next thread to pass it runs {@code action} there. Several arms of the
   * same window run in order, one per pass.
   *
   * @param window the window's name
   * @param action what to run inside it
   */
  public static void arm(String window, Runnable action) {
    synchronized (LOCK) {
      actions.computeIfAbsent(window, k -> new ArrayDeque<>()).addLast(action);
      armed = true;
    }
  }

  /**
   * How many times threads passed {@code window} since the last {@link #reset()}, counted only
   * while some window was armed.
   *
   * @param window the window's name
   * @return the number of passes
   */
  public static int passes(String window) {
    synchronized (LOCK) {
      return passes.getOrDefault(window, 0);
    }
  }

  /**
   * Whether an armed action for {@code window} has not run yet.
   *
   * @param window the window's name
   * @return true while an action is pending
   */
  public static boolean pending(String window) {
    synchronized (LOCK) {
      return actions.containsKey(window);
    }
  }

  /** Disarms every window and forgets the pass counts. */
  public static void reset() {
    synchronized (LOCK) {
      actions.clear();
      passes.clear();
      armed = false;
    }
  }
}
