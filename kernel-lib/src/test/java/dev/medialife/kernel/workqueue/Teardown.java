package dev.medialife.kernel.workqueue;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Destroys a test's workqueues with a bound. Destroy drains, and drains wait uninterruptibly, so a
 * broken implementation would hang an {@code @AfterEach} forever (class-level timeouts do not cover
 * lifecycle methods); here it fails the test instead.
 */
final class Teardown {
  private Teardown() {}

  static void destroyAll(List<Workqueue> workqueues) throws InterruptedException {
    Thread t =
        new Thread(
            () -> {
              for (Workqueue wq : workqueues) {
                wq.destroy();
              }
            },
            "teardown");
    t.setDaemon(true);
    t.start();
    t.join(TimeUnit.SECONDS.toMillis(10));
    if (t.isAlive()) {
      throw new AssertionError("destroy_workqueue did not return within 10 s");
    }
  }
}
