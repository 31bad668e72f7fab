package dev.medialife.mc;

import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * The {@code enable_source}/{@code disable_source} hooks a driver that owns a shared source (a
 * tuner) installs on its media device, so that other drivers on the same media device ask before
 * using it.
 */
@KernelSymbol({"media_device.enable_source", "media_device.disable_source"})
public interface SourceHooks {
  /**
   * Claims the source that feeds {@code entity}, with the graph mutex held by the caller.
   *
   * @param entity the entity that wants the source
   * @param pipe the pipeline to start for it, or null
   * @return 0, or a negative errno (callers map any error to -EBUSY)
   */
  @KernelSymbol("media_device.enable_source")
  int enableSource(MediaEntity entity, @Nullable MediaPipeline pipe);

  /**
   * Releases the source claimed for {@code entity}.
   *
   * @param entity the entity
   */
  @KernelSymbol("media_device.disable_source")
  void disableSource(MediaEntity entity);
}
