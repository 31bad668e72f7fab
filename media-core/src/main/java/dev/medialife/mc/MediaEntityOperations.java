package dev.medialife.mc;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.meta.KernelSymbol;

/** An entity's operations ({@code struct media_entity_operations}); every one is optional. */
@KernelSymbol("media_entity_operations")
public interface MediaEntityOperations {
  /**
   * Notifies the entity that one of its links changes. Called with the graph mutex held.
   *
   * @param local the entity's own pad
   * @param remote the pad at the other end
   * @param flags the new link flags
   * @return 0, {@code -ENOIOCTLCMD} (treated as success), or a negative errno that refuses the
   *     change
   */
  @KernelSymbol("media_entity_operations.link_setup")
  default int linkSetup(MediaPad local, MediaPad remote, int flags) {
    return -Errno.ENOIOCTLCMD;
  }

  /**
   * Validates an enabled link whose sink is on this entity, when a pipeline starts.
   *
   * @param link the link
   * @return 0 or a negative errno that fails the pipeline start
   */
  @KernelSymbol("media_entity_operations.link_validate")
  default int linkValidate(MediaLink link) {
    return 0;
  }
}
