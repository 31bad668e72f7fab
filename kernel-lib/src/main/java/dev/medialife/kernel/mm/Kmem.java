package dev.medialife.kernel.mm;

import dev.medialife.kernel.fault.FaultInjection;
import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * The slab allocator's entry points: {@code kzalloc} and {@code kfree}, with the fault point
 * {@value #FAULT_POINT} on every allocation.
 */
@KernelSymbol("slab")
public final class Kmem {
  /** The fault-injection point consulted by every allocation (the kernel's failslab). */
  public static final String FAULT_POINT = "kmalloc";

  private Kmem() {}

  /**
   * Allocates a zeroed object.
   *
   * <p>Context: process context; may fail when fault injection says so.
   *
   * @param type the C type, for example "media_device"
   * @param name a human name for reports
   * @return the live allocation, or null when the allocation failed (the caller returns {@code
   *     -ENOMEM})
   */
  @KernelSymbol({"kzalloc", "kmalloc", "kzalloc_obj"})
  public static @Nullable Allocation kzalloc(String type, String name) {
    if (FaultInjection.shouldFail(FAULT_POINT)) {
      return null;
    }
    return new Allocation(type, name);
  }

  /**
   * Frees an allocation; null is ignored, as in the kernel. A second free is reported as a double
   * free, a free of an embedded object as an invalid free.
   *
   * @param allocation the allocation, or null
   */
  @KernelSymbol("kfree")
  public static void kfree(@Nullable Allocation allocation) {
    kfree(allocation, "kfree");
  }

  /**
   * Frees an allocation, recording who freed it: "devm" for device-managed memory released at
   * unbind, or the name of a release callback. Use-after-free reports show it.
   *
   * @param allocation the allocation, or null
   * @param freedBy who frees it
   */
  @KernelSymbol({"kfree", "devm_kfree"})
  public static void kfree(@Nullable Allocation allocation, String freedBy) {
    if (allocation != null) {
      allocation.free(freedBy);
    }
  }
}
