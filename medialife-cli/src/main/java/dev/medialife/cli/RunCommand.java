package dev.medialife.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code medialife run SCENARIO.yaml...}: runs scenario files and prints their reports. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs scenario files (YAML; the format is in docs/scenarios.md): boots the scenario's "
          + "board with its patch switches and sanitizers, runs its tasks and control sequence, "
          + "and checks its expectations. Prints a summary per scenario, or the JSON report.",
      "Exit status: 0 when every expectation held and no unexpected sanitizer report appeared, "
          + "1 otherwise, 2 for a malformed scenario (nothing runs then)."
    })
final class RunCommand implements Callable<Integer> {
  @Spec @SuppressWarnings("NullAway.Init") // injected by picocli
  private CommandSpec spec;

  @Option(names = "--json", description = "Print the JSON report (an array for several files).")
  private boolean json;

  @Parameters(arity = "1..*", paramLabel = "SCENARIO", description = "Scenario files to run.")
  private List<Path> files = new ArrayList<>();

  RunCommand() {}

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Scenario> scenarios = new ArrayList<>();
    for (Path f : files) {
      try {
        scenarios.add(ScenarioFile.load(f));
      } catch (ScenarioFile.Malformed e) {
        err.println("medialife run: " + e.getMessage());
        err.flush();
        return Main.EXIT_USAGE;
      }
    }
    PrintWriter progress = json ? err : out;
    List<RunReport> reports = new ArrayList<>();
    for (Scenario s : scenarios) {
      progress.println("scenario " + s.name() + " (seed " + s.seed().describe() + ")");
      progress.flush();
      RunReport r = new ScenarioRunner(s, line -> {
        progress.println(line);
        progress.flush();
      }).run();
      reports.add(r);
      if (!json) {
        summary(out, r);
      }
    }
    if (json) {
      ObjectMapper mapper = Main.mapper();
      out.println(mapper.writeValueAsString(reports.size() == 1 ? reports.get(0) : reports));
    }
    out.flush();
    return reports.stream().allMatch(RunReport::ok) ? Main.EXIT_OK : Main.EXIT_FAILED;
  }

  /** The human summary of one run. */
  static void summary(PrintWriter out, RunReport r) {
    out.println();
    out.println("== " + r.scenario() + " ==");
    out.println("board:        " + r.board());
    if (!r.jobs().isEmpty()) {
      out.println("jobs:         " + join(r.jobs()));
      out.println("overlaps:     " + r.overlaps());
      out.println("bus errors:   " + r.busErrors());
    }
    out.println("buffers:      queued " + r.buffers().queued() + ", returned "
        + r.buffers().returned());
    out.println("syscalls:     " + r.syscalls().total() + " (failed: "
        + (r.syscalls().errors().isEmpty() ? "none" : join(r.syscalls().errors())) + ")");
    Map<String, Long> kinds = new java.util.TreeMap<>();
    for (RunReport.SanitizerReport s : r.reports()) {
      kinds.merge(s.kind(), 1L, Long::sum);
    }
    out.println("sanitizers:   " + (kinds.isEmpty() ? "no reports" : join(kinds)) + ", "
        + r.leaks() + " leaks");
    long held = r.expectations().stream().filter(RunReport.Expectation::ok).count();
    out.println("checks:       " + held + "/" + r.expectations().size() + " held");
    for (RunReport.Expectation e : r.expectations()) {
      out.println((e.ok() ? "  ok      " : "  FAILED  ") + e.text());
    }
    out.println("verdict:      " + (r.ok() ? "OK" : "FAILED") + " in " + r.durationMs() + " ms");
  }

  private static String join(Map<String, Long> m) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Long> e : m.entrySet()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
    }
    return sb.toString();
  }
}
