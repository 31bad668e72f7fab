package dev.medialife.hw.imx8m;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jetbrains.lincheck.datastructures.verifier.EpsilonVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lincheck model check of {@link SharedBus}: in every interleaving of G1 and G2 decodes on the
 * shared bus, a G2 decode that really overlapped a G1 decode is reported faulted, one that did
 * not is not, and no overlap goes uncounted. A bus that checks "is the other core busy" and
 * marks itself busy in two steps is caught missing overlaps.
 */
class SharedBusLincheckTest {

  /** The checked properties, shared by both models. */
  abstract static class Model {
    /** G1 decodes between their begin and end on the bus, as the test sees them. */
    final AtomicInteger g1Inside = new AtomicInteger();
    volatile boolean violated;

    abstract void begin(VpuCore.Kind kind);

    abstract boolean end(VpuCore.Kind kind);

    // A core runs one decode at a time: decodes of one core never run in parallel.
    @Operation(nonParallelGroup = "g1")
    public void g1Decode() {
      begin(VpuCore.Kind.G1);
      g1Inside.incrementAndGet();
      g1Inside.decrementAndGet();
      end(VpuCore.Kind.G1);
    }

    @Operation(nonParallelGroup = "g2")
    public boolean g2Decode() {
      begin(VpuCore.Kind.G2);
      boolean sawG1 = g1Inside.get() > 0; // G1 between its begin and end right now
      boolean faulted = end(VpuCore.Kind.G2);
      if (sawG1 && !faulted) {
        violated = true; // G1 was decoding during this whole G2 decode, but no fault
      }
      return faulted;
    }

    void check() {
      if (violated) {
        throw new IllegalStateException("an overlap of G1 and G2 went unnoticed");
      }
    }
  }

  /** The real bus. */
  public static final class BusModel extends Model {
    private final SharedBus bus = new SharedBus(true);

    @Validate
    public void validate() {
      check();
      if (bus.isBusy(VpuCore.Kind.G1) || bus.isBusy(VpuCore.Kind.G2)) {
        throw new IllegalStateException("a core is busy after every decode ended");
      }
    }

    @Override
    void begin(VpuCore.Kind kind) {
      bus.begin(kind);
    }

    @Override
    boolean end(VpuCore.Kind kind) {
      return bus.end(kind);
    }

  }

  /** A broken bus: checks the other core, then marks itself busy, in two steps. */
  public static final class SplitModel extends Model {
    private volatile boolean g1Busy;
    private volatile boolean g2Busy;
    private volatile boolean g2Faulted;

    @Validate
    public void validate() {
      check();
    }

    @Override
    void begin(VpuCore.Kind kind) {
      boolean otherBusy = kind == VpuCore.Kind.G1 ? g2Busy : g1Busy;
      if (otherBusy) {
        g2Faulted = true;
      }
      if (kind == VpuCore.Kind.G1) {
        g1Busy = true;
      } else {
        g2Busy = true;
      }
    }

    @Override
    boolean end(VpuCore.Kind kind) {
      if (kind == VpuCore.Kind.G1) {
        g1Busy = false;
        return false;
      }
      g2Busy = false;
      boolean f = g2Faulted;
      g2Faulted = false;
      return f;
    }

  }

  private static ModelCheckingOptions bounded() {
    return new ModelCheckingOptions()
        .iterations(40)
        .invocationsPerIteration(500)
        .threads(2)
        .actorsPerThread(2)
        .actorsBefore(0)
        .actorsAfter(0)
        .verifier(EpsilonVerifier.class);
  }

  @Test
  @Timeout(120)
  void everyRealOverlapFaultsTheG2Decode() {
    bounded().check(BusModel.class);
  }

  @Test
  @Timeout(120)
  void aSplitCheckAndMarkIsCaught() {
    assertThrows(AssertionError.class, () -> bounded().check(SplitModel.class));
  }
}
