package dev.medialife.kernel.testing;

import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerConfig;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.debug.Sanitizers;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.fault.FaultInjection;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.locking.Lockdep;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.time.KernelClock;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives every test its own {@link SanitizerScope}, the model's "dmesg
 * for one test", and fails the test on anything the kernel's debug options would have flagged.
 *
 * <p>Before each test it forgets recorded lock orders and armed faults, and opens a scope named
 * after the test. After the test it closes the scope, so every allocation the test left live is
 * reported as a leak, and fails the test when
 *
 * <ul>
 *   <li>a report appeared whose kind the test did not declare with {@link ExpectReports}, or
 *   <li>a declared kind did not appear.
 * </ul>
 *
 * <p>The failure message renders every offending report with its stacks. A test may take the
 * {@link SanitizerScope} as a parameter to assert on report contents. The sanitizer switches, the
 * patch switches, armed race windows and the installed kernel clock are restored after each test,
 * so a test may turn sanitizers or a patch off, arm a race window or install a {@code ManualClock}
 * for itself.
 *
 * <p>The model has one kernel per JVM: tests using this extension must not run in parallel.
 */
@JavaOnly("test harness")
public final class SanitizerExtension
    implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(SanitizerExtension.class);
  private static final String SCOPE = "scope";
  private static final String CONFIG = "config";
  private static final String CLOCK = "clock";

  /** Creates the extension; JUnit does this through {@code @ExtendWith} or {@link Sanitized}. */
  public SanitizerExtension() {}

  @Override
  public void beforeEach(ExtensionContext context) {
    Lockdep.reset();
    FaultInjection.reset();
    RaceWindow.reset();
    PatchSwitch.resetAll();
    ExtensionContext.Store store = context.getStore(NS);
    store.put(CONFIG, Sanitizers.config());
    store.put(CLOCK, KernelClock.system());
    store.put(SCOPE, SanitizerScope.open(context.getDisplayName()));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NS);
    SanitizerScope scope = store.remove(SCOPE, SanitizerScope.class);
    SanitizerConfig config = store.remove(CONFIG, SanitizerConfig.class);
    KernelClock clock = store.remove(CLOCK, KernelClock.class);
    FaultInjection.reset();
    RaceWindow.reset();
    PatchSwitch.resetAll();
    if (clock != null) {
      KernelClock.install(clock);
    }
    if (scope == null) {
      return;
    }
    scope.close();
    if (config != null) {
      Sanitizers.configure(config);
    }
    String verdict = verdict(scope.reports(), expected(context));
    if (!verdict.isEmpty()) {
      throw new AssertionError(verdict);
    }
  }

  /**
   * Judges a test's reports against its expectation.
   *
   * @param reports every report of the test's scope
   * @param expected the kinds the test declared
   * @return "" when the test is clean, else the failure message
   */
  static String verdict(List<Report> reports, Set<ReportKind> expected) {
    List<Report> unexpected = new ArrayList<>();
    Set<ReportKind> seen = EnumSet.noneOf(ReportKind.class);
    for (Report r : reports) {
      seen.add(r.kind());
      if (!expected.contains(r.kind())) {
        unexpected.add(r);
      }
    }
    Set<ReportKind> missing = EnumSet.noneOf(ReportKind.class);
    missing.addAll(expected);
    missing.removeAll(seen);
    if (unexpected.isEmpty() && missing.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    if (!unexpected.isEmpty()) {
      sb.append(unexpected.size()).append(" unexpected sanitizer report(s):\n");
      for (Report r : unexpected) {
        sb.append(r.render()).append('\n');
      }
    }
    if (!missing.isEmpty()) {
      sb.append("expected report kind(s) that did not appear: ").append(missing).append('\n');
    }
    return sb.toString();
  }

  private static Set<ReportKind> expected(ExtensionContext context) {
    Set<ReportKind> kinds = EnumSet.noneOf(ReportKind.class);
    Optional<ExpectReports> onMethod =
        context.getTestMethod().flatMap(m -> find(m));
    Optional<ExpectReports> annotation =
        onMethod.isPresent() ? onMethod : context.getTestClass().flatMap(c -> find(c));
    annotation.ifPresent(a -> kinds.addAll(List.of(a.value())));
    return kinds;
  }

  private static Optional<ExpectReports> find(AnnotatedElement element) {
    return Optional.ofNullable(element.getAnnotation(ExpectReports.class));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == SanitizerScope.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    SanitizerScope scope = context.getStore(NS).get(SCOPE, SanitizerScope.class);
    return scope != null ? scope : SanitizerScope.current();
  }
}
