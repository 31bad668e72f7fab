package dev.medialife.kernel.fault;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Named fault-injection points, like the kernel's fault-injection framework ({@code failslab},
 * {@code fail_page_alloc}, {@code fail-nth} and the {@code ALLOW_ERROR_INJECTION} points).
 *
 * <p>Modelled code asks {@link #shouldFail(String)} at every point that can fail in the kernel
 * (an allocation, a minor number, an IRQ request, a registration) and takes its error path when the
 * answer is true. Tests arm failures in four ways:
 *
 * <ul>
 *   <li>by name: {@link #failPoint(String, int)} fails the next hits of one point;
 *   <li>by the nth hit of a point: {@link #failPointAt(String, int)};
 *   <li>by the nth hit of any point, as {@code /proc/self/task/<tid>/fail-nth} does: {@link
 *       #failNth(int)} (what {@link FaultSweep} uses);
 *   <li>with a probability and a seed, for random runs that must be reproducible: {@link
 *       #failRandomly(double, long)}.
 * </ul>
 *
 * <p>Implementation notes: the configuration is global, as the kernel's debugfs attributes are,
 * and counts hits from every thread, so a path that hands work to a worker thread is still swept.
 * All state is guarded by the class's lock object; the fast path when nothing is armed or recorded
 * is one volatile read.
 */
@KernelSymbol("fault_attr")
public final class FaultInjection {
  private static final Object LOCK = new Object();

  private static volatile boolean active;

  @GuardedBy("LOCK")
  private static final Map<String, Integer> failTimes = new HashMap<>();

  @GuardedBy("LOCK")
  private static final Map<String, Integer> failAt = new HashMap<>();

  @GuardedBy("LOCK")
  private static final Map<String, Integer> pointHits = new HashMap<>();

  @GuardedBy("LOCK")
  private static final List<String> injected = new ArrayList<>();

  @GuardedBy("LOCK")
  private static final Set<String> reached = new LinkedHashSet<>();

  @GuardedBy("LOCK")
  private static int nth;

  @GuardedBy("LOCK")
  private static int hits;

  @GuardedBy("LOCK")
  private static boolean recording;

  @GuardedBy("LOCK")
  private static double probability;

  @GuardedBy("LOCK")
  private static @Nullable Random random;

  private FaultInjection() {}

  /**
   * Asks whether the fault point {@code point} fails this time. Every call counts as a hit of the
   * point, for {@link #failNth} and for sweeps.
   *
   * <p>Context: any; does not sleep.
   *
   * @param point the point's name, for example "kmalloc" or "request_irq"
   * @return true if the caller must take its failure path
   */
  @KernelSymbol({"should_fail", "should_failslab", "should_fail_ex"})
  public static boolean shouldFail(String point) {
    if (!active) {
      return false;
    }
    synchronized (LOCK) {
      hits++;
      int pointHit = pointHits.merge(point, 1, Integer::sum);
      if (recording) {
        reached.add(point);
      }
      boolean fail = false;
      if (nth > 0 && hits == nth) {
        fail = true;
      }
      Integer at = failAt.get(point);
      if (at != null && at == pointHit) {
        fail = true;
      }
      Integer times = failTimes.get(point);
      if (times != null && times != 0) {
        fail = true;
        if (times > 0) {
          failTimes.put(point, times - 1);
        }
      }
      Random r = random;
      if (r != null && r.nextDouble() < probability) {
        fail = true;
      }
      if (fail) {
        injected.add(point);
      }
      return fail;
    }
  }

  /**
   * Makes the next {@code times} hits of a point fail; a negative count fails every hit until
   * {@link #reset()}.
   *
   * @param point the point's name
   * @param times how many hits fail, or -1 for all
   */
  @KernelSymbol("fault_attr.times")
  public static void failPoint(String point, int times) {
    synchronized (LOCK) {
      failTimes.put(point, times);
      active = true;
    }
  }

  /**
   * Makes only the {@code n}th hit (counting from 1, since the last reset) of a point fail.
   *
   * @param point the point's name
   * @param n which hit fails
   */
  @KernelSymbol("fault_attr.interval")
  public static void failPointAt(String point, int n) {
    synchronized (LOCK) {
      failAt.put(point, n);
      active = true;
    }
  }

  /**
   * Makes the {@code n}th hit of any point (counting from 1, since the last reset) fail, as writing
   * {@code n} to {@code fail-nth} does.
   *
   * @param n which hit fails; 0 disarms
   */
  @KernelSymbol("fail-nth")
  public static void failNth(int n) {
    synchronized (LOCK) {
      nth = n;
      active = true;
    }
  }

  /**
   * Makes every hit of every point fail with a probability, drawn from a generator seeded with
   * {@code seed} so that a run can be repeated exactly.
   *
   * @param p the probability, 0 to 1
   * @param seed the generator's seed
   */
  @KernelSymbol("fault_attr.probability")
  public static void failRandomly(double p, long seed) {
    synchronized (LOCK) {
      probability = p;
      random = new Random(seed);
      active = true;
    }
  }

  /** Starts recording which points are reached (without failing any), for sweeps. */
  @JavaOnly("sweep support")
  public static void record() {
    synchronized (LOCK) {
      recording = true;
      active = true;
    }
  }

  /**
   * The points reached since recording started, in first-hit order.
   *
   * @return the point names
   */
  @JavaOnly("sweep support")
  public static List<String> reached() {
    synchronized (LOCK) {
      return List.copyOf(reached);
    }
  }

  /**
   * How many hits, of any point, since the last reset.
   *
   * @return the hit count
   */
  @JavaOnly("sweep support")
  public static int hits() {
    synchronized (LOCK) {
      return hits;
    }
  }

  /**
   * The points whose hits were failed since the last reset, in order.
   *
   * @return the point names, one entry per failed hit
   */
  @JavaOnly("sweep support")
  public static List<String> injected() {
    synchronized (LOCK) {
      return List.copyOf(injected);
    }
  }

  /** Disarms every failure and forgets all counts. */
  @JavaOnly("test isolation")
  public static void reset() {
    synchronized (LOCK) {
      failTimes.clear();
      failAt.clear();
      pointHits.clear();
      injected.clear();
      reached.clear();
      nth = 0;
      hits = 0;
      recording = false;
      probability = 0;
      random = null;
      active = false;
    }
  }
}
