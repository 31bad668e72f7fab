package dev.medialife.kernel.debug;

import dev.medialife.kernel.meta.JavaOnly;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A window of the model's life whose sanitizer reports are collected together: one test, one
 * scenario run, one step of a fault-injection sweep. The kernel has one log for a boot; the model
 * has one log per scope.
 *
 * <p>Scopes nest. Reports from any thread go to the innermost open scope. Allocations are tracked
 * by the scope that was innermost when they were made; when a scope closes, those still live are
 * reported as leaks unless marked to outlive it, in which case the enclosing scope inherits them.
 *
 * <p>Implementation notes: the scope stack is global (the model has one kernel) and changes only
 * through {@link #open} and {@link #close}, which the harness calls from one thread in LIFO order;
 * the reference to the innermost scope is volatile so other threads see it. Reports are appended
 * under the scope's monitor; the tracked set is concurrent because any thread may allocate or free.
 */
@JavaOnly("sanitizer harness")
public final class SanitizerScope implements AutoCloseable {
  private static final int ROOT_REPORT_LIMIT = 1024;

  private final String name;
  private final @Nullable SanitizerScope parent;
  private final Set<Tracked> tracked = ConcurrentHashMap.newKeySet();
  private final List<Report> reports = new ArrayList<>();
  private boolean closed;

  private SanitizerScope(String name, @Nullable SanitizerScope parent) {
    this.name = name;
    this.parent = parent;
  }

  static SanitizerScope root() {
    return new SanitizerScope("boot", null);
  }

  /**
   * Opens a scope nested in the current one and makes it current.
   *
   * @param name a name for reports, for example the test's display name
   * @return the new scope; close it with try-with-resources
   */
  public static SanitizerScope open(String name) {
    synchronized (Sanitizers.SCOPE_LOCK) {
      SanitizerScope scope = new SanitizerScope(name, Sanitizers.current());
      Sanitizers.setCurrent(scope);
      return scope;
    }
  }

  /**
   * The scope reports currently go to.
   *
   * @return the innermost open scope, or the boot scope when none is open
   */
  public static SanitizerScope current() {
    return Sanitizers.current();
  }

  /**
   * The scope's name.
   *
   * @return the name given to {@link #open}
   */
  public String name() {
    return name;
  }

  /**
   * Whether this is the boot scope, which is never closed.
   *
   * @return true for the boot scope
   */
  public boolean isRoot() {
    return parent == null;
  }

  void add(Report report) {
    synchronized (this) {
      if (parent == null && reports.size() >= ROOT_REPORT_LIMIT) {
        reports.remove(0);
      }
      reports.add(report);
    }
  }

  /**
   * Every report collected so far, in order.
   *
   * @return a snapshot
   */
  public synchronized List<Report> reports() {
    return List.copyOf(reports);
  }

  /**
   * The reports of one type, in order.
   *
   * @param type the report record type
   * @param <T> that type
   * @return a snapshot
   */
  public synchronized <T extends Report> List<T> reports(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Report r : reports) {
      if (type.isInstance(r)) {
        out.add(type.cast(r));
      }
    }
    return out;
  }

  /**
   * The reports of one kind, in order.
   *
   * @param kind the kind
   * @return a snapshot
   */
  public synchronized List<Report> reports(ReportKind kind) {
    List<Report> out = new ArrayList<>();
    for (Report r : reports) {
      if (r.kind() == kind) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * Starts tracking an allocation made while this scope is current.
   *
   * @param t the allocation
   */
  public void track(Tracked t) {
    tracked.add(t);
  }

  /**
   * Stops tracking an allocation, because it was freed or moved.
   *
   * @param t the allocation
   */
  public void untrack(Tracked t) {
    tracked.remove(t);
  }

  /**
   * How many tracked allocations are still live in this scope.
   *
   * @return the count
   */
  public int liveCount() {
    return tracked.size();
  }

  /**
   * Ends the scope: every allocation it made that is still live and not marked to outlive it is
   * reported as a leak (into this scope), survivors move to the enclosing scope, and the enclosing
   * scope becomes current again.
   *
   * @throws IllegalStateException if this is not the innermost open scope or is the boot scope
   */
  @Override
  public void close() {
    SanitizerScope up = parent;
    if (up == null) {
      throw new IllegalStateException("the boot scope is never closed");
    }
    synchronized (Sanitizers.SCOPE_LOCK) {
      if (closed) {
        return;
      }
      if (Sanitizers.current() != this) {
        throw new IllegalStateException(
            "scope '" + name + "' closed while '" + Sanitizers.current().name + "' is innermost");
      }
      for (Tracked t : List.copyOf(tracked)) {
        tracked.remove(t);
        if (t.outlivesScope()) {
          t.moveTo(up);
        } else {
          Sanitizers.emit(this, t.leakReport(name));
        }
      }
      closed = true;
      Sanitizers.setCurrent(up);
    }
  }

  @Override
  public String toString() {
    return "SanitizerScope[" + name + ", " + reports().size() + " reports]";
  }
}
