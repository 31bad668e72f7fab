package dev.medialife.it.selftests;

import dev.medialife.cli.Board;
import dev.medialife.hw.imx8m.VpuCore;
import org.jspecify.annotations.Nullable;

/**
 * What a selftest takes away under its open files and gives back: one Hantro decoder core through
 * the platform bus's sysfs {@code unbind}/{@code bind}, or the USB TV stick, either by unbinding
 * both of its interface drivers through the USB bus's sysfs files or by pulling it out of its port
 * ("physical disconnect") and plugging it back.
 */
enum Target {
  /** The i.MX8MQ G1 core, unbound from and rebound to hantro-vpu. */
  G1(Board.Kind.IMX8MQ, VpuCore.Kind.G1, false),
  /** The i.MX8MQ G2 core, unbound from and rebound to hantro-vpu. */
  G2(Board.Kind.IMX8MQ, VpuCore.Kind.G2, false),
  /** The stick's au0828 interface, then its snd-usb-audio interface, unbound; bound again. */
  STICK_UNBIND(Board.Kind.USBTV, null, false),
  /** The stick pulled out of its port and plugged back. */
  STICK_UNPLUG(Board.Kind.USBTV, null, true);

  /** The media device's model and driver name of a Hantro core (hantro_probe sets both). */
  static final String HANTRO = "hantro-vpu";

  /** The stick's product string: the model the allocator copies into the media device. */
  static final String STICK_MODEL = "HVR-950Q";

  /** The driver name of the stick's media device when au0828 allocates it first. */
  static final String STICK_DRIVER = "au0828";

  private final Board.Kind board;
  private final VpuCore.@Nullable Kind core;
  private final boolean unplug;

  Target(Board.Kind board, VpuCore.@Nullable Kind core, boolean unplug) {
    this.board = board;
    this.core = core;
    this.unplug = unplug;
  }

  Board.Kind board() {
    return board;
  }

  /** The decoder core, or null for the stick. */
  VpuCore.@Nullable Kind core() {
    return core;
  }

  boolean hantro() {
    return core != null;
  }

  boolean unplug() {
    return unplug;
  }

  /** The model DEVICE_INFO reports for this target. */
  String model() {
    return hantro() ? HANTRO : STICK_MODEL;
  }

  /** The driver name DEVICE_INFO reports for this target. */
  String driver() {
    return hantro() ? HANTRO : STICK_DRIVER;
  }
}
