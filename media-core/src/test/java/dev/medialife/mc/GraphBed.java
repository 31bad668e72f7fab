package dev.medialife.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Task;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A kernel with one initialised media device whose memory is a driver allocation freed by the
 * media device's release, and helpers to build graphs on it and to reach it from userspace.
 * {@link #close()} unregisters everything and drops the driver's reference, so a sanitized test
 * ends without leaks.
 */
final class GraphBed implements AutoCloseable {
  final Kernel kernel;
  final Allocation mem;
  final MediaDevice mdev;
  private final List<MediaEntity> entities = new ArrayList<>();
  private final List<MediaInterface> interfaces = new ArrayList<>();
  private @Nullable Task task;

  GraphBed() {
    this("graphbed model");
  }

  GraphBed(String model) {
    this(new Kernel(), model, null);
  }

  /** A bed on {@code kernel} whose media device has {@code parent} as its device. */
  GraphBed(Kernel kernel, String model, @Nullable Device parent) {
    this.kernel = kernel;
    mem = notNull(Kmem.kzalloc("graphbed_priv", model));
    mdev = new MediaDevice(kernel, mem);
    mdev.setDev(parent);
    mdev.setModel(model);
    Allocation m = mem;
    mdev.setRelease(x -> Kmem.kfree(m, "graphbed_release"));
    mdev.init();
  }

  static <T> T notNull(@Nullable T v) {
    assertNotNull(v);
    return v;
  }

  /** An unregistered entity embedded in the bed's memory, with the given pads. */
  MediaEntity unregistered(String name, int function, MediaPad... pads) {
    MediaEntity e = new MediaEntity(mem, name, function);
    assertEquals(0, e.padsInit(pads));
    return e;
  }

  /** A registered entity with the given pads. */
  MediaEntity entity(String name, int function, MediaPad... pads) {
    MediaEntity e = unregistered(name, function, pads);
    assertEquals(0, mdev.registerEntity(e));
    entities.add(e);
    return e;
  }

  /** A registered scaler-like entity with {@code sinks} sink pads then {@code sources} sources. */
  MediaEntity entity(String name, int sinks, int sources) {
    MediaPad[] pads = new MediaPad[sinks + sources];
    for (int i = 0; i < pads.length; i++) {
      pads[i] = i < sinks ? MediaPad.sink() : MediaPad.source();
    }
    return entity(name, MediaUapi.MEDIA_ENT_F_PROC_VIDEO_SCALER, pads);
  }

  /** Remembers an entity registered by the test itself, so {@link #close()} unregisters it. */
  void track(MediaEntity e) {
    entities.add(e);
  }

  /** A data link; asserts success and returns the forward link. */
  MediaLink link(MediaEntity src, int srcPad, MediaEntity sink, int sinkPad, int flags) {
    assertEquals(0, MediaGraph.createPadLink(src, srcPad, sink, sinkPad, flags));
    return notNull(MediaGraph.findLink(src.pad(srcPad), sink.pad(sinkPad)));
  }

  /** A device-node interface removed by {@link #close()} unless the test removed it. */
  MediaInterface intf(int type, int major, int minor) {
    MediaInterface i = notNull(mdev.devnodeCreate(type, 0, major, minor));
    interfaces.add(i);
    return i;
  }

  /** Removes an interface created by {@link #intf}. */
  void removeIntf(MediaInterface i) {
    assertTrue(interfaces.remove(i));
    mdev.devnodeRemove(i);
  }

  /** Registers /dev/mediaN. */
  void register() {
    assertEquals(0, mdev.register(null));
  }

  /** A task that opened /dev/mediaN; registers the media device first if needed. */
  Task task() {
    Task t = task;
    if (t == null) {
      if (!mdev.isRegistered()) {
        register();
      }
      t = new Task(kernel, "graphbed");
      task = t;
    }
    return t;
  }

  /** Opens the media node in the bed's task; returns the fd. */
  int open() {
    int fd = task().open(notNull(mdev.devnode()).path(), File.O_RDWR);
    assertTrue(fd >= 0, "open gave " + fd);
    return fd;
  }

  @Override
  public void close() {
    Task t = task;
    if (t != null) {
      t.exit();
      task = null;
    }
    for (MediaEntity e : entities) {
      mdev.unregisterEntity(e);
    }
    entities.clear();
    mdev.unregister();
    for (MediaInterface i : interfaces) {
      mdev.devnodeRemove(i);
    }
    interfaces.clear();
    mdev.put();
  }
}
