package dev.medialife.mc;

import dev.medialife.kernel.meta.KernelSymbol;

/**
 * A callback run for every entity registered with a media device ({@code struct
 * media_entity_notify}), with the graph mutex held.
 */
@KernelSymbol("media_entity_notify")
@FunctionalInterface
public interface EntityNotify {
  /**
   * Called after the entity and its pads joined the graph.
   *
   * @param entity the new entity
   */
  @KernelSymbol("media_entity_notify.notify")
  void notify(MediaEntity entity);
}
