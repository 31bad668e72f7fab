package dev.medialife.kernel.debug;

import dev.medialife.kernel.meta.JavaOnly;
import java.util.List;
import java.util.Locale;

/**
 * A sanitizer report: the model's equivalent of a KASAN, kmemleak, lockdep, refcount or WARN
 * splat in the kernel log.
 *
 * <p>The set is closed: every sanitizer reports through one of these records, and tests match on
 * {@link #kind()} or on the record type. {@link #title()} is the one-line heading a kernel log
 * would show; {@link #render()} adds the stacks.
 */
@JavaOnly("report data")
public sealed interface Report {

  /**
   * The report's kind, for expectations.
   *
   * @return the kind
   */
  ReportKind kind();

  /**
   * The one-line heading, modelled on the kernel's.
   *
   * @return the heading
   */
  String title();

  /**
   * The full report: heading, details and stacks.
   *
   * @return the report text
   */
  String render();

  /**
   * An access to an object whose memory was freed.
   *
   * @param access what the code tried to do, for example "ioctl" or "media_device_get"
   * @param objectType the C type of the object touched
   * @param objectName the object's human name
   * @param allocationType the type of the allocation that holds it (its container when embedded)
   * @param freedBy how the allocation was freed ("kfree", "devm", a release callback…)
   * @param allocated where the allocation was made
   * @param freed where it was freed
   * @param accessed where the access happened
   */
  record UseAfterFree(
      String access,
      String objectType,
      String objectName,
      String allocationType,
      String freedBy,
      Stack allocated,
      Stack freed,
      Stack accessed)
      implements Report {
    @Override
    public ReportKind kind() {
      return ReportKind.USE_AFTER_FREE;
    }

    @Override
    public String title() {
      return "BUG: KASAN: use-after-free in " + access + " on " + objectType + " '" + objectName + "'";
    }

    @Override
    public String render() {
      return title()
          + "\nThe object is part of a freed " + allocationType + " allocation (freed by " + freedBy
          + ").\n"
          + accessed.render("Accessed by task")
          + allocated.render("Allocated by task")
          + freed.render("Freed by task");
    }
  }

  /**
   * A second free of an allocation.
   *
   * @param objectType the allocation's C type
   * @param objectName its human name
   * @param allocated where it was allocated
   * @param firstFree where it was first freed
   * @param secondFree where it was freed again
   */
  record DoubleFree(
      String objectType, String objectName, Stack allocated, Stack firstFree, Stack secondFree)
      implements Report {
    @Override
    public ReportKind kind() {
      return ReportKind.DOUBLE_FREE;
    }

    @Override
    public String title() {
      return "BUG: KASAN: double-free of " + objectType + " '" + objectName + "'";
    }

    @Override
    public String render() {
      return title()
          + '\n'
          + secondFree.render("Freed again by task")
          + allocated.render("Allocated by task")
          + firstFree.render("First freed by task");
    }
  }

  /**
   * A free of an object that lives inside another allocation (container_of misuse).
   *
   * @param objectType the embedded object's type
   * @param objectName its human name
   * @param containerType the type of the allocation that contains it
   * @param freed where the bad free happened
   */
  record InvalidFree(String objectType, String objectName, String containerType, Stack freed)
      implements Report {
    @Override
    public ReportKind kind() {
      return ReportKind.INVALID_FREE;
    }

    @Override
    public String title() {
      return "BUG: KASAN: invalid-free of " + objectType + " '" + objectName + "' embedded in "
          + containerType;
    }

    @Override
    public String render() {
      return title() + '\n' + freed.render("Freed by task");
    }
  }

