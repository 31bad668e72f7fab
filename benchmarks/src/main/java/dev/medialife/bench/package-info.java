/**
 * JMH benchmarks of the model's hot paths, each measured in the same run as a peer that does the
 * same work outside the model, so that what the results say is a ratio rather than a noisy
 * absolute time on a shared machine.
 *
 * <ul>
 *   <li>{@link dev.medialife.bench.KrefBench}: {@code kref_get}/{@code kref_put} against Netty's
 *       {@code AbstractReferenceCounted} and a bare {@code AtomicInteger}, alone and contended;
 *   <li>{@link dev.medialife.bench.M2mDispatchBench}: trivial jobs through one mem2mem scheduler
 *       shared by two nodes, against a single-thread executor fed by the same producers;
 *   <li>{@link dev.medialife.bench.GraphWalkBench}: {@code media_graph_walk_*} over a
 *       100,000-entity graph against JGraphT's depth-first iterator over the same graph;
 *   <li>{@link dev.medialife.bench.AllocatorBench}: {@code media_device_usb_allocate} and {@code
 *       media_device_delete} with 10 to 10,000 USB devices present;
 *   <li>{@link dev.medialife.bench.UnplugBench}: {@code video_unregister_device} with thousands
 *       of open files and a hundred tasks asleep in poll, until the last close;
 *   <li>{@link dev.medialife.bench.DecodeBench}: the demo's decode sessions on the i.MX8MQ's
 *       Hantro cores with the sanitizers on and off.
 * </ul>
 *
 * <p>The sanitizers are global state of kernel-lib and on by default; every benchmark switches
 * them off in its setup ({@link dev.medialife.bench.Sanitizing}) unless it measures them, and
 * restores them in its teardown. {@link dev.medialife.bench.report.BenchReport} reads JMH's JSON
 * output and writes the published tables and curves. Unlike the rest of the model, this module
 * prints to the console: it is a tool, like the CLI.
 */
@NullMarked
package dev.medialife.bench;

import org.jspecify.annotations.NullMarked;
