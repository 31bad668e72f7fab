package dev.medialife.kernel.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a sample test class that exists to be run through the JUnit Platform test kit, which sets
 * the configuration parameter {@value #PARAMETER}; a plain run (for example with a surefire
 * {@code -Dtest} pattern that reaches nested classes) leaves it alone, since several samples fail
 * on purpose.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(TestKitSample.OnlyInTestKit.class)
@interface TestKitSample {
  /** The configuration parameter the test kit sets. */
  String PARAMETER = "medialife.testkit.samples";

  /** Enables the sample only when {@link #PARAMETER} is "true". */
  final class OnlyInTestKit implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getConfigurationParameter(PARAMETER).map(Boolean::parseBoolean).orElse(false)
          ? ConditionEvaluationResult.enabled("run by the test kit")
          : ConditionEvaluationResult.disabled("a test-kit sample, run only by its outer test");
    }
  }
}
