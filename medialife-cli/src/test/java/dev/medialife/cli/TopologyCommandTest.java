package dev.medialife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code medialife topology} in every format and for every board. */
class TopologyCommandTest {
  private static final Pattern NODE = Pattern.compile("^\\t(n[0-9a-f]+) \\[label=", Pattern.MULTILINE);
  private static final Pattern EDGE =
      Pattern.compile("^\\t(n[0-9a-f]+)(?::port\\d+)? -> (n[0-9a-f]+)(?::port\\d+)?",
          Pattern.MULTILINE);

  /** A DOT digraph: its node names and its edges' endpoints. */
  record Digraph(Set<String> nodes, List<String[]> edges) {}

  /** Splits DOT output into digraphs and checks each is a well-formed digraph. */
  static List<Digraph> parseDot(String dot) {
    List<Digraph> out = new ArrayList<>();
    String[] parts = dot.split("(?m)^digraph board \\{\\n", -1);
    assertEquals("", parts[0].strip(), "nothing before the first digraph");
    for (int i = 1; i < parts.length; i++) {
      String body = parts[i].stripTrailing();
      assertTrue(body.endsWith("}"), "digraph " + i + " is closed");
      assertFalse(body.substring(0, body.length() - 1).contains("\n}"), "one digraph per block");
      Set<String> nodes = new HashSet<>();
      Matcher m = NODE.matcher(body);
      while (m.find()) {
        assertTrue(nodes.add(m.group(1)), "node declared once: " + m.group(1));
      }
      List<String[]> edges = new ArrayList<>();
      Matcher e = EDGE.matcher(body);
      while (e.find()) {
        assertTrue(nodes.contains(e.group(1)) && nodes.contains(e.group(2)),
            "edge between declared nodes: " + e.group());
        edges.add(new String[] {e.group(1), e.group(2)});
      }
      out.add(new Digraph(nodes, edges));
    }
    return out;
  }

  @Test
  void textOfTheDefaultBoard() {
    Cli r = Cli.run("topology");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("# hantro-vpu"));
    assertTrue(r.out().contains("# HVR-950Q"));
    assertTrue(r.out().contains("Media controller API version"), r.out());
    assertTrue(r.out().contains("- entity "));
  }

  @Test
  void dotOfTheDefaultBoardIsOneDigraphPerMediaDevice() {
    Cli r = Cli.run("topology", "--format", "dot");
    assertEquals(0, r.status(), r.err());
    List<Digraph> graphs = parseDot(r.out());
    assertEquals(3, graphs.size(), "G1, G2 and the stick");
    // A Hantro decoder: source, processing and sink entities; the stick: 9 entities.
    assertEquals(3, graphs.get(0).nodes().size());
    assertEquals(3, graphs.get(1).nodes().size());
    assertEquals(9, graphs.get(2).nodes().size());
    assertTrue(graphs.get(0).edges().size() >= 2);
  }

  @Test
  void jsonOfTheDefaultBoard() throws Exception {
    Cli r = Cli.run("topology", "--format", "json");
    assertEquals(0, r.status(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals("default", j.get("board").asText());
    JsonNode devices = j.get("mediaDevices");
    assertEquals(3, devices.size());
    assertEquals("hantro-vpu", devices.get(0).get("device").get("model").asText());
    assertEquals("HVR-950Q", devices.get(2).get("device").get("model").asText());
    assertEquals("au0828", devices.get(2).get("device").get("driver").asText());
    for (JsonNode d : devices) {
      for (String field : new String[] {"version", "device", "entities", "interfaces", "links"}) {
        assertTrue(d.has(field), field);
      }
      assertTrue(d.get("entities").size() > 0);
      for (JsonNode l : d.get("links")) {
        assertTrue(l.has("source_id") && l.has("sink_id"));
      }
    }
    assertEquals(9, devices.get(2).get("entities").size());
  }

  @ParameterizedTest
  @EnumSource(Board.Kind.class)
  void everyBoardPrintsItsGraphs(Board.Kind kind) {
    Cli r = Cli.run("topology", "--board", kind.cliName(), "--format", "dot");
    assertEquals(0, r.status(), r.err());
    int expected = (kind.soc() == null ? 0 : 2) + (kind.hasStick() ? 1 : 0);
    assertEquals(expected, parseDot(r.out()).size(), kind.toString());
  }

  @Test
  void boardNamesAreCaseInsensitive() {
    Cli r = Cli.run("topology", "--board", "IMX8MM", "--format", "JSON");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("\"board\" : \"imx8mm\""), r.out());
  }
}
