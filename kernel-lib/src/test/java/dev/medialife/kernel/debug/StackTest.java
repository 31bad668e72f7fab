package dev.medialife.kernel.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.testing.Sanitized;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A captured stack is formatted when first read, and behaves as a value. */
@Sanitized
class StackTest {

  private static Stack nested(int depth) {
    return depth == 0 ? Stack.capture() : nested(depth - 1);
  }

  @Test
  void framesAreFormattedOnFirstReadWithoutMachineryAndBounded() {
    Stack s = nested(40);
    List<StackTraceElement> f = s.frames();
    assertEquals(Stack.MAX_FRAMES, f.size(), "a deep stack is cut");
    assertEquals("nested", f.get(0).getMethodName(), "Stack's own frame is skipped");
    assertSame(f, s.frames(), "formatted once");
    for (StackTraceElement e : f) {
      assertTrue(!e.getClassName().startsWith("jdk.internal.reflect."), e.toString());
    }
  }

  @Test
  void stacksAreValues() {
    Stack a = new Stack("t", List.of(new StackTraceElement("C", "m", "C.java", 1)));
    Stack b = new Stack("t", List.of(new StackTraceElement("C", "m", "C.java", 1)));
    Stack c = new Stack("u", List.of(new StackTraceElement("C", "m", "C.java", 1)));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, c);
    assertNotEquals(a, new Stack("t", List.of()));
    assertNotEquals(a, (Object) "t");
    assertEquals("Stack[thread=t, frames=[C.m(C.java:1)]]", a.toString());
  }

  @Test
  void anInitialUseViewShowsTheSameFramesUnderAMarkedHeading() {
    Stack s = Stack.capture();
    Stack view = s.asInitialUse();
    assertEquals(s.thread(), view.thread());
    assertEquals(s.frames(), view.frames());
    assertEquals(s, view);
    String text = view.render("Taken by task");
    assertTrue(
        text.startsWith(
            "Taken by task [" + s.thread() + "] (not saved for this acquisition; where the lock"
                + " class was first taken):\n"),
        text);
    assertTrue(s.render("Taken by task").startsWith("Taken by task [" + s.thread() + "]:\n"));
  }
}
