package dev.medialife.driver.irq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.Devres;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.fault.FaultInjection;
import dev.medialife.kernel.locking.Lockdep;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** request/free, synchronisation, sharing, disable/enable replay and lifetime reports. */
@Sanitized
class IrqChipTest {
  private static final int IRQ = 5;

  private final IrqChip chip = new IrqChip("gic", 8);
  private final Board board = new Board();

  private static Allocation alloc(String type) {
    return Objects.requireNonNull(Kmem.kzalloc(type, type));
  }

  private static void await(CountDownLatch l) {
    try {
      assertTrue(l.await(10, TimeUnit.SECONDS), "latch timed out");
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static void join(Thread t) throws InterruptedException {
    t.join(TimeUnit.SECONDS.toMillis(10));
    assertFalse(t.isAlive(), t.getName() + " did not finish");
  }

  /** Waits, without sleeping, until {@code t} blocks in a monitor wait. */
  private static void awaitWaiting(Thread t) {
    while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TERMINATED) {
      Thread.onSpinWait();
    }
  }

  @Test
  void aHandlerRunsOnTheRaisingThreadWithItsCookie() throws InterruptedException {
    Allocation priv = alloc("cam_priv");
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    assertEquals(0, chip.requestIrq(IRQ, (irq, id) -> {
      seen.add(irq + " " + (id == priv) + " " + Thread.currentThread().getName());
      return IrqReturn.IRQ_HANDLED;
    }, 0, "cam", priv));
    assertEquals(1, chip.actionCount(IRQ));
    Thread hw = new Thread(() -> chip.raise(IRQ), "hw");
    hw.start();
    join(hw);
    assertEquals(List.of("5 true hw"), seen);
    assertEquals(1, chip.delivered(IRQ));
    assertEquals(0, chip.spurious(IRQ));
    chip.freeIrq(IRQ, priv);
    Kmem.kfree(priv);
    assertEquals("gic", chip.name());
    assertEquals(8, chip.lines());
    assertEquals("irqchip gic (8 lines)", chip.toString());
  }

  @Test
  void anIrqRaisedAfterFreeIrqIsNotDeliveredAndCountsAsSpurious() {
    Allocation priv = alloc("cam_priv");
    AtomicInteger calls = new AtomicInteger();
    assertEquals(0, chip.requestIrq(IRQ, (irq, id) -> {
      calls.incrementAndGet();
      return IrqReturn.IRQ_HANDLED;
    }, 0, "cam", priv));
    chip.raise(IRQ);
    chip.freeIrq(IRQ, priv);
    chip.raise(IRQ);
    assertEquals(1, calls.get());
    assertEquals(1, chip.delivered(IRQ));
    assertEquals(1, chip.spurious(IRQ));
    assertEquals(0, chip.actionCount(IRQ));
    Kmem.kfree(priv);
  }

  @Test
  @Timeout(20)
  void freeIrqWaitsForTheHandlerInProgress() throws InterruptedException {
    Allocation priv = alloc("cam_priv");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch leave = new CountDownLatch(1);
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    assertEquals(0, chip.requestIrq(IRQ, (irq, id) -> {
      entered.countDown();
      await(leave);
      order.add("handler returns");
      return IrqReturn.IRQ_HANDLED;
    }, 0, "cam", priv));
    Thread hw = new Thread(() -> chip.raise(IRQ), "hw");
    hw.start();
    await(entered);
    Thread freer = new Thread(() -> {
      chip.freeIrq(IRQ, priv);
      order.add("free_irq returns");
    }, "freer");
    freer.start();
    awaitWaiting(freer); // blocked in synchronize_irq on the line
    assertTrue(freer.isAlive());
    assertEquals(List.of(), order, "free_irq returned while the handler ran");
    chip.raise(IRQ); // the hardware again: the action is gone, held pending behind the runner
    leave.countDown();
    join(hw);
    join(freer);
    assertEquals(List.of("handler returns", "free_irq returns"), order);
    assertEquals(1, chip.delivered(IRQ));
    assertEquals(1, chip.spurious(IRQ), "the replay found no handler");
    Kmem.kfree(priv);
  }

  @Test
  @Timeout(20)
  void aRaiseDuringTheHandlerIsReplayedOnTheSameThreadNotConcurrently()
      throws InterruptedException {
    Allocation priv = alloc("cam_priv");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch leave = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    assertEquals(0, chip.requestIrq(IRQ, (irq, id) -> {
      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      threads.add(Thread.currentThread().getName());
      entered.countDown();
      await(leave);
      running.decrementAndGet();
      return IrqReturn.IRQ_HANDLED;
    }, 0, "cam", priv));
    Thread cpu0 = new Thread(() -> chip.raise(IRQ), "cpu0");
    cpu0.start();
    await(entered);
    chip.raise(IRQ); // returns at once: marked pending
    assertTrue(chip.isPending(IRQ));
    leave.countDown();
    join(cpu0);
    assertEquals(List.of("cpu0", "cpu0"), threads);
    assertEquals(1, maxRunning.get());
    assertEquals(2, chip.delivered(IRQ));
    chip.freeIrq(IRQ, priv);
    Kmem.kfree(priv);
  }

  @Test
  @Timeout(20)
  void synchronizeIrqIsUninterruptibleAndKeepsTheInterruptFlag() throws InterruptedException {
    Allocation priv = alloc("cam_priv");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch leave = new CountDownLatch(1);
    assertEquals(0, chip.requestIrq(IRQ, (irq, id) -> {
      entered.countDown();
      await(leave);
      return IrqReturn.IRQ_HANDLED;
    }, 0, "cam", priv));
    Thread hw = new Thread(() -> chip.raise(IRQ), "hw");
    hw.start();
    await(entered);
    AtomicBoolean flag = new AtomicBoolean();
    Thread sync = new Thread(() -> {
      Thread.currentThread().interrupt();
      chip.synchronizeIrq(IRQ);
      flag.set(Thread.interrupted());
    }, "sync");
    sync.start();
    awaitWaiting(sync);
    leave.countDown();
    join(hw);
    join(sync);
    assertTrue(flag.get());
    chip.synchronizeIrq(IRQ); // nothing running: returns at once
    chip.freeIrq(IRQ, priv);
    Kmem.kfree(priv);
  }

  @Test
  @ExpectReports(ReportKind.USE_AFTER_FREE)
  void aDevmIrqFiringAfterRemoveFreedThePrivateDataIsReported(SanitizerScope scope) {
    AtomicInteger calls = new AtomicInteger();
    List<String> log = new ArrayList<>();
    board.register("cam", new DeviceDriver.Ops() {
      @Override
      public int probe(Device dev) {
        Allocation priv = Kmem.kzalloc("cam_priv", dev.name() + " priv");
        if (priv == null) {
          return -Errno.ENOMEM;
        }
        dev.setDrvdata(priv);
        return chip.devmRequestIrq(dev, IRQ, (irq, id) -> {
          calls.incrementAndGet();
          return IrqReturn.IRQ_HANDLED;
        }, 0, "cam", priv);
      }

      @Override
      public void remove(Device dev) {
        Kmem.kfree(dev.drvdata(Allocation.class)); // the bug: the devm irq is still live
        log.add("remove");
        Thread hw = new Thread(() -> chip.raise(IRQ), "hw");
        hw.start();
        try {
          join(hw);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        log.add("actions " + chip.actionCount(IRQ));
      }
    });
    Device dev = board.addDevice("cam0");
    assertEquals(1, Devres.count(dev));
    chip.raise(IRQ);
    assertEquals(1, calls.get());
    dev.unregister();
    assertEquals(List.of("remove", "actions 1"), log);
    assertEquals(1, calls.get(), "the handler must not run on freed data");
    assertEquals(1, chip.spurious(IRQ));
    assertEquals(0, chip.actionCount(IRQ), "devres freed the irq after remove");
    Report.UseAfterFree r = scope.reports(Report.UseAfterFree.class).get(0);
    assertEquals("irq handler cam", r.access());
    assertEquals("cam_priv", r.objectType());
  }

  @Test
  void devmDataRegisteredBeforeTheDevmIrqOutlivesIt() {
    AtomicInteger calls = new AtomicInteger();
    board.register("cam", dev -> {
      Allocation priv = Devres.kzalloc(dev, "cam_priv", "priv");
      if (priv == null) {
        return -Errno.ENOMEM;
      }
      return chip.devmRequestIrq(dev, IRQ, (irq, id) -> {
        calls.incrementAndGet();
        return IrqReturn.IRQ_HANDLED;
      }, 0, "cam", priv);
    });
    Device dev = board.addDevice("cam0");
    dev.unregister();
    chip.raise(IRQ);
    assertEquals(0, calls.get());
    assertEquals(1, chip.spurious(IRQ));
  }

  @Test
  void devmRequestIrqFailuresLeaveNothingBehind() {
    Device dev = board.addDevice("x0");
    Allocation priv = alloc("x_priv");
    IrqHandler h = (irq, id) -> IrqReturn.IRQ_HANDLED;
    assertEquals(-Errno.EINVAL, chip.devmRequestIrq(dev, 99, h, 0, "x", priv));
    FaultInjection.reset();
    FaultInjection.failPointAt("kmalloc", 2); // the irqaction succeeds, its devres node fails
    assertEquals(-Errno.ENOMEM, chip.devmRequestIrq(dev, IRQ, h, 0, "x", priv));
    assertEquals(0, chip.actionCount(IRQ));
    assertEquals(0, Devres.count(dev));
    dev.unregister();
    Kmem.kfree(priv);
  }

  @Test
  void requestErrors() {
    Allocation a = alloc("a_priv");
    Allocation b = alloc("b_priv");
    IrqHandler h = (irq, id) -> IrqReturn.IRQ_HANDLED;
    assertEquals(-Errno.EINVAL, chip.requestIrq(-1, h, 0, "a", a));
    assertEquals(-Errno.EINVAL, chip.requestIrq(8, h, 0, "a", a));
    assertEquals(-Errno.EINVAL, chip.requestIrq(IRQ, null, 0, "a", a));
    FaultInjection.failPoint("kmalloc", 1);
    assertEquals(-Errno.ENOMEM, chip.requestIrq(IRQ, h, 0, "a", a));
    assertEquals(0, chip.requestIrq(IRQ, h, 0, "a", a));
    assertEquals(-Errno.EBUSY, chip.requestIrq(IRQ, h, 0, "b", b));
    assertEquals(-Errno.EBUSY, chip.requestIrq(IRQ, h, IrqChip.IRQF_SHARED, "b", b));
    chip.freeIrq(IRQ, a);
    assertEquals(0, chip.requestIrq(IRQ, h, IrqChip.IRQF_SHARED, "a", a));
    assertEquals(-Errno.EBUSY, chip.requestIrq(IRQ, h, 0, "b", b));
    assertEquals(1, chip.actionCount(IRQ));
    chip.freeIrq(IRQ, a);
    Kmem.kfree(a);
    Kmem.kfree(b);
    assertThrows(IllegalArgumentException.class, () -> new IrqChip("none", 0));
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void misuseWarns(SanitizerScope scope) {
    Allocation a = alloc("a_priv");
    chip.freeIrq(IRQ, a); // never requested
    chip.raise(42);
    chip.freeIrq(-1, a);
    chip.enableIrq(IRQ); // unbalanced
    assertEquals(0, chip.delivered(99));
    List<String> titles = scope.reports(ReportKind.WARNING).stream().map(Report::title).toList();
    assertEquals(
        List.of(
            "WARNING: Trying to free already-free IRQ 5",
            "WARNING: raise of IRQ 42 outside gic",
            "WARNING: free_irq of IRQ -1 outside gic",
            "WARNING: Trying to free already-free IRQ -1",
            "WARNING: Unbalanced enable for IRQ 5",
            "WARNING: kstat_irqs of IRQ 99 outside gic"),
        titles);
    Kmem.kfree(a);
  }

  @Test
  void sharedLinesCallEveryHandlerAndCountUnclaimedRaises() {
    Allocation a = alloc("a_priv");
    Allocation b = alloc("b_priv");
    List<String> log = new ArrayList<>();
    AtomicBoolean bRaised = new AtomicBoolean(true);
    assertEquals(0, chip.requestIrq(IRQ, (irq, id) -> {
      log.add("a");
      return IrqReturn.IRQ_NONE;
    }, IrqChip.IRQF_SHARED, "a", a));
    assertEquals(0, chip.requestIrq(IRQ, (irq, id) -> {
      log.add("b");
      return bRaised.get() ? IrqReturn.IRQ_HANDLED : IrqReturn.IRQ_NONE;
    }, IrqChip.IRQF_SHARED, "b", b));
    assertEquals(2, chip.actionCount(IRQ));
    chip.raise(IRQ);
    bRaised.set(false);
    chip.raise(IRQ);
    assertEquals(List.of("a", "b", "a", "b"), log);
    assertEquals(1, chip.delivered(IRQ));
    assertEquals(1, chip.spurious(IRQ));
    chip.freeIrq(IRQ, a);
    log.clear();
    chip.raise(IRQ);
    assertEquals(List.of("b"), log);
    chip.freeIrq(IRQ, b);
    Kmem.kfree(a);
    Kmem.kfree(b);
  }

  @Test
  void aRaiseOnADisabledLineIsHeldPendingAndReplayedAtEnable() {
    Allocation a = alloc("a_priv");
    AtomicInteger calls = new AtomicInteger();
    assertEquals(0, chip.requestIrq(IRQ, (irq, id) -> {
      calls.incrementAndGet();
      return IrqReturn.IRQ_HANDLED;
    }, 0, "a", a));
    chip.disableIrq(IRQ);
    chip.disableIrq(IRQ);
    chip.raise(IRQ);
    chip.raise(IRQ); // coalesced, as an edge is
    assertTrue(chip.isPending(IRQ));
    assertEquals(0, calls.get());
    chip.enableIrq(IRQ); // still disabled once
    assertEquals(0, calls.get());
    chip.enableIrq(IRQ);
    assertEquals(1, calls.get());
    assertFalse(chip.isPending(IRQ));
    chip.disableIrq(IRQ);
    chip.enableIrq(IRQ); // nothing pending: nothing delivered
    assertEquals(1, calls.get());
    assertEquals(1, chip.delivered(IRQ));
    chip.freeIrq(IRQ, a);
    Kmem.kfree(a);
  }

  @Test
  void aFreshRequestStartsTheLineEnabledWithNothingPending() {
    Allocation a = alloc("a_priv");
    AtomicInteger calls = new AtomicInteger();
    chip.disableIrq(IRQ);
    chip.raise(IRQ);
    assertEquals(0, chip.requestIrq(IRQ, (irq, id) -> {
      calls.incrementAndGet();
      return IrqReturn.IRQ_HANDLED;
    }, 0, "a", a));
    assertFalse(chip.isPending(IRQ));
    chip.raise(IRQ);
    assertEquals(1, calls.get());
    chip.freeIrq(IRQ, a);
    Kmem.kfree(a);
  }

  @Test
  @Timeout(20)
  void disablingTheLineWhileTheHandlerRunsKeepsTheNextRaisePending()
      throws InterruptedException {
    Allocation a = alloc("a_priv");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch leave = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    assertEquals(0, chip.requestIrq(IRQ, (irq, id) -> {
      calls.incrementAndGet();
      entered.countDown();
      await(leave);
      return IrqReturn.IRQ_HANDLED;
    }, 0, "a", a));
    Thread hw = new Thread(() -> chip.raise(IRQ), "hw");
    hw.start();
    await(entered);
    chip.raise(IRQ); // pending behind the runner
    Thread disabler = new Thread(() -> chip.disableIrq(IRQ), "disabler");
    disabler.start();
    awaitWaiting(disabler);
    leave.countDown();
    join(hw);
    join(disabler);
    assertEquals(1, calls.get(), "no replay on a disabled line");
    assertTrue(chip.isPending(IRQ));
    chip.enableIrq(IRQ);
    assertEquals(2, calls.get());
    chip.freeIrq(IRQ, a);
    Kmem.kfree(a);
  }

  @Test
  @ExpectReports({ReportKind.SLEEP_IN_ATOMIC, ReportKind.WARNING})
  void sleepingOrSynchronizingInAHandlerIsReported(SanitizerScope scope) {
    Allocation a = alloc("a_priv");
    assertEquals(0, chip.requestIrq(IRQ, (irq, id) -> {
      Lockdep.mightSleep("msleep");
      chip.synchronizeIrq(irq); // would wait for itself
      return IrqReturn.IRQ_HANDLED;
    }, 0, "a", a));
    chip.raise(IRQ);
    List<Report> sleeps = scope.reports(ReportKind.SLEEP_IN_ATOMIC);
    assertEquals(2, sleeps.size());
    assertTrue(sleeps.get(0).title().contains("msleep with spinlock held: gic irq 5"),
        sleeps.get(0)::title);
    assertTrue(scope.reports(ReportKind.WARNING).get(0).title().contains("would deadlock"));
    assertEquals(List.of(), Lockdep.heldLocks(), "hardirq map released");
    chip.freeIrq(IRQ, a);
    Kmem.kfree(a);
  }
}
