package dev.medialife.it.selftests;

import dev.medialife.kernel.Errno;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * What a selftest program printed, counted: each system call result by value, with every
 * non-negative result (a descriptor from open) counted as 0. Thread-safe; the loops of several
 * tasks may share one.
 */
final class Tally {
  private final Map<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();

  /** Counts one result and returns it. */
  int add(int ret) {
    counts.computeIfAbsent(Math.min(ret, 0), k -> new AtomicInteger()).incrementAndGet();
    return ret;
  }

  /** How many calls gave {@code ret} (0 also stands for every descriptor). */
  int count(int ret) {
    AtomicInteger n = counts.get(Math.min(ret, 0));
    return n == null ? 0 : n.get();
  }

  int total() {
    return counts.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** Whether every result is one of {@code allowed}. */
  boolean only(Integer... allowed) {
    Set<Integer> ok = Arrays.stream(allowed).collect(Collectors.toSet());
    return ok.containsAll(counts.keySet());
  }

  @Override
  public String toString() {
    Map<String, Integer> out = new TreeMap<>();
    counts.forEach((r, n) -> out.put(r == 0 ? "ok" : Errno.describe(r), n.get()));
    return out.toString();
  }
}
