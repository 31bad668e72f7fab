package dev.medialife.it.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.cli.Board;
import dev.medialife.driver.BusType;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Task;
import dev.medialife.driver.usb.UsbCore;
import dev.medialife.drivers.au0828.Au0828Dev;
import dev.medialife.drivers.hantro.HantroDev;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaDevnode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A booted {@link Board} and the control actions of the selftests on one {@link Target}: what an
 * operator does from a shell while the selftest programs run (sysfs bind/unbind, pulling the
 * stick), and what {@code ls /dev/media*} shows.
 *
 * <p>The Hantro targets run with {@link PatchSwitch#MEDIA_LIFETIME} off, as mainline: the upstream
 * Hantro driver embeds its media device in device-managed memory that devres frees at unbind, and
 * relies on mainline's separately allocated devnode, which an open file keeps alive on its own.
 * (The model's Hantro, converted to the lifetime rules, moves the media device into an allocation
 * of its own when they are on; the selftests keep the mainline path, which is the one the kernel
 * selftests exercise.) The stick's media device comes from the allocator, which frees it from the media
 * device's release callback, so the stick runs under the lifetime rules (the default).
 *
 * <p>Mainline leaves a window between the devnode's REGISTERED check and the ioctl's use of the
 * media device: a call that passed the check while the unbind runs reaches the freed {@code
 * hantro_dev} (reference §5.2). {@code MediaDeviceOpenTest} pins that race deterministically. So
 * that the Hantro runs check everything else without hitting it by chance, their media ioctls
 * ({@link #ioctl}) and the operator's actions ({@link #remove}, {@link #restore}, {@link
 * #unbind}, {@link #bind}) exclude each other through a fair read-write lock; opens and closes
 * still race the unbind freely. The stick's runs take no lock: under the lifetime rules the
 * unregister itself waits for the calls in flight.
 */
final class Rig implements AutoCloseable {
  /** The au0828 driver's name on the USB bus. */
  static final String AU0828 = Au0828Dev.NAME;

  /** The snd-usb-audio driver's name on the USB bus. */
  static final String SND_USB_AUDIO = SndUsbChip.NAME;

  /** The stick's video/tuner interface, {@code 1-1:1.0}. */
  static final String VIDEO_INTF = Board.BUSNUM + "-" + Board.PORT + ":1.0";

  /** The stick's audio interface, {@code 1-1:1.1} (media_dev_allocator.sh uses ".1"). */
  static final String AUDIO_INTF = Board.BUSNUM + "-" + Board.PORT + ":1.1";

  final Target target;
  final Board board;
  private final ReentrantReadWriteLock mainlineWindow = new ReentrantReadWriteLock(true);

  private Rig(Target target, Board board) {
    this.target = target;
    this.board = board;
  }

  /**
   * Boots the target's board.
   *
   * @param target what the test will remove
   * @return the rig
   * @throws Board.BootException if the board does not boot
   */
  static Rig boot(Target target) throws Board.BootException {
    if (!target.hantro()) {
      return new Rig(target, Board.boot(target.board()));
    }
    PatchSwitch.MEDIA_LIFETIME.set(false);
    try {
      return new Rig(target, Board.boot(target.board()));
    } catch (Board.BootException | RuntimeException e) {
      PatchSwitch.resetAll();
      throw e;
    }
  }

  static <T> T notNull(@Nullable T value, String what) {
    assertNotNull(value, what);
    return value;
  }

  Kernel kernel() {
    return board.kernel();
  }

  /** The USB bus, for its drivers' sysfs bind and unbind files. */
  BusType usb() {
    return notNull(kernel().bus(UsbCore.NAME), "the usb bus");
  }

  private VpuCore.Kind core() {
    return notNull(target.core(), target + " has no decoder core");
  }

  /** The target's media device now, or null while it has none. */
  @Nullable MediaDevice mediaDevice() {
    if (target.hantro()) {
      HantroDev v = board.vpu(core());
      return v == null ? null : v.mediaDevice();
    }
    Au0828Dev a = board.au0828();
    MediaDevice m = a == null ? null : a.mediaDevice();
    if (m == null) {
      SndUsbChip c = board.sndChip();
      m = c == null ? null : c.mediaDevice();
    }
    return m;
  }

  /** The target's registered /dev/mediaN now; fails the test if there is none. */
  String mediaPath() {
    MediaDevice m = notNull(mediaDevice(), target + " has a media device");
    assertTrue(m.isRegistered(), target + ": the media device is registered");
    MediaDevnode dn = notNull(m.devnode(), "its devnode");
    return dn.path();
  }

  /** {@code ls /dev/media*}. */
  List<String> mediaNodes() {
    List<String> out = new ArrayList<>();
    for (String p : kernel().devfsList()) {
      if (p.startsWith("/dev/media")) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * A media ioctl of a task, kept out of the operator's actions on a Hantro target.
   *
   * @return the ioctl's result
   */
  int ioctl(Task task, int fd, int cmd, IoctlArg<?> arg) {
    return guarded(mainlineWindow.readLock(), () -> task.ioctl(fd, cmd, arg));
  }

  private int operator(IntSupplier action) {
    return guarded(mainlineWindow.writeLock(), action);
  }

  private int guarded(Lock lock, IntSupplier body) {
    if (!target.hantro()) {
      return body.getAsInt();
    }
    lock.lock();
    try {
      return body.getAsInt();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Unbinds a decoder core through hantro-vpu's sysfs {@code unbind}.
   *
   * @return 0 or a negative errno
   */
  int unbind(VpuCore.Kind core) {
    return operator(() -> board.unbind(core));
  }

  /**
   * Binds a decoder core through hantro-vpu's sysfs {@code bind}.
   *
   * @return 0 or a negative errno
   */
  int bind(VpuCore.Kind core) {
    return operator(() -> board.bind(core));
  }

  /**
   * Takes the target away: sysfs unbind of the core, unbind of au0828 then snd-usb-audio, or the
   * stick pulled out.
   *
   * @return 0 or the first negative errno
   */
  int remove() {
    if (target.hantro()) {
      return unbind(core());
    }
    if (target.unplug()) {
      return board.unplug();
    }
    int ret = usb().unbind(AU0828, VIDEO_INTF);
    return ret != 0 ? ret : usb().unbind(SND_USB_AUDIO, AUDIO_INTF);
  }

  /**
   * Gives the target back: sysfs bind, or the stick plugged in again.
   *
   * @return 0 or the first negative errno
   */
  int restore() {
    if (target.hantro()) {
      return bind(core());
    }
    if (target.unplug()) {
      int devnum = board.plug();
      return devnum > 0 ? 0 : devnum;
    }
    int ret = usb().bind(AU0828, VIDEO_INTF);
    return ret != 0 ? ret : usb().bind(SND_USB_AUDIO, AUDIO_INTF);
  }

  /** Removes and restores, failing the test on an error. */
  void cycle() {
    assertEquals(0, remove(), target + ": remove");
    assertEquals(0, restore(), target + ": restore");
  }

  /** Tears the board down and puts the patch switches back to their defaults. */
  @Override
  public void close() {
    try {
      board.close();
    } finally {
      PatchSwitch.resetAll();
    }
  }

  @Override
  public String toString() {
    return "Rig[" + target + " on " + board + "]";
  }
}
