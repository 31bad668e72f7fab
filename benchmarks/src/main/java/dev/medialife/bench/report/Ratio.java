package dev.medialife.bench.report;

import java.util.Locale;
import java.util.Optional;

/**
 * One row of the results table: the ratio of two scores of the same run against a target.
 *
 * @param what the benchmark and case
 * @param peer what it is divided by
 * @param target the largest ratio that meets the target
 * @param targetText the target as the issue states it
 * @param numerator the measured score, if present
 * @param denominator the peer's score, if present
 */
public record Ratio(
    String what,
    String peer,
    double target,
    String targetText,
    Optional<Results.Score> numerator,
    Optional<Results.Score> denominator) {

  /**
   * Whether both scores were measured.
   *
   * @return true if the ratio can be computed
   */
  public boolean measured() {
    return numerator.isPresent() && denominator.isPresent();
  }

  /**
   * The ratio of the two scores (both are times, so lower is better for the numerator).
   *
   * @return the ratio, NaN if not measured
   */
  public double value() {
    if (!measured()) {
      return Double.NaN;
    }
    return numerator.orElseThrow().score() / denominator.orElseThrow().score();
  }

  /**
   * The ratio's error bar: relative errors of the two scores added in quadrature.
   *
   * @return the half-width, NaN if not measured
   */
  public double error() {
    if (!measured()) {
      return Double.NaN;
    }
    Results.Score a = numerator.orElseThrow();
    Results.Score b = denominator.orElseThrow();
    double ra = a.errorOrZero() / a.score();
    double rb = b.errorOrZero() / b.score();
    return value() * Math.sqrt(ra * ra + rb * rb);
  }

  /**
   * Whether the measured ratio meets the target.
   *
   * @return true if measured and at most the target
   */
  public boolean met() {
    return measured() && value() <= target;
  }

  /**
   * The Markdown table row.
   *
   * @return {@code | what | peer | a | b | ratio ± err | target | verdict |}
   */
  public String markdownRow() {
    String a = numerator.map(Ratio::format).orElse("not measured");
    String b = denominator.map(Ratio::format).orElse("not measured");
    String r = measured()
        ? String.format(Locale.ROOT, "%.2f× ± %.2f", value(), error())
        : "—";
    String verdict = !measured() ? "not measured" : met() ? "met" : "**missed**";
    return "| " + what + " | " + peer + " | " + a + " | " + b + " | " + r + " | " + targetText
        + " | " + verdict + " |";
  }

  static String format(Results.Score s) {
    return String.format(Locale.ROOT, "%s ± %s %s", sig(s.score()), sig(s.errorOrZero()),
        s.unit());
  }

  /** Three significant digits, without exponent for the magnitudes seen here. */
  static String sig(double v) {
    double a = Math.abs(v);
    if (a == 0 || !Double.isFinite(v)) {
      return a == 0 ? "0" : String.valueOf(v);
    }
    int digits = Math.max(0, 2 - (int) Math.floor(Math.log10(a)));
    return String.format(Locale.ROOT, "%." + digits + "f", v);
  }
}
