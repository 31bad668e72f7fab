package dev.medialife.kernel.trace;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.time.KernelClock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A bounded, thread-safe ring buffer of {@link TraceEvent}s: the model's ftrace buffer in overwrite
 * mode.
 *
 * <p>When the buffer is full, each new event overwrites the oldest one and the {@linkplain
 * #dropped() dropped counter} goes up, so the buffer always holds the most recent history, as the
 * kernel's ring buffer does after an overrun. {@link #snapshot()} returns the events oldest first.
 * Recording can be switched off and on ({@code tracing_off}/{@code tracing_on}); while off, every
 * recording method returns after one volatile read and a branch, before allocating anything.
 *
 * <p>Implementation notes: the ring (array, head index, size, dropped count) is guarded by this
 * object's monitor; the timestamp is read from the clock inside the monitor, so the buffer's order
 * is also timestamp order. {@code enabled} is volatile and read outside the monitor: an event that
 * races with {@link #disable()} may still be recorded, which is harmless. The recorder calls
 * nothing but the clock under its monitor, so it is a leaf lock and may be used from any context,
 * timer callbacks and spinlocked sections included.
 */
@KernelSymbol({"ring_buffer", "trace_array"})
public final class TraceRecorder {
  /** The capacity of the global recorder. */
  public static final int DEFAULT_CAPACITY = 1 << 16;

  private static final TraceRecorder GLOBAL = new TraceRecorder(DEFAULT_CAPACITY);

  private final int capacity;
  private final @Nullable KernelClock clock;
  private volatile boolean enabled = true;

  @GuardedBy("this")
  private final @Nullable TraceEvent[] ring;

  @GuardedBy("this")
  private int head;

  @GuardedBy("this")
  private int size;

  @GuardedBy("this")
  private long dropped;

  /**
   * Creates an enabled recorder that timestamps with the installed clock at the time of each event.
   *
   * @param capacity how many events it keeps, at least 1
   * @throws IllegalArgumentException if {@code capacity} is less than 1
   */
  @KernelSymbol("ring_buffer_alloc")
  public TraceRecorder(int capacity) {
    this.capacity = checkCapacity(capacity);
    this.clock = null;
    this.ring = new TraceEvent[capacity];
  }

  /**
   * Creates an enabled recorder that timestamps with a given clock.
   *
   * @param capacity how many events it keeps, at least 1
   * @param clock the clock for timestamps
   * @throws IllegalArgumentException if {@code capacity} is less than 1
   */
  @KernelSymbol("ring_buffer_alloc")
  public TraceRecorder(int capacity, KernelClock clock) {
    this.capacity = checkCapacity(capacity);
    this.clock = clock;
    this.ring = new TraceEvent[capacity];
  }

  private static int checkCapacity(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("trace buffer capacity must be at least 1: " + capacity);
    }
    return capacity;
  }

  /**
   * The global recorder, enabled, with {@link #DEFAULT_CAPACITY} events, timestamped by the
   * installed clock. The workqueue records its work runs here.
   *
   * @return the global recorder
   */
  @KernelSymbol("global_trace")
  public static TraceRecorder global() {
    return GLOBAL;
  }

  /**
   * Records one event, if recording is enabled.
   *
   * <p>Context: any context; does not sleep.
   *
   * @param category the event's group
   * @param name what happened
   * @param phase the phase
   * @param track the timeline row
   * @param args extra values; copied, so the caller may reuse the map; no null keys or values
   */
  @KernelSymbol({"trace_event", "trace_event_buffer_commit"})
  public void record(
      String category, String name, TraceEvent.Phase phase, String track, Map<String, ?> args) {
    if (!enabled) {
      return;
    }
    append(category, name, phase, track, args);
  }

  /**
   * Records the start of a duration on a track.
   *
   * <p>Context: any context; does not sleep.
   *
   * @param category the event's group
   * @param name what starts
   * @param track the timeline row
   */
  @KernelSymbol("trace_event")
  public void begin(String category, String name, String track) {
    if (!enabled) {
      return;
    }
    append(category, name, TraceEvent.Phase.BEGIN, track, Map.of());
  }

  /**
   * Records the end of the innermost open duration on a track.
   *
   * <p>Context: any context; does not sleep.
   *
   * @param category the event's group
   * @param name what ends
   * @param track the timeline row
   */
  @KernelSymbol("trace_event")
  public void end(String category, String name, String track) {
    if (!enabled) {
      return;
    }
    append(category, name, TraceEvent.Phase.END, track, Map.of());
  }

  /**
   * Records a point event.
   *
   * <p>Context: any context; does not sleep.
   *
   * @param category the event's group
   * @param name what happened
   * @param track the timeline row
   * @param args extra values
   */
  @KernelSymbol("trace_event")
  public void instant(String category, String name, String track, Map<String, ?> args) {
    if (!enabled) {
      return;
    }
    append(category, name, TraceEvent.Phase.INSTANT, track, args);
  }

  /**
   * Records counter values, one series per argument (for example {@code {"queued": 3}}).
   *
   * <p>Context: any context; does not sleep.
   *
   * @param category the event's group
   * @param name the counter's name
   * @param track the timeline row
   * @param values the series and their values
   */
  @KernelSymbol("trace_event")
  public void counter(
      String category, String name, String track, Map<String, ? extends Number> values) {
    if (!enabled) {
      return;
    }
    append(category, name, TraceEvent.Phase.COUNTER, track, values);
  }

  /**
   * Records a free-form message as a point event in category "printk" on the calling thread's
   * track, with the message as argument "msg".
   *
   * <p>Context: any context; does not sleep.
   *
   * @param message the message
   */
  @KernelSymbol("trace_printk")
  public void printk(String message) {
    if (!enabled) {
      return;
    }
    append(
        "printk",
        "trace_printk",
        TraceEvent.Phase.INSTANT,
        Thread.currentThread().getName(),
        Map.of("msg", message));
  }

  @SuppressWarnings("unchecked") // TraceEvent copies the map; it is only read
  private synchronized void append(
      String category, String name, TraceEvent.Phase phase, String track, Map<String, ?> args) {
    KernelClock c = clock;
    long now = (c != null ? c : KernelClock.system()).nanoTime();
    TraceEvent e = new TraceEvent(now, category, name, phase, track, (Map<String, Object>) args);
    if (size == capacity) {
      ring[head] = e;
      head = (head + 1) % capacity;
      dropped++;
    } else {
      ring[(head + size) % capacity] = e;
      size++;
    }
  }

  /**
   * The buffered events, oldest first.
   *
   * <p>Context: any context; does not sleep.
   *
   * @return an immutable copy
   */
  @KernelSymbol({"ring_buffer_read", "trace_pipe"})
  public synchronized List<TraceEvent> snapshot() {
    List<TraceEvent> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(Objects.requireNonNull(ring[(head + i) % capacity], "ring slot below size"));
    }
    return List.copyOf(out);
  }

  /**
   * Empties the buffer and zeroes the dropped counter.
   *
   * <p>Context: any context; does not sleep.
   */
  @KernelSymbol({"ring_buffer_reset", "tracing_reset_online_cpus"})
  public synchronized void clear() {
    Arrays.fill(ring, null);
    head = 0;
    size = 0;
    dropped = 0;
  }

  /**
   * Switches recording on.
   *
   * <p>Context: any context.
   */
  @KernelSymbol("tracing_on")
  public void enable() {
    enabled = true;
  }

  /**
   * Switches recording off; buffered events stay.
   *
   * <p>Context: any context.
   */
  @KernelSymbol("tracing_off")
  public void disable() {
    enabled = false;
  }

  /**
   * Whether recording is on.
   *
   * @return true if events are recorded
   */
  @KernelSymbol("tracing_is_on")
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * How many events were overwritten since creation or the last {@link #clear()}.
   *
   * @return the count
   */
  @KernelSymbol("ring_buffer_overruns")
  public synchronized long dropped() {
    return dropped;
  }

  /**
   * How many events are buffered.
   *
   * @return the count, at most {@link #capacity()}
   */
  @KernelSymbol("ring_buffer_entries")
  public synchronized int size() {
    return size;
  }

  /**
   * How many events the buffer holds when full.
   *
   * @return the capacity
   */
  @KernelSymbol("ring_buffer_size")
  public int capacity() {
    return capacity;
  }

  @Override
  public synchronized String toString() {
    return "TraceRecorder[" + size + "/" + capacity + ", dropped " + dropped + "]";
  }
}
