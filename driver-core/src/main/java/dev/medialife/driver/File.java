package dev.medialife.driver;

import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import org.jspecify.annotations.Nullable;

/**
 * An open file on a character device ({@code struct file}): its operations, flags, device number,
 * the {@link Cdev} it was opened through and the driver's private data. It is an allocation of its
 * own, freed at the last close, so a file a test forgets to close shows up as a leak.
 */
@KernelSymbol("file")
public final class File {
  /** Open for reading. */
  @KernelSymbol("O_RDONLY")
  public static final int O_RDONLY = 0;

  /** Open for reading and writing. */
  @KernelSymbol("O_RDWR")
  public static final int O_RDWR = 2;

  /** Non-blocking I/O. */
  @KernelSymbol("O_NONBLOCK")
  public static final int O_NONBLOCK = 0x800;

  private final Cdev cdev;
  private final int devt;
  private final int flags;
  private final String path;
  private final Allocation mem;
  private volatile @Nullable Object privateData;

  File(Cdev cdev, int devt, int flags, String path, Allocation mem) {
    this.cdev = cdev;
    this.devt = devt;
    this.flags = flags;
    this.path = path;
    this.mem = mem;
  }

  /**
   * The file's operations.
   *
   * @return the cdev's table
   */
  @KernelSymbol("file.f_op")
  public FileOperations fops() {
    return cdev.fops();
  }

  /**
   * The device number the file was opened on.
   *
   * @return the dev_t ({@code inode->i_rdev})
   */
  @KernelSymbol("inode.i_rdev")
  public int devt() {
    return devt;
  }

  /**
   * The open flags.
   *
   * @return flags such as {@link #O_NONBLOCK}
   */
  @KernelSymbol("file.f_flags")
  public int flags() {
    return flags;
  }

  /**
   * Whether the file was opened non-blocking.
   *
   * @return true with {@link #O_NONBLOCK}
   */
  @JavaOnly("convenience over f_flags")
  public boolean nonBlocking() {
    return (flags & O_NONBLOCK) != 0;
  }

  /**
   * The path the file was opened by.
   *
   * @return for example "/dev/media0"
   */
  @KernelSymbol("file.f_path")
  public String path() {
    return path;
  }

  /**
   * The character device the file was opened through.
   *
   * @return the cdev
   */
  @KernelSymbol("inode.i_cdev")
  public Cdev cdev() {
    return cdev;
  }

  /**
   * The driver's per-open data.
   *
   * @param type the expected type
   * @param <T> that type
   * @return the data, or null
   */
  @KernelSymbol("file.private_data")
  public <T> @Nullable T privateData(Class<T> type) {
    Object d = privateData;
    return d == null ? null : type.cast(d);
  }

  /**
   * Sets the driver's per-open data.
   *
   * @param data the data
   */
  @KernelSymbol("file.private_data")
  public void setPrivateData(@Nullable Object data) {
    privateData = data;
  }

  Allocation mem() {
    return mem;
  }

  @Override
  public String toString() {
    return "file " + path;
  }
}
