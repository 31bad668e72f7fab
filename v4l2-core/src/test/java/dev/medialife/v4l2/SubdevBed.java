package dev.medialife.v4l2;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.medialife.driver.File;
import dev.medialife.driver.Module;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.uapi.MediaUapi;
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

  @Override
  public void release(V4l2Subdev s) {
    releases.incrementAndGet();
    Kmem.kfree(mem, "subdev_release");
  }
}
