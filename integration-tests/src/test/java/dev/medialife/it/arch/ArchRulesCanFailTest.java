package dev.medialife.it.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.medialife.it.arch.MedialifeRules.Rule;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule of {@link MedialifeRules} fails when it should, and only then.
 *
 * <p>Each fixture root under {@code dev.medialife.it.fixture} is evaluated against every rule of
 * the catalogue: the legal miniature reactor {@code good} passes them all, and each {@code bad.*}
 * root breaks exactly the rules listed for it (two where one violation necessarily breaks two
 * rules: a framework depending on a driver is also a forbidden module edge). The detail tests then
 * check that each rule reports the very violations planted, and nothing that is allowed.
 */
class ArchRulesCanFailTest {
  private static final String FIXTURES = "dev.medialife.it.fixture";

  private static JavaClasses importRoot(String fixture) {
    JavaClasses classes = new ClassFileImporter().importPackages(FIXTURES + "." + fixture);
    assertFalse(classes.isEmpty(), "fixture " + fixture + " imported no classes");
    return classes;
  }

  private static EvaluationResult evaluate(Rule rule, String fixture) {
    return rule.forRoot(FIXTURES + "." + fixture).evaluate(importRoot(fixture));
  }

  private static List<String> details(Rule rule, String fixture) {
    EvaluationResult result = evaluate(rule, fixture);
    assertTrue(result.hasViolation(), rule + " found nothing in " + fixture);
    return result.getFailureReport().getDetails();
  }

  /** Asserts that some detail line mentions every fragment. */
  private static void assertReported(List<String> details, String... fragments) {
    assertTrue(
        details.stream().anyMatch(d -> Stream.of(fragments).allMatch(d::contains)),
        () -> "no violation mentions " + List.of(fragments) + " in:\n" + String.join("\n", details));
  }

  /** Asserts that no detail line mentions a fragment. */
  private static void assertNotReported(List<String> details, String fragment) {
    assertTrue(
        details.stream().noneMatch(d -> d.contains(fragment)),
        () -> fragment + " was reported but is allowed:\n" + String.join("\n", details));
  }

  static Stream<Arguments> fixtures() {
    return Stream.of(
        arguments("good", EnumSet.noneOf(Rule.class)),
        arguments("bad.layering", EnumSet.of(Rule.MODULE_DEPENDENCIES)),
        arguments("bad.internal", EnumSet.of(Rule.INTERNAL_PACKAGES)),
        arguments("bad.cycle", EnumSet.of(Rule.NO_PACKAGE_CYCLES)),
        arguments(
            "bad.framework", EnumSet.of(Rule.FRAMEWORKS_INDEPENDENT, Rule.MODULE_DEPENDENCIES)),
        arguments("bad.hardware", EnumSet.of(Rule.HARDWARE_ISOLATION)),
        arguments("bad.crossdriver", EnumSet.of(Rule.DRIVERS_INDEPENDENT)),
        arguments("bad.streams", EnumSet.of(Rule.NO_CONSOLE_OUTPUT)),
        arguments("bad.symbol", EnumSet.of(Rule.KERNEL_SYMBOLS)),
        arguments("bad.unmapped", EnumSet.of(Rule.EVERY_CLASS_IN_A_MODULE)));
  }

  @ParameterizedTest(name = "{0} breaks exactly {1}")
  @MethodSource("fixtures")
  void eachFixtureBreaksExactlyItsRules(String fixture, Set<Rule> expected) {
    JavaClasses classes = importRoot(fixture);
    Set<Rule> violated = EnumSet.noneOf(Rule.class);
    for (Rule rule : Rule.values()) {
      if (rule.forRoot(FIXTURES + "." + fixture).evaluate(classes).hasViolation()) {
        violated.add(rule);
      }
    }
    assertEquals(expected, violated);
  }

  @Test
  void everyRuleIsShownToFailBySomeFixture() {
    Set<Rule> shown = EnumSet.noneOf(Rule.class);
    fixtures().forEach(a -> shown.addAll(castRules(a.get()[1])));
    assertEquals(EnumSet.allOf(Rule.class), shown);
  }

  @SuppressWarnings("unchecked") // the fixtures() table holds Set<Rule> in column 1
  private static Set<Rule> castRules(Object column) {
    return (Set<Rule>) column;
  }

  /**
   * ArchUnit's failOnEmptyShould stays on: every rule whose subject is empty fails instead of
   * passing. The layered module rule is the exception by design (its layers are optional, as most
   * modules do not exist yet), which is why {@link ReactorImportGuard} checks the import itself.
   */
  @Test
  void rulesOverARootWithoutClassesFailRatherThanPassVacuously() {
    String absent = FIXTURES + ".absent";
    JavaClasses none = new ClassFileImporter().importPackages(absent);
    assertTrue(none.isEmpty());
    for (Rule rule : Rule.values()) {
      ArchRule archRule = rule.forRoot(absent);
      if (rule == Rule.MODULE_DEPENDENCIES) {
        assertFalse(archRule.evaluate(none).hasViolation());
        continue;
      }
      AssertionError e = assertThrows(AssertionError.class, () -> archRule.evaluate(none), rule::name);
      assertTrue(
          String.valueOf(e.getMessage()).contains("failed to check any classes"),
          () -> rule + ": " + e.getMessage());
    }
  }

