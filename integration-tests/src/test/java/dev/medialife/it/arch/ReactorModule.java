package dev.medialife.it.arch;

import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One module of the reactor as design.md §1 describes it: its artifactId, its Java package roots and
 * the modules it may depend on.
 *
 * <p>Package roots are relative to a root package ({@code "dev.medialife"} for the real classes,
 * a fixture root in the tests that prove the rules can fail), so that one table serves both.
 *
 * @param artifactId the Maven artifactId, for example {@code "drivers-imx-codec"}
 * @param kind what the module is for
 * @param packages its package roots relative to the root package, for example {@code
 *     "drivers.hantro"} and {@code "hw.imx8m"}
 * @param mayDependOn the artifactIds this module may depend on, already transitively closed; ignored
 *     when {@code mayDependOnAnything} is set
 * @param mayDependOnAnything true for the modules that may depend on every other one (CLI,
 *     integration tests, benchmarks)
 */
public record ReactorModule(
    String artifactId,
    ModuleKind kind,
    List<String> packages,
    Set<String> mayDependOn,
    boolean mayDependOnAnything) {

  /** Copies the collections so that the table stays immutable. */
  public ReactorModule {
    packages = List.copyOf(packages);
    mayDependOn = Set.copyOf(mayDependOn);
  }

  /**
   * The module's package roots under a root package.
   *
   * @param root the root package, for example {@code "dev.medialife"}
   * @return the absolute package names, for example {@code "dev.medialife.kernel"}
   */
  public List<String> packagesUnder(String root) {
    return packages.stream().map(p -> root + "." + p).toList();
  }

  /**
   * The module's packages and their sub-packages as ArchUnit package identifiers.
   *
   * @param root the root package
   * @return for example {@code "dev.medialife.kernel.."}
   */
  public String[] packageIdentifiers(String root) {
    return packagesUnder(root).stream().map(p -> p + "..").toArray(String[]::new);
  }

  /**
   * The package root of this module that contains a package, if any.
   *
   * @param root the root package
   * @param packageName a fully qualified package name
   * @return the containing package root, or {@code null} when the package is not in this module
   */
  @Nullable String packageRootOf(String root, String packageName) {
    for (String p : packagesUnder(root)) {
      if (packageName.equals(p) || packageName.startsWith(p + ".")) {
        return p;
      }
    }
    return null;
  }
}