  /**
   * An allocation still live at the end of the scope that made it.
   *
   * @param objectType the allocation's type
   * @param objectName its human name
   * @param scope the scope that ended
   * @param allocated where it was allocated
   * @param touches its last few recorded uses, oldest first
   */
  record Leak(
      String objectType, String objectName, String scope, Stack allocated, List<String> touches)
      implements Report {
    /** Copies the touch list. */
    public Leak {
      touches = List.copyOf(touches);
    }

    @Override
    public ReportKind kind() {
      return ReportKind.LEAK;
    }

    @Override
    public String title() {
      return "kmemleak: unreferenced object " + objectType + " '" + objectName + "' at the end of "
          + scope;
    }

    @Override
    public String render() {
      StringBuilder sb = new StringBuilder(title()).append('\n');
      sb.append(allocated.render("Allocated by task"));
      sb.append("Last touched:\n");
      if (touches.isEmpty()) {
        sb.append("  (never)\n");
      }
      for (String t : touches) {
        sb.append("  ").append(t).append('\n');
      }
      return sb.toString();
    }
  }

  /** The illegal refcount transitions, with the kernel's warning text. */
  enum RefcountEvent {
    /** refcount_inc/add on a count of 0. */
    ADDITION_ON_ZERO("addition on 0; use-after-free"),
    /** refcount_dec_and_test/sub_and_test below 0. */
    UNDERFLOW("underflow; use-after-free"),
    /** refcount_inc/add past INT_MAX. */
    OVERFLOW("saturated; leaking memory"),
    /** plain refcount_dec that made the count 0. */
    DECREMENT_HIT_ZERO("decrement hit 0; leaking memory");

    private final String message;

    RefcountEvent(String message) {
      this.message = message;
    }

    /**
     * The kernel's warning text for this event.
     *
     * @return the text after "refcount_t: "
     */
    public String message() {
      return message;
    }
  }

  /**
   * A refcount_t hardening warning; the counter was saturated and its object is leaked.
   *
   * @param event which illegal transition happened
   * @param object the name of the refcounted object, if the kref was given one
   * @param stack where it happened
   */
  record RefcountWarning(RefcountEvent event, String object, Stack stack) implements Report {
    @Override
    public ReportKind kind() {
      return ReportKind.REFCOUNT;
    }

    @Override
    public String title() {
      return "refcount_t: " + event.message() + " (" + object + ")";
    }

    @Override
    public String render() {
      return "WARNING: " + title() + '\n' + stack.render("Call trace");
    }
  }

  /**
   * A lock-order inversion: taking {@code acquiring} while holding {@code held} closes a cycle
   * with an order recorded earlier.
   *
   * @param held the lock class held by this task
   * @param acquiring the lock class being taken
   * @param existingChain the earlier dependency chain, from {@code acquiring} back to {@code held}
   * @param existingStack where the first link of the earlier chain was recorded
   * @param newStack where the new, inverted order is being taken
   */
  record CircularLocking(
      String held, String acquiring, List<String> existingChain, Stack existingStack,
      Stack newStack)
      implements Report {
    /** Copies the chain. */
    public CircularLocking {
      existingChain = List.copyOf(existingChain);
    }

    @Override
    public ReportKind kind() {
      return ReportKind.CIRCULAR_LOCKING;
    }

    @Override
    public String title() {
      return "WARNING: possible circular locking dependency detected: " + acquiring
          + " taken while holding " + held;
    }

    @Override
    public String render() {
      return title()
          + "\nexisting dependency chain: " + String.join(" -> ", existingChain)
          + "\nnew dependency: " + held + " -> " + acquiring + '\n'
          + existingStack.render("Existing order first taken by task")
          + newStack.render("New order taken by task");
    }
  }

  /**
   * A task taking a lock (or another lock of the same class) that it already holds.
   *
   * @param lock the lock being taken again
   * @param firstAcquired where the held lock was taken
   * @param again where it is being taken again
   */
  record RecursiveLocking(String lock, Stack firstAcquired, Stack again) implements Report {
    @Override
    public ReportKind kind() {
      return ReportKind.RECURSIVE_LOCKING;
    }

    @Override
    public String title() {
      return "WARNING: possible recursive locking detected: " + lock;
    }

    @Override
    public String render() {
      return title() + '\n' + again.render("Taken again by task")
          + firstAcquired.render("First taken by task");
    }
  }

