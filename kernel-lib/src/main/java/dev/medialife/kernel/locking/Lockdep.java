package dev.medialife.kernel.locking;

import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.debug.Stack;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * The lock validator: the model's lockdep.
 *
 * <p>It keeps, per task (thread), the list of locks held, and globally the graph of lock-class
 * orders observed ("B was taken while A was held" is an edge A → B). Taking a lock that would close
 * a cycle in that graph is reported as a possible circular locking dependency at once, the first
 * time the inverted order is seen, without either task having to block: exactly why lockdep finds
 * deadlocks that never happened. It also reports recursive locking, release by a task that does
 * not hold the lock, sleeping in atomic context (a spinlock held), locks still held at the return
 * to userspace, and failed {@code lockdep_assert_held}.
 *
 * <p>Implementation notes: the held list of a thread is touched by that thread, except that a
 * release by another task removes the entry from the holder's list; each list is therefore guarded
 * by its own monitor. The graph is guarded by the {@code Lockdep} class monitor; it is only used
 * with lockdep on, where speed is secondary. Nodes are (class, subclass) pairs, as in the kernel,
 * so {@code mutex_lock_nested} with a distinct subclass is a distinct node. Trylocks are recorded as
 * held but add no order edges of their own, since a trylock cannot wait.
 *
 * <p>Stacks are saved as sparingly as the kernel's lockdep saves them: a held lock records no
 * stack of its own (the kernel keeps only the acquiring instruction), and an acquisition saves one
 * only when lockdep learns something from it: the first use of a lock class ({@code
 * usage_traces[LOCK_USED]}), an order not recorded before ({@code check_prev_add}, once per
 * acquisition), or a report. An acquisition whose orders are all known reads them without the
 * graph lock (the kernel's lock-chain cache) and saves nothing. A held lock whose acquisition saved
 * no stack shows, in reports that name where it was taken, the stack of its class's first use,
 * marked as such.
 *
 * <p>Departure from the kernel: the kernel's lockdep turns itself off after its first splat; the
 * model keeps validating and reports each distinct inverted order once, so one run can show every
 * problem. An inverted order is reported and not recorded, so the graph stays acyclic.
 */
@KernelSymbol("lockdep")
public final class Lockdep {
  private static final ThreadLocal<HeldLocks> HELD = ThreadLocal.withInitial(HeldLocks::new);

  /** Order edges: from (held) → to (taken later) → where it was first seen. */
  private static final Map<Node, Map<Node, Stack>> GRAPH = new HashMap<>();

  /**
   * The recorded orders again, readable without the graph lock: an acquisition whose orders are
   * all known takes no lock and saves no stack, as the kernel's lookup of a known lock chain.
   */
  private static final ConcurrentMap<Node, Set<Node>> KNOWN = new ConcurrentHashMap<>();

  /**
   * Per node, where it was first taken (the kernel's {@code usage_traces[LOCK_USED]}): the stack a
   * held lock shows when its own acquisition saved none.
   */
  private static final ConcurrentMap<Node, Stack> INITIAL_USE = new ConcurrentHashMap<>();

  /** Inverted orders already reported, so that each distinct inversion is reported once. */
  private static final Set<List<Node>> REPORTED = new HashSet<>();

  private Lockdep() {}

  /** One node of the order graph: a lock class at a nesting subclass. */
  private record Node(LockClass lockClass, int subclass) {
    @Override
    public String toString() {
      return subclass == 0 ? lockClass.name() : lockClass.name() + "/" + subclass;
    }
  }

  /** One entry of a task's held-lock list. */
  private record Held(LockdepMap map, int subclass, Stack acquired) {
    Node node() {
      return new Node(map.lockClass(), subclass);
    }
  }

  /** A task's held locks, in acquisition order. */
  static final class HeldLocks {
    private final String thread = Thread.currentThread().getName();
    private final List<Held> locks = new ArrayList<>();

    private synchronized List<Held> snapshot() {
      return List.copyOf(locks);
    }

    private synchronized void push(Held h) {
      locks.add(h);
    }

    private synchronized boolean remove(LockdepMap map) {
      for (int i = locks.size() - 1; i >= 0; i--) {
        if (locks.get(i).map() == map) {
          locks.remove(i);
          return true;
        }
      }
      return false;
    }

    private synchronized void clear() {
      locks.clear();
    }
  }

  /**
   * Records that the current task takes a lock, checking order, recursion and context first.
   * Callers invoke this before blocking on the lock, as lockdep does, so an inversion is reported
   * even if the acquisition would deadlock.
   *
   * @param map the lock
   * @param subclass the nesting subclass (0 unless taken with a _nested variant)
   * @param trylock true for a trylock, which adds no order edges
   * @return false if the task already holds this very lock (the caller must not block on it)
   */
  @KernelSymbol({"lock_acquire", "__lock_acquire"})
  public static boolean acquire(LockdepMap map, int subclass, boolean trylock) {
    if (!Sanitizers.lockdep()) {
      return true;
    }
    HeldLocks mine = HELD.get();
    List<Held> held = mine.snapshot();
    for (Held h : held) {
      if (h.map() == map) {
        Sanitizers.report(
            new Report.RecursiveLocking(map.toString(), h.acquired(), Stack.capture()));
        return false;
      }
    }
    Node node = new Node(map.lockClass(), subclass);
    // The stack of this acquisition, saved only when something needs it (save_trace): the first
    // use of the class, a new dependency, a report. Most acquisitions need none.
    @Nullable Stack here = null;
    Stack initialUse = INITIAL_USE.get(node);
    if (initialUse == null) {
      here = Stack.capture();
      Stack prior = INITIAL_USE.putIfAbsent(node, here.asInitialUse());
      initialUse = prior != null ? prior : here.asInitialUse();
    }
    boolean check = !map.lockClass().isNoValidate();
    for (Held h : held) {
      if (check && h.node().equals(node) && !trylock) {
        here = here != null ? here : Stack.capture();
        Sanitizers.report(new Report.RecursiveLocking(map.toString(), h.acquired(), here));
        break;
      }
    }
    if (check && !trylock) {
      for (Held h : held) {
        Node from = h.node();
        if (!h.map().lockClass().isNoValidate() && !from.equals(node) && !isKnown(from, node)) {
          // check_prev_add: a dependency not recorded yet is the place a stack is saved, once per
          // acquisition however many held locks it links.
          here = here != null ? here : Stack.capture();
          addOrder(from, node, here);
        }
      }
    }
    mine.push(new Held(map, subclass, here != null ? here : initialUse));
    map.setHolder(mine);
    return true;
  }

  /** Whether the order {@code from → to} is already recorded, without taking the graph lock. */
  private static boolean isKnown(Node from, Node to) {
    Set<Node> out = KNOWN.get(from);
    return out != null && out.contains(to);
  }

  private static synchronized void addOrder(Node from, Node to, Stack here) {
    Map<Node, Stack> out = GRAPH.computeIfAbsent(from, k -> new LinkedHashMap<>());
    if (out.containsKey(to)) {
      return;
    }
    List<Node> path = findPath(to, from);
    if (path != null) {
      if (!REPORTED.add(List.of(from, to))) {
        return;
      }
      List<String> chain = new ArrayList<>(path.size());
      for (Node n : path) {
        chain.add(n.toString());
      }
      Map<Node, Stack> firstOut = GRAPH.get(path.get(0));
      Stack existing = firstOut == null ? Stack.NONE : firstOut.getOrDefault(path.get(1), Stack.NONE);
      Sanitizers.report(
          new Report.CircularLocking(from.toString(), to.toString(), chain, existing, here));
      return;
    }
    out.put(to, here);
    KNOWN.computeIfAbsent(from, k -> ConcurrentHashMap.newKeySet()).add(to);
  }

  /** Breadth-first search for a path of recorded orders from {@code start} to {@code goal}. */
  private static @Nullable List<Node> findPath(Node start, Node goal) {
    Map<Node, Node> parent = new HashMap<>();
    Deque<Node> queue = new ArrayDeque<>();
    queue.add(start);
    parent.put(start, start);
    while (!queue.isEmpty()) {
      Node n = queue.poll();
      if (n.equals(goal)) {
        List<Node> path = new ArrayList<>();
        Node p = n;
        path.add(p);
        while (!p.equals(start)) {
          p = Objects.requireNonNull(parent.get(p));
          path.add(p);
        }
        Collections.reverse(path);
        return path;
      }
      for (Node next : GRAPH.getOrDefault(n, Map.of()).keySet()) {
        if (parent.putIfAbsent(next, n) == null) {
          queue.add(next);
        }
      }
    }
    return null;
  }

  /**
   * Records that a lock is released. A task that does not hold it gets a bad-unlock report; when
   * another task holds it, that task's entry is removed, since the lock is now free.
   *
   * @param map the lock
   * @return true if the current task held it
   */
  @KernelSymbol({"lock_release", "__lock_release"})
  public static boolean release(LockdepMap map) {
    if (!Sanitizers.lockdep()) {
      return true;
    }
    if (HELD.get().remove(map)) {
      map.setHolder(null);
      return true;
    }
    HeldLocks other = map.holder();
    Sanitizers.report(
        new Report.BadUnlock(
            map.toString(), other != null ? other.thread : "nobody", Stack.capture()));
    if (other != null) {
      other.remove(map);
      map.setHolder(null);
    }
    return false;
  }

  /**
   * Reports a sleeping operation in atomic context: called by every operation that may sleep
   * (mutex lock, waits, flushes, blocking calls).
   *
   * @param operation what would sleep, for example "mutex_lock"
   * @return true if the task may sleep here
   */
  @KernelSymbol({"might_sleep", "__might_sleep"})
  public static boolean mightSleep(String operation) {
    if (!Sanitizers.lockdep()) {
      return true;
    }
    List<String> spins = new ArrayList<>();
    for (Held h : HELD.get().snapshot()) {
      if (h.map().isSpin()) {
        spins.add(h.map().toString());
      }
    }
    if (spins.isEmpty()) {
      return true;
    }
    Sanitizers.report(new Report.SleepInAtomic(operation, spins, Stack.capture()));
    return false;
  }

  /**
   * Reports a lock that the caller should hold but does not.
   *
   * @param map the lock
   * @return true if the current task holds it (always true with lockdep off)
   */
  @KernelSymbol("lockdep_assert_held")
  public static boolean assertHeld(LockdepMap map) {
    if (!Sanitizers.lockdep()) {
      return true;
    }
    for (Held h : HELD.get().snapshot()) {
      if (h.map() == map) {
        return true;
      }
    }
    Sanitizers.report(new Report.LockNotHeld(map.toString(), Stack.capture()));
    return false;
  }

  /**
   * Whether the current task holds a lock, as lockdep tracks it.
   *
   * @param map the lock
   * @return true if held by this task; false with lockdep off
   */
  @KernelSymbol("lock_is_held")
  public static boolean isHeld(LockdepMap map) {
    if (!Sanitizers.lockdep()) {
      return false;
    }
    for (Held h : HELD.get().snapshot()) {
      if (h.map() == map) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks that a system call returns to userspace with no lock held, reporting each one that is.
   * The syscall façade calls this on every return.
   *
   * @param syscall the system call, for example "ioctl(VIDIOC_QBUF)"
   * @return the number of locks found held
   */
  @KernelSymbol({"lockdep_sys_exit", "debug_check_no_locks_held"})
  public static int checkNoLocksHeld(String syscall) {
    if (!Sanitizers.lockdep()) {
      return 0;
    }
    List<Held> held = HELD.get().snapshot();
    for (Held h : held) {
      Sanitizers.report(
          new Report.LockHeldAtUserReturn(syscall, h.map().toString(), h.acquired()));
    }
    return held.size();
  }

  /**
   * The names of the locks the current task holds, oldest first.
   *
   * @return the names
   */
  @KernelSymbol("lockdep_print_held_locks")
  public static List<String> heldLocks() {
    List<String> names = new ArrayList<>();
    for (Held h : HELD.get().snapshot()) {
      names.add(h.map().toString());
    }
    return names;
  }

  /**
   * Forgets every recorded lock order and the current task's held locks; the test harness calls it
   * at the start of each test so one test's orders do not judge another's.
   */
  @JavaOnly("test isolation: the kernel's graph lives for one boot")
  public static void reset() {
    synchronized (Lockdep.class) {
      GRAPH.clear();
      KNOWN.clear();
      INITIAL_USE.clear();
      REPORTED.clear();
    }
    HELD.get().clear();
  }
}
