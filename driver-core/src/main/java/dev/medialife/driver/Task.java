package dev.medialife.driver;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.locking.Lockdep;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.wait.WaitQueueHead;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A userspace task and its system calls: the model's userspace façade. Every test and scenario
 * talks to devices through it, as a program would: {@link #open}, {@link #close}, {@link #ioctl},
 * {@link #poll} and {@link #read} return a non-negative value or a negative errno, never throw.
 *
 * <ul>
 *   <li>File descriptors start at 3 (0–2 are the standard streams) and are at most {@value
 *       #NOFILE}; an unknown descriptor gives {@code -EBADF}.
 *   <li>{@code open} resolves {@code /dev}, finds the character device ({@code -ENXIO} when the
 *       number has none or its module is unloading), takes the cdev's references and calls the
 *       driver's open; the last {@code close} calls its release and drops them.
 *   <li>{@code ioctl} copies the argument in, calls the handler on the copy and copies it back
 *       only on a 0 return; {@code -ENOIOCTLCMD} becomes {@code -ENOTTY}.
 *   <li>A signal ({@link #kill()}) ends an interruptible sleep in a system call: the call returns
 *       {@code -EINTR} (system calls are not restarted).
 *   <li>On every return to userspace, lockdep checks that no lock is held.
 * </ul>
 *
 * <p>Implementation notes: the fd table is guarded by the task's monitor, never held across driver
 * code. A task is used by one thread at a time, like a single-threaded process; {@code caller} is
 * the thread inside a system call, for signal delivery.
 */
@KernelSymbol("task_struct")
public final class Task {
  /** The highest number of open files ({@code RLIMIT_NOFILE}). */
  @KernelSymbol("RLIMIT_NOFILE")
  public static final int NOFILE = 1024;

  private static final int FIRST_FD = 3;

  private final Kernel kernel;
  private final String comm;

  @GuardedBy("this")
  private final TreeMap<Integer, File> fds = new TreeMap<>();

  private volatile @Nullable Thread caller;
  private volatile boolean signalPending;

  /**
   * Creates a task.
   *
   * @param kernel the kernel it runs on
   * @param comm its command name, for diagnostics
   */
  @KernelSymbol("copy_process")
  public Task(Kernel kernel, String comm) {
    this.kernel = kernel;
    this.comm = comm;
  }

  /**
   * The task's name.
   *
   * @return the command name
   */
  @KernelSymbol("task_struct.comm")
  public String comm() {
    return comm;
  }

  /**
   * The open descriptors.
   *
   * @return the fds, ascending
   */
  @JavaOnly("ls /proc/self/fd")
  public synchronized List<Integer> fds() {
    return new ArrayList<>(fds.keySet());
  }

  /**
   * Sends a signal: an interruptible sleep in a system call of this task ends with {@code
   * -EINTR}, now or at the next one.
   */
  @KernelSymbol("send_sig")
  public void kill() {
    signalPending = true;
    Thread t = caller;
    if (t != null) {
      t.interrupt();
    }
  }

  private void enter() {
    caller = Thread.currentThread();
    if (signalPending) {
      Thread.currentThread().interrupt();
    }
  }

  private int leave(String syscall, int ret) {
    caller = null;
    if (Thread.interrupted() || ret == -Errno.ERESTARTSYS) {
      signalPending = false;
      if (ret == -Errno.ERESTARTSYS) {
        ret = -Errno.EINTR;
      }
    }
    Lockdep.checkNoLocksHeld(syscall);
    return ret;
  }

  private synchronized @Nullable File file(int fd) {
    return fds.get(fd);
  }

  private synchronized int installFd(File f) {
    int fd = FIRST_FD;
    for (int used : fds.keySet()) {
      if (used != fd) {
        break;
      }
      fd++;
    }
    if (fd >= NOFILE) {
      return -Errno.EMFILE;
    }
    fds.put(fd, f);
    return fd;
  }

  /**
   * Opens a device node.
   *
   * @param path for example "/dev/video0"
   * @param flags open flags, such as {@link File#O_RDWR} | {@link File#O_NONBLOCK}
   * @return the new descriptor, or {@code -ENOENT}, {@code -ENXIO}, {@code -EMFILE}, {@code
   *     -ENOMEM}, or the driver's open error
   */
  @KernelSymbol({"do_sys_open", "chrdev_open"})
  public int open(String path, int flags) {
    enter();
    return leave("open", doOpen(path, flags));
  }

  private int doOpen(String path, int flags) {
    int devt = kernel.devfsLookup(path);
    if (devt < 0) {
      return devt;
    }
    Cdev cdev = kernel.cdevGet(devt);
    if (cdev == null) {
      return -Errno.ENXIO;
    }
    Allocation mem = Kmem.kzalloc("file", path);
    if (mem == null) {
      cdev.put();
      return -Errno.ENOMEM;
    }
    File f = new File(cdev, devt, flags, path, mem);
    int ret = cdev.fops().open(f);
    if (ret != 0) {
      cdev.put();
      Kmem.kfree(mem);
      return ret;
    }
    int fd = installFd(f);
    if (fd < 0) {
      fput(f);
    }
    return fd;
  }

  private static void fput(File f) {
    f.fops().release(f);
    f.cdev().put();
    Kmem.kfree(f.mem());
  }

  /**
   * Closes a descriptor; the driver's release runs, whatever state its device is in.
   *
   * @param fd the descriptor
   * @return 0 or {@code -EBADF}
   */
  @KernelSymbol({"close", "fput", "__fput"})
  public int close(int fd) {
    enter();
    File f;
    synchronized (this) {
      f = fds.remove(fd);
    }
    if (f == null) {
      return leave("close", -Errno.EBADF);
    }
    fput(f);
    return leave("close", 0);
  }

  /**
   * Issues an ioctl.
   *
   * @param fd the descriptor
   * @param cmd the command number
   * @param arg the argument, or null; updated only if the call returns 0
   * @return the handler's result, {@code -EBADF}, {@code -ENOTTY} for an unknown command, or
   *     {@code -EINTR} after a signal
   */
  @KernelSymbol({"ksys_ioctl", "vfs_ioctl"})
  public int ioctl(int fd, int cmd, @Nullable IoctlArg<?> arg) {
    enter();
    File f = file(fd);
    if (f == null) {
      return leave("ioctl", -Errno.EBADF);
    }
    int ret = arg == null ? f.fops().ioctl(f, cmd, null) : copyInOut(f, cmd, arg);
    if (ret == -Errno.ENOIOCTLCMD) {
      ret = -Errno.ENOTTY;
    }
    return leave("ioctl", ret);
  }

  private static <T extends IoctlArg<T>> int copyInOut(File f, int cmd, IoctlArg<T> arg) {
    T copy = arg.copy();
    int ret = f.fops().ioctl(f, cmd, copy);
    if (ret == 0) {
      arg.copyFrom(copy);
    }
    return ret;
  }

  /**
   * Polls one descriptor.
   *
   * <p>Departure from the kernel: a sleeping poll waits on the first wait queue the driver
   * registered, re-asking the driver on each wake-up, where the kernel's poll table entries wake
   * the poller from any of them. Drivers of this model register one queue per file.
   *
   * @param fd the descriptor
   * @param events the POLL* bits wanted ({@code POLLERR} and {@code POLLHUP} are always reported)
   * @param timeoutNanos how long to wait: 0 not at all, negative for ever
   * @return the ready bits (positive), 0 on timeout, {@code -EBADF}, or {@code -EINTR}
   */
  @KernelSymbol({"do_sys_poll", "do_poll"})
  public int poll(int fd, int events, long timeoutNanos) {
    enter();
    File f = file(fd);
    if (f == null) {
      return leave("poll", -Errno.EBADF);
    }
    int want = events | FileOperations.POLLERR | FileOperations.POLLHUP;
    PollTable table = new PollTable();
    int mask = f.fops().poll(f, table) & want;
    if (mask != 0 || timeoutNanos == 0) {
      return leave("poll", mask);
    }
    List<WaitQueueHead> queues = table.queues();
    WaitQueueHead q = queues.isEmpty() ? new WaitQueueHead("poll.idle") : queues.get(0);
    int[] ready = new int[1];
    java.util.function.BooleanSupplier isReady =
        () -> (ready[0] = f.fops().poll(f, new PollTable()) & want) != 0;
    long r =
        timeoutNanos < 0
            ? q.waitEventInterruptible(isReady)
            : q.waitEventInterruptibleTimeout(isReady, timeoutNanos);
    if (r < 0) {
      return leave("poll", (int) r);
    }
    return leave("poll", ready[0]);
  }

  /**
   * Reads from a descriptor.
   *
   * @param fd the descriptor
   * @param buf the destination
   * @return bytes read, {@code -EBADF}, the driver's error, or {@code -EINTR}
   */
  @KernelSymbol({"ksys_read", "vfs_read"})
  public int read(int fd, byte[] buf) {
    enter();
    File f = file(fd);
    if (f == null) {
      return leave("read", -Errno.EBADF);
    }
    return leave("read", f.fops().read(f, buf));
  }

  /**
   * Ends the task: every descriptor is closed, as at process exit.
   *
   * @return how many were open
   */
  @KernelSymbol({"do_exit", "exit_files"})
  public int exit() {
    List<Integer> open = fds();
    for (int fd : open) {
      close(fd);
    }
    return open.size();
  }

  @Override
  public String toString() {
    return "task " + comm;
  }
}
