package dev.medialife.driver;

import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.wait.WaitQueueHead;
import java.util.ArrayList;
import java.util.List;

/**
 * The table a poll operation registers its wait queues in ({@code poll_table}): the syscall layer
 * sleeps on them until a wake-up, then asks again.
 */
@KernelSymbol("poll_table")
public final class PollTable {
  private final List<WaitQueueHead> queues = new ArrayList<>();

  /** An empty table. */
  @KernelSymbol("init_poll_funcptr")
  public PollTable() {}

  /**
   * Registers a wait queue whose wake-ups should make the poller look again.
   *
   * @param file the file being polled
   * @param queue the queue
   */
  @KernelSymbol("poll_wait")
  public void pollWait(File file, WaitQueueHead queue) {
    if (!queues.contains(queue)) {
      queues.add(queue);
    }
  }

  /**
   * The queues registered so far.
   *
   * @return a snapshot
   */
  @KernelSymbol("poll_table_entry")
  public List<WaitQueueHead> queues() {
    return List.copyOf(queues);
  }
}
