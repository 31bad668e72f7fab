package dev.medialife.it.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.medialife.kernel.testing.Sync;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The shape media_device_test and video_device_test share: a program keeps one descriptor open
 * and loops its ioctls while the operator removes the target and brings it back. The selftests'
 * ten-second sleeps become latches, so the four phases are exact: calls before the removal, calls
 * racing it (until it returned), calls after it, and calls after the target is back.
 */
final class KeptFdLoop {
  /** One phase of the program's loop. */
  interface Phase<T> {
    /**
     * Runs up to {@code max} iterations, or until {@code until} opens.
     *
     * @param max the bound
     * @param until a latch that ends the phase early, or null
     * @return what each iteration recorded
     */
    List<T> run(int max, @Nullable CountDownLatch until);
  }

  /** The four phases' records. */
  record Phases<T>(List<T> before, List<T> racing, List<T> after, List<T> restored) {}

  private KeptFdLoop() {}

  /**
   * Runs the program on its own thread against the operator's removal and restore.
   *
   * @param name the program's thread name
   * @param rig the board
   * @param target what is removed
   * @param calls iterations per quiet phase
   * @param racingMax bound of the racing phase
   * @param phase one phase of the loop
   * @param whileRemoved checks made after the removal, before the restore
   * @param <T> what an iteration records
   * @return the phases
   */
  static <T> Phases<T> run(String name, Rig rig, Target target, int calls, int racingMax,
      Phase<T> phase, Runnable whileRemoved) {
    CountDownLatch ranBefore = new CountDownLatch(1);
    CountDownLatch removed = new CountDownLatch(1);
    CountDownLatch ranAfter = new CountDownLatch(1);
    CountDownLatch restored = new CountDownLatch(1);
    List<List<T>> phases = new ArrayList<>();
    AtomicReference<@Nullable Throwable> crash = new AtomicReference<>();
    Thread loop = Sync.start(name, () -> {
      try {
        phases.add(phase.run(calls, null));
        ranBefore.countDown();
        phases.add(phase.run(racingMax, removed));
        phases.add(phase.run(calls, null));
        ranAfter.countDown();
        Sync.await(restored, "the target back");
        phases.add(phase.run(calls, null));
      } catch (RuntimeException | Error e) {
        crash.set(e);
        ranBefore.countDown();
        ranAfter.countDown();
      }
    });
    Sync.await(ranBefore, "the calls before the removal");
    assertEquals(0, rig.remove(), "remove " + target);
    removed.countDown();
    Sync.await(ranAfter, "the calls after the removal");
    whileRemoved.run();
    assertEquals(0, rig.restore(), "restore " + target);
    restored.countDown();
    Sync.join(loop);
    assertNull(crash.get(), "the loop ran through");
    assertEquals(4, phases.size());
    for (int i : new int[] {0, 2, 3}) {
      assertEquals(calls, phases.get(i).size(), "a quiet phase runs all its calls");
    }
    return new Phases<>(phases.get(0), phases.get(1), phases.get(2), phases.get(3));
  }
}
