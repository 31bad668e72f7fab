package dev.medialife.mc;

import dev.medialife.kernel.meta.KernelSymbol;
import java.util.ArrayList;
import java.util.List;

/**
 * A pipeline ({@code struct media_pipeline}): the pads that stream together, collected by {@link
 * MediaGraph#pipelineStart} and released by as many {@link MediaGraph#pipelineStop} calls as
 * there were starts. Fields are guarded by the graph mutex.
 */
@KernelSymbol("media_pipeline")
public final class MediaPipeline {
  int startCount;
  final List<MediaPad> pads = new ArrayList<>();

  /** An empty, stopped pipeline. */
  @KernelSymbol("media_pipeline")
  public MediaPipeline() {}

  /**
   * How many starts are not yet balanced by a stop.
   *
   * @return {@code start_count}
   */
  @KernelSymbol("media_pipeline.start_count")
  public int startCount() {
    return startCount;
  }

  /**
   * The pads of the started pipeline, a snapshot.
   *
   * @return the pads, in discovery order
   */
  @KernelSymbol("media_pipeline.pads")
  public List<MediaPad> pads() {
    return List.copyOf(pads);
  }
}
