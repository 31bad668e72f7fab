package dev.medialife.drivers.usbaudio;

/**
 * The capture ring of a PCM substream, counted in whole periods: what the completion IRQ stores,
 * what readers take and what is thrown away (not running, overrun, drop, prepare, close,
 * disconnect). Every delivered period is read, discarded or still in the ring: {@link
 * #balanced()} always holds.
 *
 * <p>Implementation notes: not thread-safe by itself; the substream's stream lock (a spinlock,
 * {@code snd_pcm_stream_lock_irq}) guards every call, from the IRQ handler and from process
 * context alike.
 */
final class PcmRing {
  /** What became of a delivered period. */
  enum Delivery {
    /** Stored in the ring. */
    STORED,
    /** The stream was not running: thrown away. */
    DISCARDED,
    /** The ring was full: thrown away, and the stream must stop (XRUN). */
    OVERRUN
  }

  private int capacity;
  private int avail;
  private int delivered;
  private int read;
  private int discarded;

  /**
   * Sets the ring size (hw_params), discarding what it held.
   *
   * @param periods the number of periods
   */
  void configure(int periods) {
    discardAll();
    capacity = periods;
  }

  /**
   * The IRQ delivers one period.
   *
   * @param running whether the stream is running
   * @return what became of it
   */
  Delivery deliver(boolean running) {
    delivered++;
    if (!running) {
      discarded++;
      return Delivery.DISCARDED;
    }
    if (avail >= capacity) {
      discarded++;
      return Delivery.OVERRUN;
    }
    avail++;
    return Delivery.STORED;
  }

  /**
   * A reader takes one period.
   *
   * @return whether there was one
   */
  boolean take() {
    if (avail == 0) {
      return false;
    }
    avail--;
    read++;
    return true;
  }

  /**
   * Throws away everything in the ring.
   *
   * @return how many periods were thrown away
   */
  int discardAll() {
    int n = avail;
    discarded += n;
    avail = 0;
    return n;
  }

  int avail() {
    return avail;
  }

  int capacity() {
    return capacity;
  }

  int delivered() {
    return delivered;
  }

  int read() {
    return read;
  }

  int discarded() {
    return discarded;
  }

  /** Every delivered period is read, discarded or in the ring, which never overflows. */
  boolean balanced() {
    return delivered == read + discarded + avail && avail >= 0 && avail <= Math.max(capacity, 0);
  }
}
