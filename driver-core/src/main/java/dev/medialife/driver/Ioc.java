package dev.medialife.driver;

import dev.medialife.kernel.meta.KernelSymbol;

/** The ioctl command encoding of include/uapi/asm-generic/ioctl.h. */
@KernelSymbol("_IOC")
public final class Ioc {
  /** No data. */
  @KernelSymbol("_IOC_NONE")
  public static final int NONE = 0;

  /** Userspace writes, the kernel reads. */
  @KernelSymbol("_IOC_WRITE")
  public static final int WRITE = 1;

  /** The kernel writes, userspace reads. */
  @KernelSymbol("_IOC_READ")
  public static final int READ = 2;

  private Ioc() {}

  /**
   * Encodes a command.
   *
   * @param dir NONE, READ, WRITE or READ|WRITE
   * @param type the magic letter
   * @param nr the number
   * @param size the size of the uapi struct
   * @return the command number
   */
  @KernelSymbol("_IOC")
  public static int ioc(int dir, char type, int nr, int size) {
    return (dir << 30) | (size << 16) | ((type & 0xff) << 8) | (nr & 0xff);
  }

  /**
   * {@code _IOR}.
   *
   * @param type magic
   * @param nr number
   * @param size struct size
   * @return the command
   */
  @KernelSymbol("_IOR")
  public static int ior(char type, int nr, int size) {
    return ioc(READ, type, nr, size);
  }

  /**
   * {@code _IOW}.
   *
   * @param type magic
   * @param nr number
   * @param size struct size
   * @return the command
   */
  @KernelSymbol("_IOW")
  public static int iow(char type, int nr, int size) {
    return ioc(WRITE, type, nr, size);
  }

  /**
   * {@code _IOWR}.
   *
   * @param type magic
   * @param nr number
   * @param size struct size
   * @return the command
   */
  @KernelSymbol("_IOWR")
  public static int iowr(char type, int nr, int size) {
    return ioc(READ | WRITE, type, nr, size);
  }

  /**
   * The number field of a command.
   *
   * @param cmd the command
   * @return its number
   */
  @KernelSymbol("_IOC_NR")
  public static int nr(int cmd) {
    return cmd & 0xff;
  }

  /**
   * The type field of a command.
   *
   * @param cmd the command
   * @return its magic letter
   */
  @KernelSymbol("_IOC_TYPE")
  public static char type(int cmd) {
    return (char) ((cmd >>> 8) & 0xff);
  }
}
