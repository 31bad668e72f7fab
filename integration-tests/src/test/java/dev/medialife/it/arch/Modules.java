package dev.medialife.it.arch;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The module table of design.md §1: every module of the reactor, planned or present, with its
 * package roots and its allowed "depends on" edges.
 *
 * <pre>
 * kernel-lib &lt;- driver-core &lt;- media-core &lt;- v4l2-core &lt;- v4l2-mem2mem
 *                                  ^
 *                                  +------- media-allocator
 * drivers-imx-codec  -&gt; v4l2-mem2mem, v4l2-core, media-core, driver-core, kernel-lib
 * drivers-usb-audio  -&gt; media-allocator, v4l2-core, media-core, driver-core, kernel-lib
 * medialife-cli, integration-tests, benchmarks -&gt; anything
 * </pre>
 *
 * <p>The edges are written out transitively closed, as the design lists them for the driver
 * modules: a Maven dependency is transitive, so "v4l2-core depends on media-core" lets v4l2-core
 * use driver-core and kernel-lib too. {@code ModulesTest} checks that the table is closed and
 * acyclic.
 *
 * <p>The simulated hardware packages ({@code hw.*}) belong to the driver module whose devices they
 * model; {@link MedialifeRules#hardwareReachesOnlyKernelAndDriverCore} narrows what they may use.
 *
 * <p>A new module is added here first: the import guard in {@link ArchitectureTest} fails while a
 * module of the parent pom has no entry.
 */
public final class Modules {
  /** Every module, in build order. */
  public static final List<ReactorModule> ALL =
      List.of(
          framework("kernel-lib", List.of("kernel")),
          framework("driver-core", List.of("driver"), "kernel-lib"),
          framework("media-core", List.of("mc"), "driver-core", "kernel-lib"),
          framework("v4l2-core", List.of("v4l2"), "media-core", "driver-core", "kernel-lib"),
          framework(
              "v4l2-mem2mem",
              List.of("m2m"),
              "v4l2-core",
              "media-core",
              "driver-core",
              "kernel-lib"),
          framework(
              "media-allocator", List.of("allocator"), "media-core", "driver-core", "kernel-lib"),
          driver(
              "drivers-imx-codec",
              List.of("drivers.hantro", "hw.imx8m"),
              "v4l2-mem2mem",
              "v4l2-core",
              "media-core",
              "driver-core",
              "kernel-lib"),
          driver(
              "drivers-usb-audio",
              List.of("drivers.au0828", "drivers.usbaudio", "hw.usbtv"),
              "media-allocator",
              "v4l2-core",
              "media-core",
              "driver-core",
              "kernel-lib"),
          anything("medialife-cli", ModuleKind.TOOL, "cli"),
          anything("integration-tests", ModuleKind.TESTS, "it"),
          anything("benchmarks", ModuleKind.TOOL, "bench"));

  /** Package prefix (relative to the root) of every driver package: {@code drivers.<name>}. */
  public static final String DRIVERS = "drivers";

  /** Package prefix (relative to the root) of every simulated hardware package: {@code hw.<board>}. */
  public static final String HARDWARE = "hw";

  private Modules() {}

  private static ReactorModule framework(String id, List<String> packages, String... deps) {
    return new ReactorModule(id, ModuleKind.FRAMEWORK, packages, Set.of(deps), false);
  }

  private static ReactorModule driver(String id, List<String> packages, String... deps) {
    return new ReactorModule(id, ModuleKind.DRIVER, packages, Set.of(deps), false);
  }

  private static ReactorModule anything(String id, ModuleKind kind, String pkg) {
    return new ReactorModule(id, kind, List.of(pkg), Set.of(), true);
  }

  /**
   * The module with an artifactId.
   *
   * @param artifactId the artifactId
   * @return the module, or empty if the table has no such module
   */
  public static Optional<ReactorModule> byArtifactId(String artifactId) {
    return ALL.stream().filter(m -> m.artifactId().equals(artifactId)).findFirst();
  }

  /**
   * The module that owns a package.
   *
   * @param root the root package
   * @param packageName a fully qualified package name
   * @return the owning module, or empty if the package is in no module
   */
  public static Optional<ReactorModule> owning(String root, String packageName) {
    return ALL.stream().filter(m -> m.packageRootOf(root, packageName) != null).findFirst();
  }

  /**
   * The package identifiers of every module of one kind.
   *
   * @param root the root package
   * @param kind the kind
   * @return for example {@code "dev.medialife.kernel.."}, one per package root
   */
  public static String[] packageIdentifiers(String root, ModuleKind kind) {
    List<String> ids = new ArrayList<>();
    for (ReactorModule m : ALL) {
      if (m.kind() == kind) {
        ids.addAll(List.of(m.packageIdentifiers(root)));
      }
    }
    return ids.toArray(String[]::new);
  }

  /**
   * The package identifiers of every module.
   *
   * @param root the root package
   * @return one identifier per package root of every module
   */
  public static String[] allPackageIdentifiers(String root) {
    return ALL.stream().flatMap(m -> List.of(m.packageIdentifiers(root)).stream())
        .toArray(String[]::new);
  }
}
