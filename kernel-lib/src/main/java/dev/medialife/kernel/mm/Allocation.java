package dev.medialife.kernel.mm;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.debug.Stack;
import dev.medialife.kernel.debug.Tracked;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One piece of kernel memory as the model sees it: a type, a human name, and a state that goes
 * from live to freed exactly once.
 *
 * <p>Java's garbage collector keeps every object reachable, so the model makes C lifetime
 * explicit: every structure the kernel would allocate owns an {@code Allocation} made by {@link
 * Kmem#kzalloc}, and every entry point of a freeable object calls {@link #check(String)} first. A
 * check on freed memory is reported as a KASAN use-after-free naming the object and the
 * allocation, free and access stacks; a second free is a double free.
 *
 * <p>An object embedded in another (the kernel's {@code container_of} pattern) gets a view of its
 * container's allocation from {@link #embed}: it has its own type and name for reports, but it is
 * live exactly as long as its container, and freeing it on its own is an invalid free.
 *
 * <p>While kmemleak is on, an allocation belongs to the {@link SanitizerScope} current when it was
 * made; if it is still live when that scope closes and was not marked with {@link #notLeak()}, it
 * is reported as a leak with its allocation stack and its last few {@link #touch touches}.
 *
 * <p>Implementation notes: {@code freed} is volatile so that {@link #check} is one field read on
 * the live path; the free-side fields are written under the allocation's monitor before {@code
 * freed} is set, so a reader that sees {@code freed} also sees who freed it. Embedded views never
 * hold state of their own: they delegate to {@code root}.
 */
@KernelSymbol({"kmalloc", "kasan", "kmemleak_object"})
public final class Allocation implements Tracked {
  private static final int TOUCHES = 4;

  private final String type;
  private final String name;
  private final Allocation root;
  private final Stack allocated;

  private volatile boolean freed;

  @GuardedBy("this")
  private @Nullable Stack freedAt;

  @GuardedBy("this")
  private String freedBy = "";

  @GuardedBy("this")
  private final ArrayDeque<String> touches = new ArrayDeque<>(TOUCHES);

  private volatile boolean notLeak;
  private volatile @Nullable SanitizerScope scope;

  /** A top-level allocation. */
  Allocation(String type, String name) {
    this.type = type;
    this.name = name;
    this.root = this;
    this.allocated = Stack.capture();
    if (Sanitizers.kmemleak()) {
      SanitizerScope s = SanitizerScope.current();
      scope = s;
      s.track(this);
    }
  }

  /** A view of an object embedded in {@code container}. */
  private Allocation(Allocation container, String type, String name) {
    this.type = type;
    this.name = name;
    this.root = container.root;
    this.allocated = container.root.allocated;
  }

  /**
   * A view for an object embedded in this allocation: same lifetime, its own type and name.
   *
   * @param type the embedded object's C type, for example "media_devnode"
   * @param name its human name
   * @return the view
   */
  @KernelSymbol("container_of")
  public Allocation embed(String type, String name) {
    return new Allocation(this, type, name);
  }

  /**
   * The object's C type.
   *
   * @return the type name
   */
  @JavaOnly("report naming")
  public String type() {
    return type;
  }

  /**
   * The object's human name.
   *
   * @return the name
   */
  @JavaOnly("report naming")
  public String name() {
    return name;
  }

  /**
   * Whether this is a view of an object embedded in another allocation.
   *
   * @return true for views made by {@link #embed}
   */
  @JavaOnly("model structure")
  public boolean isEmbedded() {
    return root != this;
  }

  /**
   * Whether the memory is still allocated.
   *
   * @return false once the allocation (or, for a view, its container) was freed
   */
  @JavaOnly("model state; the kernel cannot ask")
  public boolean isLive() {
    return !root.freed;
  }

  /**
   * Checks an access at an entry point of a freeable object: on freed memory, files a KASAN
   * use-after-free report naming {@code access}. The caller then carries on or fails, as it
   * chooses; nothing is thrown.
   *
   * <p>Context: any; does not sleep.
   *
   * @param access what is being done, for example "media_device_ioctl"
   * @return true if the memory is live (always true with KASAN off)
   */
  @KernelSymbol({"kasan_check_read", "kasan_check_write"})
  public boolean check(String access) {
    if (!Sanitizers.kasan() || !root.freed) {
      return true;
    }
    Stack freedStack;
    String by;
    synchronized (root) {
      Stack f = root.freedAt;
      freedStack = f != null ? f : Stack.NONE;
      by = root.freedBy;
    }
    Sanitizers.report(
        new Report.UseAfterFree(
            access, type, name, root.type, by, allocated, freedStack, Stack.capture()));
    return false;
  }

  /**
   * Records a use of the object for leak reports, which show the last few.
   *
   * @param what a short description, for example "get by open()"
   */
  @KernelSymbol("kmemleak_update_trace")
  public void touch(String what) {
    if (!Sanitizers.kmemleak()) {
      return;
    }
    String entry = what + " [" + Thread.currentThread().getName() + "]";
    synchronized (root) {
      if (root.touches.size() == TOUCHES) {
        root.touches.removeFirst();
      }
      root.touches.addLast(entry);
    }
  }

  /**
   * Marks the allocation as meant to outlive the scope that made it (a singleton, a cache); at
   * the end of that scope it moves to the enclosing scope instead of being reported.
   */
  @KernelSymbol("kmemleak_not_leak")
  public void notLeak() {
    root.notLeak = true;
  }

  /**
   * Frees the allocation. Called by {@link Kmem}; reports a double free or an invalid free
   * (freeing an embedded view) instead of freeing.
   *
   * @param how who frees it, for the use-after-free report ("kfree", "devm", a release name)
   * @return true if this call freed it
   */
  boolean free(String how) {
    if (root != this) {
      if (Sanitizers.kasan()) {
        Sanitizers.report(new Report.InvalidFree(type, name, root.type, Stack.capture()));
      }
      return false;
    }
    Stack here = Stack.capture();
    Stack first;
    synchronized (this) {
      if (!freed) {
        freedAt = here;
        freedBy = how;
        freed = true;
        SanitizerScope s = scope;
        if (s != null) {
          s.untrack(this);
        }
        return true;
      }
      Stack f = freedAt;
      first = f != null ? f : Stack.NONE;
    }
    if (Sanitizers.kasan()) {
      Sanitizers.report(new Report.DoubleFree(type, name, allocated, first, here));
    }
    return false;
  }

  @Override
  @JavaOnly("sanitizer plumbing: Tracked")
  public boolean outlivesScope() {
    return notLeak;
  }

  @Override
  @JavaOnly("sanitizer plumbing: Tracked")
  public void moveTo(SanitizerScope to) {
    scope = to;
    to.track(this);
  }

  @Override
  @JavaOnly("sanitizer plumbing: Tracked")
  public Report.Leak leakReport(String scopeName) {
    List<String> last;
    synchronized (this) {
      last = new ArrayList<>(touches);
    }
    return new Report.Leak(type, name, scopeName, allocated, last);
  }

  @Override
  public String toString() {
    return type + " '" + name + "'" + (isLive() ? "" : " (freed)");
  }
}
