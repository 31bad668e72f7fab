package dev.medialife.drivers.usbaudio;

import dev.medialife.driver.Module;
import dev.medialife.driver.usb.UsbCore;
import dev.medialife.driver.usb.UsbDeviceId;
import dev.medialife.driver.usb.UsbDriver;
import dev.medialife.driver.usb.UsbInterface;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.meta.KernelSymbol;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The snd-usb-audio USB driver ({@code usb_audio_driver}): binds to audio-control interfaces. Each
 * bound interface becomes a card ({@link SndUsbChip}) with one PCM capture node; a card number is
 * taken at probe and given back when the card's memory goes ({@code SNDRV_CARDS} = 8).
 */
@KernelSymbol("usb_audio_driver")
public final class SndUsbAudioDriver {
  /** {@code SNDRV_CARDS}. */
  public static final int CARDS = 8;

  private final Module module;
  private volatile int lastProbe;
  private final UsbDriver driver;
  private final Set<SndUsbChip> live = ConcurrentHashMap.newKeySet();
  private final BitSet cards = new BitSet(CARDS);

  /**
   * The driver, owned by {@code module}.
   *
   * @param module the module (snd_usb_audio)
   */
  public SndUsbAudioDriver(Module module) {
    this.module = module;
    this.driver =
        new UsbDriver(
            SndUsbChip.NAME,
            module,
            List.of(UsbDeviceId.interfaceInfo(0x01, 0x01, 0)),
            new UsbDriver.Ops() {
              @Override
              public int probe(UsbInterface intf, UsbDeviceId id) {
                return SndUsbAudioDriver.this.probe(intf);
              }

              @Override
              public void disconnect(UsbInterface intf) {
                SndUsbAudioDriver.this.disconnect(intf);
              }
            });
  }

  /**
   * Registers with the USB core (module init).
   *
   * @param core the USB core
   * @return 0 or the core's error
   */
  public int register(UsbCore core) {
    return core.register(driver);
  }

  /**
   * Deregisters (module exit): every bound interface is disconnected.
   *
   * @param core the USB core
   */
  public void deregister(UsbCore core) {
    core.deregister(driver);
  }

  /**
   * The result of the last probe, as the driver core would log it ("probe failed with error").
   *
   * @return 0 or the negative errno of the last probe
   */
  public int lastProbe() {
    return lastProbe;
  }

  /**
   * The module.
   *
   * @return the module
   */
  public Module module() {
    return module;
  }

  /**
   * The card bound to an interface.
   *
   * @param intf the interface
   * @return the card, or null when not bound
   */
  public static @Nullable SndUsbChip of(UsbInterface intf) {
    return intf.getIntfdata(SndUsbChip.class);
  }

  /**
   * How many cards are still allocated (bound, or unbound with the PCM node open).
   *
   * @return the count
   */
  public int live() {
    return live.size();
  }

  private int probe(UsbInterface intf) {
    int ret = doProbe(intf);
    lastProbe = ret;
    return ret;
  }

  private int doProbe(UsbInterface intf) {
    int card;
    synchronized (cards) {
      card = cards.nextClearBit(0);
      if (card >= CARDS) {
        return -Errno.ENODEV;
      }
      cards.set(card);
    }
    Allocation mem = Kmem.kzalloc("snd_usb_audio", intf.device().name());
    if (mem == null) {
      freeCard(card);
      return -Errno.ENOMEM;
    }
    SndUsbChip chip = new SndUsbChip(mem, this, intf, module, card);
    int ret = chip.probe();
    if (ret != 0) {
      Kmem.kfree(mem, "usb_audio_probe");
      freeCard(card);
      return ret;
    }
    live.add(chip);
    intf.setIntfdata(chip);
    return 0;
  }

  private void disconnect(UsbInterface intf) {
    SndUsbChip chip = of(intf);
    intf.setIntfdata(null);
    if (chip != null) {
      chip.disconnect();
    }
  }

  private void freeCard(int card) {
    synchronized (cards) {
      cards.clear(card);
    }
  }

  void released(SndUsbChip chip) {
    live.remove(chip);
    freeCard(chip.card());
  }
}
