package dev.medialife.driver;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jetbrains.lincheck.datastructures.verifier.EpsilonVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lincheck model check of {@link UnplugGate}: in every interleaving of system calls (enter, work,
 * exit) with an unplug, no call is inside the gate once unplug has returned, and no call enters
 * after it. A gate whose flag and count live in two variables is caught.
 */
class UnplugGateLincheckTest {

  /** The checked properties, shared by both models. */
  abstract static class Model {
    volatile boolean unplugReturned;
    final AtomicInteger inside = new AtomicInteger();
    volatile boolean violated;

    abstract boolean enter();

    abstract void exit();

    abstract void unplugAndWait();

    @Operation
    public boolean syscall() {
      if (!enter()) {
        return false;
      }
      inside.incrementAndGet();
      if (unplugReturned) {
        violated = true; // inside the gate although unplug has already returned
      }
      inside.decrementAndGet();
      exit();
      return true;
    }

    @Operation
    public void unplug() {
      unplugAndWait();
      if (inside.get() != 0) {
        violated = true; // a call still inside when unplug returned
      }
      unplugReturned = true;
    }

    void check() {
      if (violated) {
        throw new IllegalStateException("a call ran inside the gate after unplug");
      }
    }
  }

  /** The real gate. */
  public static final class GateModel extends Model {
    private final UnplugGate gate = new UnplugGate("lincheck");

    @Validate
    public void validate() {
      check();
    }

    @Override
    boolean enter() {
      return gate.enter();
    }

    @Override
    void exit() {
      gate.exit();
    }

    @Override
    void unplugAndWait() {
      gate.unplug(() -> {});
    }
  }

  /** A broken gate: the flag is checked, then the count raised, in two steps. */
  public static final class SplitModel extends Model {
    private volatile boolean unplugged;
    private final AtomicInteger count = new AtomicInteger();

    @Validate
    public void validate() {
      check();
    }

    @Override
    boolean enter() {
      if (unplugged) {
        return false;
      }
      count.incrementAndGet();
      return true;
    }

    @Override
    void exit() {
      count.decrementAndGet();
    }

    @Override
    void unplugAndWait() {
      unplugged = true;
      while (count.get() != 0) {
        Thread.onSpinWait();
      }
    }
  }

  private static ModelCheckingOptions bounded() {
    return new ModelCheckingOptions()
        .iterations(40)
        .invocationsPerIteration(500)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(0)
        .verifier(EpsilonVerifier.class);
  }

  @Test
  @Timeout(120)
  void gateNeverLetsACallInAfterUnplug() {
    bounded().check(GateModel.class);
  }

  @Test
  @Timeout(120)
  void aSplitFlagAndCountIsCaught() {
    assertThrows(AssertionError.class, () -> bounded().check(SplitModel.class));
  }
}
