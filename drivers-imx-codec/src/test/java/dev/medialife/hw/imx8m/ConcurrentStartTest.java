package dev.medialife.hw.imx8m;

import static dev.medialife.hw.imx8m.VpuCore.Kind.G1;
import static dev.medialife.hw.imx8m.VpuCore.Kind.G2;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_BUS;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_IRQ;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_RDY;
import static dev.medialife.hw.imx8m.VpuRegs.INT_DEC_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two "drivers" start G1 and G2 from two threads at the same instant, many times: whatever the
 * order of the two register writes, every round is exactly one overlap, one G2 bus fault and one
 * good G1 frame on the i.MX8MQ — and zero faults on the i.MX8MM.
 */
@Sanitized
@Timeout(60)
class ConcurrentStartTest {
  private static final int ROUNDS = 200;

  @Test
  void everyConcurrentStartOnTheImx8mqIsOneOverlapAndOneG2Fault() {
    try (VpuBed bed = new VpuBed(Imx8mSoc.IMX8MQ)) {
      race(bed);
      assertEquals(ROUNDS, bed.board.bus().overlaps());
      assertEquals(ROUNDS, bed.core(G2).busErrors());
      assertEquals(ROUNDS, bed.core(G1).jobsDecoded());
      assertEquals(0, bed.core(G1).busErrors());
    }
  }

  @Test
  void concurrentStartsOnTheImx8mmNeverFault() {
    try (VpuBed bed = new VpuBed(Imx8mSoc.IMX8MM)) {
      race(bed);
      assertEquals(ROUNDS, bed.board.bus().overlaps());
      assertEquals(0, bed.core(G2).busErrors());
      assertEquals(ROUNDS, bed.core(G2).jobsDecoded());
    }
  }

  private static void race(VpuBed bed) {
    CyclicBarrier started = new CyclicBarrier(3);
    CyclicBarrier handled = new CyclicBarrier(3);
    Thread t1 = Sync.start("drv-g1", () -> rounds(bed, G1, started, handled));
    Thread t2 = Sync.start("drv-g2", () -> rounds(bed, G2, started, handled));
    boolean shared = bed.board.bus().isShared();
    for (int i = 0; i < ROUNDS; i++) {
      await(started); // both decodes started
      bed.clock.advance(VpuBed.DECODE);
      assertEquals(INT_DEC_IRQ | INT_DEC_RDY, bed.awaitIrq(G1));
      assertEquals(shared ? INT_DEC_IRQ | INT_DEC_BUS | INT_DEC_TIMEOUT : INT_DEC_IRQ | INT_DEC_RDY,
          bed.awaitIrq(G2), "round " + i);
      await(handled); // a driver restarts its core only after its interrupt was handled
    }
    Sync.join(t1);
    Sync.join(t2);
  }

  private static void rounds(VpuBed bed, VpuCore.Kind kind, CyclicBarrier started,
      CyclicBarrier handled) {
    for (int i = 0; i < ROUNDS; i++) {
      bed.start(kind, VpuBed.defaultMode(kind), i, i);
      await(started);
      await(handled);
    }
  }

  private static void await(CyclicBarrier b) {
    try {
      b.await(Sync.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (BrokenBarrierException | TimeoutException e) {
      throw new AssertionError(e);
    }
  }
}
