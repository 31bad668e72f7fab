package dev.medialife.kernel.ref;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.debug.SanitizerConfig;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.debug.Sanitizers;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jetbrains.lincheck.datastructures.verifier.EpsilonVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lincheck model checks of {@link Kref}.
 *
 * <ul>
 *   <li>Legal use (lookups with tryGet racing the owner's final put): in every interleaving the
 *       release runs exactly once, after the owner dropped its reference and every lookup dropped
 *       its own. (A lookup holds its reference across a window, so its results are checked as
 *       invariants, not for linearizability.)
 *   <li>Misuse (get, tryGet and put in any order, gets on zero and underflows included): results
 *       are not linearizable by nature, but in every interleaving the release runs at most once and
 *       never after the count was seen saturated. These are checked as invariants.
 *   <li>A naive counter without atomic read-modify-write is caught, showing the check can fail.
 * </ul>
 */
class KrefLincheckTest {

  /** Legal use: one owner reference, dropped once; lookups take and drop their own references. */
  public static final class LegalModel {
    private final Kref kref = new Kref("lookup-target");
    private final AtomicBoolean ownerDropped = new AtomicBoolean();
    private int releases;

    private static void release(LegalModel m) {
      m.releases++;
    }

    /** The owner drops its reference, once; later calls do nothing. */
    @Operation
    public void dropOwner() {
      if (ownerDropped.compareAndSet(false, true)) {
        kref.put(this, LegalModel::release);
      }
    }

    /** A lookup: take a reference unless the object is dying, use it, drop it. */
    @Operation
    public boolean lookup() {
      if (!kref.tryGet()) {
        return false;
      }
      kref.put(this, LegalModel::release);
      return true;
    }

    /** Runs when every operation of a part has returned: all lookups have dropped theirs. */
    @Validate
    public void releasedExactlyOnceAfterTheOwnerDropped() {
      int expected = ownerDropped.get() ? 1 : 0;
      if (releases != expected) {
        throw new IllegalStateException("released " + releases + " times, expected " + expected);
      }
    }
  }

  /** Misuse: any sequence of get, tryGet and put on a kref that starts with two references. */
  public static final class MisuseModel {
    private final Kref kref = new Kref("misused", 2);
    private volatile boolean sawSaturated;
    private int releases;
    private boolean releasedAfterSaturation;

    private static void release(MisuseModel m) {
      m.releases++;
    }

    private void observe() {
      if (kref.read() == Kref.SATURATED) {
        sawSaturated = true;
      }
    }

    @Operation
    public void get() {
      kref.get();
      observe();
    }

    @Operation
    public boolean tryGet() {
      boolean got = kref.tryGet();
      observe();
      return got;
    }

    /** A put that began after saturation was observed must not release. */
    @Operation
    public boolean put() {
      boolean saturatedBefore = sawSaturated;
      boolean released = kref.put(this, MisuseModel::release);
      if (released && saturatedBefore) {
        releasedAfterSaturation = true;
      }
      observe();
      return released;
    }

    @Validate
    public void releasedAtMostOnceAndNeverAfterSaturation() {
      if (releases > 1) {
        throw new IllegalStateException("released " + releases + " times");
      }
      if (releasedAfterSaturation) {
        throw new IllegalStateException("released after the count was saturated");
      }
    }
  }

  /**
   * Kref's first version, reduced to its state machine: one fetch-and-add per get and put, release
   * on the 1 -> 0 transition, saturation on illegal transitions, but no claim of the release. A get
   * on a released object racing a put lets that put release twice.
   */
  public static final class UnclaimedModel {
    private final java.util.concurrent.atomic.AtomicInteger count =
        new java.util.concurrent.atomic.AtomicInteger(2);
    private int releases;

    @Operation
    public void get() {
      int old = count.getAndIncrement();
      if (old <= 0) {
        count.set(Kref.SATURATED);
      }
    }

    @Operation
    public boolean put() {
      int old = count.getAndDecrement();
      if (old == 1) {
        releases++;
        return true;
      }
      if (old <= 0) {
        count.set(Kref.SATURATED);
      }
      return false;
    }

    @Validate
    public void releasedAtMostOnce() {
      if (releases > 1) {
        throw new IllegalStateException("released " + releases + " times");
      }
    }
  }

  /** A refcount without atomic read-modify-write: its race must be found. */
  public static final class NaiveModel {
    private volatile int count = 2;
    private int releases;

    @Operation
    public boolean put() {
      int c = count;
      count = c - 1;
      if (c == 1) {
        releases++;
        return true;
      }
      return false;
    }

    @Operation
    public void get() {
      int c = count;
      count = c + 1;
    }

    @Validate
    public void releasedAtMostOnce() {
      if (releases > 1) {
        throw new IllegalStateException("released " + releases + " times");
      }
    }
  }

  private static ModelCheckingOptions bounded() {
    return new ModelCheckingOptions()
        .iterations(30)
        .invocationsPerIteration(500)
        .threads(3)
        .actorsPerThread(2);
  }

  /**
   * Runs a check with stacks off, so that the refcount reports of misuse scenarios stay cheap, in
   * a scope of its own. Lincheck restores static state after each invocation, so the scope's
   * contents are not meaningful afterwards; the models assert their own invariants.
   */
  private static void checkQuietly(Class<?> model) {
    SanitizerConfig saved = Sanitizers.configure(new SanitizerConfig(true, true, true, false));
    try (SanitizerScope scope = SanitizerScope.open("kref lincheck " + model.getSimpleName())) {
      bounded().verifier(EpsilonVerifier.class).check(model);
      assertFalse(scope.isRoot());
    } finally {
      Sanitizers.configure(saved);
    }
  }

  @Test
  @Timeout(120)
  void legalUseReleasesExactlyOnce() {
    checkQuietly(LegalModel.class);
  }

  @Test
  @Timeout(120)
  void misuseNeverReleasesTwiceNorAfterSaturation() {
    checkQuietly(MisuseModel.class);
  }

  @Test
  @Timeout(120)
  void krefMisuseIsCaughtWithoutTheReleaseClaim() {
    // The same invariants, on a copy of the state machine without the 0 -> RELEASED claim, fail:
    // this is the double release Lincheck found in the first version of Kref.
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () -> bounded().verifier(EpsilonVerifier.class).check(UnclaimedModel.class));
    assertFalse(String.valueOf(e.getMessage()).isEmpty());
  }

  @Test
  @Timeout(120)
  void naiveCounterRaceIsFound() {
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () -> bounded().verifier(EpsilonVerifier.class).check(NaiveModel.class));
    assertFalse(String.valueOf(e.getMessage()).isEmpty());
  }
}
