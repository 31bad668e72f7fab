package dev.medialife.driver.irq;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.driver.Device;
import dev.medialife.driver.Devres;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.locking.LockClass;
import dev.medialife.kernel.locking.Lockdep;
import dev.medialife.kernel.locking.LockdepMap;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A simulated interrupt controller ({@code struct irq_chip} with its {@code irq_desc}s): numbered
 * lines that the simulated hardware raises with {@link #raise} from its own thread, and the
 * driver-side API to attach handlers to them.
 *
 * <p>Delivery follows the kernel's edge flow handler: a raise while the line's handlers are
 * running on another thread is marked pending and replayed by that thread when they return, so
 * the handlers of a line never run concurrently; a raise on a disabled line is held pending and
 * delivered by {@link #enableIrq} (the kernel's {@code IRQS_PENDING} resend). Each raise that no
 * handler claims counts as spurious ({@code irqs_unhandled}), one that a handler claims as
 * delivered.
 *
 * <p>Before calling a handler the flow checks its {@code dev_id} allocation: a handler about to
 * run for a device whose memory was freed is reported as a use-after-free and is not called. This
 * is the bug of a managed interrupt, freed by devres only after {@code remove} has freed the
 * driver's private data.
 *
 * <p>Implementation notes: each line is guarded by its own monitor (the kernel's {@code
 * desc->lock}), which holds the action list, the disable depth, the pending and in-progress
 * state and the counters; it is never held while a handler runs. The action list is replaced,
 * never mutated, so the flow can take a snapshot under the monitor and run it outside. {@link
 * #freeIrq} removes the action under the monitor and then waits on it until no handler is in
 * progress; since the flow marks the line in progress in the same critical section as it takes
 * its snapshot, a removed action can never be called after {@code freeIrq} returns. Handlers run
 * with the line's spinning lockdep map (class {@code hardirq}) held.
 */
@KernelSymbol({"irq_chip", "irq_desc"})
public final class IrqChip {
  /** Allow the line to be shared by several devices; every sharer must set it. */
  @KernelSymbol("IRQF_SHARED")
  public static final int IRQF_SHARED = 0x00000080;

  private static final LockClass HARDIRQ = LockClass.of("hardirq");

  /** One registered handler ({@code struct irqaction}). */
  private record Action(IrqHandler handler, int flags, String name, Allocation devId,
      Allocation mem) {}

  /** One line ({@code struct irq_desc}). */
  private static final class Line {
    final int irq;
    final LockdepMap hardirq;

    @GuardedBy("this")
    List<Action> actions = List.of();

    @GuardedBy("this")
    int depth;

    @GuardedBy("this")
    boolean pending;

    @GuardedBy("this")
    @Nullable Thread runner;

    @GuardedBy("this")
    long delivered;

    @GuardedBy("this")
    long spurious;

    Line(String chip, int irq) {
      this.irq = irq;
      this.hardirq = new LockdepMap(chip + " irq " + irq, HARDIRQ, true);
    }
  }

  private final String name;
  private final Line[] lines;

  /**
   * Creates a controller.
   *
   * @param name its name, for diagnostics
   * @param lines how many lines it has, numbered from 0; at least one
   * @throws IllegalArgumentException for a chip without lines (a harness bug)
   */
  @JavaOnly("the simulated interrupt controller")
  public IrqChip(String name, int lines) {
    if (lines < 1) {
      throw new IllegalArgumentException("an irq chip needs lines: " + lines);
    }
    this.name = name;
    this.lines = new Line[lines];
    for (int i = 0; i < lines; i++) {
      this.lines[i] = new Line(name, i);
    }
  }

  /**
   * The controller's name.
   *
   * @return the name
   */
  @KernelSymbol("irq_chip.name")
  public String name() {
    return name;
  }

  /**
   * The number of lines.
   *
   * @return the count
   */
  @KernelSymbol("nr_irqs")
  public int lines() {
    return lines.length;
  }

  private @Nullable Line line(int irq) {
    return irq >= 0 && irq < lines.length ? lines[irq] : null;
  }

  private Line lineOrWarn(int irq, String op) {
    Line l = line(irq);
    if (l == null) {
      Warn.warn(op + " of IRQ " + irq + " outside " + name);
      return lines[0];
    }
    return l;
  }

  /**
   * Attaches a handler to a line.
   *
   * <p>Context: process context.
   *
   * @param irq the line
   * @param handler the handler; null is refused
   * @param flags {@link #IRQF_SHARED} or 0
   * @param name the handler's name, for diagnostics
   * @param devId the cookie passed to the handler and used by {@link #freeIrq}: the driver's
   *     private data, checked for liveness before each call
   * @return 0, {@code -EINVAL} for a bad line or a null handler, {@code -EBUSY} when the line is
   *     taken and not both handlers are shared, {@code -ENOMEM} when the action cannot be
   *     allocated
   */
  @KernelSymbol("request_irq")
  public int requestIrq(
      int irq, @Nullable IrqHandler handler, int flags, String name, Allocation devId) {
    Line l = line(irq);
    if (l == null || handler == null) {
      return -Errno.EINVAL;
    }
    Allocation mem = Kmem.kzalloc("irqaction", name);
    if (mem == null) {
      return -Errno.ENOMEM;
    }
    synchronized (l) {
      List<Action> old = l.actions;
      if (!old.isEmpty()
          && ((flags & IRQF_SHARED) == 0 || (old.get(0).flags() & IRQF_SHARED) == 0)) {
        Kmem.kfree(mem);
        return -Errno.EBUSY;
      }
      if (old.isEmpty()) {
        // irq_startup: a fresh line starts enabled with nothing pending.
        l.depth = 0;
        l.pending = false;
      }
      List<Action> next = new ArrayList<>(old);
      next.add(new Action(handler, flags, name, devId, mem));
      l.actions = List.copyOf(next);
    }
    return 0;
  }

  /**
   * Like {@link #requestIrq}, but the handler is freed by devres when the driver is unbound — that
   * is after the driver's {@code remove} has run, so the handler may fire while {@code remove}
   * tears the device down. If the devres entry cannot be allocated the handler is freed at once.
   *
   * <p>Context: process context (a probe).
   *
   * @param dev the device whose binding owns the handler
   * @param irq the line
   * @param handler the handler
   * @param flags {@link #IRQF_SHARED} or 0
   * @param name the handler's name
   * @param devId the cookie, as for {@link #requestIrq}
   * @return as {@link #requestIrq}
   */
  @KernelSymbol("devm_request_irq")
  public int devmRequestIrq(
      Device dev, int irq, @Nullable IrqHandler handler, int flags, String name,
      Allocation devId) {
    int ret = requestIrq(irq, handler, flags, name, devId);
    if (ret != 0) {
      return ret;
    }
    return Devres.addActionOrReset(dev, "devm_free_irq " + name, () -> freeIrq(irq, devId));
  }

  /**
   * Detaches the handler registered with {@code devId} and waits until any handler running on
   * the line has returned: once this returns, the handler is never called again. Freeing a handler
   * that is not registered warns.
   *
   * <p>Context: process context; may sleep. Must not be called from the line's own handler.
   *
   * @param irq the line
   * @param devId the cookie given to {@link #requestIrq}
   */
  @KernelSymbol("free_irq")
  public void freeIrq(int irq, Allocation devId) {
    Lockdep.mightSleep("free_irq");
    Line l = lineOrWarn(irq, "free_irq");
    Action gone = null;
    synchronized (l) {
      List<Action> next = new ArrayList<>(l.actions);
      for (int i = 0; i < next.size(); i++) {
        if (next.get(i).devId().equals(devId)) {
          gone = next.remove(i);
          break;
        }
      }
      l.actions = List.copyOf(next);
    }
    if (gone == null) {
      Warn.warn("Trying to free already-free IRQ " + irq);
      return;
    }
    synchronizeLine(l);
    Kmem.kfree(gone.mem());
  }

  /**
   * Waits until no handler is running on the line.
   *
   * <p>Context: process context; may sleep. Must not be called from the line's own handler.
   *
   * @param irq the line
   */
  @KernelSymbol("synchronize_irq")
  public void synchronizeIrq(int irq) {
    Lockdep.mightSleep("synchronize_irq");
    synchronizeLine(lineOrWarn(irq, "synchronize_irq"));
  }

  private static void synchronizeLine(Line l) {
    boolean interrupted = false;
    synchronized (l) {
      Thread me = Thread.currentThread();
      if (Warn.on(me.equals(l.runner), "synchronize_irq from the handler of IRQ " + l.irq
          + ": would deadlock")) {
        return;
      }
      while (l.runner != null) {
        try {
          l.wait();
        } catch (InterruptedException e) {
          interrupted = true; // uninterruptible, like the kernel's wait_event
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Masks a line and waits for its running handlers to return; raises while it is disabled are
   * held pending. Calls nest: the line is unmasked by as many {@link #enableIrq} calls.
   *
   * <p>Context: process context; may sleep.
   *
   * @param irq the line
   */
  @KernelSymbol("disable_irq")
  public void disableIrq(int irq) {
    Line l = lineOrWarn(irq, "disable_irq");
    synchronized (l) {
      l.depth++;
    }
    synchronizeIrq(irq);
  }

  /**
   * Undoes one {@link #disableIrq}; when the line becomes enabled, an interrupt raised meanwhile
   * is delivered on the calling thread (the model's resend). An unbalanced enable warns.
   *
   * <p>Context: any; the replayed handler runs in atomic context on this thread.
   *
   * @param irq the line
   */
  @KernelSymbol("enable_irq")
  public void enableIrq(int irq) {
    Line l = lineOrWarn(irq, "enable_irq");
    synchronized (l) {
      if (Warn.on(l.depth == 0, "Unbalanced enable for IRQ " + irq)) {
        return;
      }
      l.depth--;
      if (l.depth > 0 || !l.pending) {
        return;
      }
    }
    raise(irq);
  }

  /**
   * The hardware asserts a line: its handlers run on the calling thread, unless the line is
   * disabled or already being handled, in which case the interrupt is held pending. A raise of a
   * line the chip does not have warns.
   *
   * <p>Context: the simulated device's thread (a CPU taking the interrupt).
   *
   * @param irq the line
   */
  @KernelSymbol({"generic_handle_irq", "handle_edge_irq"})
  public void raise(int irq) {
    Line l = line(irq);
    if (l == null) {
      Warn.warn("raise of IRQ " + irq + " outside " + name);
      return;
    }
    List<Action> actions;
    synchronized (l) {
      if (l.depth > 0 || l.runner != null) {
        l.pending = true;
        return;
      }
      l.pending = false;
      l.runner = Thread.currentThread();
      actions = l.actions;
    }
    while (true) {
      boolean handled = runActions(l, actions);
      synchronized (l) {
        if (handled) {
          l.delivered++;
        } else {
          l.spurious++;
        }
        if (!l.pending || l.depth > 0) {
          l.runner = null;
          l.notifyAll();
          return;
        }
        l.pending = false;
        actions = l.actions;
      }
    }
  }

  private static boolean runActions(Line l, List<Action> actions) {
    boolean handled = false;
    for (Action a : actions) {
      if (!a.devId().check("irq handler " + a.name())) {
        continue; // reported as a use-after-free; never call into freed driver data
      }
      Lockdep.acquire(l.hardirq, 0, false);
      try {
        handled |= a.handler().handle(l.irq, a.devId()) == IrqReturn.IRQ_HANDLED;
      } finally {
        Lockdep.release(l.hardirq);
      }
    }
    return handled;
  }

  /**
   * How many interrupts on a line a handler claimed ({@code kstat_irqs} minus the unhandled).
   *
   * @param irq the line
   * @return the count
   */
  @KernelSymbol("kstat_irqs")
  public long delivered(int irq) {
    Line l = lineOrWarn(irq, "kstat_irqs");
    synchronized (l) {
      return l.delivered;
    }
  }

  /**
   * How many interrupts on a line no handler claimed, including those with no handler at all.
   *
   * @param irq the line
   * @return the count
   */
  @KernelSymbol("irqs_unhandled")
  public long spurious(int irq) {
    Line l = lineOrWarn(irq, "irqs_unhandled");
    synchronized (l) {
      return l.spurious;
    }
  }

  /**
   * How many handlers are attached to a line.
   *
   * @param irq the line
   * @return the count
   */
  @KernelSymbol("irq_has_action")
  public int actionCount(int irq) {
    Line l = lineOrWarn(irq, "irq_has_action");
    synchronized (l) {
      return l.actions.size();
    }
  }

  /**
   * Whether an interrupt is held pending on a line (raised while disabled).
   *
   * @param irq the line
   * @return true if pending
   */
  @KernelSymbol("IRQS_PENDING")
  public boolean isPending(int irq) {
    Line l = lineOrWarn(irq, "irqs_pending");
    synchronized (l) {
      return l.pending;
    }
  }

  @Override
  public String toString() {
    return "irqchip " + name + " (" + lines.length + " lines)";
  }
}
