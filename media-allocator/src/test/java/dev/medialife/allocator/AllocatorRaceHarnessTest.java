package dev.medialife.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Module;
import dev.medialife.driver.usb.UsbDevice;
import dev.medialife.driver.usb.UsbDeviceDescriptor;
import dev.medialife.driver.usb.UsbInterfaceDescriptor;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.mc.MediaDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The allocate/delete race harness: {@value #THREADS} threads released together by a start
 * latch run {@value #PAIRS_PER_THREAD} allocate/delete pairs each (100,000 in all) on {@value
 * #DEVICES} USB devices, each thread as a different module, so that last deletes and lookups of
 * the same USB device keep meeting.
 *
 * <p>Delay injection: the window between an instance's last put and its release taking the
 * allocator lock ({@link MediaDeviceAllocator#WINDOW_RELEASE}) is a few instructions wide, so the
 * harness widens it the way KCSAN's delay injection does: a self-re-arming {@link RaceWindow}
 * action spins the releasing thread for a few hundred {@link Thread#onSpinWait()} there. This does not order anything (no thread
 * waits for another; there is no sleep); it only makes the kernel's interleaving likely enough to
 * observe within the bound.
 *
 * <p>Each run happens in a nested {@link SanitizerScope}, so that its reports and its leaks (the
 * scope's allocations still live when it closes) are asserted on explicitly: none with the fix;
 * with the kernel's plain {@code kref_get} in the lookup, the "addition on 0" refcount warning or
 * a use-after-free (the buggy run stops early once one is seen).
 */
@Sanitized
@Timeout(120)
class AllocatorRaceHarnessTest {
  static final int THREADS = 4;
  static final int PAIRS_PER_THREAD = 25_000;
  static final int DEVICES = 3;
  private static final int SPINS = 500;
  private static final long HARNESS_SECONDS = 100;

  private final AllocatorBed bed = new AllocatorBed();
  private final List<UsbDevice> devices = new ArrayList<>();
  private final List<Module> modules = new ArrayList<>();

  /** The delay injected into the release window, re-arming itself until switched off. */
  private static final class Widen implements Runnable {
    private volatile boolean on = true;

    @Override
    public void run() {
      if (on) {
        RaceWindow.arm(MediaDeviceAllocator.WINDOW_RELEASE, this);
      }
      for (int i = 0; i < SPINS; i++) {
        Thread.onSpinWait();
      }
    }

    void start() {
      RaceWindow.arm(MediaDeviceAllocator.WINDOW_RELEASE, this);
    }

    void stop() {
      on = false;
      RaceWindow.reset();
    }
  }

  private void setUp() {
    for (int port = 1; port <= DEVICES; port++) {
      UsbDeviceDescriptor d =
          new UsbDeviceDescriptor(0x2040, 0x7200 + port, 0x0100, "Hauppauge", "HVR " + port,
              "S" + port, List.of(new UsbInterfaceDescriptor(0, 0xff, 0, 0)));
      devices.add(bed.plug(port, d));
    }
    modules.add(bed.video);
    modules.add(bed.audio);
    modules.add(new Module("dvb_usb_au6610"));
    modules.add(new Module("em28xx"));
  }

  private void tearDown() {
    for (int port = 1; port <= DEVICES; port++) {
      bed.unplug(port);
    }
  }

  /**
   * Runs the harness until the bound or until {@code stop} says so (checked every 256 pairs).
   *
   * @return the number of allocate/delete pairs completed
   */
  private long hammer(BooleanSupplier stop) {
    CountDownLatch ready = new CountDownLatch(THREADS);
    CountDownLatch go = new CountDownLatch(1);
    AtomicLong pairs = new AtomicLong();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int id = t;
      Module module = modules.get(t % modules.size());
      Thread th =
          new Thread(
              () -> {
                try {
                  ready.countDown();
                  Sync.await(go, "the start signal");
                  long done = 0;
                  for (int i = 0; i < PAIRS_PER_THREAD; i++) {
                    if ((i & 255) == 0 && stop.getAsBoolean()) {
                      break;
                    }
                    UsbDevice udev = devices.get((i + id) % DEVICES);
                    Allocated a =
                        MediaDeviceAllocator.usbAllocate(udev, module.name(), module);
                    MediaDevice mdev = AllocatorBed.ok(a);
                    if (mdev.dev() != udev.device()) {
                      failures.add(new AssertionError("media device of another USB device"));
                    }
                    MediaDeviceAllocator.delete(mdev, module.name(), module);
                    done++;
                  }
                  pairs.addAndGet(done);
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              "alloc-" + t);
      th.setDaemon(true);
      threads.add(th);
      th.start();
    }
    Sync.await(ready, "the harness threads");
    go.countDown();
    for (Thread th : threads) {
      joinHarness(th);
    }
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError(failures.size() + " harness thread failures");
      failures.forEach(e::addSuppressed);
      throw e;
    }
    return pairs.get();
  }

  /**
   * Waits for a harness thread within {@link #HARNESS_SECONDS}: the harness is bounded by its
   * iteration count, not by time, and 25,000 pairs with the widened window can take longer than
   * {@link Sync#TIMEOUT_SECONDS} on a loaded 2-core machine; the class's own timeout still bounds
   * the whole test.
   */
  private static void joinHarness(Thread th) {
    try {
      th.join(TimeUnit.SECONDS.toMillis(HARNESS_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while joining " + th.getName(), e);
    }
    assertFalse(th.isAlive(), th.getName() + " did not finish in " + HARNESS_SECONDS + " s");
  }

  @Test
  void withTheFixNoReportNoLeakNoInstanceLeft(SanitizerScope outer) {
    setUp();
    Widen widen = new Widen();
    long start = System.nanoTime();
    long pairs;
    int releases;
    SanitizerScope run = SanitizerScope.open("allocator harness (fixed)");
    try (run) {
      widen.start();
      pairs = hammer(() -> false);
      releases = RaceWindow.passes(MediaDeviceAllocator.WINDOW_RELEASE);
      widen.stop();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals((long) THREADS * PAIRS_PER_THREAD, pairs);
    assertTrue(pairs >= 100_000);
    // Every release passed the widened window, and not every delete was a last one: lookups
    // found live instances shared with other threads while releases were under way.
    assertTrue(releases > 0 && releases < pairs, releases + " releases for " + pairs + " pairs");
    assertTrue(run.reports().isEmpty(), "reports or leaks: " + summary(run.reports()));
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    for (Module m : modules) {
      assertEquals(0, m.refcount(), "module pins balanced: " + m);
    }
    System.out.println("allocator harness (fixed): " + pairs + " pairs, " + releases
        + " releases in " + millis + " ms");
    tearDown();
    assertTrue(outer.reports().isEmpty(), outer.reports().toString());
  }

  @Test
  void withTheKernelsPlainGetTheHarnessObservesTheRace(SanitizerScope outer) {
    PatchSwitch.ALLOCATOR_LOOKUP_FIX.set(false);
    setUp();
    Widen widen = new Widen();
    long start = System.nanoTime();
    long pairs;
    SanitizerScope run = SanitizerScope.open("allocator harness (kernel lookup)");
    try (run) {
      widen.start();
      pairs = hammer(() -> observed(run));
      widen.stop();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    List<Report> reports = run.reports();
    assertTrue(observed(run),
        "no addition-on-0 or use-after-free within " + pairs + " pairs: " + summary(reports));
    assertTrue(pairs <= (long) THREADS * PAIRS_PER_THREAD);
    for (Report r : run.reports(ReportKind.REFCOUNT)) {
      assertTrue(r instanceof Report.RefcountWarning rw
              && rw.event() == Report.RefcountEvent.ADDITION_ON_ZERO
              && rw.object().startsWith("media_device_instance "),
          r.title());
    }
    for (Report r : reports) {
      assertTrue(
          r.kind() == ReportKind.REFCOUNT
              || r.kind() == ReportKind.USE_AFTER_FREE
              || r.kind() == ReportKind.LEAK
              || r.kind() == ReportKind.WARNING,
          "only the bug's consequences: " + r.title());
    }
    System.out.println("allocator harness (kernel lookup): race seen after " + pairs
        + " pairs in " + millis + " ms; " + summary(reports));
    tearDown();
    assertTrue(outer.reports().isEmpty(), outer.reports().toString());
  }

  private static boolean observed(SanitizerScope s) {
    return !s.reports(ReportKind.REFCOUNT).isEmpty()
        || !s.reports(ReportKind.USE_AFTER_FREE).isEmpty();
  }

  private static String summary(List<Report> reports) {
    StringBuilder sb = new StringBuilder();
    for (Report r : reports) {
      sb.append("\n  ").append(r.title());
    }
    return reports.size() + " reports" + sb;
  }
}
