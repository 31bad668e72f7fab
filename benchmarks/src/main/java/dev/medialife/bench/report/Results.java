package dev.medialife.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The scores of one JMH run, read from its JSON output ({@code -rf json}). */
public final class Results {
  /**
   * One benchmark's primary score.
   *
   * @param benchmark the benchmark's short name, {@code Class.method} (or {@code Class.group})
   * @param params the JMH parameters, sorted by name
   * @param score the mean
   * @param error the 99.9 % confidence half-width, NaN when JMH could not compute one
   * @param unit the score's unit, such as {@code ns/op}
   */
  public record Score(
      String benchmark, Map<String, String> params, double score, double error, String unit) {
    /**
     * The error, or 0 when unknown.
     *
     * @return a finite error
     */
    public double errorOrZero() {
      return Double.isFinite(error) ? error : 0;
    }
  }

  private final List<Score> scores;

  /**
   * Results from scores.
   *
   * @param scores the scores
   */
  public Results(List<Score> scores) {
    this.scores = List.copyOf(scores);
  }

  /**
   * Reads a JMH JSON result file.
   *
   * @param file the file
   * @return the results
   * @throws IOException if it cannot be read or is not JMH's JSON
   */
  public static Results read(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    if (root == null || !root.isArray()) {
      throw new IOException(file + " is not a JMH JSON result (no top-level array)");
    }
    List<Score> out = new ArrayList<>();
    for (JsonNode b : root) {
      String name = b.path("benchmark").asText("");
      JsonNode pm = b.path("primaryMetric");
      if (name.isEmpty() || pm.isMissingNode()) {
        throw new IOException(file + ": an entry without benchmark or primaryMetric");
      }
      Map<String, String> params = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : b.path("params").properties()) {
        params.put(e.getKey(), e.getValue().asText());
      }
      JsonNode err = pm.path("scoreError");
      double error = err.isNumber() ? err.asDouble() : Double.NaN;
      out.add(new Score(shortName(name), params, pm.path("score").asDouble(Double.NaN), error,
          pm.path("scoreUnit").asText("")));
    }
    return new Results(out);
  }

  /** {@code dev.medialife.bench.KrefBench.krefUncontended} → {@code KrefBench.krefUncontended}. */
  static String shortName(String fqn) {
    int method = fqn.lastIndexOf('.');
    int cls = method <= 0 ? -1 : fqn.lastIndexOf('.', method - 1);
    return cls < 0 ? fqn : fqn.substring(cls + 1);
  }

  /**
   * Every score.
   *
   * @return the scores in file order
   */
  public List<Score> scores() {
    return scores;
  }

  /**
   * The score of a benchmark with the given parameters.
   *
   * @param benchmark {@code Class.method}
   * @param params parameter name/value pairs that must all match (others are ignored)
   * @return the score, if measured
   */
  public Optional<Score> find(String benchmark, String... params) {
    for (Score s : scores) {
      if (!s.benchmark().equals(benchmark)) {
        continue;
      }
      boolean match = true;
      for (int i = 0; i + 1 < params.length; i += 2) {
        match &= params[i + 1].equals(s.params().get(params[i]));
      }
      if (match) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
