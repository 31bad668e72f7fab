/**
 * Turns JMH's JSON results into the published benchmark results: the table of ratios against the
 * targets of issue 11 (each ratio of two scores measured in the same run, with an error bar
 * propagated from JMH's 99.9 % confidence half-widths) and the scaling curves as SVG.
 *
 * <p>{@link dev.medialife.bench.report.BenchReport} is the command-line entry point; {@link
 * dev.medialife.bench.report.Results} reads the JSON, {@link dev.medialife.bench.report.Ratio}
 * holds one row, {@link dev.medialife.bench.report.SvgChart} draws a curve. The report rewrites
 * only the part of {@code docs/benchmarks.md} between its two marker comments, so the
 * hand-written description of the machine, the commands and the profiles stays as written.
 */
@NullMarked
package dev.medialife.bench.report;

import org.jspecify.annotations.NullMarked;
