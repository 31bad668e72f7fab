package dev.medialife.driver;

import com.google.errorprone.annotations.CheckReturnValue;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A loadable module ({@code struct module}) as far as lifetime goes: a reference count that open
 * files and other users hold through {@link #tryGet()}, and an unload ({@code delete_module}) that
 * is refused with {@code -EBUSY} while the count is not zero and otherwise runs the module's exit:
 * its drivers are unregistered (and so unbound from their devices), newest first.
 *
 * <p>Implementation notes: all state is guarded by the module's monitor; a module goes LIVE →
 * GOING → GONE and never back (loading it again makes a new {@code Module}).
 */
@KernelSymbol("module")
public final class Module {
  /** The module's life, as {@code enum module_state}. */
  @KernelSymbol("module_state")
  public enum State {
    /** Loaded and usable. */
    LIVE,
    /** Running its exit; new references are refused. */
    GOING,
    /** Unloaded. */
    GONE
  }

  private final String name;

  @GuardedBy("this")
  private int refs;

  @GuardedBy("this")
  private State state = State.LIVE;

  @GuardedBy("this")
  private final Deque<Runnable> exits = new ArrayDeque<>();

  /**
   * Loads a module.
   *
   * @param name its name, as {@code lsmod} shows it
   */
  @KernelSymbol("load_module")
  public Module(String name) {
    this.name = name;
  }

  /**
   * The module's name.
   *
   * @return the name
   */
  @KernelSymbol("module_name")
  public String name() {
    return name;
  }

  /**
   * Takes a reference unless the module is going away.
   *
   * @return true if a reference was taken
   */
  @CheckReturnValue
  @KernelSymbol("try_module_get")
  public synchronized boolean tryGet() {
    if (state != State.LIVE) {
      return false;
    }
    refs++;
    return true;
  }

  /** Drops a reference taken with {@link #tryGet()}; an unbalanced put warns. */
  @KernelSymbol("module_put")
  public synchronized void put() {
    if (Warn.on(refs == 0, "module_put on " + name + " with no reference held")) {
      return;
    }
    refs--;
  }

  /**
   * The number of references held.
   *
   * @return the count
   */
  @KernelSymbol("module_refcount")
  public synchronized int refcount() {
    return refs;
  }

  /**
   * The module's state.
   *
   * @return the state
   */
  @KernelSymbol("module.state")
  public synchronized State state() {
    return state;
  }

  /**
   * Registers part of the module's exit, run at unload in reverse order of registration: what
   * {@code module_exit} does, typically a driver unregistration.
   *
   * @param exit the teardown step
   */
  @JavaOnly("the model's module_exit: exit steps registered by the module's own init")
  public synchronized void onExit(Runnable exit) {
    exits.push(exit);
  }

  /**
   * Unloads the module: refused with {@code -EBUSY} while references are held, else runs the exit
   * steps (unbinding the module's drivers) and marks it gone.
   *
   * <p>Context: process context; may sleep (driver removal).
   *
   * @return 0, {@code -EBUSY} while in use, or {@code -ENOENT} if already unloaded
   */
  @KernelSymbol({"delete_module", "try_stop_module"})
  public int unload() {
    Deque<Runnable> toRun;
    synchronized (this) {
      if (state != State.LIVE) {
        return -Errno.ENOENT;
      }
      if (refs != 0) {
        return -Errno.EBUSY;
      }
      state = State.GOING;
      toRun = new ArrayDeque<>(exits);
      exits.clear();
    }
    for (Runnable exit : toRun) {
      exit.run();
    }
    synchronized (this) {
      state = State.GONE;
    }
    return 0;
  }

  @Override
  public synchronized String toString() {
    return "module " + name + " (" + state + ", refs " + refs + ")";
  }
}
