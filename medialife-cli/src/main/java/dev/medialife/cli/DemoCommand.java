package dev.medialife.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.trace.TraceRecorder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medialife demo}: the main job on the default board. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Boots the default board (i.MX8MQ VPU with G1 and G2, and a USB TV stick), decodes H.264 "
          + "and HEVC on both cores at once, unbinds and rebinds G2 while G1 decodes, streams "
          + "video and audio from the stick, pulls it out mid-stream with fds open and plugs it "
          + "back, then prints a summary with the sanitizer verdict.",
      "Exit status: 0 when every check held, 1 otherwise."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec @SuppressWarnings("NullAway.Init") // injected by picocli
  private CommandSpec spec;

  @Option(names = "--json", description = "Print the JSON report instead of the summary.")
  private boolean json;

  @Option(names = "--trace", paramLabel = "FILE",
      description = "Write a Chrome trace-event JSON file (open it in Perfetto).")
  private @Nullable Path trace;

  @Option(names = "--timeline", paramLabel = "FILE",
      description = "Draw the decoder cores' jobs as an SVG timeline (open it in a browser).")
  private @Nullable Path timeline;

  @Option(names = "--revert", paramLabel = "SWITCH", converter = PatchSwitchConverter.class,
      description = "Run with a fix reverted (its patch switch off), to watch what it fixed: "
          + "media-lifetime-rules, m2m-kref, hantro-shared-scheduler, hantro-shared-lock, "
          + "media-allocator or allocator-lookup-fix. Repeatable.")
  private List<PatchSwitch> revert = new ArrayList<>();

  DemoCommand() {}

  /** Parses a patch switch by key or constant name. */
  static final class PatchSwitchConverter implements CommandLine.ITypeConverter<PatchSwitch> {
    PatchSwitchConverter() {}

    @Override
    public PatchSwitch convert(String value) {
      return PatchSwitch.byName(value).orElseThrow(() -> new CommandLine.TypeConversionException(
          "unknown patch switch '" + value + "'"));
    }
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter progress = json ? err : out;
    progress.println("medialife demo: " + Board.Kind.DEFAULT.describe());
    progress.flush();
    for (PatchSwitch p : revert) {
      p.set(false);
      progress.println("reverted: " + p);
    }
    Demo demo = new Demo(line -> {
      progress.println(line);
      progress.flush();
    });
    RunReport report;
    try {
      report = demo.run();
    } finally {
      PatchSwitch.resetAll();
    }
    ObjectMapper mapper = Main.mapper();
    Path t = trace;
    if (t != null) {
      mapper.writeValue(t.toFile(), ChromeTrace.render(TraceRecorder.global().snapshot(), mapper));
      progress.println("trace written to " + t + " (open it at https://ui.perfetto.dev)");
    }
    Path tl = timeline;
    if (tl != null) {
      String svg = SvgTimeline.render("medialife demo: " + report.board(),
          TraceRecorder.global().snapshot());
      try {
        Files.writeString(tl, svg, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IOException("cannot write the timeline to " + tl + " ("
            + e.getClass().getSimpleName() + ")", e);
      }
      progress.println("timeline written to " + tl);
    }
    if (json) {
      out.println(mapper.writeValueAsString(report));
    } else {
      summary(out, report, demo);
    }
    out.flush();
    return report.ok() ? Main.EXIT_OK : Main.EXIT_FAILED;
  }

  static void summary(PrintWriter out, RunReport r, Demo demo) {
    out.println();
    out.println("== summary ==");
    out.println("board:        " + r.board());
    out.println("topology:");
    for (String line : demo.topology()) {
      out.println("  " + line.strip());
    }
    StringBuilder jobs = new StringBuilder();
    for (Map.Entry<String, Long> e : r.jobs().entrySet()) {
      jobs.append(jobs.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
          .append(e.getValue());
    }
    out.println("jobs:         " + jobs);
    out.println("overlaps:     " + r.overlaps());
    out.println("bus errors:   " + r.busErrors());
    out.println("buffers:      queued " + r.buffers().queued() + ", returned "
        + r.buffers().returned());
    StringBuilder errors = new StringBuilder();
    for (Map.Entry<String, Long> e : r.syscalls().errors().entrySet()) {
      errors.append(errors.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
          .append(e.getValue());
    }
    out.println("syscalls:     " + r.syscalls().total() + " (failed: "
        + (errors.length() == 0 ? "none" : errors) + ")");
    sanitizersAndChecks(out, r);
    out.println("verdict:      " + (r.ok() ? "OK" : "FAILED") + " in " + r.durationMs() + " ms");
  }

  /**
   * The summary lines every run prints after its own figures: the sanitizers' verdict with each
   * report, and which expectations held.
   */
  static void sanitizersAndChecks(PrintWriter out, RunReport r) {
    out.println("sanitizers:   " + (r.reports().isEmpty() && r.leaks() == 0 ? "clean"
        : r.reports().size() + " report(s)") + " (" + r.reports().size() + " reports, "
        + r.leaks() + " leaks)");
    for (RunReport.SanitizerReport s : r.reports()) {
      out.println(s.text());
    }
    long held = r.expectations().stream().filter(RunReport.Expectation::ok).count();
    out.println("checks:       " + held + "/" + r.expectations().size() + " held");
    for (RunReport.Expectation e : r.expectations()) {
      if (!e.ok()) {
        out.println("  FAILED: " + e.text());
      }
    }
  }
}
