package dev.medialife.it.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.conditions.ArchConditions.dependOnClassesThat;
import static com.tngtech.archunit.lang.conditions.ArchConditions.never;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The architecture rules of design.md §1, as factories over a root package.
 *
 * <p>{@link ArchitectureTest} evaluates them with the root {@value #ROOT} over the production
 * classes of every reactor module; {@code ArchRulesCanFailTest} evaluates the very same factories
 * with fixture roots such as {@code dev.medialife.it.fixture.bad.layering}, to prove that each rule
 * finds what it is meant to find.
 *
 * <p><b>Non-vacuity.</b> Most rules are about packages that do not exist yet (no driver module has
 * arrived). A rule whose subject is "classes in the driver packages" would then check nothing, and
 * ArchUnit's failOnEmptyShould would rightly fail it. So every rule except the layered one takes as
 * its subject <em>all</em> classes under the root, and selects inside its condition (see {@link
 * #where}): the subject is never empty while any module has classes, and the import guard in
 * {@link ArchitectureTest} fails when a module is missing from the import. The module rule uses
 * ArchUnit's documented way for layers that may be empty, {@link
 * LayeredArchitecture#withOptionalLayers(boolean) optional layers}. Nothing is frozen and no rule
 * allows an empty should.
 *
 * <p><b>Simulated hardware.</b> Hardware ({@code hw.*}) belongs to its driver module, but it is not
 * driver code: a device model reaches the rest of the system only through what driver-core models
 * for it (MMIO register windows, IRQ lines, USB device descriptors), so it may use kernel-lib and
 * driver-core and its own board package, and nothing else of the model — in particular never a
 * driver package: hardware calls a driver only by raising an IRQ.
 */
public final class MedialifeRules {
  /** The root package of the real production classes. */
  public static final String ROOT = "dev.medialife";

  private MedialifeRules() {}

  /** The catalogue of rules; {@link ArchitectureTest} has one field per entry. */
  public enum Rule {
    /** {@link #moduleDependencies}. */
    MODULE_DEPENDENCIES,
    /** {@link #internalPackagesStayInTheirModule}. */
    INTERNAL_PACKAGES,
    /** {@link #noPackageCycles}. */
    NO_PACKAGE_CYCLES,
    /** {@link #frameworksIndependentOfDriversAndHardware}. */
    FRAMEWORKS_INDEPENDENT,
    /** {@link #hardwareReachesOnlyKernelAndDriverCore}. */
    HARDWARE_ISOLATION,
    /** {@link #driversIndependentOfEachOther}. */
    DRIVERS_INDEPENDENT,
    /** {@link #noConsoleOrJulOutsideTools}. */
    NO_CONSOLE_OUTPUT,
    /** {@link #kernelSymbolsOnFrameworkApi}. */
    KERNEL_SYMBOLS,
    /** {@link #everyClassBelongsToAModule}. */
    EVERY_CLASS_IN_A_MODULE;

    /**
     * The rule over a root package.
     *
     * @param root the root package, {@value MedialifeRules#ROOT} for the real classes
     * @return the rule
     */
    public ArchRule forRoot(String root) {
      return switch (this) {
        case MODULE_DEPENDENCIES -> moduleDependencies(root);
        case INTERNAL_PACKAGES -> internalPackagesStayInTheirModule(root);
        case NO_PACKAGE_CYCLES -> noPackageCycles(root);
        case FRAMEWORKS_INDEPENDENT -> frameworksIndependentOfDriversAndHardware(root);
        case HARDWARE_ISOLATION -> hardwareReachesOnlyKernelAndDriverCore(root);
        case DRIVERS_INDEPENDENT -> driversIndependentOfEachOther(root);
        case NO_CONSOLE_OUTPUT -> noConsoleOrJulOutsideTools(root);
        case KERNEL_SYMBOLS -> kernelSymbolsOnFrameworkApi(root);
        case EVERY_CLASS_IN_A_MODULE -> everyClassBelongsToAModule(root);
      };
    }
  }

  /**
   * Module dependencies follow the allowed edges of design.md §1 exactly: each module is a layer
   * made of its package roots and may access only the layers it may depend on; the CLI, the
   * integration tests and the benchmarks may access anything and nothing may access them.
   * Dependencies on classes outside every layer (the JDK, libraries) are not this rule's business;
   * {@link #everyClassBelongsToAModule} makes sure no class of the root escapes the layers.
   *
   * @param root the root package
   * @return the rule
   */
  public static ArchRule moduleDependencies(String root) {
    LayeredArchitecture arch =
        layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true);
    for (ReactorModule m : Modules.ALL) {
      arch = arch.layer(m.artifactId()).definedBy(m.packageIdentifiers(root));
    }
    for (ReactorModule m : Modules.ALL) {
      if (m.mayDependOnAnything()) {
        continue;
      }
      String[] allowed = m.mayDependOn().stream().sorted().toArray(String[]::new);
      arch =
          allowed.length == 0
              ? arch.whereLayer(m.artifactId()).mayNotAccessAnyLayer()
              : arch.whereLayer(m.artifactId()).mayOnlyAccessLayers(allowed);
    }
    return arch.because("modules may only depend along the edges of design.md §1");
  }

  /**
   * A package named {@code internal} (at any depth below a module's package root) is private to
   * that module: classes of any other module, or of no module, must not depend on it.
   *
   * @param root the root package
   * @return the rule
   */
  public static ArchRule internalPackagesStayInTheirModule(String root) {
    ArchCondition<JavaClass> condition =
        new ArchCondition<>("not depend on ..internal.. packages of another module") {
          @Override
          public void check(JavaClass origin, ConditionEvents events) {
            Optional<ReactorModule> own = Modules.owning(root, origin.getPackageName());
            for (Dependency d : origin.getDirectDependenciesFromSelf()) {
              JavaClass target = d.getTargetClass().getBaseComponentType();
              Optional<ReactorModule> owner = Modules.owning(root, target.getPackageName());
              if (owner.isPresent()
                  && !owner.equals(own)
                  && isInternal(root, owner.get(), target.getPackageName())) {
                events.add(
                    SimpleConditionEvent.violated(
                        d,
                        d.getDescription()
                            + ": "
                            + target.getPackageName()
                            + " is internal to "
                            + owner.get().artifactId()));
              }
            }
          }
        };
    return classes()
        .that()
        .resideInAPackage(root + "..")
        .should(condition)
        .because("each module's ..internal.. packages are used only inside it (design.md §1)");
  }

  private static boolean isInternal(String root, ReactorModule module, String packageName) {
    String packageRoot = module.packageRootOf(root, packageName);
    if (packageRoot == null || packageName.length() == packageRoot.length()) {
      return false;
    }
    return Arrays.asList(packageName.substring(packageRoot.length() + 1).split("\\.", -1))
        .contains("internal");
  }

  /**
   * No cycles between packages anywhere under the root: every package is its own slice.
   *
   * @param root the root package
   * @return the rule
   */
  public static ArchRule noPackageCycles(String root) {
    return slices()
        .matching(root + ".(**)")
        .should()
        .beFreeOfCycles()
        .because("cycles between packages are not allowed anywhere (design.md §1)");
  }

  /**
   * The framework packages (kernel, driver, mc, v4l2, m2m, allocator) never depend on a driver
   * package ({@code drivers..}) or on simulated hardware ({@code hw..}).
   *
   * @param root the root package
   * @return the rule
   */
  public static ArchRule frameworksIndependentOfDriversAndHardware(String root) {
    return classes()
        .that()
        .resideInAPackage(root + "..")
        .should(
            where(
                inFrameworkPackage(root),
                never(
                    dependOnClassesThat(
                        resideInAnyPackage(
                            root + "." + Modules.DRIVERS + "..",
                            root + "." + Modules.HARDWARE + "..")))))
        .because("no framework module depends on a driver module (design.md §1)");
  }

  /**
   * Simulated hardware ({@code hw.<board>..}) may use, of the model, only kernel-lib, driver-core
   * (register windows, IRQ lines, USB descriptors) and its own board package: never a driver, a
   * media framework, a tool or another board. See the class comment for why driver-core is allowed.
   *
   * @param root the root package
   * @return the rule
   */
  public static ArchRule hardwareReachesOnlyKernelAndDriverCore(String root) {
    String hw = root + "." + Modules.HARDWARE;
    List<String> allowed =
        List.of(
            Modules.byArtifactId("kernel-lib").orElseThrow().packagesUnder(root).get(0),
            Modules.byArtifactId("driver-core").orElseThrow().packagesUnder(root).get(0));
    ArchCondition<JavaClass> condition =
        new ArchCondition<>(
            "only depend on kernel-lib, driver-core and their own board package among "
                + root
                + " classes") {
          @Override
          public void check(JavaClass origin, ConditionEvents events) {
            String board = firstSegmentBelow(hw, origin.getPackageName());
            if (board == null) {
              return;
            }
            for (Dependency d : origin.getDirectDependenciesFromSelf()) {
              String target = d.getTargetClass().getBaseComponentType().getPackageName();
              if (!isUnder(root, target)
                  || isUnder(hw + "." + board, target)
                  || allowed.stream().anyMatch(p -> isUnder(p, target))) {
                continue;
              }
              events.add(
                  SimpleConditionEvent.violated(
                      d,
                      d.getDescription()
                          + ": simulated hardware reaches a driver only by raising an IRQ and uses"
                          + " only kernel-lib and driver-core"));
            }
          }
        };
    return classes()
        .that()
        .resideInAPackage(root + "..")
        .should(where(resideInAPackage(hw + ".."), condition))
        .because("hardware never calls driver code except by raising an IRQ (design.md §1)");
  }

  /**
   * No driver package depends on another: {@code drivers.hantro}, {@code drivers.au0828} and {@code
   * drivers.usbaudio} (and every future {@code drivers.<name>}) are distinct drivers, even the two
   * that share the drivers-usb-audio module.
   *
   * @param root the root package
   * @return the rule
   */
  public static ArchRule driversIndependentOfEachOther(String root) {
    String drivers = root + "." + Modules.DRIVERS;
    ArchCondition<JavaClass> condition =
        new ArchCondition<>("not depend on another driver's package") {
          @Override
          public void check(JavaClass origin, ConditionEvents events) {
            String own = firstSegmentBelow(drivers, origin.getPackageName());
            if (own == null) {
              return;
            }
            for (Dependency d : origin.getDirectDependenciesFromSelf()) {
              String other =
                  firstSegmentBelow(
                      drivers, d.getTargetClass().getBaseComponentType().getPackageName());
              if (other != null && !other.equals(own)) {
                events.add(
                    SimpleConditionEvent.violated(
                        d,
                        d.getDescription()
                            + ": driver '"
                            + own
                            + "' must not reference driver '"
                            + other
                            + "'"));
              }
            }
          }
        };
    return classes()
        .that()
        .resideInAPackage(root + "..")
        .should(where(resideInAPackage(drivers + ".."), condition))
        .because(
            "drivers share only through the allocator and the media graph, never directly"
                + " (design.md §1)");
  }

  /**
   * Main code outside the CLI and the benchmarks does not write to {@code System.out} or {@code
   * System.err} (nor {@code printStackTrace()}) and does not use {@code java.util.logging}: the
   * model logs through SLF4J and reports through the sanitizer sink.
   *
   * @param root the root package
   * @return the rule
   */
  public static ArchRule noConsoleOrJulOutsideTools(String root) {
    DescribedPredicate<JavaClass> tools =
        resideInAnyPackage(Modules.packageIdentifiers(root, ModuleKind.TOOL));
    return classes()
        .that()
        .resideInAPackage(root + "..")
        .should(
            where(
                not(tools).as("are outside the CLI and the benchmarks"),
                never(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
                    .and(never(dependOnClassesThat(resideInAPackage("java.util.logging.."))))))
        .because("only the CLI and the benchmarks talk to the console; the model logs via SLF4J");
  }

  /**
   * Every public method and public constructor of a public type in a framework package carries
   * {@code @KernelSymbol}, or {@code @JavaOnly} on itself, its type or an enclosing type; see
   * {@link KernelSymbolCondition} for the exact exemptions.
   *
   * @param root the root package
   * @return the rule
   */
  public static ArchRule kernelSymbolsOnFrameworkApi(String root) {
    return classes()
        .that()
        .resideInAPackage(root + "..")
        .should(where(inFrameworkPackage(root), new KernelSymbolCondition()))
        .because(
            "a kernel developer finds any symbol's Java home with one grep for @KernelSymbol"
                + " (style.md)");
  }

  /**
   * Every class under the root lies in a package root of some module of the table, so that no
   * class escapes the other rules by living in an unplanned package.
   *
   * @param root the root package
   * @return the rule
   */
  public static ArchRule everyClassBelongsToAModule(String root) {
    return classes()
        .that()
        .resideInAPackage(root + "..")
        .should()
        .resideInAnyPackage(Modules.allPackageIdentifiers(root))
        .because("every package belongs to a module of design.md §1");
  }

  private static DescribedPredicate<JavaClass> inFrameworkPackage(String root) {
    String[] ids = Modules.packageIdentifiers(root, ModuleKind.FRAMEWORK);
    return resideInAnyPackage(ids)
        .as(
            "are in a framework package "
                + Arrays.stream(ids).collect(Collectors.joining("', '", "['", "']")));
  }

  /**
   * A condition that applies {@code condition} only to the objects {@code selector} accepts and
   * passes the others. This keeps a rule's subject broad (never empty) while it speaks about a
   * subset that may not exist yet.
   *
   * @param selector which objects the condition is about
   * @param condition what they must satisfy
   * @param <T> the object type
   * @return the scoped condition
   */
  static <T> ArchCondition<T> where(
      DescribedPredicate<? super T> selector, ArchCondition<T> condition) {
    return new ArchCondition<>(
        "(if they " + selector.getDescription() + ") " + condition.getDescription()) {
      @Override
      public void init(Collection<T> allObjectsToTest) {
        condition.init(allObjectsToTest.stream().filter(selector).collect(Collectors.toList()));
      }

      @Override
      public void check(T item, ConditionEvents events) {
        if (selector.test(item)) {
          condition.check(item, events);
        }
      }

      @Override
      public void finish(ConditionEvents events) {
        condition.finish(events);
      }
    };
  }

  private static boolean isUnder(String packageRoot, String packageName) {
    return packageName.equals(packageRoot) || packageName.startsWith(packageRoot + ".");
  }

  /**
   * The package segment right below {@code prefix}: {@code "hantro"} for {@code
   * dev.medialife.drivers.hantro.internal} below {@code dev.medialife.drivers}.
   */
  private static @Nullable String firstSegmentBelow(
      String prefix, String packageName) {
    if (!packageName.startsWith(prefix + ".")) {
      return null;
    }
    String rest = packageName.substring(prefix.length() + 1);
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }
}
