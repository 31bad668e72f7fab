package dev.medialife.it.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The module table is the design's: complete, consistent, closed and acyclic. */
class ModulesTest {

  @Test
  void tableListsEveryModuleOfTheDesignWithItsPackageRoots() {
    List<String> rows = new ArrayList<>();
    for (ReactorModule m : Modules.ALL) {
      rows.add(m.artifactId() + " " + m.kind() + " " + m.packagesUnder("dev.medialife"));
    }
    assertEquals(
        List.of(
            "kernel-lib FRAMEWORK [dev.medialife.kernel]",
            "driver-core FRAMEWORK [dev.medialife.driver]",
            "media-core FRAMEWORK [dev.medialife.mc]",
            "v4l2-core FRAMEWORK [dev.medialife.v4l2]",
            "v4l2-mem2mem FRAMEWORK [dev.medialife.m2m]",
            "media-allocator FRAMEWORK [dev.medialife.allocator]",
            "drivers-imx-codec DRIVER [dev.medialife.drivers.hantro, dev.medialife.hw.imx8m]",
            "drivers-usb-audio DRIVER [dev.medialife.drivers.au0828, dev.medialife.drivers.usbaudio,"
                + " dev.medialife.hw.usbtv]",
            "medialife-cli TOOL [dev.medialife.cli]",
            "integration-tests TESTS [dev.medialife.it]",
            "benchmarks TOOL [dev.medialife.bench]"),
        rows);
  }

  @Test
  void edgesAreTheDesignsEdges() {
    assertEquals(Set.of(), deps("kernel-lib"));
    assertEquals(Set.of("kernel-lib"), deps("driver-core"));
    assertEquals(Set.of("driver-core", "kernel-lib"), deps("media-core"));
    assertEquals(Set.of("media-core", "driver-core", "kernel-lib"), deps("v4l2-core"));
    assertEquals(
        Set.of("v4l2-core", "media-core", "driver-core", "kernel-lib"), deps("v4l2-mem2mem"));
    assertEquals(Set.of("media-core", "driver-core", "kernel-lib"), deps("media-allocator"));
    assertEquals(
        Set.of("v4l2-mem2mem", "v4l2-core", "media-core", "driver-core", "kernel-lib"),
        deps("drivers-imx-codec"));
    assertEquals(
        Set.of("media-allocator", "v4l2-core", "media-core", "driver-core", "kernel-lib"),
        deps("drivers-usb-audio"));
    for (String tool : List.of("medialife-cli", "integration-tests", "benchmarks")) {
      assertTrue(Modules.byArtifactId(tool).orElseThrow().mayDependOnAnything(), tool);
    }
  }

  @Test
  void edgesAreTransitivelyClosedAndPointAtKnownModules() {
    for (ReactorModule m : Modules.ALL) {
      for (String dep : m.mayDependOn()) {
        ReactorModule target = Modules.byArtifactId(dep).orElseThrow(() -> new AssertionError(dep));
        assertTrue(
            m.mayDependOn().containsAll(target.mayDependOn()),
            m.artifactId() + " may use " + dep + " but not all that " + dep + " uses");
        assertFalse(target.mayDependOnAnything(), m.artifactId() + " depends on a tool: " + dep);
      }
    }
  }

  @Test
  void edgesAreAcyclic() {
    for (ReactorModule m : Modules.ALL) {
      assertFalse(m.mayDependOn().contains(m.artifactId()), m.artifactId());
      for (String dep : m.mayDependOn()) {
        assertFalse(deps(dep).contains(m.artifactId()), m.artifactId() + " <-> " + dep);
      }
    }
  }

  @Test
  void packageRootsAreDistinctAndNeverNested() {
    List<String> roots = new ArrayList<>();
    Modules.ALL.forEach(m -> roots.addAll(m.packagesUnder("r")));
    assertEquals(roots.size(), new HashSet<>(roots).size());
    for (String a : roots) {
      for (String b : roots) {
        assertFalse(!a.equals(b) && b.startsWith(a + "."), a + " contains " + b);
      }
    }
  }

  @Test
  void owningFindsTheModuleOfSubPackagesOnly() {
    assertEquals("kernel-lib", owner("dev.medialife.kernel"));
    assertEquals("kernel-lib", owner("dev.medialife.kernel.mm.internal"));
    assertEquals("drivers-usb-audio", owner("dev.medialife.hw.usbtv"));
    assertEquals("drivers-imx-codec", owner("dev.medialife.drivers.hantro.internal"));
    assertTrue(Modules.owning("dev.medialife", "dev.medialife.kernelx").isEmpty());
    assertTrue(Modules.owning("dev.medialife", "dev.medialife.drivers").isEmpty());
    assertTrue(Modules.owning("dev.medialife", "dev.medialife").isEmpty());
  }

  private static Set<String> deps(String artifactId) {
    return Modules.byArtifactId(artifactId).orElseThrow().mayDependOn();
  }

  private static String owner(String pkg) {
    return Modules.owning("dev.medialife", pkg).orElseThrow().artifactId();
  }
}
