package dev.medialife.cli;

import dev.medialife.kernel.trace.TraceEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Draws the trace recorder's events as a self-contained SVG timeline: one lane per decoder core
 * (a track carrying the simulated core's {@code decode} slices), each decode job a bar coloured by
 * the mem2mem context that ran it, a time axis in milliseconds from the first event, bus errors and
 * overlapping decodes (a job on one core while another core was busy, which the shared scheduler
 * forbids) outlined in red, the demo's control events (unbind/rebind G2, unplug/replug of the
 * stick) as labelled vertical markers, and a legend.
 *
 * <p>A job's context is taken from the scheduler's {@code started} event that precedes the core's
 * {@code decode} begin: {@code v4l2_m2m_try_run} records it right before it calls {@code
 * device_run}, which starts the core on the same thread. The event names the context's owner (the
 * Hantro core whose file created it), so the newest unconsumed {@code started} owned by the core
 * that begins decoding is its job; that holds with one shared scheduler and with one scheduler per
 * core alike. A {@code started} without an owner pairs with any core, and one whose job failed
 * before reaching the core is left behind rather than shifting every later pairing. The SVG is
 * written by hand; every text and attribute value is XML-escaped.
 */
final class SvgTimeline {
  /** The recorder category of the simulated VPU cores. */
  static final String CORE_CATEGORY = "imx8m-vpu";

  /** The colour of bus errors and overlaps. */
  static final String RED = "#d62728";

  /** The context palette, indexed by context id modulo its size. */
  static final List<String> PALETTE = List.of(
      "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
      "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79");

  private static final String NO_CONTEXT = "#c7c7c7";
  private static final int WIDTH = 1200;
  private static final int LEFT = 150;
  private static final int RIGHT = 30;
  private static final int TOP = 66;
  private static final int LABEL_ROW = 12;
  private static final double LABEL_CHAR = 6.0;
  private static final int LANE = 40;
  private static final int BAR = 26;

  /** The control events drawn as markers, with their labels. */
  private static final Map<String, String> MARKERS = Map.of(
      "unbind G2", "unbind G2",
      "bind G2", "rebind G2",
      "unplug", "unplug stick",
      "plug", "replug stick");

  private SvgTimeline() {}

  /** A scheduler's {@code started} event not yet paired with a decode. */
  private record Started(@Nullable Long ctx, @Nullable String owner) {}

  /** One decode job on a core. */
  record Job(String core, long start, long end, @Nullable Long ctx, boolean busError) {}

  /**
   * Extracts the decode jobs, in begin order.
   *
   * @param events the recorded events
   * @return the jobs; a job never ended lasts to the last event
   */
  static List<Job> jobs(List<TraceEvent> events) {
    long last = Long.MIN_VALUE;
    for (TraceEvent e : events) {
      last = Math.max(last, e.timestampNanos());
    }
    Deque<Started> started = new ArrayDeque<>();
    Map<String, long[]> open = new LinkedHashMap<>();
    Map<String, @Nullable Long> openCtx = new LinkedHashMap<>();
    List<Job> jobs = new ArrayList<>();
    for (TraceEvent e : events) {
      if (e.name().equals("started") && e.track().startsWith("v4l2_m2m_dev#")) {
        Object owner = e.args().get("owner");
        started.addLast(new Started(contextOf(e), owner == null ? null : owner.toString()));
      } else if (isDecode(e) && e.phase() == TraceEvent.Phase.BEGIN) {
        open.put(e.track(), new long[] {e.timestampNanos()});
        Started s = takeNewest(started, e.track());
        openCtx.put(e.track(), s == null ? null : s.ctx());
      } else if (isDecode(e) && e.phase() == TraceEvent.Phase.END) {
        long[] begin = open.remove(e.track());
        if (begin != null) {
          Object outcome = e.args().get("outcome");
          jobs.add(new Job(e.track(), begin[0], e.timestampNanos(), openCtx.remove(e.track()),
              "BUS_ERROR".equals(outcome)));
        }
      }
    }
    for (Map.Entry<String, long[]> o : open.entrySet()) {
      jobs.add(new Job(o.getKey(), o.getValue()[0], last, openCtx.get(o.getKey()), false));
    }
    jobs.sort((a, b) -> Long.compare(a.start(), b.start()));
    return jobs;
  }

  /** Removes and returns the newest started event owned by {@code core} or by no one. */
  private static @Nullable Started takeNewest(Deque<Started> started, String core) {
    for (Iterator<Started> it = started.descendingIterator(); it.hasNext(); ) {
      Started s = it.next();
      String owner = s.owner();
      if (owner == null || owner.equals(core)) {
        it.remove();
        return s;
      }
    }
    return null;
  }

  private static boolean isDecode(TraceEvent e) {
    return e.category().equals(CORE_CATEGORY) && e.name().equals("decode");
  }

  private static @Nullable Long contextOf(TraceEvent e) {
    Object ctx = e.args().get("ctx");
    return ctx instanceof Number n ? n.longValue() : null;
  }

