package dev.medialife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medialife.kernel.trace.TraceEvent;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The {@code --timeline} SVG, parsed with the JDK's XML parser: the demo's lanes, bars and
 * markers, red marks only when the cores collide, and escaping of hostile names.
 */
@Timeout(120)
class SvgTimelineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String G1 = "imx8mq-vpu-g1";
  private static final String G2 = "imx8mq-vpu-g2";

  static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    DocumentBuilder b = f.newDocumentBuilder();
    return b.parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  static List<Element> byClass(Document d, String tag, String cls) {
    List<Element> out = new ArrayList<>();
    NodeList all = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", tag);
    for (int i = 0; i < all.getLength(); i++) {
      Element e = (Element) all.item(i);
      if ((" " + e.getAttribute("class") + " ").contains(" " + cls + " ")) {
        out.add(e);
      }
    }
    return out;
  }

  static Map<String, Integer> barsPerCore(Document d) {
    Map<String, Integer> bars = new HashMap<>();
    for (Element bar : byClass(d, "rect", "job")) {
      bars.merge(bar.getAttribute("data-core"), 1, Integer::sum);
    }
    return bars;
  }

  static boolean hasRed(Document d) {
    return !byClass(d, "rect", "fault").isEmpty() || !byClass(d, "line", "overlap").isEmpty()
        || !byClass(d, "line", "bus-error").isEmpty();
  }

  @Test
  void demoTimelineHasOneLanePerCoreABarPerJobAndTheMarkers(@TempDir Path dir)
      throws Exception {
    Path svg = dir.resolve("demo.svg");
    Cli r = Cli.run("demo", "--json", "--timeline", svg.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.err().contains("timeline written to " + svg), r.err());
    JsonNode jobs = JSON.readTree(r.out()).get("jobs");

    Document d = parse(Files.readString(svg));
    Element root = d.getDocumentElement();
    assertEquals("svg", root.getLocalName());
    assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());
    int width = Integer.parseInt(root.getAttribute("width"));
    int height = Integer.parseInt(root.getAttribute("height"));
    assertTrue(width > 0 && height > 0);
    assertEquals("0 0 " + width + " " + height, root.getAttribute("viewBox"));

    List<Element> lanes = byClass(d, "g", "lane");
    assertEquals(2, lanes.size(), "one lane per core");
    assertEquals(G1, lanes.get(0).getAttribute("data-core"));
    assertEquals(G2, lanes.get(1).getAttribute("data-core"));
    assertEquals(G1, lanes.get(0).getTextContent());
    assertEquals(G2, lanes.get(1).getTextContent());

    Map<String, Integer> bars = barsPerCore(d);
    assertEquals(jobs.get(G1).asInt(), bars.get(G1), "a bar per G1 job");
    assertEquals(jobs.get(G2).asInt(), bars.get(G2), "a bar per G2 job");
    assertEquals(2, bars.size(), bars.toString());
    assertFalse(hasRed(d), "the shared scheduler serialises the cores: no red mark");

    Set<String> contexts = new HashSet<>();
    for (Element bar : byClass(d, "rect", "job")) {
      String ctx = bar.getAttribute("data-ctx");
      assertFalse(ctx.isEmpty(), "every job's context is known");
      assertEquals(SvgTimeline.colour(Long.parseLong(ctx)), bar.getAttribute("fill"));
      contexts.add(ctx);
    }
    assertTrue(contexts.size() >= 4, "the demo's decode sessions: " + contexts);

    Set<String> markers = new HashSet<>();
    for (Element m : byClass(d, "g", "marker")) {
      markers.add(m.getAttribute("data-event") + "=" + m.getTextContent());
    }
    assertEquals(Set.of("unbind G2=unbind G2", "bind G2=rebind G2", "unplug=unplug stick",
        "plug=replug stick"), markers);

    List<Element> ticks = byClass(d, "line", "tick");
    assertTrue(ticks.size() >= 3 && ticks.size() <= 11, "ticks: " + ticks.size());
    String legend = byClass(d, "g", "legend").get(0).getTextContent();
    assertTrue(legend.contains("bus error or overlap"), legend);
    for (String c : contexts) {
      assertTrue(legend.contains("context " + c), legend);
    }
  }

  @Test
  void withTheSharedSchedulerRevertedTheTimelineShowsRedMarks(@TempDir Path dir)
      throws Exception {
    Path svg = dir.resolve("reverted.svg");
    Cli r = Cli.run("demo", "--json", "--revert", "hantro-shared-scheduler",
        "--timeline", svg.toString());
    assertEquals(Main.EXIT_FAILED, r.status(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertTrue(j.get("overlaps").asLong() > 0);
    Document d = parse(Files.readString(svg));
    assertTrue(hasRed(d), "the colliding cores are marked");
    assertFalse(byClass(d, "line", "overlap").isEmpty(), "overlaps are marked");
    assertFalse(byClass(d, "line", "bus-error").isEmpty(), "bus errors are marked");
    for (Element f : byClass(d, "rect", "fault")) {
      assertEquals(SvgTimeline.RED, f.getAttribute("stroke"));
    }
  }

  @Test
  void unwritableTimelineIsAnErrorWithoutAStackTrace(@TempDir Path dir) {
    Path missing = dir.resolve("no-such-dir").resolve("t.svg");
    Cli r = Cli.run("demo", "--json", "--timeline", missing.toString());
    assertEquals(Main.EXIT_FAILED, r.status());
    String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
    assertTrue(last.startsWith("medialife demo: cannot write the timeline to " + missing), last);
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(Files.exists(missing));
  }

  private static TraceEvent ev(long t, String cat, String name, TraceEvent.Phase ph, String track,
      Map<String, Object> args) {
    return new TraceEvent(t, cat, name, ph, track, args);
  }

  @Test
  void namesAreEscapedAndSyntheticFaultsAreDrawn() throws Exception {
    String core = "core<&>\"'";
    String other = "b-core";
    List<TraceEvent> events = List.of(
        ev(1_000_000, "v4l2-m2m", "started", TraceEvent.Phase.INSTANT, "v4l2_m2m_dev#0",
            Map.of("ctx", 3)),
        ev(2_000_000, SvgTimeline.CORE_CATEGORY, "decode", TraceEvent.Phase.BEGIN, core,
            Map.of()),
        ev(3_000_000, SvgTimeline.CORE_CATEGORY, "decode", TraceEvent.Phase.BEGIN, other,
            Map.of()),
        ev(4_000_000, SvgTimeline.CORE_CATEGORY, "decode", TraceEvent.Phase.END, core,
            Map.of("outcome", "BUS_ERROR")),
        ev(4_500_000, SvgTimeline.CORE_CATEGORY, "decode", TraceEvent.Phase.END, "nobody",
            Map.of()),
        ev(5_000_000, "demo", "unplug", TraceEvent.Phase.INSTANT, "control", Map.of()),
        ev(5_500_000, "demo", "unplug", TraceEvent.Phase.INSTANT, "elsewhere", Map.of()),
        ev(6_000_000, "demo", "irq", TraceEvent.Phase.INSTANT, "control", Map.of()));
    String svg = SvgTimeline.render("title <&> here", events);
    Document d = parse(svg);
    assertEquals("title <&> here",
        d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "title").item(0).getTextContent());
    List<Element> lanes = byClass(d, "g", "lane");
    assertEquals(2, lanes.size());
    assertEquals(other, lanes.get(0).getAttribute("data-core"));
    assertEquals(core, lanes.get(1).getAttribute("data-core"));
    assertEquals(core, lanes.get(1).getTextContent());
    List<Element> bars = byClass(d, "rect", "job");
    assertEquals(2, bars.size());
    Element first = bars.get(0);
    assertEquals(core, first.getAttribute("data-core"));
    assertEquals("3", first.getAttribute("data-ctx"));
    assertEquals(SvgTimeline.colour(3L), first.getAttribute("fill"));
    assertEquals(SvgTimeline.RED, first.getAttribute("stroke"), "bus error");
    Element second = bars.get(1);
    assertEquals("", second.getAttribute("data-ctx"), "no started event: context unknown");
    assertTrue(second.getAttribute("class").contains("fault"), "began while the other ran");
    assertEquals(1, byClass(d, "line", "bus-error").size());
    assertEquals(1, byClass(d, "line", "overlap").size());
    assertEquals(1, byClass(d, "g", "marker").size(), "only control-track markers");
    assertTrue(svg.contains("core&lt;&amp;&gt;&quot;&apos;"), svg);
  }

  @Test
  void markerLabelsCloseTogetherTakeSeparateRowsAndStayInsideThePicture() throws Exception {
    List<TraceEvent> events = List.of(
        ev(0, SvgTimeline.CORE_CATEGORY, "decode", TraceEvent.Phase.BEGIN, G1, Map.of()),
        ev(500_000_000, "demo", "unbind G2", TraceEvent.Phase.INSTANT, "control", Map.of()),
        ev(500_100_000, "demo", "bind G2", TraceEvent.Phase.INSTANT, "control", Map.of()),
        ev(500_200_000, "demo", "unplug", TraceEvent.Phase.INSTANT, "control", Map.of()),
        ev(900_000_000, SvgTimeline.CORE_CATEGORY, "decode", TraceEvent.Phase.END, G1, Map.of()),
        ev(950_000_000, "demo", "unplug", TraceEvent.Phase.INSTANT, "control", Map.of()),
        ev(1_000_000_000, "demo", "plug", TraceEvent.Phase.INSTANT, "control", Map.of()));
    Document d = parse(SvgTimeline.render("markers", events));
    List<Element> labels = new ArrayList<>();
    for (Element m : byClass(d, "g", "marker")) {
      labels.add((Element) m.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text").item(0));
    }
    assertEquals(5, labels.size());
    assertNotEquals(labels.get(0).getAttribute("y"), labels.get(1).getAttribute("y"),
        "unbind and rebind within 0.1 ms: the second label goes up a row");
    assertEquals(labels.get(0).getAttribute("y"), labels.get(2).getAttribute("y"),
        "no free row left: back to the first");
    assertEquals("", labels.get(3).getAttribute("text-anchor"), "room on the right");
    assertEquals(labels.get(0).getAttribute("y"), labels.get(3).getAttribute("y"));
    assertEquals("end", labels.get(4).getAttribute("text-anchor"),
        "at the right edge the label is drawn left of its line");
    assertNotEquals(labels.get(3).getAttribute("y"), labels.get(4).getAttribute("y"),
        "and it would run into the unplug label, so it goes up a row");
    String legend = byClass(d, "g", "legend").get(0).getTextContent();
    assertTrue(legend.contains("context unknown"), "the job had no started event: " + legend);
  }

  @Test
  void eachCoreGetsItsOwnContextEvenWithOneSchedulerPerCore() throws Exception {
    // With the shared-scheduler fix reverted each core has its own scheduler, and both may pick
    // a job before either core starts: the newer started event belongs to the other core.
    List<TraceEvent> events = List.of(
        ev(1_000_000, "v4l2-m2m", "started", TraceEvent.Phase.INSTANT, "v4l2_m2m_dev#1",
            Map.of("ctx", 1, "owner", G1)),
        ev(1_100_000, "v4l2-m2m", "started", TraceEvent.Phase.INSTANT, "v4l2_m2m_dev#2",
            Map.of("ctx", 2, "owner", G2)),
        ev(1_200_000, SvgTimeline.CORE_CATEGORY, "decode", TraceEvent.Phase.BEGIN, G1, Map.of()),
        ev(1_300_000, SvgTimeline.CORE_CATEGORY, "decode", TraceEvent.Phase.BEGIN, G2, Map.of()),
        ev(2_000_000, SvgTimeline.CORE_CATEGORY, "decode", TraceEvent.Phase.END, G1, Map.of()),
        ev(2_100_000, SvgTimeline.CORE_CATEGORY, "decode", TraceEvent.Phase.END, G2, Map.of()));
    List<SvgTimeline.Job> jobs = SvgTimeline.jobs(events);
    assertEquals(2, jobs.size());
    assertEquals(G1, jobs.get(0).core());
    assertEquals(1L, jobs.get(0).ctx());
    assertEquals(G2, jobs.get(1).core());
    assertEquals(2L, jobs.get(1).ctx());
    Document d = parse(SvgTimeline.render("two schedulers", events));
    assertEquals(1, byClass(d, "line", "overlap").size(), "G2 began while G1 decoded");
  }

  @Test
  void emptyTraceStillGivesAValidDocument() throws Exception {
    Document d = parse(SvgTimeline.render("empty", List.of()));
    assertEquals("svg", d.getDocumentElement().getLocalName());
    assertTrue(byClass(d, "g", "lane").isEmpty());
    assertTrue(byClass(d, "rect", "job").isEmpty());
  }

  @Test
  void helpers() {
    assertEquals(SvgTimeline.PALETTE.get(2), SvgTimeline.colour(12L));
    assertEquals(SvgTimeline.PALETTE.get(8), SvgTimeline.colour(-2L));
    assertEquals(1.0, SvgTimeline.tickStep(7.0), 1e-9);
    assertEquals(50.0, SvgTimeline.tickStep(420.0), 1e-9);
    assertEquals(500.0, SvgTimeline.tickStep(4200.0), 1e-9);
    assertEquals("a b", SvgTimeline.escape("a\u0001b"));
    assertEquals("x\ny", SvgTimeline.escape("x\ny"));
    assertNull(SvgTimeline.jobs(List.of(ev(1, SvgTimeline.CORE_CATEGORY, "decode",
        TraceEvent.Phase.BEGIN, "c", Map.of()))).get(0).ctx());
  }
}
