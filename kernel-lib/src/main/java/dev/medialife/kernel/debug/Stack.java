package dev.medialife.kernel.debug;

import dev.medialife.kernel.meta.JavaOnly;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A captured call stack, as a sanitizer report prints it.
 *
 * <p>Capture is cheap enough for allocation and lock tracking in tests ({@link StackWalker}, at
 * most {@link #MAX_FRAMES} frames) and is skipped entirely when {@link Sanitizers#stacks()} is off,
 * in which case {@link #NONE} stands in.
 *
 * @param thread name of the thread that was running
 * @param frames the frames, innermost first, sanitizer machinery excluded
 */
@JavaOnly("report data")
public record Stack(String thread, List<StackTraceElement> frames) {
  /** Frames kept per stack. */
  public static final int MAX_FRAMES = 24;

  /** The stack used when capture is off. */
  public static final Stack NONE = new Stack("?", List.of());

  private static final StackWalker WALKER = StackWalker.getInstance();

  /** Copies the frame list so the record stays immutable. */
  public Stack {
    frames = List.copyOf(frames);
  }

  /**
   * Captures the current thread's stack, skipping the sanitizer's own frames.
   *
   * @return the stack, or {@link #NONE} when stack capture is off
   */
  public static Stack capture() {
    if (!Sanitizers.stacks()) {
      return NONE;
    }
    List<StackTraceElement> frames =
        WALKER.walk(
            s ->
                s.filter(f -> !isMachinery(f.getClassName()))
                    .limit(MAX_FRAMES)
                    .map(StackWalker.StackFrame::toStackTraceElement)
                    .collect(Collectors.toList()));
    return new Stack(Thread.currentThread().getName(), frames);
  }

  private static boolean isMachinery(String className) {
    return className.equals(Stack.class.getName())
        || className.equals(Sanitizers.class.getName())
        || className.equals("dev.medialife.kernel.Warn");
  }

  /**
   * Whether any frames were captured.
   *
   * @return false for {@link #NONE} and for stacks taken with capture off
   */
  public boolean isPresent() {
    return !frames.isEmpty();
  }

  /**
   * Renders the stack the way a kernel report prints a backtrace, one frame a line.
   *
   * @param title the heading, for example "Allocated by task"
   * @return the heading and indented frames
   */
  public String render(String title) {
    StringBuilder sb = new StringBuilder(title).append(" [").append(thread).append("]:\n");
    if (frames.isEmpty()) {
      sb.append("  (stack capture off)\n");
    }
    for (StackTraceElement f : frames) {
      sb.append("  ").append(f).append('\n');
    }
    return sb.toString();
  }
}