  /**
   * Whether a job began while a job on another core was running.
   *
   * @param job the job
   * @param all every job
   * @return whether it overlaps
   */
  static boolean overlaps(Job job, List<Job> all) {
    for (Job o : all) {
      if (!o.core().equals(job.core()) && o.start() <= job.start() && job.start() < o.end()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The colour of a context.
   *
   * @param ctx the context id, or null when unknown
   * @return its palette colour
   */
  static String colour(@Nullable Long ctx) {
    return ctx == null ? NO_CONTEXT : PALETTE.get((int) Math.floorMod(ctx, (long) PALETTE.size()));
  }

  /**
   * Renders the events.
   *
   * @param title the title drawn on top
   * @param events the events, in recording order
   * @return the SVG document
   */
  static String render(String title, List<TraceEvent> events) {
    List<Job> jobs = jobs(events);
    TreeSet<String> cores = new TreeSet<>();
    for (Job j : jobs) {
      cores.add(j.core());
    }
    long t0 = Long.MAX_VALUE;
    long t1 = Long.MIN_VALUE;
    for (TraceEvent e : events) {
      t0 = Math.min(t0, e.timestampNanos());
      t1 = Math.max(t1, e.timestampNanos());
    }
    if (events.isEmpty()) {
      t0 = 0;
      t1 = 0;
    }
    long span = Math.max(1, t1 - t0);
    int plot = WIDTH - LEFT - RIGHT;
    int axisY = TOP + cores.size() * LANE + 10;
    TreeMap<Long, String> contexts = new TreeMap<>();
    for (Job j : jobs) {
      Long c = j.ctx();
      if (c != null) {
        contexts.put(c, colour(c));
      }
    }
    boolean unknown = jobs.stream().anyMatch(j -> j.ctx() == null);
    int legendY = axisY + 50;
    int height = legendY + 20 * (legendRows(contexts.size() + (unknown ? 1 : 0)) + 2) + 10;
    StringBuilder s = new StringBuilder();
    s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(WIDTH)
        .append(' ').append(height).append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
    s.append("<title>").append(escape(title)).append("</title>\n");
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append("<text x=\"10\" y=\"25\" font-size=\"16\">").append(escape(title)).append("</text>\n");
    int lane = 0;
    Map<String, Integer> laneY = new LinkedHashMap<>();
    for (String core : cores) {
      int y = TOP + lane * LANE;
      laneY.put(core, y);
      s.append("<g class=\"lane\" data-core=\"").append(escape(core)).append("\">");
      s.append("<rect x=\"").append(LEFT).append("\" y=\"").append(y).append("\" width=\"")
          .append(plot).append("\" height=\"").append(LANE).append("\" fill=\"")
          .append(lane % 2 == 0 ? "#f4f4f4" : "#ebebeb").append("\"/>");
      s.append("<text x=\"10\" y=\"").append(y + LANE / 2 + 4).append("\">").append(escape(core))
          .append("</text></g>\n");
      lane++;
    }
    for (Job j : jobs) {
      int y = laneY.getOrDefault(j.core(), TOP) + (LANE - BAR) / 2;
      double x = LEFT + (double) (j.start() - t0) * plot / span;
      double w = Math.max(1.0, (double) (j.end() - j.start()) * plot / span);
      boolean overlap = overlaps(j, jobs);
      boolean red = overlap || j.busError();
      s.append("<rect class=\"job").append(red ? " fault" : "").append("\" data-core=\"")
          .append(escape(j.core())).append("\" data-ctx=\"")
          .append(j.ctx() == null ? "" : j.ctx()).append("\" x=\"").append(num(x))
          .append("\" y=\"").append(y).append("\" width=\"").append(num(w))
          .append("\" height=\"").append(BAR).append("\" fill=\"").append(colour(j.ctx()))
          .append('"');
      if (red) {
        s.append(" stroke=\"").append(RED).append("\" stroke-width=\"2\"");
      }
      s.append("><title>").append(escape(j.core() + " ctx " + (j.ctx() == null ? "?" : j.ctx())
          + (j.busError() ? " bus error" : "") + (overlap ? " overlap" : ""))).append("</title>");
      s.append("</rect>\n");
      if (red) {
        s.append("<line class=\"").append(j.busError() ? "bus-error" : "overlap")
            .append("\" x1=\"").append(num(x)).append("\" y1=\"").append(y - 4)
            .append("\" x2=\"").append(num(x)).append("\" y2=\"").append(y + BAR + 4)
            .append("\" stroke=\"").append(RED).append("\" stroke-width=\"2\"/>\n");
      }
    }
    axis(s, span, plot, axisY);
    markers(s, events, t0, span, plot, axisY);
    legend(s, contexts, unknown, legendY);
    s.append("</svg>\n");
    return s.toString();
  }

  /**
   * Draws the control events as dashed vertical lines with labels above the lanes. Labels that
   * would run into the previous one go up a row (events such as unbind and rebind happen within
   * a millisecond of each other), and a label that would leave the picture on the right is drawn
   * to the left of its line.
   */
  private static void markers(StringBuilder s, List<TraceEvent> events, long t0, long span,
      int plot, int axisY) {
    double[] rowEnd = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (TraceEvent e : events) {
      String label = MARKERS.get(e.name());
      if (label == null || !e.track().equals("control")) {
        continue;
      }
      double x = LEFT + (double) (e.timestampNanos() - t0) * plot / span;
      double width = label.length() * LABEL_CHAR;
      boolean leftOfLine = x + 3 + width > WIDTH;
      double from = leftOfLine ? x - 3 - width : x + 3;
      int row = from > rowEnd[0] ? 0 : from > rowEnd[1] ? 1 : 0;
      rowEnd[row] = from + width + 4;
      int labelY = TOP - 10 - row * LABEL_ROW;
      s.append("<g class=\"marker\" data-event=\"").append(escape(e.name())).append("\">");
      s.append("<line x1=\"").append(num(x)).append("\" y1=\"").append(labelY + 2)
          .append("\" x2=\"").append(num(x)).append("\" y2=\"").append(axisY)
          .append("\" stroke=\"black\" stroke-dasharray=\"4 3\"/>");
      s.append("<text x=\"").append(num(leftOfLine ? x - 3 : x + 3)).append("\" y=\"")
          .append(labelY).append('"').append(leftOfLine ? " text-anchor=\"end\"" : "")
          .append(" font-size=\"10\">").append(escape(label)).append("</text></g>\n");
    }
  }

  private static void axis(StringBuilder s, long span, int plot, int axisY) {
    s.append("<g class=\"axis\"><line x1=\"").append(LEFT).append("\" y1=\"").append(axisY)
        .append("\" x2=\"").append(LEFT + plot).append("\" y2=\"").append(axisY)
        .append("\" stroke=\"black\"/>");
    double spanMs = span / 1e6;
    double step = tickStep(spanMs);
    for (int i = 0; i * step <= spanMs + 1e-9; i++) {
      double ms = i * step;
      double x = LEFT + ms * 1e6 * plot / span;
      s.append("<line class=\"tick\" x1=\"").append(num(x)).append("\" y1=\"").append(axisY)
          .append("\" x2=\"").append(num(x)).append("\" y2=\"").append(axisY + 5)
          .append("\" stroke=\"black\"/><text x=\"").append(num(x)).append("\" y=\"")
          .append(axisY + 18).append("\" text-anchor=\"middle\">").append(num(ms))
          .append("</text>");
    }
    s.append("<text x=\"").append(LEFT + plot / 2).append("\" y=\"").append(axisY + 34)
        .append("\" text-anchor=\"middle\">time (ms)</text></g>\n");
  }

  /** A 1-2-5 step giving at most about ten ticks over the span. */
  static double tickStep(double spanMs) {
    double step = 0.001;
    int k = 0;
    while (spanMs / step > 10) {
      step *= (k % 3 == 1) ? 2.5 : 2;
      k++;
    }
    return step;
  }

  /** Context swatches per legend row. */
  private static final int LEGEND_COLUMNS = 6;

  /** Width of one context swatch with its label. */
  private static final int LEGEND_COLUMN_WIDTH = (WIDTH - LEFT - RIGHT) / LEGEND_COLUMNS;

  private static int legendRows(int swatches) {
    return (swatches + LEGEND_COLUMNS - 1) / LEGEND_COLUMNS;
  }

  private static void legend(StringBuilder s, Map<Long, String> contexts, boolean unknown,
      int y) {
    s.append("<g class=\"legend\">");
    int i = 0;
    for (Map.Entry<Long, String> c : contexts.entrySet()) {
      legendItem(s, i++, y, c.getValue(), "", "context " + c.getKey());
    }
    if (unknown) {
      legendItem(s, i++, y, NO_CONTEXT, "", "context unknown");
    }
    int row = legendRows(i);
    legendRow(s, LEFT, y + 20 * row++, "white", RED,
        "bus error or overlap (red outline and tick)");
    legendRow(s, LEFT, y + 20 * row, "white", "black", "control event (dashed line)");
    s.append("</g>\n");
  }

  private static void legendItem(StringBuilder s, int i, int y, String fill, String stroke,
      String text) {
    legendRow(s, LEFT + (i % LEGEND_COLUMNS) * LEGEND_COLUMN_WIDTH,
        y + 20 * (i / LEGEND_COLUMNS), fill, stroke, text);
  }

  private static void legendRow(StringBuilder s, int x, int y, String fill, String stroke,
      String text) {
    s.append("<rect x=\"").append(x).append("\" y=\"").append(y - 10)
        .append("\" width=\"14\" height=\"12\" fill=\"").append(fill).append('"');
    if (!stroke.isEmpty()) {
      s.append(" stroke=\"").append(stroke).append("\" stroke-width=\"2\"");
    }
    s.append("/><text x=\"").append(x + 20).append("\" y=\"").append(y).append("\">")
        .append(escape(text)).append("</text>");
  }

  private static String num(double v) {
    String t = String.format(Locale.ROOT, "%.3f", v);
    t = t.contains(".") ? t.replaceAll("0+$", "") : t;
    return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
  }

  /**
   * Escapes text for XML content and double-quoted attribute values.
   *
   * @param text the text
   * @return the escaped text
   */
  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
      }
    }
    return b.toString();
  }
}
