package dev.medialife.m2m;

import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import org.jspecify.annotations.Nullable;

/**
 * The driver callbacks of a mem2mem scheduler ({@code struct v4l2_m2m_ops}).
 *
 * <p>Optionality is explicit: {@code device_run} is required, {@code job_ready} and {@code
 * job_abort} may be absent, and an absent callback is a null field, exactly as a NULL function
 * pointer in the kernel — the scheduler behaves differently when {@code job_ready} is missing (one
 * source and one destination buffer are then enough) and when {@code job_abort} is missing (a
 * cancel simply waits). Build one with {@link #builder()}.
 *
 * @param deviceRun required; may be null only to reproduce the {@code v4l2_m2m_init} check
 * @param jobReady optional
 * @param jobAbort optional
 */
@KernelSymbol("v4l2_m2m_ops")
public record V4l2M2mOps(
    @Nullable DeviceRun deviceRun, @Nullable JobReady jobReady, @Nullable JobAbort jobAbort) {

  /** {@code device_run}. */
  @FunctionalInterface
  @KernelSymbol("v4l2_m2m_ops.device_run")
  public interface DeviceRun {
    /**
     * Required. Starts a job on the hardware; may return before the job ends. The driver must
     * later call {@link V4l2M2mDev#jobFinish} or {@link V4l2M2mDev#bufDoneAndJobFinish}.
     *
     * <p>Context: process context (the caller of try_schedule, or the scheduler's {@code
     * job_work}), no scheduler lock held; may sleep.
     *
     * @param priv the context's driver data
     */
    @KernelSymbol("v4l2_m2m_ops.device_run")
    void run(Object priv);
  }

  /** {@code job_ready}. */
  @FunctionalInterface
  @KernelSymbol("v4l2_m2m_ops.job_ready")
  public interface JobReady {
    /**
     * Optional. Whether the driver can do a full transaction now.
     *
     * <p>Context: called with the scheduler's {@code job_spinlock} held: must not sleep (lockdep
     * reports a mutex taken here as sleeping in atomic context).
     *
     * @param priv the context's driver data
     * @return non-zero if ready, 0 if not
     */
    @KernelSymbol("v4l2_m2m_ops.job_ready")
    int ready(Object priv);
  }

  /** {@code job_abort}. */
  @FunctionalInterface
  @KernelSymbol("v4l2_m2m_ops.job_abort")
  public interface JobAbort {
    /**
     * Optional. Asks the driver to stop the running job soon; it must still finish the job.
     *
     * <p>Context: process context, no scheduler lock held; should not block.
     *
     * @param priv the context's driver data
     */
    @KernelSymbol("v4l2_m2m_ops.job_abort")
    void abort(Object priv);
  }

  /**
   * A builder with every callback absent.
   *
   * @return a new builder
   */
  @JavaOnly("builder for an ops table with optional callbacks")
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link V4l2M2mOps}; unset callbacks stay absent. */
  @JavaOnly("builder for an ops table with optional callbacks")
  public static final class Builder {
    private @Nullable DeviceRun deviceRun;
    private @Nullable JobReady jobReady;
    private @Nullable JobAbort jobAbort;

    private Builder() {}

    /**
     * Sets {@code device_run}.
     *
     * @param f the callback
     * @return this builder
     */
    public Builder deviceRun(DeviceRun f) {
      deviceRun = f;
      return this;
    }

    /**
     * Sets {@code job_ready}.
     *
     * @param f the callback
     * @return this builder
     */
    public Builder jobReady(JobReady f) {
      jobReady = f;
      return this;
    }

    /**
     * Sets {@code job_abort}.
     *
     * @param f the callback
     * @return this builder
     */
    public Builder jobAbort(JobAbort f) {
      jobAbort = f;
      return this;
    }

    /**
     * The ops table.
     *
     * @return the ops
     */
    public V4l2M2mOps build() {
      return new V4l2M2mOps(deviceRun, jobReady, jobAbort);
    }
  }
}
