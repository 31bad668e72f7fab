package dev.medialife.drivers.usbaudio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.locking.SpinLock;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.jetbrains.lincheck.datastructures.verifier.EpsilonVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The PCM ring under its stream lock, model checked: the completion IRQ delivering periods races
 * readers taking them and drop/prepare discarding them, and in every interleaving each delivered
 * period is read, discarded or still in the ring, which never holds more than its size. The same
 * operations without the lock lose updates, which shows the check can fail.
 */
class PcmRingLincheckTest {
  /** The ring as SndUsbChip uses it: every access under the stream lock. */
  public static final class LockedModel {
    private final SpinLock lock = new SpinLock("snd_pcm.stream_lock");
    private final PcmRing ring = new PcmRing();

    /** Starts with a two-period ring. */
    public LockedModel() {
      ring.configure(2);
    }

    /** The IRQ with the stream running. */
    @Operation
    public String irq() {
      lock.lock();
      try {
        return ring.deliver(true).name();
      } finally {
        lock.unlock();
      }
    }

    /** The IRQ after a stop. */
    @Operation
    public String irqStopped() {
      lock.lock();
      try {
        return ring.deliver(false).name();
      } finally {
        lock.unlock();
      }
    }

    /** A reader. */
    @Operation
    public boolean read() {
      lock.lock();
      try {
        return ring.take();
      } finally {
        lock.unlock();
      }
    }

    /** Drop or prepare. */
    @Operation
    public int drop() {
      lock.lock();
      try {
        return ring.discardAll();
      } finally {
        lock.unlock();
      }
    }

    /** Checked when every operation of a part has returned. */
    @Validate
    public void balanced() {
      if (!ring.balanced()) {
        throw new IllegalStateException("unbalanced ring: delivered " + ring.delivered()
            + ", read " + ring.read() + ", discarded " + ring.discarded() + ", in ring "
            + ring.avail());
      }
    }
  }

  /** The same ring with no lock: the IRQ and a reader race on plain fields. */
  public static final class UnlockedModel {
    private final PcmRing ring = new PcmRing();

    /** Starts with a two-period ring. */
    public UnlockedModel() {
      ring.configure(2);
    }

    /** The IRQ. */
    @Operation
    public String irq() {
      return ring.deliver(true).name();
    }

    /** A reader. */
    @Operation
    public boolean read() {
      return ring.take();
    }

    /** Checked when every operation of a part has returned. */
    @Validate
    public void balanced() {
      if (!ring.balanced()) {
        throw new IllegalStateException("unbalanced ring");
      }
    }
  }

  private static ModelCheckingOptions bounded() {
    return new ModelCheckingOptions()
        .iterations(20)
        .invocationsPerIteration(300)
        .threads(3)
        .actorsPerThread(2);
  }

  @Test
  @Timeout(120)
  void theLockedRingStaysBalancedInEveryInterleaving() {
    bounded().verifier(EpsilonVerifier.class).check(LockedModel.class);
  }

  @Test
  @Timeout(120)
  void withoutTheLockPeriodsGetLost() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> bounded().verifier(EpsilonVerifier.class).check(UnlockedModel.class));
    assertFalse(String.valueOf(e.getMessage()).isEmpty());
  }

  @Test
  void theRingCountsEveryPeriodOnce() {
    PcmRing r = new PcmRing();
    r.configure(2);
    assertEquals(PcmRing.Delivery.STORED, r.deliver(true));
    assertEquals(PcmRing.Delivery.STORED, r.deliver(true));
    assertEquals(PcmRing.Delivery.OVERRUN, r.deliver(true));
    assertEquals(PcmRing.Delivery.DISCARDED, r.deliver(false));
    assertTrue(r.take());
    r.configure(4);
    assertEquals(4, r.capacity());
    assertFalse(r.take());
    assertEquals(4, r.delivered());
    assertEquals(1, r.read());
    assertEquals(3, r.discarded());
    assertTrue(r.balanced());
  }
}
