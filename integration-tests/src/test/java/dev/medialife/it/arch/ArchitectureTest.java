package dev.medialife.it.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.medialife.it.arch.MedialifeRules.Rule;
import java.io.IOException;
import java.util.List;

/**
 * The architecture rules of design.md §1 over the production classes of every reactor module.
 *
 * <p>Tests are excluded from the import (the fixtures of {@code dev.medialife.it.fixture} would
 * break every rule on purpose); jars are not, because under {@code verify} the other modules reach
 * this one as jars. Each field is one rule of {@link MedialifeRules}; {@code
 * ArchRulesCanFailTest#architectureTestHasOneFieldPerRule} checks there is one per {@link Rule}.
 */
@AnalyzeClasses(packages = MedialifeRules.ROOT, importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  private static final String ROOT = MedialifeRules.ROOT;

  @ArchTest static final ArchRule moduleDependencies = Rule.MODULE_DEPENDENCIES.forRoot(ROOT);

  @ArchTest static final ArchRule internalPackages = Rule.INTERNAL_PACKAGES.forRoot(ROOT);

  @ArchTest static final ArchRule noPackageCycles = Rule.NO_PACKAGE_CYCLES.forRoot(ROOT);

  @ArchTest
  static final ArchRule frameworksIndependent = Rule.FRAMEWORKS_INDEPENDENT.forRoot(ROOT);

  @ArchTest static final ArchRule hardwareIsolation = Rule.HARDWARE_ISOLATION.forRoot(ROOT);

  @ArchTest static final ArchRule driversIndependent = Rule.DRIVERS_INDEPENDENT.forRoot(ROOT);

  @ArchTest static final ArchRule noConsoleOutput = Rule.NO_CONSOLE_OUTPUT.forRoot(ROOT);

  @ArchTest static final ArchRule kernelSymbols = Rule.KERNEL_SYMBOLS.forRoot(ROOT);

  @ArchTest
  static final ArchRule everyClassInAModule = Rule.EVERY_CLASS_IN_A_MODULE.forRoot(ROOT);

  /**
   * The import the rules above evaluate covers every module of the reactor that has main code, and
   * every reactor module is in the module table.
   */
  @ArchTest
  static void importCoversEveryReactorModule(JavaClasses classes) throws IOException {
    List<String> problems =
        ReactorImportGuard.problems(ReactorImportGuard.parentPom(), classes, ROOT);
    assertEquals(List.of(), problems, "the architecture rules do not see the whole reactor");
  }
}
