package dev.medialife.driver;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import org.jspecify.annotations.Nullable;

/**
 * Device-managed resources ({@code devres}): allocations and actions tied to the binding of a
 * driver to a device, released automatically in reverse order after the driver's {@code remove}
 * and when its probe fails.
 *
 * <p>Each entry is itself a small allocation (the kernel's {@code struct devres}), so registering
 * one can fail at the {@code kmalloc} fault point. Memory from {@link #kzalloc} is freed with
 * {@code freedBy = "devm"}: a later use of it, for example by an interrupt handler or an open file
 * that outlived the unbind, is reported as a use-after-free naming devm as the culprit — the bug
 * class the media lifetime memo is about.
 */
@KernelSymbol("devres")
public final class Devres {
  private Devres() {}

  /** One managed resource. */
  record Node(String name, Runnable release, Allocation mem) {}

  /**
   * Registers an action run when the driver is unbound (or its probe fails).
   *
   * @param dev the device
   * @param name a name for the action, for diagnostics
   * @param action what to run
   * @return 0, or {@code -ENOMEM} if the devres entry cannot be allocated
   */
  @KernelSymbol("devm_add_action")
  public static int addAction(Device dev, String name, Runnable action) {
    Allocation node = Kmem.kzalloc("devres", name);
    if (node == null) {
      return -Errno.ENOMEM;
    }
    Node n = new Node(name, action, node);
    dev.devresPush(n);
    return 0;
  }

  /**
   * Like {@link #addAction}, but runs the action at once if it cannot be registered.
   *
   * @param dev the device
   * @param name a name for the action
   * @param action what to run
   * @return 0 or {@code -ENOMEM}
   */
  @KernelSymbol("devm_add_action_or_reset")
  public static int addActionOrReset(Device dev, String name, Runnable action) {
    int ret = addAction(dev, name, action);
    if (ret != 0) {
      action.run();
    }
    return ret;
  }

  /**
   * Allocates zeroed memory freed automatically at unbind.
   *
   * @param dev the device
   * @param type the C type of the object
   * @param name a human name
   * @return the allocation, or null on failure
   */
  @KernelSymbol("devm_kzalloc")
  public static @Nullable Allocation kzalloc(Device dev, String type, String name) {
    Allocation a = Kmem.kzalloc(type, name);
    if (a == null) {
      return null;
    }
    if (addAction(dev, "devm_kzalloc " + type, () -> Kmem.kfree(a, "devm")) != 0) {
      Kmem.kfree(a);
      return null;
    }
    return a;
  }

  /**
   * The number of managed resources currently registered on a device.
   *
   * @param dev the device
   * @return the count
   */
  @KernelSymbol("devres_count")
  public static int count(Device dev) {
    return dev.devresCount();
  }

  /** Releases every managed resource of a device, newest first. */
  static void releaseAll(Device dev) {
    while (true) {
      Node n = dev.devresPoll();
      if (n == null) {
        return;
      }
      n.release().run();
      Kmem.kfree(n.mem());
    }
  }
}
