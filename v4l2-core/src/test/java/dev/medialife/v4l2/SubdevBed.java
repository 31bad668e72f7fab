package dev.medialife.v4l2;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.File;
import dev.medialife.driver.Module;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.v4l2.uapi.V4l2MbusFramefmt;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A sub-device driver's private structure for the tests: kzalloced, embedding a {@link
 * V4l2Subdev} whose internal operations count their calls and whose release frees the
 * structure.
 */
final class SubdevBed implements V4l2SubdevInternalOps {
  final Allocation mem;
  final V4l2Subdev sd;
  final AtomicInteger registered = new AtomicInteger();
  final AtomicInteger unregistered = new AtomicInteger();
  final AtomicInteger opens = new AtomicInteger();
  final AtomicInteger closes = new AtomicInteger();
  final AtomicInteger releases = new AtomicInteger();

  /** What registered() returns. */
  volatile int registeredResult;

  /** What open() returns. */
  volatile int openResult;

  /** What initState() returns. */
  volatile int initStateResult;

  /** The states initState() saw. */
  final AtomicInteger initStates = new AtomicInteger();

  private SubdevBed(Allocation mem, String name, @Nullable Module owner, MediaPad... pads) {
    this.mem = mem;
    this.sd = new V4l2Subdev(mem, name, MediaUapi.MEDIA_ENT_F_CAM_SENSOR, owner);
    sd.setInternalOps(this);
    sd.entity().padsInit(pads);
  }

  /** A sub-device, or null when the allocation fails. */
  static @Nullable SubdevBed tryMake(String name, @Nullable Module owner, MediaPad... pads) {
    Allocation a = Kmem.kzalloc("subdev_priv", name);
    return a == null ? null : new SubdevBed(a, name, owner, pads);
  }

  static SubdevBed make(String name, @Nullable Module owner, MediaPad... pads) {
    SubdevBed s = tryMake(name, owner, pads);
    assertNotNull(s);
    return s;
  }

  SubdevBed withNode() {
    sd.setFlags(sd.flags() | V4l2Subdev.FL_HAS_DEVNODE);
    return this;
  }

  @Override
  public int registered(V4l2Subdev s) {
    registered.incrementAndGet();
    return registeredResult;
  }

  @Override
  public void unregistered(V4l2Subdev s) {
    unregistered.incrementAndGet();
  }

  @Override
  public int open(V4l2Subdev s, File file) {
    opens.incrementAndGet();
    return openResult;
  }

  @Override
  public void close(V4l2Subdev s, File file) {
    closes.incrementAndGet();
  }

  /** Every pad of a new state starts at {@link SensorPadOps#DEFAULT_WIDTH} x height, code 0. */
  @Override
  public int initState(V4l2Subdev s, V4l2SubdevState state) {
    initStates.incrementAndGet();
    assertTrue(state.lock().isHeldByCurrentThread(), "init_state runs under the state lock");
    for (int pad = 0; pad < s.entity().numPads(); pad++) {
      V4l2MbusFramefmt f = state.format(pad);
      assertNotNull(f);
      f.width = SensorPadOps.DEFAULT_WIDTH;
      f.height = SensorPadOps.DEFAULT_HEIGHT;
      f.code = SensorPadOps.CODES[0];
    }
    return initStateResult;
  }

  @Override
  public void release(V4l2Subdev s) {
    releases.incrementAndGet();
    s.cleanup();
    Kmem.kfree(mem, "subdev_release");
  }
}
