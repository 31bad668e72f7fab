package dev.medialife.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code medialife} command: the entry point of the executable jar. Subcommands print to the
 * command line's writers (standard output and error unless a test supplies its own); logs go
 * through SLF4J to standard error.
 */
@Command(
    name = "medialife",
    mixinStandardHelpOptions = true,
    version = "medialife 0.1.0",
    description = "An executable model of the Linux media subsystem: boot simulated boards, "
        + "drive their drivers like userspace would, and watch the object lifetimes.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      TopologyCommand.class,
      SymbolsCommand.class,
      StressCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  /** Exit status of a successful run. */
  public static final int EXIT_OK = 0;

  /** Exit status of a run whose checks failed, or that could not run. */
  public static final int EXIT_FAILED = 1;

  /** Exit status of a usage error (picocli's convention). */
  public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;

  @Spec @SuppressWarnings("NullAway.Init") // injected by picocli before call()
  private CommandSpec spec;

  /** Picocli instantiates the command. */
  public Main() {}

  /**
   * Runs the command line and exits the JVM with its status.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(out, err, args));
  }

  /**
   * Runs the command line with the given writers.
   *
   * @param out where results go
   * @param err where errors and usage help for bad input go
   * @param args the arguments
   * @return the exit status: 0 ok, 1 failed, 2 usage error
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      LOG.debug("{} failed", cmd.getCommandName(), ex);
      cmd.getErr().println("medialife " + cmd.getCommandName() + ": " + ex.getMessage());
      cmd.getErr().flush();
      return EXIT_FAILED;
    });
    int status = cl.execute(args);
    out.flush();
    err.flush();
    return status;
  }

  /** Without a subcommand: the usage, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println("medialife: missing command");
    spec.commandLine().usage(spec.commandLine().getErr());
    return EXIT_USAGE;
  }

  /** The JSON mapper every command prints with: indented, fields in declaration order. */
  static ObjectMapper mapper() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }
}
