package dev.medialife.kernel.debug;

import dev.medialife.kernel.meta.JavaOnly;

/** The kinds of sanitizer report, one per {@link Report} subtype, for expectations in tests. */
@JavaOnly("report classification")
public enum ReportKind {
  /** KASAN: an access to an object whose allocation was freed. */
  USE_AFTER_FREE,
  /** KASAN: a second free of the same allocation. */
  DOUBLE_FREE,
  /** KASAN: a free of a pointer that is not the start of an allocation (an embedded object). */
  INVALID_FREE,
  /** kmemleak: an allocation still live at the end of its scope. */
  LEAK,
  /** refcount_t hardening: addition on 0, underflow, or saturation. */
  REFCOUNT,
  /** lockdep: a lock-order cycle (possible circular locking dependency). */
  CIRCULAR_LOCKING,
  /** lockdep: a non-recursive lock (or lock class) taken again by the same task. */
  RECURSIVE_LOCKING,
  /** lockdep / mutex debugging: release of a lock the task does not hold. */
  BAD_UNLOCK,
  /** might_sleep: sleeping while a spinlock is held. */
  SLEEP_IN_ATOMIC,
  /** lockdep: a lock still held when a system call returns to userspace. */
  LOCK_HELD_AT_USER_RETURN,
  /** lockdep_assert_held: a lock that should be held is not. */
  LOCK_NOT_HELD,
  /** WARN_ON: a kernel warning with a backtrace. */
  WARNING,
  /** MMIO: a register access through a mapping torn down by iounmap or the driver's unbind. */
  HW_ACCESS_AFTER_REMOVE
}
