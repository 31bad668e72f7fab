package dev.medialife.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small hand-written SVG line chart: a logarithmic x axis (the scaling parameter), a linear y
 * axis from zero scaled on the scores, one polyline per series with a point and a vertical error
 * bar per measurement (clipped to the plot; dashed when its top is cut off).
 */
public final class SvgChart {
  /**
   * One measured point.
   *
   * @param x the parameter, positive
   * @param y the score
   * @param error the error half-width
   */
  public record Point(double x, double y, double error) {}

  /**
   * One line of the chart.
   *
   * @param name the legend text
   * @param color an SVG colour
   * @param points the points, by increasing x
   */
  public record Series(String name, String color, List<Point> points) {}

  private static final int W = 640;
  private static final int H = 360;
  private static final int LEFT = 80;
  private static final int RIGHT = 170;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();

  /**
   * An empty chart.
   *
   * @param title the title
   * @param xLabel the x axis label
   * @param yLabel the y axis label, with the unit
   */
  public SvgChart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /**
   * Adds a series; series without points are left out.
   *
   * @param s the series
   * @return this chart
   */
  public SvgChart add(Series s) {
    if (!s.points().isEmpty()) {
      series.add(s);
    }
    return this;
  }

  /**
   * The SVG document.
   *
   * @return the text of a standalone SVG file
   */
  public String render() {
    double xMin = Double.MAX_VALUE;
    double xMax = -Double.MAX_VALUE;
    double yMax = 0;
    for (Series s : series) {
      for (Point p : s.points()) {
        xMin = Math.min(xMin, p.x());
        xMax = Math.max(xMax, p.x());
        yMax = Math.max(yMax, p.y());
      }
    }
    if (series.isEmpty()) {
      xMin = 1;
      xMax = 10;
      yMax = 1;
    }
    double lx0 = Math.floor(Math.log10(xMin));
    double lx1 = Math.max(lx0 + 1, Math.ceil(Math.log10(xMax)));
    // Scaled on the scores, not on the error bars: under load a bar can be many times its score;
    // bars are clipped to the plot, and a bar clipped at the top is drawn dashed.
    double yTop = niceCeiling(yMax * 1.2);
    StringBuilder b = new StringBuilder();
    b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    b.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
        W, H, W, H));
    b.append(String.format(Locale.ROOT,
        "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
    b.append(String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", LEFT,
        esc(title)));
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    // axes and grid
    b.append(String.format(Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
        LEFT, TOP + plotH, LEFT + plotW, TOP + plotH));
    b.append(String.format(Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
        LEFT, TOP, LEFT, TOP + plotH));
    for (int d = (int) lx0; d <= (int) lx1; d++) {
      double x = LEFT + (d - lx0) / (lx1 - lx0) * plotW;
      b.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
          x, TOP, x, TOP + plotH));
      b.append(String.format(Locale.ROOT,
          "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
          x, TOP + plotH + 16, esc(String.format(Locale.ROOT, "%,d", (long) Math.pow(10, d)))));
    }
    for (int i = 0; i <= 4; i++) {
      double v = yTop * i / 4;
      double y = TOP + plotH - v / yTop * plotH;
      b.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
          LEFT, y, LEFT + plotW, y));
      b.append(String.format(Locale.ROOT,
          "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
          LEFT - 6, y + 4, esc(Ratio.sig(v))));
    }
    b.append(String.format(Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
        LEFT + plotW / 2, H - 12, esc(xLabel)));
    b.append(String.format(Locale.ROOT,
        "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">%s"
            + "</text>%n", TOP + plotH / 2, TOP + plotH / 2, esc(yLabel)));
    int legendY = TOP + 10;
    for (Series s : series) {
      StringBuilder pts = new StringBuilder();
      for (Point p : s.points()) {
        double x = LEFT + (Math.log10(p.x()) - lx0) / (lx1 - lx0) * plotW;
        double y = TOP + plotH - p.y() / yTop * plotH;
        double e = p.error() / yTop * plotH;
        double hi = Math.max(TOP, y - e);
        double lo = Math.min(TOP + plotH, y + e);
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        b.append(String.format(Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                + "stroke-dasharray=\"%s\"/>%n",
            x, hi, x, lo, s.color(), hi > y - e ? "3,2" : "none"));
        b.append(String.format(Locale.ROOT,
            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s: %s at %s</title>"
                + "</circle>%n", x, y, s.color(), esc(s.name()), esc(Ratio.sig(p.y())),
            esc(String.format(Locale.ROOT, "%,d", (long) p.x()))));
      }
      b.append(String.format(Locale.ROOT,
          "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
          pts.toString().trim(), s.color()));
      b.append(String.format(Locale.ROOT,
          "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
          W - RIGHT + 12, legendY - 10, s.color()));
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n",
          W - RIGHT + 30, legendY, esc(s.name())));
      legendY += 20;
    }
    b.append("</svg>\n");
    return b.toString();
  }

  /** 1, 2 or 5 times a power of ten, at least {@code v}. */
  static double niceCeiling(double v) {
    if (v <= 0 || !Double.isFinite(v)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
