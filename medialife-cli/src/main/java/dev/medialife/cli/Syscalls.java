package dev.medialife.cli;

import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The syscall façade as userspace sees it, with strace-like accounting: every call goes through
 * the {@link Task}, and this counts the calls and, by errno name, the ones that failed. Shared by
 * all the tasks of a run, so it is thread-safe.
 */
final class Syscalls {
  private final AtomicLong total = new AtomicLong();
  private final Map<String, Long> errors = new TreeMap<>();

  int open(Task t, String path, int flags) {
    return count(t.open(path, flags));
  }

  int close(Task t, int fd) {
    return count(t.close(fd));
  }

  int ioctl(Task t, int fd, int cmd, @Nullable IoctlArg<?> arg) {
    return count(t.ioctl(fd, cmd, arg));
  }

  int read(Task t, int fd, byte[] buf) {
    return count(t.read(fd, buf));
  }

  private int count(int ret) {
    total.incrementAndGet();
    if (ret < 0) {
      synchronized (errors) {
        errors.merge(Errno.name(ret), 1L, Long::sum);
      }
    }
    return ret;
  }

  long total() {
    return total.get();
  }

  /** Failed calls by errno name, sorted by name. */
  Map<String, Long> errors() {
    synchronized (errors) {
      return new TreeMap<>(errors);
    }
  }

  long errorCount(int errno) {
    synchronized (errors) {
      return errors.getOrDefault(Errno.name(errno), 0L);
    }
  }
}
