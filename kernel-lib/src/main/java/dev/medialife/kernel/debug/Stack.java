package dev.medialife.kernel.debug;

import dev.medialife.kernel.meta.JavaOnly;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A captured call stack, as a sanitizer report prints it.
 *
 * <p>Capture is skipped entirely when {@link Sanitizers#stacks()} is off, in which case {@link
 * #NONE} stands in. When it is on, {@link #capture()} only records the raw backtrace (the JVM's
 * own, filled in by a {@link Throwable}); turning it into {@link StackTraceElement}s (class,
 * method, file, line), dropping the sanitizer's own frames and keeping at most {@link #MAX_FRAMES}
 * happens the first time someone reads {@link #frames()} or renders the stack, which for the
 * stacks kept with every live allocation is usually never. Formatting was most of the cost of a
 * capture: the kernel, too, saves raw return addresses and resolves symbols only when it prints.
 *
 * <p>A stack is a value: two stacks are equal when their thread names and frames are equal.
 */
@JavaOnly("report data")
public final class Stack {
  /** Frames kept per stack. */
  public static final int MAX_FRAMES = 24;

  /** The stack used when capture is off. */
  public static final Stack NONE = new Stack("?", List.of());

  private static final String INITIAL_USE_NOTE =
      " (not saved for this acquisition; where the lock class was first taken)";

  private final String thread;

  /** The heading's addition, empty unless this is an {@link #asInitialUse()} view. */
  private final String note;

  /** The stack whose frames this view shows, or null. */
  private final @Nullable Stack source;

  /** The raw backtrace, until {@link #frames()} formats it; then null. */
  private @Nullable Throwable raw;

  /** The formatted frames, once known. */
  private @Nullable List<StackTraceElement> frames;

  /**
   * A stack with known frames.
   *
   * @param thread name of the thread that was running
   * @param frames the frames, innermost first, sanitizer machinery excluded; copied
   */
  public Stack(String thread, List<StackTraceElement> frames) {
    this.thread = thread;
    this.note = "";
    this.source = null;
    this.frames = List.copyOf(frames);
  }

  private Stack(String thread, Throwable raw) {
    this.thread = thread;
    this.note = "";
    this.source = null;
    this.raw = raw;
  }

  private Stack(Stack source, String note) {
    this.thread = source.thread;
    this.note = note;
    this.source = source;
  }

  /**
   * Captures the current thread's stack; its frames are formatted when first read, skipping the
   * sanitizer's own.
   *
   * @return the stack, or {@link #NONE} when stack capture is off
   */
  public static Stack capture() {
    if (!Sanitizers.stacks()) {
      return NONE;
    }
    return new Stack(Thread.currentThread().getName(), new Throwable());
  }

  private static boolean isMachinery(String className) {
    return className.equals(Stack.class.getName())
        || className.equals(Sanitizers.class.getName())
        || className.equals("dev.medialife.kernel.Warn")
        // the reflection frames StackWalker hides by default, so that reports read as before
        || className.startsWith("jdk.internal.reflect.")
        || className.equals("java.lang.reflect.Method")
        || className.equals("java.lang.reflect.Constructor");
  }

  /**
   * Name of the thread that was running.
   *
   * @return the thread name, "?" for {@link #NONE}
   */
  public String thread() {
    return thread;
  }

  /**
   * The frames, innermost first, without the sanitizer machinery, at most {@link #MAX_FRAMES}.
   *
   * @return the frames (formatted on the first call)
   */
  public List<StackTraceElement> frames() {
    Stack s = source;
    return s != null ? s.frames() : formatted();
  }

  private synchronized List<StackTraceElement> formatted() {
    List<StackTraceElement> f = frames;
    if (f == null) {
      Throwable t = Objects.requireNonNull(raw);
      List<StackTraceElement> kept = new ArrayList<>(MAX_FRAMES);
      for (StackTraceElement e : t.getStackTrace()) {
        if (kept.size() == MAX_FRAMES) {
          break;
        }
        if (!isMachinery(e.getClassName())) {
          kept.add(e);
        }
      }
      f = List.copyOf(kept);
      frames = f;
      raw = null;
    }
    return f;
  }

  /**
   * This stack as the place where a lock class was first used, shown for a held lock whose own
   * acquisition saved no stack (lockdep saves one only when it learns something: a class's first
   * use, a new dependency, a report). Its heading says so; its frames are this stack's.
   *
   * @return a stack with the same thread and frames whose rendering is marked "first use"
   */
  public Stack asInitialUse() {
    return new Stack(this, INITIAL_USE_NOTE);
  }

  /**
   * Whether any frames were captured.
   *
   * @return false for {@link #NONE} and for stacks taken with capture off
   */
  public boolean isPresent() {
    return !frames().isEmpty();
  }

  /**
   * Renders the stack the way a kernel report prints a backtrace, one frame a line.
   *
   * @param title the heading, for example "Allocated by task"
   * @return the heading and indented frames
   */
  public String render(String title) {
    StringBuilder sb =
        new StringBuilder(title).append(" [").append(thread).append(']').append(note).append(":\n");
    List<StackTraceElement> f = frames();
    if (f.isEmpty()) {
      sb.append("  (stack capture off)\n");
    }
    for (StackTraceElement e : f) {
      sb.append("  ").append(e).append('\n');
    }
    return sb.toString();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Stack s && thread.equals(s.thread) && frames().equals(s.frames());
  }

  @Override
  public int hashCode() {
    return 31 * thread.hashCode() + frames().hashCode();
  }

  @Override
  public String toString() {
    return "Stack[thread=" + thread + ", frames=" + frames() + "]";
  }
}