  /**
   * A release of a lock by a task that does not hold it.
   *
   * @param lock the lock
   * @param owner the task holding it, or "nobody"
   * @param stack where the bad release happened
   */
  record BadUnlock(String lock, String owner, Stack stack) implements Report {
    @Override
    public ReportKind kind() {
      return ReportKind.BAD_UNLOCK;
    }

    @Override
    public String title() {
      return "WARNING: bad unlock balance detected: " + lock + " is held by " + owner;
    }

    @Override
    public String render() {
      return title() + '\n' + stack.render("Released by task");
    }
  }

  /**
   * A sleeping operation while a spinlock is held (atomic context).
   *
   * @param operation what would sleep, for example "mutex_lock"
   * @param heldSpinlocks the spinlocks held by the task
   * @param stack where it happened
   */
  record SleepInAtomic(String operation, List<String> heldSpinlocks, Stack stack)
      implements Report {
    /** Copies the lock list. */
    public SleepInAtomic {
      heldSpinlocks = List.copyOf(heldSpinlocks);
    }

    @Override
    public ReportKind kind() {
      return ReportKind.SLEEP_IN_ATOMIC;
    }

    @Override
    public String title() {
      return "BUG: sleeping function called from invalid context: " + operation
          + " with spinlock held: " + String.join(", ", heldSpinlocks);
    }

    @Override
    public String render() {
      return title() + '\n' + stack.render("Call trace");
    }
  }

  /**
   * A lock still held when a system call returns to userspace.
   *
   * @param syscall the system call that is returning
   * @param lock the lock still held
   * @param acquired where the lock was taken
   */
  record LockHeldAtUserReturn(String syscall, String lock, Stack acquired) implements Report {
    @Override
    public ReportKind kind() {
      return ReportKind.LOCK_HELD_AT_USER_RETURN;
    }

    @Override
    public String title() {
      return "WARNING: lock held when returning to user space from " + syscall + ": " + lock;
    }

    @Override
    public String render() {
      return title() + '\n' + acquired.render("Taken by task");
    }
  }

  /**
   * A failed lockdep_assert_held: the caller should hold the lock and does not.
   *
   * @param lock the lock
   * @param stack where the assertion failed
   */
  record LockNotHeld(String lock, Stack stack) implements Report {
    @Override
    public ReportKind kind() {
      return ReportKind.LOCK_NOT_HELD;
    }

    @Override
    public String title() {
      return "WARNING: lockdep_assert_held failed: " + lock + " is not held";
    }

    @Override
    public String render() {
      return title() + '\n' + stack.render("Call trace");
    }
  }

  /**
   * A WARN_ON that fired.
   *
   * @param message what went wrong
   * @param stack where
   */
  record Warning(String message, Stack stack) implements Report {
    @Override
    public ReportKind kind() {
      return ReportKind.WARNING;
    }

    @Override
    public String title() {
      return "WARNING: " + message;
    }

    @Override
    public String render() {
      return title() + '\n' + stack.render("Call trace");
    }
  }

  /**
   * A driver touching its device's registers after the mapping was torn down: after {@code
   * iounmap}, or after the driver was unbound and its managed mappings released. On real hardware
   * this reads a dead bus (all ones) or faults; in the model the access does not reach the device.
   *
   * @param device the device whose mapping was used
   * @param region the register region (the mapped resource)
   * @param access the accessor, for example "readl" or "writel"
   * @param offset the register offset within the region
   * @param stack where the access happened
   */
  record HardwareAccessAfterRemove(
      String device, String region, String access, int offset, Stack stack) implements Report {
    @Override
    public ReportKind kind() {
      return ReportKind.HW_ACCESS_AFTER_REMOVE;
    }

    @Override
    public String title() {
      return "BUG: hardware access after remove: " + access + " at 0x"
          + Integer.toHexString(offset) + " of " + region + " (" + device + ")";
    }

    @Override
    public String render() {
      return title() + '\n' + stack.render("Call trace");
    }
  }

  /**
   * A short description used in assertion messages: kind and title.
   *
   * @param r the report
   * @return "KIND: title"
   */
  static String summary(Report r) {
    return r.kind().name().toLowerCase(Locale.ROOT) + ": " + r.title();
  }
}
