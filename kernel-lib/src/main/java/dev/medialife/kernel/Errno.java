package dev.medialife.kernel;

import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.Map;

/**
 * The kernel's errno values (include/uapi/asm-generic/errno-base.h, errno.h and the kernel-internal
 * linux/errno.h), as positive constants. Modelled calls return {@code -ENODEV} and friends, exactly
 * as kernel functions do; {@link #name(int)} turns either sign back into its symbol for reports.
 */
@KernelSymbol({"errno-base.h", "errno.h"})
public final class Errno {
  /** Operation not permitted. */
  public static final int EPERM = 1;
  /** No such file or directory. */
  public static final int ENOENT = 2;
  /** No such process. */
  public static final int ESRCH = 3;
  /** Interrupted system call. */
  public static final int EINTR = 4;
  /** I/O error. */
  public static final int EIO = 5;
  /** No such device or address. */
  public static final int ENXIO = 6;
  /** Argument list too long. */
  public static final int E2BIG = 7;
  /** Bad file number. */
  public static final int EBADF = 9;
  /** Try again. */
  public static final int EAGAIN = 11;
  /** Out of memory. */
  public static final int ENOMEM = 12;
  /** Permission denied. */
  public static final int EACCES = 13;
  /** Bad address. */
  public static final int EFAULT = 14;
  /** Device or resource busy. */
  public static final int EBUSY = 16;
  /** File exists. */
  public static final int EEXIST = 17;
  /** No such device. */
  public static final int ENODEV = 19;
  /** Invalid argument. */
  public static final int EINVAL = 22;
  /** File table overflow. */
  public static final int ENFILE = 23;
  /** Too many open files. */
  public static final int EMFILE = 24;
  /** Not a typewriter: the ioctl is not known. */
  public static final int ENOTTY = 25;
  /** No space left on device; also "buffer too small" for G_TOPOLOGY. */
  public static final int ENOSPC = 28;
  /** Broken pipe. */
  public static final int EPIPE = 32;
  /** Math result not representable. */
  public static final int ERANGE = 34;
  /** Resource deadlock would occur. */
  public static final int EDEADLK = 35;
  /** Invalid system call number. */
  public static final int ENOSYS = 38;
  /** No data available. */
  public static final int ENODATA = 61;
  /** Timer expired. */
  public static final int ETIME = 62;
  /** Link has been severed. */
  public static final int ENOLINK = 67;
  /** Protocol error. */
  public static final int EPROTO = 71;
  /** Value too large for defined data type. */
  public static final int EOVERFLOW = 75;
  /** File descriptor in bad state; ALSA's answer to a PCM call in the wrong state. */
  public static final int EBADFD = 77;
  /** Name not unique on network; the media core uses it for "more than one enabled link". */
  public static final int ENOTUNIQ = 76;
  /** No buffer space available. */
  public static final int ENOBUFS = 105;
  /** Transport endpoint is not connected. */
  public static final int ENOTCONN = 107;
  /** Connection timed out. */
  public static final int ETIMEDOUT = 110;
  /** Operation already in progress. */
  public static final int EALREADY = 114;
  /** Operation now in progress. */
  public static final int EINPROGRESS = 115;
  /** Operation canceled. */
  public static final int ECANCELED = 125;
  /** Kernel-internal: restart the system call after a signal; never seen by userspace. */
  public static final int ERESTARTSYS = 512;
  /** Kernel-internal: the ioctl is not handled here; the core turns it into ENOTTY. */
  public static final int ENOIOCTLCMD = 515;
  /** Kernel-internal: a probe asks to be retried later. */
  public static final int EPROBE_DEFER = 517;
  /** Kernel-internal: operation not supported. */
  public static final int ENOTSUPP = 524;

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(EPERM, "EPERM"),
          Map.entry(ENOENT, "ENOENT"),
          Map.entry(ESRCH, "ESRCH"),
          Map.entry(EINTR, "EINTR"),
          Map.entry(EIO, "EIO"),
          Map.entry(ENXIO, "ENXIO"),
          Map.entry(E2BIG, "E2BIG"),
          Map.entry(EBADF, "EBADF"),
          Map.entry(EAGAIN, "EAGAIN"),
          Map.entry(ENOMEM, "ENOMEM"),
          Map.entry(EACCES, "EACCES"),
          Map.entry(EFAULT, "EFAULT"),
          Map.entry(EBUSY, "EBUSY"),
          Map.entry(EEXIST, "EEXIST"),
          Map.entry(ENODEV, "ENODEV"),
          Map.entry(EINVAL, "EINVAL"),
          Map.entry(ENFILE, "ENFILE"),
          Map.entry(EMFILE, "EMFILE"),
          Map.entry(ENOTTY, "ENOTTY"),
          Map.entry(ENOSPC, "ENOSPC"),
          Map.entry(EPIPE, "EPIPE"),
          Map.entry(ERANGE, "ERANGE"),
          Map.entry(EDEADLK, "EDEADLK"),
          Map.entry(ENOSYS, "ENOSYS"),
          Map.entry(ENODATA, "ENODATA"),
          Map.entry(ETIME, "ETIME"),
          Map.entry(ENOLINK, "ENOLINK"),
          Map.entry(EPROTO, "EPROTO"),
          Map.entry(EOVERFLOW, "EOVERFLOW"),
          Map.entry(EBADFD, "EBADFD"),
          Map.entry(ENOTUNIQ, "ENOTUNIQ"),
          Map.entry(ENOBUFS, "ENOBUFS"),
          Map.entry(ENOTCONN, "ENOTCONN"),
          Map.entry(ETIMEDOUT, "ETIMEDOUT"),
          Map.entry(EALREADY, "EALREADY"),
          Map.entry(EINPROGRESS, "EINPROGRESS"),
          Map.entry(ECANCELED, "ECANCELED"),
          Map.entry(ERESTARTSYS, "ERESTARTSYS"),
          Map.entry(ENOIOCTLCMD, "ENOIOCTLCMD"),
          Map.entry(EPROBE_DEFER, "EPROBE_DEFER"),
          Map.entry(ENOTSUPP, "ENOTSUPP"));

  private Errno() {}

  /**
   * The symbol of an errno value, accepting either sign, as {@code errname()} does.
   *
   * @param errno an errno, positive or negative
   * @return its name, for example "ENODEV", or "0" for success, or "E?123" when unknown
   */
  @KernelSymbol("errname")
  public static String name(int errno) {
    if (errno == 0) {
      return "0";
    }
    int e = Math.abs(errno);
    String n = NAMES.get(e);
    return n != null ? n : "E?" + e;
  }

  /**
   * Renders a kernel-style return value: a non-negative value as a number, a negative errno as
   * "-ENAME".
   *
   * @param ret the return value
   * @return for example "3" or "-ENODEV"
   */
  @JavaOnly("report formatting")
  public static String describe(int ret) {
    return ret >= 0 ? Integer.toString(ret) : "-" + name(ret);
  }

  /**
   * Whether a value is an error return, as {@code IS_ERR_VALUE} decides for an int.
   *
   * @param ret the return value
   * @return true if negative
   */
  @KernelSymbol("IS_ERR_VALUE")
  public static boolean isError(int ret) {
    return ret < 0;
  }
}
