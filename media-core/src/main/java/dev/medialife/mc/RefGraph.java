package dev.medialife.mc;

import dev.medialife.kernel.Warn;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Who holds counted references on whom among the refcounted objects of one media device. The
 * memo forbids circular references (they keep every object in the cycle alive forever); adding
 * a reference that closes a cycle is reported as a warning naming the cycle. Moving between
 * objects of one allocation (an entity and the sub-device that embeds it) takes no reference and
 * is not recorded.
 *
 * <p>Implementation notes: a multigraph of identity-keyed edges with counts, guarded by this
 * object's monitor; the cycle check is a depth-first search from the new target, run only when
 * an edge is added.
 */
final class RefGraph {
  private final IdentityHashMap<Object, IdentityHashMap<Object, Integer>> edges =
      new IdentityHashMap<>();

  /** Records {@code holder -> held}; warns if it closes a cycle. */
  synchronized void add(Object holder, Object held) {
    edges.computeIfAbsent(holder, k -> new IdentityHashMap<>()).merge(held, 1, Integer::sum);
    List<Object> cycle = path(held, holder);
    if (!cycle.isEmpty()) {
      StringBuilder sb = new StringBuilder("circular reference: ").append(holder);
      for (Object o : cycle) {
        sb.append(" -> ").append(o);
      }
      Warn.warn(sb.toString());
    }
  }

  /** Forgets one {@code holder -> held} reference. */
  synchronized void remove(Object holder, Object held) {
    IdentityHashMap<Object, Integer> out = edges.get(holder);
    if (out == null) {
      return;
    }
    Integer n = out.get(held);
    if (n == null) {
      return;
    }
    if (n == 1) {
      out.remove(held);
      if (out.isEmpty()) {
        edges.remove(holder);
      }
    } else {
      out.put(held, n - 1);
    }
  }

  /** How many references {@code holder} holds on {@code held}. */
  synchronized int count(Object holder, Object held) {
    IdentityHashMap<Object, Integer> out = edges.get(holder);
    return out == null ? 0 : out.getOrDefault(held, 0);
  }

  /** A path from {@code from} to {@code to} (both included), or empty. */
  private List<Object> path(Object from, Object to) {
    IdentityHashMap<Object, Object> parent = new IdentityHashMap<>();
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Set<Object> target = Collections.newSetFromMap(new IdentityHashMap<>());
    target.add(to);
    Deque<Object> stack = new ArrayDeque<>();
    stack.push(from);
    seen.add(from);
    while (!stack.isEmpty()) {
      Object cur = stack.pop();
      if (target.contains(cur)) {
        List<Object> out = new ArrayList<>();
        for (Object o = cur; o != null; o = parent.get(o)) {
          out.add(0, o);
        }
        return out;
      }
      IdentityHashMap<Object, Integer> out = edges.get(cur);
      if (out == null) {
        continue;
      }
      for (Object next : out.keySet()) {
        if (seen.add(next)) {
          parent.put(next, cur);
          stack.push(next);
        }
      }
    }
    return List.of();
  }
}
