package dev.medialife.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;

/** The report tool on a small hand-written JMH result: ratios, error bars, splice, SVG. */
class BenchReportTest {
  private static final String JSON =
      "[{\"benchmark\":\"dev.medialife.bench.KrefBench.uncontended_kref\",\"params\":{},"
          + "\"primaryMetric\":{\"score\":20.0,\"scoreError\":2.0,\"scoreUnit\":\"ns/op\"}},"
          + "{\"benchmark\":\"dev.medialife.bench.KrefBench.uncontended_netty\","
          + "\"primaryMetric\":{\"score\":25.0,\"scoreError\":\"NaN\",\"scoreUnit\":\"ns/op\"}},"
          + "{\"benchmark\":\"dev.medialife.bench.M2mDispatchBench.m2mScheduler\","
          + "\"params\":{\"contexts\":\"1\"},"
          + "\"primaryMetric\":{\"score\":100.0,\"scoreError\":10.0,\"scoreUnit\":\"ns/op\"}},"
          + "{\"benchmark\":\"dev.medialife.bench.M2mDispatchBench.m2mScheduler\","
          + "\"params\":{\"contexts\":\"10000\"},"
          + "\"primaryMetric\":{\"score\":300.0,\"scoreError\":30.0,\"scoreUnit\":\"ns/op\"}}]";

  @Test
  void ratiosCarryPropagatedErrorsAndVerdicts(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("r.json");
    Files.writeString(json, JSON, StandardCharsets.UTF_8);
    Results r = Results.read(json);
    assertEquals(4, r.scores().size());
    Results.Score k = r.find("KrefBench.uncontended_kref").orElseThrow();
    assertEquals(Map.of(), k.params());
    assertTrue(Double.isNaN(r.find("KrefBench.uncontended_netty").orElseThrow().error()));

    List<Ratio> rows = BenchReport.rows(r);
    Ratio netty = rows.get(0);
    assertEquals(0.8, netty.value(), 1e-9);
    assertEquals(0.08, netty.error(), 1e-9, "10 % relative error, the peer's unknown one as 0");
    assertTrue(netty.met());
    Ratio atomic = rows.get(1);
    assertFalse(atomic.measured(), "no AtomicInteger score in the file");
    assertTrue(atomic.markdownRow().endsWith("| not measured |"));
    Ratio scaling = rows.stream().filter(x -> x.what().startsWith("m2m cost per job"))
        .findFirst().orElseThrow();
    assertEquals(3.0, scaling.value(), 1e-9);
    assertEquals(3.0 * Math.sqrt(0.02), scaling.error(), 1e-9);
    assertFalse(scaling.met());
    assertTrue(scaling.markdownRow().contains("3.00× ± 0.42"), scaling.markdownRow());
    assertTrue(scaling.markdownRow().contains("**missed**"));
  }

  @Test
  void rewritesOnlyTheGeneratedPartAndWritesParsableSvg(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("r.json");
    Files.writeString(json, JSON, StandardCharsets.UTF_8);
    Path md = dir.resolve("benchmarks.md");
    Files.writeString(md, "# B\n\nkept above\n\n" + BenchReport.BEGIN + "\nold table\n"
        + BenchReport.END + "\n\nkept below\n", StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = BenchReport.run(new String[] {json.toString(), md.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
    String doc = Files.readString(md, StandardCharsets.UTF_8);
    assertTrue(doc.contains("kept above") && doc.contains("kept below"));
    assertFalse(doc.contains("old table"));
    assertTrue(doc.contains("| Kref get+put, 1 thread | Netty retain+release |"));
    for (String c : BenchReport.CHARTS) {
      String svg = Files.readString(dir.resolve(c), StandardCharsets.UTF_8);
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      assertEquals("svg", f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)))
          .getDocumentElement().getNodeName());
    }
    String m2m = Files.readString(dir.resolve(BenchReport.CHARTS.get(0)), StandardCharsets.UTF_8);
    assertEquals(2, m2m.split("<circle", -1).length - 1, "one point per measured context count");
  }

  @Test
  void badInputGivesAnExitStatusNotAStackTrace(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertEquals(2, BenchReport.run(new String[] {"only-one"}, o, e));
    Path json = dir.resolve("bad.json");
    Files.writeString(json, "{\"not\":\"an array\"}", StandardCharsets.UTF_8);
    assertEquals(1, BenchReport.run(new String[] {json.toString(), dir.resolve("b.md").toString()},
        o, e));
    Path good = dir.resolve("good.json");
    Files.writeString(good, JSON, StandardCharsets.UTF_8);
    Path md = dir.resolve("nomarkers.md");
    Files.writeString(md, "# no markers\n", StandardCharsets.UTF_8);
    assertEquals(1, BenchReport.run(new String[] {good.toString(), md.toString()}, o, e));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("lacks the markers"));
    assertThrows(IllegalArgumentException.class, () -> BenchReport.splice("x", "y"));
    assertEquals(Optional.empty(), Results.read(good).find("Nope.nope"));
  }
}
