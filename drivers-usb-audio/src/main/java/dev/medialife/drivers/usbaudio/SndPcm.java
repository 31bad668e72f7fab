package dev.medialife.drivers.usbaudio;

import dev.medialife.driver.Ioc;

/** The PCM ioctl numbers ({@code include/uapi/sound/asound.h}) this driver answers. */
public final class SndPcm {
  /** {@code SNDRV_PCM_IOCTL_HW_PARAMS}. */
  public static final int HW_PARAMS = Ioc.iowr('A', 0x11, 604);

  /** {@code SNDRV_PCM_IOCTL_HW_FREE}. */
  public static final int HW_FREE = Ioc.ioc(Ioc.NONE, 'A', 0x12, 0);

  /** {@code SNDRV_PCM_IOCTL_PREPARE}. */
  public static final int PREPARE = Ioc.ioc(Ioc.NONE, 'A', 0x40, 0);

  /** {@code SNDRV_PCM_IOCTL_START}. */
  public static final int START = Ioc.ioc(Ioc.NONE, 'A', 0x42, 0);

  /** {@code SNDRV_PCM_IOCTL_DROP}. */
  public static final int DROP = Ioc.ioc(Ioc.NONE, 'A', 0x43, 0);

  /** The ALSA character major. */
  public static final int ALSA_MAJOR = 116;

  /** {@code SNDRV_MINOR_PCM_CAPTURE}: offset of the capture nodes in a card's minors. */
  public static final int MINOR_PCM_CAPTURE = 24;

  /** The PCM states ({@code snd_pcm_state_t}). */
  public enum State {
    /** Open, no parameters. */
    OPEN,
    /** Parameters set. */
    SETUP,
    /** Ready to start. */
    PREPARED,
    /** Capturing. */
    RUNNING,
    /** Overrun: a period arrived with the ring full. */
    XRUN,
    /** The device is gone. */
    DISCONNECTED
  }

  private SndPcm() {}
}
