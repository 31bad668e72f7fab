package dev.medialife.drivers.usbaudio;

import dev.medialife.driver.IoctlArg;

/**
 * The hardware parameters of a PCM substream ({@code struct snd_pcm_hw_params}, reduced to the
 * values this device has): sample format, rate, channels, period size and period count.
 */
public final class SndPcmHwParams implements IoctlArg<SndPcmHwParams> {
  /** {@code SNDRV_PCM_FORMAT_S16_LE}. */
  public static final int FORMAT_S16_LE = 2;

  /** The sample format. */
  public int format;

  /** Frames per second. */
  public int rate;

  /** Channels per frame. */
  public int channels;

  /** Bytes per period. */
  public int periodBytes;

  /** Periods in the ring buffer. */
  public int periods;

  /** Empty parameters. */
  public SndPcmHwParams() {}

  /**
   * Parameters the stick supports: S16_LE, 48 kHz, stereo, its period size, {@code periods}
   * periods.
   *
   * @param periods the period count
   * @return the parameters
   */
  public static SndPcmHwParams standard(int periods) {
    SndPcmHwParams p = new SndPcmHwParams();
    p.format = FORMAT_S16_LE;
    p.rate = 48000;
    p.channels = 2;
    p.periodBytes = SndUsbChip.PERIOD_BYTES;
    p.periods = periods;
    return p;
  }

  @Override
  public SndPcmHwParams copy() {
    SndPcmHwParams p = new SndPcmHwParams();
    p.copyFrom(this);
    return p;
  }

  @Override
  public void copyFrom(SndPcmHwParams o) {
    format = o.format;
    rate = o.rate;
    channels = o.channels;
    periodBytes = o.periodBytes;
    periods = o.periods;
  }
}