  @Test
  void moduleDependenciesReportEachForbiddenEdge() {
    List<String> details = details(Rule.MODULE_DEPENDENCIES, "bad.layering");
    assertReported(details, "layering.kernel.Low", "layering.mc.High");
    assertReported(details, "layering.allocator.Alloc", "layering.v4l2.Video");
    assertReported(details, "layering.drivers.au0828.Au", "layering.m2m.Sched");
  }

  @Test
  void internalPackagesAreOpenToTheirOwnModuleOnly() {
    List<String> details = details(Rule.INTERNAL_PACKAGES, "bad.internal");
    assertReported(details, "internal.mc.Peeker", "internal.kernel.mm.internal.Secret",
        "internal to kernel-lib");
    assertNotReported(details, "internal.kernel.Owner");
  }

  @Test
  void packageCyclesAreReported() {
    List<String> details = details(Rule.NO_PACKAGE_CYCLES, "bad.cycle");
    assertReported(details, "cycle.kernel.a.A", "cycle.kernel.b.B");
  }

  @Test
  void frameworksMustNotReachDriversOrHardware() {
    List<String> details = details(Rule.FRAMEWORKS_INDEPENDENT, "bad.framework");
    assertReported(details, "framework.kernel.Core", "framework.drivers.hantro.Codec");
    assertReported(details, "framework.driver.Bus", "framework.hw.imx8m.Soc");
  }

  @Test
  void hardwareReachesOnlyKernelAndDriverCore() {
    List<String> details = details(Rule.HARDWARE_ISOLATION, "bad.hardware");
    assertReported(details, "hardware.hw.imx8m.Vpu", "hardware.drivers.hantro.Codec");
    assertReported(details, "hardware.hw.usbtv.Stick", "hardware.v4l2.Video");
    assertNotReported(details, "hardware.driver.Regs");
  }

  @Test
  void driversDoNotReferenceEachOther() {
    List<String> details = details(Rule.DRIVERS_INDEPENDENT, "bad.crossdriver");
    assertReported(details, "crossdriver.drivers.au0828.Video", "crossdriver.drivers.usbaudio.Pcm",
        "driver 'au0828' must not reference driver 'usbaudio'");
  }

  @Test
  void consoleAndJulOnlyInTools() {
    List<String> details = details(Rule.NO_CONSOLE_OUTPUT, "bad.streams");
    assertReported(details, "streams.kernel.Printer", "System.out");
    assertReported(details, "streams.driver.JulUser", "java.util.logging");
    assertReported(details, "streams.hw.usbtv.Stick", "printStackTrace");
    assertNotReported(details, "streams.cli.Main");
    assertNotReported(details, "streams.bench.Bench");
  }

  @Test
  void kernelSymbolRuleReportsExactlyTheUnmarkedPublicMembers() {
    String p = FIXTURES + ".bad.symbol.kernel.";
    Set<String> expected =
        new TreeSet<>(
            List.of(
                p + "Annotated.<init>(int)",
                p + "Annotated.unmarkedMethod()",
                p + "Annotated$Nested.nestedUnmarked()",
                p + "Annotated$UnmarkedRecord.a()",
                p + "Annotated$UnmarkedRecord.<init>(int)",
                p + "Annotated$MarkedRecordExtra.extra()",
                p + "Annotated$State.code()",
                p + "Ops.required()",
                p + "Ops.optional()",
                p + "NoCtor.<init>()",
                p + "Marker.value()"));
    List<String> reported = new ArrayList<>();
    for (String d : details(Rule.KERNEL_SYMBOLS, "bad.symbol")) {
      reported.add(d.substring(0, d.indexOf(" is public API")));
    }
    assertEquals(expected.size(), reported.size(), "each member reported once: " + reported);
    assertEquals(expected, new TreeSet<>(reported));
  }

  @Test
  void classesOutsideEveryModuleAreReported() {
    List<String> details = details(Rule.EVERY_CLASS_IN_A_MODULE, "bad.unmapped");
    assertReported(details, "unmapped.misc.Orphan");
    assertNotReported(details, "unmapped.kernel.Known");
  }

  /** The real test evaluates every rule of the catalogue, each once, over {@code dev.medialife}. */
  @Test
  void architectureTestHasOneFieldPerRule() throws IllegalAccessException {
    List<String> fields = new ArrayList<>();
    for (Field f : ArchitectureTest.class.getDeclaredFields()) {
      if (f.isAnnotationPresent(ArchTest.class)
          && Modifier.isStatic(f.getModifiers())
          && ArchRule.class.isAssignableFrom(f.getType())) {
        fields.add(((ArchRule) f.get(null)).getDescription());
      }
    }
    List<String> catalogue =
        Stream.of(Rule.values())
            .map(r -> r.forRoot(MedialifeRules.ROOT).getDescription())
            .collect(Collectors.toList());
    assertEquals(new TreeSet<>(catalogue), new TreeSet<>(fields));
    assertEquals(catalogue.size(), fields.size());
  }
}
