package dev.medialife.kernel.config;

import dev.medialife.kernel.meta.JavaOnly;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The patch switches: each modelled fix can be turned off to reproduce the bug it fixes. Every
 * switch defaults to on ("after the patch"). They are configuration of one running model, like
 * Kconfig options, named and documented here once and settable from tests, scenarios and the CLI.
 *
 * <p>Objects read a switch when they are created (a media device at {@code media_device_init}, a
 * scheduler at {@code v4l2_m2m_init}) and keep that answer for their whole life, as compiled code
 * keeps its Kconfig; changing a switch affects objects created afterwards.
 *
 * <p>Implementation notes: one volatile, copy-on-write set of the switches that are off, so
 * reading a switch costs a field read and a bit test. The sanitizer test extension restores every switch to its default after each test.
 */
@JavaOnly("model configuration; the closest kernel notion is a Kconfig option")
public enum PatchSwitch {
  /**
   * The media lifetime rules of the 2017 Oslo memo: the devnode embedded in a refcounted media
   * device whose release callback frees the driver's memory; open files and registered entities
   * hold references; unregister drains in-flight system calls. Off: the mainline behaviour, in
   * which the driver frees its memory at unbind while files may still be open.
   */
  MEDIA_LIFETIME("media-lifetime-rules"),

  /**
   * {@code v4l2_m2m_get}/{@code v4l2_m2m_put}: a scheduler shared by several device nodes lives
   * until its last user puts it. Off: the first remove frees it under the other user.
   */
  M2M_KREF("m2m-kref"),

  /**
   * Hantro cores of one i.MX8MQ share one scheduler. Off: one scheduler per core, so G1 and G2
   * decode at the same time and the shared bus faults.
   */
  HANTRO_SHARED_SCHEDULER("hantro-shared-scheduler"),

  /**
   * A model fix for the races the Hantro series leaves open (reference §3.3): a driver-wide mutex
   * around the sibling lookup and the store of the scheduler pointer, and around the remove path's
   * clearing of that pointer before its put, so concurrent probes always end with one scheduler
   * and a probe racing the sibling's remove never takes a reference on a dying one. Off: the
   * series as merged upstream, where both races are open.
   */
  HANTRO_SHARED_LOCK("hantro-shared-lock"),

  /**
   * The Media Device Allocator: every driver of one USB device shares one media device. Off: each
   * driver creates its own, and the tuner is driven by audio and video at once.
   */
  MEDIA_ALLOCATOR("media-allocator"),

  /**
   * The allocator takes its lookup reference with get-unless-zero under the list lock. Off: the
   * kernel's plain get, which can take a reference from zero when it races the last delete.
   */
  ALLOCATOR_LOOKUP_FIX("allocator-lookup-fix"),

  /**
   * A model fix for au0828: when its start_streaming fails (the URBs cannot be set up because the
   * stick is gone), the driver gives its buffers back as QUEUED, as the vb2 contract asks. Off: the
   * kernel's au0828_start_analog_streaming, which returns au0828_init_isoc's error and leaves the
   * buffers on its active list, so that vb2_start_streaming warns and reclaims them itself.
   */
  AU0828_START_FAILURE("au0828-start-failure"),

  /**
   * A model fix for au0828 when its interface is unbound while the other drivers of the stick stay
   * bound: au0828_usb_disconnect gives the tuner back (stops the pipeline it started for the
   * current owner and disables the tuner link) and takes its enable_source / disable_source hooks
   * off the shared media device, so nothing of a gone au0828 is left in the graph. Off: the
   * kernel's au0828, which keeps the hooks, the enabled link and the started pipeline until its
   * release (the last close), clears the hooks there whoever installed them, and reads its state
   * through the media device's {@code source_priv}: an au0828 bound again before that release
   * takes the hooks over, the old files' closes reach the new state, the old pipeline is never
   * stopped, and the audio pads it spans stay in it, so the next audio HW_PARAMS warns "already
   * part of another pipeline" and fails.
   */
  AU0828_DISCONNECT_SOURCE("au0828-disconnect-source");

  /** The switches that are off; replaced, never mutated, under the class lock. */
  private static volatile Set<PatchSwitch> reverted = EnumSet.noneOf(PatchSwitch.class);

  private final String key;

  PatchSwitch(String key) {
    this.key = key;
  }

  /**
   * The switch's name in scenario files and on the command line.
   *
   * @return the kebab-case name
   */
  public String key() {
    return key;
  }

  /**
   * Whether the fix is in ("after"), the default.
   *
   * @return true when the patch is applied
   */
  public boolean enabled() {
    return !reverted.contains(this);
  }

  /**
   * Applies or reverts the fix for objects created from now on.
   *
   * @param on true for "after the patch", false for "before"
   */
  public void set(boolean on) {
    synchronized (PatchSwitch.class) {
      EnumSet<PatchSwitch> next = EnumSet.noneOf(PatchSwitch.class);
      next.addAll(reverted);
      if (on) {
        next.remove(this);
      } else {
        next.add(this);
      }
      reverted = next;
    }
  }

  /**
   * Finds a switch by its {@link #key()} or its constant name, ignoring case.
   *
   * @param name the name
   * @return the switch, or empty when there is none of that name
   */
  public static Optional<PatchSwitch> byName(String name) {
    for (PatchSwitch s : values()) {
      if (s.key.equalsIgnoreCase(name) || s.name().equalsIgnoreCase(name.replace('-', '_'))) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Restores every switch to its default, on. */
  public static void resetAll() {
    synchronized (PatchSwitch.class) {
      reverted = EnumSet.noneOf(PatchSwitch.class);
    }
  }

  @Override
  public String toString() {
    return key + "=" + (enabled() ? "after" : "before");
  }
}
