package dev.medialife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Help on every command, conventional exit codes, and never a stack trace on bad input. */
class CommandLineTest {
  @Test
  void topLevelHelpListsTheCommands() {
    Cli r = Cli.run("--help");
    assertEquals(0, r.status());
    for (String c : new String[] {"demo", "topology", "symbols", "help"}) {
      assertTrue(r.out().contains("  " + c), r.out());
    }
    assertTrue(r.out().startsWith("Usage: medialife"), r.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "topology", "symbols"})
  void everyCommandHasHelp(String command) {
    Cli r = Cli.run(command, "--help");
    assertEquals(0, r.status());
    assertTrue(r.out().startsWith("Usage: medialife " + command), r.out());
    assertTrue(r.out().contains("-h, --help"));
    Cli viaHelp = Cli.run("help", command);
    assertEquals(0, viaHelp.status());
    assertEquals(r.out(), viaHelp.out());
  }

  @Test
  void version() {
    Cli r = Cli.run("--version");
    assertEquals(0, r.status());
    assertEquals("medialife 0.1.0", r.out().strip());
  }

  @Test
  void noCommandIsAUsageError() {
    Cli r = Cli.run();
    assertEquals(Main.EXIT_USAGE, r.status());
    assertEquals(2, r.status());
    assertTrue(r.err().startsWith("medialife: missing command"), r.err());
    assertTrue(r.err().contains("Usage: medialife"));
  }

  @Test
  void unknownCommandIsAUsageError() {
    Cli r = Cli.run("frobnicate");
    assertUsageError(r, "Unmatched argument at index 0: 'frobnicate'");
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertUsageError(Cli.run("demo", "--bogus"), "Unknown option: '--bogus'");
  }

  @Test
  void badBoardIsAUsageError() {
    assertUsageError(Cli.run("topology", "--board", "pdp11"),
        "Invalid value for option '--board'");
  }

  @Test
  void badFormatIsAUsageError() {
    assertUsageError(Cli.run("topology", "--format", "svg"), "Invalid value for option '--format'");
    assertUsageError(Cli.run("symbols", "--format", "yaml"), "Invalid value for option '--format'");
  }

  @Test
  void missingOptionValueIsAUsageError() {
    assertUsageError(Cli.run("demo", "--trace"), "Missing required parameter for option '--trace'");
  }

  private static void assertUsageError(Cli r, String message) {
    assertEquals(2, r.status());
    assertTrue(r.err().contains(message), r.err());
    assertTrue(r.err().contains("Usage: medialife"), "usage follows the message: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertEquals("", r.out());
  }
}
