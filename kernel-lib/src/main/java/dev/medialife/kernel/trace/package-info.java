/**
 * A trace buffer for timelines: the model's ftrace ring buffer.
 *
 * <p>{@link dev.medialife.kernel.trace.TraceRecorder} keeps the last N {@link
 * dev.medialife.kernel.trace.TraceEvent events} (timestamp from a {@link
 * dev.medialife.kernel.time.KernelClock}, category, name, phase, track and arguments), dropping the
 * oldest when full and counting what it dropped, as the kernel's overwrite-mode ring buffer does.
 * Frameworks and drivers record scheduler and device events (job queued, started and finished per
 * decoder core, IRQs, watchdogs, unplug); the events are later exported as Chrome trace-event JSON
 * and drawn as an SVG timeline, which is why phases follow the Chrome trace-event format.
 *
 * <p>A recorder that is disabled costs one volatile read and a branch per event. There is one
 * global recorder, like the global ftrace instance, and any number of private ones.
 */
@NullMarked
package dev.medialife.kernel.trace;

import org.jspecify.annotations.NullMarked;
