package dev.medialife.it.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The import guard finds each way the architecture rules could be blind to a module, on small
 * reactors written to a temporary directory, with the fixture root {@code good} as the import.
 */
class ReactorImportGuardTest {
  private static final String GOOD = "dev.medialife.it.fixture.good";
  private static final JavaClasses GOOD_CLASSES = new ClassFileImporter().importPackages(GOOD);

  @TempDir Path dir;

  @Test
  void testsRunInTheModuleDirectoryAndFindTheRealParentPom() throws IOException {
    Path cwd = Path.of("").toAbsolutePath();
    assertEquals("integration-tests", cwd.getFileName().toString());
    String basedir = System.getProperty("basedir"); // set by surefire
    assertEquals(cwd, Path.of(String.valueOf(basedir)).toAbsolutePath());
    Path parent = ReactorImportGuard.parentPom();
    assertEquals(cwd.resolveSibling("pom.xml"), parent);
    List<String> modules = ReactorImportGuard.modules(ReactorImportGuard.parse(parent));
    assertTrue(modules.contains("kernel-lib") && modules.contains("integration-tests"), modules::toString);
  }

  @Test
  void completeImportHasNoProblems() throws IOException {
    Path parent = reactor("kernel-lib", "integration-tests");
    module("kernel-lib", "kernel-lib", true);
    module("integration-tests", "integration-tests", false);
    assertEquals(List.of(), ReactorImportGuard.problems(parent, GOOD_CLASSES, GOOD));
  }

  @Test
  void emptyImportIsAProblem() throws IOException {
    Path parent = reactor("kernel-lib");
    module("kernel-lib", "kernel-lib", true);
    JavaClasses none = new ClassFileImporter().importPackages(GOOD + ".absent");
    List<String> problems = ReactorImportGuard.problems(parent, none, GOOD);
    assertEquals(2, problems.size(), problems::toString);
    assertTrue(problems.get(0).startsWith("no production class under " + GOOD), problems::toString);
    assertTrue(problems.get(1).contains("reactor module kernel-lib has main code"), problems::toString);
  }

  @Test
  void moduleMissingFromTheTableIsAProblem() throws IOException {
    Path parent = reactor("kernel-lib", "gadgets");
    module("kernel-lib", "kernel-lib", true);
    module("gadgets", "medialife-gadgets", true);
    assertEquals(
        List.of("reactor module medialife-gadgets (gadgets) has no entry in the module table"
            + " (Modules.ALL): add it with its package roots and allowed dependencies"),
        ReactorImportGuard.problems(parent, GOOD_CLASSES, GOOD));
  }

  @Test
  void moduleWithMainCodeButNothingImportedIsAProblem() throws IOException {
    // The fixture root has no benchmarks classes, as if integration-tests lacked the dependency.
    Path parent = reactor("kernel-lib", "benchmarks");
    module("kernel-lib", "kernel-lib", true);
    module("benchmarks", "benchmarks", true);
    Files.delete(dir.resolve("benchmarks/src/main/java/X.java"));
    assertEquals(List.of(), ReactorImportGuard.problems(parent, GOOD_CLASSES, GOOD),
        "a module without main code needs no classes");
    module("benchmarks", "benchmarks", true);
    JavaClasses kernelOnly = new ClassFileImporter().importPackages(GOOD + ".kernel");
    List<String> problems = ReactorImportGuard.problems(parent, kernelOnly, GOOD);
    assertEquals(1, problems.size(), problems::toString);
    assertTrue(problems.get(0).startsWith("reactor module benchmarks has main code but no class"
        + " under [" + GOOD + ".bench] was imported"), problems::toString);
  }

  @Test
  void moduleDirectoryMayDifferFromItsArtifactIdAndProfilesCount() throws IOException {
    Files.writeString(
        dir.resolve("pom.xml"),
        "<project><artifactId>medialife-parent</artifactId>"
            + "<modules><module>kernel</module></modules>"
            + "<profiles><profile><id>bench</id><modules><module>bench</module></modules>"
            + "</profile></profiles></project>");
    module("kernel", "kernel-lib", true);
    module("bench", "benchmarks", true);
    assertEquals(List.of(), ReactorImportGuard.problems(dir.resolve("pom.xml"), GOOD_CLASSES, GOOD));
    assertEquals(List.of("kernel", "bench"),
        ReactorImportGuard.modules(ReactorImportGuard.parse(dir.resolve("pom.xml"))));
  }

  @Test
  void testOnlyModuleWithMainCodeIsAProblem() throws IOException {
    Path parent = reactor("integration-tests");
    module("integration-tests", "integration-tests", true);
    assertEquals(
        List.of("test-only module integration-tests has main code in src/main/java"),
        ReactorImportGuard.problems(parent, GOOD_CLASSES, GOOD));
  }

  @Test
  void wrongParentPomIsAProblem() throws IOException {
    Files.writeString(dir.resolve("pom.xml"), "<project><artifactId>other</artifactId></project>");
    List<String> problems = ReactorImportGuard.problems(dir.resolve("pom.xml"), GOOD_CLASSES, GOOD);
    assertEquals(1, problems.size(), problems::toString);
    assertTrue(problems.get(0).endsWith("is other, not the reactor's parent medialife-parent"));
  }

  private Path reactor(String... modules) throws IOException {
    StringBuilder pom = new StringBuilder("<project><artifactId>medialife-parent</artifactId><modules>");
    for (String m : modules) {
      pom.append("<module>").append(m).append("</module>");
    }
    Path path = dir.resolve("pom.xml");
    Files.writeString(path, pom.append("</modules></project>"));
    return path;
  }

  private void module(String moduleDir, String artifactId, boolean mainCode) throws IOException {
    Path d = Files.createDirectories(dir.resolve(moduleDir));
    Files.writeString(d.resolve("pom.xml"),
        "<project><parent><artifactId>medialife-parent</artifactId></parent><artifactId>"
            + artifactId + "</artifactId></project>");
    if (mainCode) {
      Path src = Files.createDirectories(d.resolve("src/main/java"));
      Files.writeString(src.resolve("X.java"), "class X {}");
    }
  }
}
