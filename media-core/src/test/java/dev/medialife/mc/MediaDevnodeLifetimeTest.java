package dev.medialife.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.Task;
import dev.medialife.driver.UnplugGate;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.fault.RaceWindow;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.kernel.testing.Sync;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The life of /dev/mediaN across unregistration: scenario 35 of the reference (an fd held open
 * across the unbind), the media lifetime switch on the DEVICE_INFO race, and unregistration
 * waiting for system calls in flight.
 */
@Sanitized
@Timeout(60)
class MediaDevnodeLifetimeTest {
  private final LifetimeBed bed = new LifetimeBed();

  private static int deviceInfo(Task t, int fd) {
    return t.ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, new MediaDeviceInfo());
  }

  private boolean minorInUse(int minor) {
    return MediaSubsystem.of(bed.kernel).minorInUse(minor);
  }

  private static MediaDevnode devnode(LifetimeBed.Priv p) {
    MediaDevnode dn = p.mdev.devnode();
    assertNotNull(dn);
    return dn;
  }

  @Test
  void scenario35OpenFdAcrossUnregisterWithLifetimeRules() {
    bed.registerDriver();
    Device d0 = bed.addDevice("mcdrv0");
    LifetimeBed.Priv p = LifetimeBed.priv(d0);
    assertTrue(p.mdev.lifetimeRules());
    String path = p.path();
    int minor = devnode(p).minor();
    assertEquals("/dev/media" + minor, path);
    Task t = new Task(bed.kernel, "media_device_test");
    int fd = t.open(path, File.O_RDWR);
    assertTrue(fd >= 0, "open: " + fd);
    MediaDeviceInfo info = new MediaDeviceInfo();
    assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, info));
    assertEquals("mcdrv0", info.model);
    assertEquals(LifetimeBed.DRIVER, info.driver);
    int refsOpen = p.mdev.refcount();

    assertEquals(0, bed.bus.unbind(LifetimeBed.DRIVER, "mcdrv0"));
    assertFalse(p.mdev.isRegistered());
    assertEquals(-Errno.EIO, deviceInfo(t, fd));
    assertEquals(
        FileOperations.POLLERR | FileOperations.POLLHUP, t.poll(fd, FileOperations.POLLIN, 0));
    assertEquals(-Errno.EIO, t.read(fd, new byte[16]));
    Task other = new Task(bed.kernel, "late");
    int late = other.open(path, File.O_RDWR);
    assertTrue(late == -Errno.ENXIO || late == -Errno.ENOENT, "open after unregister: " + late);

    // The open file keeps the devnode, the media device and the driver's memory.
    assertEquals(0, bed.releases.get());
    assertTrue(p.mem.isLive());
    assertEquals(
        refsOpen - 3, p.mdev.refcount(), "the driver's and the two entities' references went");
    assertTrue(p.mdev.refcount() > 0);
    assertTrue(minorInUse(minor), "the minor is held until the last close");
    assertEquals(2, bed.entityReleases.get(), "the entities went at unregister");

    // A second media device registered meanwhile does not reuse the minor.
    Device d1 = bed.addDevice("mcdrv1");
    int minor1 = devnode(LifetimeBed.priv(d1)).minor();
    assertNotEquals(minor, minor1);
    assertTrue(minor1 >= 0);

    assertEquals(0, t.close(fd));
    assertEquals(1, bed.releases.get(), "released at the last close");
    assertFalse(p.mem.isLive());
    assertFalse(minorInUse(minor), "the minor is freed at the release");

    // ...and is free again: the next media device takes it.
    Device d2 = bed.addDevice("mcdrv2");
    assertEquals(minor, devnode(LifetimeBed.priv(d2)).minor());

    LifetimeBed.removeDevice(d2);
    LifetimeBed.removeDevice(d1);
    LifetimeBed.removeDevice(d0);
    assertEquals(3, bed.releases.get());
    assertEquals(0, bed.module.refcount());
  }

  @Test
  void scenario35MainlineKeepsOnlyTheSeparateDevnode() {
    PatchSwitch.MEDIA_LIFETIME.set(false);
    bed.registerDriver();
    Device d0 = bed.addDevice("mcdrv0");
    LifetimeBed.Priv p = LifetimeBed.priv(d0);
    assertFalse(p.mdev.lifetimeRules());
    MediaDevnode dn = devnode(p);
    int minor = dn.minor();
    Task t = new Task(bed.kernel, "media_device_test");
    int fd = t.open(dn.path(), File.O_RDWR);
    assertTrue(fd >= 0);

    assertEquals(0, bed.bus.unbind(LifetimeBed.DRIVER, "mcdrv0"));
    assertEquals(1, bed.releases.get(), "mainline: the driver's memory goes at unbind");
    assertFalse(p.mem.isLive());
    assertTrue(dn.device().mem().isLive(), "the separate devnode lives on");
    assertTrue(minorInUse(minor));
    assertEquals(-Errno.EIO, deviceInfo(t, fd), "the REGISTERED check protects the call");
    assertEquals(
        FileOperations.POLLERR | FileOperations.POLLHUP, t.poll(fd, FileOperations.POLLIN, 0));
    int late = t.open(dn.path(), File.O_RDWR);
    assertTrue(late == -Errno.ENXIO || late == -Errno.ENOENT, "open after unregister: " + late);

    assertEquals(0, t.close(fd));
    assertFalse(dn.device().mem().isLive(), "the devnode goes at the last close");
    assertFalse(minorInUse(minor));
    LifetimeBed.removeDevice(d0);
  }

  /** A bound driver with /dev/mediaN open and the ioctl window armed. */
  private record Opened(
      Device dev, LifetimeBed.Priv priv, Task task, int fd, CountDownLatch parked,
      CountDownLatch go) {}

  private Opened openParked() {
    bed.registerDriver();
    Device d0 = bed.addDevice("mcdrv0");
    LifetimeBed.Priv p = LifetimeBed.priv(d0);
    Task t = new Task(bed.kernel, "app");
    int fd = t.open(p.path(), File.O_RDWR);
    assertTrue(fd >= 0);
    CountDownLatch parked = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    parkIoctl(parked, go);
    return new Opened(d0, p, t, fd, parked, go);
  }

  /** Arms the ioctl window: the passing thread signals {@code parked} and waits for {@code go}. */
  private static void parkIoctl(CountDownLatch parked, CountDownLatch go) {
    RaceWindow.arm(
        MediaDevnode.WINDOW_IOCTL,
        () -> {
          parked.countDown();
          Sync.await(go, "the test to release the parked ioctl");
        });
  }

  @Test
  void lifetimeOnIoctlInTheWindowCompletesAndUnbindWaitsForIt() {
    Opened o = openParked();
    Device d0 = o.dev();
    LifetimeBed.Priv p = o.priv();
    Task t = o.task();
    int fd = o.fd();
    CountDownLatch parked = o.parked();
    CountDownLatch go = o.go();
    CountDownLatch unbound = new CountDownLatch(1);
    AtomicInteger ioctlResult = new AtomicInteger(1);
    AtomicInteger unbindResult = new AtomicInteger(1);
    MediaDeviceInfo info = new MediaDeviceInfo();
    Thread caller =
        Sync.start(
            "ioctl",
            () -> ioctlResult.set(t.ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, info)));
    Sync.await(parked, "the ioctl to enter the window");
    Thread unbinder =
        Sync.start(
            "unbind",
            () -> {
              unbindResult.set(bed.bus.unbind(LifetimeBed.DRIVER, "mcdrv0"));
              unbound.countDown();
            });
    UnplugGate gate = devnode(p).gate();
    assertNotNull(gate);
    Sync.until(gate::isUnplugged, "unregister to start draining");
    Sync.staysClosed(unbound, 100, "unbind returned while an ioctl was in flight");
    assertEquals(1, gate.inFlight());
    assertEquals(0, bed.releases.get());

    go.countDown();
    Sync.join(caller);
    Sync.join(unbinder);
    assertEquals(0, ioctlResult.get(), "the call that passed the check completes");
    assertEquals("mcdrv0", info.model);
    assertEquals(0, unbindResult.get());
    assertEquals(0, bed.releases.get(), "the open file still holds the media device");
    assertTrue(p.mem.isLive());
    assertEquals(-Errno.EIO, deviceInfo(t, fd));
    assertEquals(0, t.close(fd));
    assertEquals(1, bed.releases.get());
    LifetimeBed.removeDevice(d0);
  }

  @Test
  @ExpectReports(ReportKind.USE_AFTER_FREE)
  void lifetimeOffIoctlInTheWindowUsesTheFreedMediaDevice(SanitizerScope scope) {
    PatchSwitch.MEDIA_LIFETIME.set(false);
    Opened o = openParked();
    Device d0 = o.dev();
    LifetimeBed.Priv p = o.priv();
    Task t = o.task();
    int fd = o.fd();
    CountDownLatch parked = o.parked();
    CountDownLatch go = o.go();
    AtomicInteger ioctlResult = new AtomicInteger(1);
    AtomicInteger unbindResult = new AtomicInteger(1);
    Thread caller = Sync.start("ioctl", () -> ioctlResult.set(deviceInfo(t, fd)));
    Sync.await(parked, "the ioctl to enter the window");
    Thread unbinder =
        Sync.start(
            "unbind", () -> unbindResult.set(bed.bus.unbind(LifetimeBed.DRIVER, "mcdrv0")));
    Sync.join(unbinder); // mainline does not wait for the call in flight
    assertEquals(0, unbindResult.get());
    assertEquals(1, bed.releases.get());
    assertFalse(p.mem.isLive());
    assertTrue(scope.reports(ReportKind.USE_AFTER_FREE).isEmpty(), "nothing touched it yet");

    go.countDown();
    Sync.join(caller);
    assertEquals(-Errno.EIO, ioctlResult.get());
    assertFalse(scope.reports(ReportKind.USE_AFTER_FREE).isEmpty());
    assertEquals(0, t.close(fd));
    LifetimeBed.removeDevice(d0);
  }

  @Test
  void unregisterWaitsForTheIoctlsInFlight() {
    Opened o = openParked();
    Device d0 = o.dev();
    LifetimeBed.Priv p = o.priv();
    Task t = o.task();
    int fd = o.fd();
    CountDownLatch parked = o.parked();
    CountDownLatch go = o.go();
    CountDownLatch returned = new CountDownLatch(1);
    AtomicInteger ioctlResult = new AtomicInteger(1);
    Thread caller = Sync.start("ioctl", () -> ioctlResult.set(deviceInfo(t, fd)));
    Sync.await(parked, "the ioctl to enter the window");
    UnplugGate gate = devnode(p).gate();
    assertNotNull(gate);
    assertEquals(1, gate.inFlight());
    Thread unregisterer =
        Sync.start(
            "unregister",
            () -> {
              p.mdev.unregister();
              returned.countDown();
            });
    Sync.until(gate::isUnplugged, "unregister to start draining");
    assertFalse(devnode(p).isRegistered(), "the node was marked unregistered first");
    Sync.staysClosed(returned, 100, "unregister returned with an ioctl in flight");
    assertTrue(unregisterer.isAlive());
    assertEquals(1, gate.inFlight());
    assertTrue(p.src.isRegistered(), "the graph is not taken apart under the call");
    assertEquals(MediaDevice.State.REGISTERED, p.mdev.state());

    go.countDown();
    Sync.await(returned, "unregister to return once the call left");
    Sync.join(caller);
    Sync.join(unregisterer);
    assertEquals(0, ioctlResult.get());
    assertEquals(0, gate.inFlight());
    assertFalse(p.src.isRegistered());
    assertEquals(MediaDevice.State.UNREGISTERED, p.mdev.state());
    assertEquals(0, t.close(fd));
    LifetimeBed.removeDevice(d0); // remove: unregister again (idempotent), then put
    assertEquals(1, bed.releases.get());
    assertFalse(p.mem.isLive());
  }
}
