package dev.medialife.driver;

import dev.medialife.kernel.meta.KernelSymbol;

/**
 * Device numbers ({@code dev_t}): a 12-bit major and a 20-bit minor in one int, as the kernel
 * encodes them internally ({@code MINORBITS} = 20).
 */
@KernelSymbol("dev_t")
public final class DevT {
  /** Bits of the minor number. */
  @KernelSymbol("MINORBITS")
  public static final int MINORBITS = 20;

  /** The largest minor number. */
  @KernelSymbol("MINORMASK")
  public static final int MINORMASK = (1 << MINORBITS) - 1;

  private DevT() {}

  /**
   * Builds a device number.
   *
   * @param major the major number
   * @param minor the minor number
   * @return the dev_t
   */
  @KernelSymbol("MKDEV")
  public static int mkdev(int major, int minor) {
    return (major << MINORBITS) | minor;
  }

  /**
   * The major number of a device number.
   *
   * @param devt the dev_t
   * @return its major
   */
  @KernelSymbol("MAJOR")
  public static int major(int devt) {
    return devt >>> MINORBITS;
  }

  /**
   * The minor number of a device number.
   *
   * @param devt the dev_t
   * @return its minor
   */
  @KernelSymbol("MINOR")
  public static int minor(int devt) {
    return devt & MINORMASK;
  }

  /**
   * Renders a device number as "major:minor".
   *
   * @param devt the dev_t
   * @return for example "240:0"
   */
  @KernelSymbol("format_dev_t")
  public static String format(int devt) {
    return major(devt) + ":" + minor(devt);
  }
}
