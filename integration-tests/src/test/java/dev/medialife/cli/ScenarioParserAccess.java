package dev.medialife.cli;

import org.jspecify.annotations.Nullable;

/**
 * The scenario parser of {@code medialife run} is package-private to the CLI; this test-only
 * class, in the CLI's package on the test class path, hands the fuzz targets exactly what {@code
 * medialife run} gets from it: a scenario or the one {@link ScenarioFile.Malformed} message.
 */
public final class ScenarioParserAccess {
  private ScenarioParserAccess() {}

  /**
   * Parses and checks scenario text as {@code medialife run} does.
   *
   * @param name the file name the messages name
   * @param text the YAML
   * @return null when the text is a valid scenario, else the problem as {@code medialife run}
   *     prints it
   */
  public static @Nullable String problem(String name, String text) {
    try {
      ScenarioFile.parse(name, text);
      return null;
    } catch (ScenarioFile.Malformed m) {
      String msg = m.getMessage();
      return msg == null ? "" : msg;
    }
  }
}
