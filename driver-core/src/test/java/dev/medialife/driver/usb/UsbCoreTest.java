package dev.medialife.driver.usb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Kernel;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.fault.FaultSweep;
import dev.medialife.kernel.testing.Sanitized;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Enumeration, id-table probing, disconnect with references held, replug and fault sweeps. */
@Sanitized
@Timeout(30)
class UsbCoreTest {
  static final int VID = 0x046d;
  static final int PID = 0x0825;

  /** A webcam: video control, video streaming, audio control. */
  static final UsbDeviceDescriptor WEBCAM =
      new UsbDeviceDescriptor(VID, PID, 0x0012, "Logitech", "C270", "200901010001",
          List.of(new UsbInterfaceDescriptor(0, 0x0e, 1, 0),
              new UsbInterfaceDescriptor(1, 0x0e, 2, 0),
              new UsbInterfaceDescriptor(2, 0x01, 1, 0)));

  private final Kernel kernel = new Kernel();
  private final UsbCore core = notNull(UsbCore.register(kernel));
  private final UsbHost host = core.addHost(1, 4);
  private final List<String> log = new CopyOnWriteArrayList<>();

  private static <T> T notNull(@Nullable T t) {
    assertNotNull(t);
    return t;
  }

  /** A driver that logs probe and disconnect, optionally pinning the device and interface. */
  private UsbDriver driver(String name, List<UsbDeviceId> table, int probeResult,
      @Nullable List<UsbInterface> pinned) {
    return new UsbDriver(name, null, table, new UsbDriver.Ops() {
      @Override
      public int probe(UsbInterface intf, UsbDeviceId id) {
        log.add("probe " + name + " " + intf.device().name() + " " + id.driverInfo());
        if (probeResult == 0 && pinned != null) {
          intf.usbDevice().get();
          pinned.add(intf.get());
        }
        return probeResult;
      }

      @Override
      public void disconnect(UsbInterface intf) {
        log.add("disconnect " + name + " " + intf.device().name());
      }
    });
  }

  @Test
  void eachInterfaceIsProbedByTheDriverWhoseIdTableMatches() {
    UsbDriver uvc = driver("uvcvideo", List.of(UsbDeviceId.interfaceInfo(0x0e, 1, 0)), 0, null);
    UsbDriver audio = driver("snd-usb-audio",
        List.of(UsbDeviceId.device(0x1234, 0x1), 
            UsbDeviceId.deviceAndInterfaceInfo(VID, PID, 1, 1, 0).withDriverInfo("quirk")),
        0, null);
    assertEquals(0, core.register(uvc));
    assertEquals(0, core.register(audio));
    assertEquals(-Errno.EBUSY, core.register(uvc));
    int devnum = host.plug(2, WEBCAM);
    assertEquals(2, devnum);
    UsbDevice udev = notNull(host.findChild(2));
    assertEquals("1-2", udev.device().name());
    assertEquals("2", udev.devpath());
    assertEquals(2, udev.port());
    assertEquals(devnum, udev.devnum());
    assertSame(host, udev.host());
    assertSame(WEBCAM, udev.descriptor());
    List<UsbInterface> intfs = udev.interfaces();
    assertEquals(List.of("1-2:1.0", "1-2:1.1", "1-2:1.2"),
        intfs.stream().map(i -> i.device().name()).toList());
    for (UsbInterface i : intfs) {
      assertSame(udev, i.usbDevice());
      assertSame(udev.device(), i.device().parent());
    }
    assertSame(uvc.driver(), intfs.get(0).device().driver());
    assertNull(intfs.get(1).device().driver(), "streaming interface: no match");
    assertSame(audio.driver(), intfs.get(2).device().driver());
    assertNull(udev.device().driver(), "no driver binds to the device itself");
    assertEquals(List.of("probe uvcvideo 1-2:1.0 null", "probe snd-usb-audio 1-2:1.2 quirk"),
        log);
    intfs.get(0).setIntfdata("uvc-state");
    assertEquals("uvc-state", intfs.get(0).getIntfdata(String.class));
    assertEquals(0, host.unplug(2));
    assertEquals(List.of("disconnect snd-usb-audio 1-2:1.2", "disconnect uvcvideo 1-2:1.0"),
        log.subList(2, 4));
    assertNull(host.findChild(2));
    core.deregister(uvc);
    core.deregister(audio);
  }

  @Test
  void unplugDisconnectsButMemoryStaysUntilTheLastPut() {
    List<UsbInterface> pinned = new ArrayList<>();
    UsbDriver uvc = driver("uvcvideo", List.of(UsbDeviceId.interfaceInfo(0x0e, 1, 0),
        UsbDeviceId.interfaceInfo(0x0e, 2, 0)), 0, pinned);
    core.register(uvc);
    host.plug(1, WEBCAM);
    UsbDevice udev = notNull(host.findChild(1));
    List<UsbInterface> intfs = udev.interfaces();
    assertEquals(2, pinned.size());
    assertEquals(0, host.unplug(1));
    assertEquals(List.of(), udev.interfaces());
    assertTrue(log.contains("disconnect uvcvideo 1-1:1.0"));
    assertTrue(log.contains("disconnect uvcvideo 1-1:1.1"));
    assertFalse(intfs.get(2).mem().isLive(), "unpinned interface freed at unplug");
    assertTrue(udev.mem().isLive());
    assertTrue(pinned.get(0).mem().isLive());
    assertFalse(pinned.get(0).device().isRegistered());
    assertTrue(pinned.get(0).put());
    assertFalse(pinned.get(0).mem().isLive());
    assertTrue(udev.mem().isLive(), "the probes' usb_get_dev");
    assertTrue(pinned.get(1).put());
    assertFalse(pinned.get(1).mem().isLive());
    assertFalse(udev.put(), "the probe's usb_get_dev of interface 0");
    assertTrue(udev.mem().isLive());
    assertTrue(udev.put());
    assertFalse(udev.mem().isLive());
    core.deregister(uvc);
  }

  @Test
  void aReplugGivesFreshObjectsAndANewAddress() {
    assertEquals(2, host.plug(3, WEBCAM));
    UsbDevice first = notNull(host.findChild(3));
    assertEquals(-Errno.EBUSY, host.plug(3, WEBCAM));
    assertEquals(0, host.unplug(3));
    assertEquals(3, host.plug(3, WEBCAM));
    UsbDevice second = notNull(host.findChild(3));
    assertNotSame(first, second);
    assertNotSame(first.interfaces(), second.interfaces());
    assertFalse(first.mem().isLive());
    assertEquals(0, host.unplug(3));
  }

  @Test
  void portsAreCheckedAndAnEmptyPortHasNothingToDisconnect() {
    assertEquals(-Errno.ENODEV, host.unplug(1));
    assertEquals(-Errno.EINVAL, host.unplug(0));
    assertEquals(-Errno.EINVAL, host.unplug(5));
    assertEquals(-Errno.EINVAL, host.plug(0, WEBCAM));
    assertEquals(-Errno.EINVAL, host.plug(5, WEBCAM));
    assertNull(host.findChild(0));
    assertNull(host.findChild(9));
    assertEquals(4, host.ports());
    assertEquals(1, host.busnum());
    assertSame(core, host.core());
    assertEquals("usb1", host.toString());
  }

  @Test
  void addressesWrapAroundAndRunOut() {
    UsbHost big = core.addHost(2, 130);
    UsbDeviceDescriptor bare = new UsbDeviceDescriptor(1, 2, 3, "m", "p", "s", List.of());
    for (int port = 1; port <= 126; port++) {
      assertEquals(port + 1, big.plug(port, bare));
    }
    assertEquals(-Errno.ENOSPC, big.plug(127, bare));
    assertEquals(0, big.unplug(5));
    assertEquals(6, big.plug(127, bare), "round robin wraps to the first free address");
    for (int port = 1; port <= 127; port++) {
      if (port != 5) {
        assertEquals(0, big.unplug(port));
      }
    }
  }

  @Test
  void aFailedProbeLeavesTheInterfaceUnboundAndDeregisterDisconnects() {
    UsbDriver bad = driver("bad", List.of(UsbDeviceId.interfaceInfo(0x0e, 2, 0)), -Errno.EIO,
        null);
    UsbDriver uvc = driver("uvcvideo", List.of(UsbDeviceId.interfaceInfo(0x0e, 1, 0)), 0, null);
    core.register(bad);
    host.plug(1, WEBCAM);
    core.register(uvc);
    UsbDevice udev = notNull(host.findChild(1));
    assertNull(udev.interfaces().get(1).device().driver());
    assertSame(uvc.driver(), udev.interfaces().get(0).device().driver());
    core.deregister(uvc);
    assertNull(udev.interfaces().get(0).device().driver());
    assertEquals("disconnect uvcvideo 1-1:1.0", log.get(log.size() - 1));
    assertFalse(new UsbDeviceId(0, 0, 0, 0, 0, 0, null)
        .matches(WEBCAM, WEBCAM.interfaces().get(0)), "an empty entry matches nothing");
    assertEquals("uvcvideo", uvc.name());
    assertEquals(1, uvc.idTable().size());
    assertTrue(uvc.toString().contains("uvcvideo"));
    assertTrue(udev.toString().contains("1-1"));
    assertTrue(udev.interfaces().get(0).toString().contains("1-1:1.0"));
    host.unplug(1);
    core.deregister(bad);
  }

  @Test
  void theBusIsRegisteredOnce() {
    assertNull(UsbCore.register(kernel));
    assertSame(core.bus(), kernel.bus(UsbCore.NAME));
    assertSame(kernel, core.kernel());
    assertEquals("usb core", core.toString());
  }

  @Test
  void faultSweepOverPlugLeavesNoLeak() {
    List<UsbInterface> pinned = new ArrayList<>();
    UsbDriver uvc = driver("uvcvideo", List.of(UsbDeviceId.interfaceInfo(0x0e, 1, 0)), 0, null);
    core.register(uvc);
    FaultSweep.Result r = FaultSweep.run("usb plug", () -> host.plug(1, WEBCAM),
        ret -> assertEquals(0, host.unplug(1)));
    assertTrue(r.allFailedCleanly(), () -> "unclean: " + r.unclean());
    assertEquals(List.of("kmalloc", "device_add", "kmalloc", "device_add", "kmalloc",
        "device_add", "kmalloc", "device_add"), r.points());
    assertEquals(List.of(), pinned);
    core.deregister(uvc);
  }

  @Test
  void racingPlugsAndUnplugsOfOnePortSucceedExactlyOnce() throws Exception {
    UsbDriver uvc = driver("uvcvideo", List.of(UsbDeviceId.interfaceInfo(0x0e, 1, 0)), 0, null);
    core.register(uvc);
    CyclicBarrier barrier = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < 500; i++) {
        List<Future<int[]>> fs = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          fs.add(pool.submit(() -> {
            barrier.await();
            int plugged = host.plug(1, WEBCAM);
            barrier.await();
            return new int[] {plugged, host.unplug(1)};
          }));
        }
        int[] a = fs.get(0).get();
        int[] b = fs.get(1).get();
        assertTrue(a[0] > 0 ^ b[0] > 0, "exactly one plug wins");
        assertEquals(-Errno.EBUSY, Math.min(a[0], b[0]));
        assertEquals(-Errno.ENODEV, Math.min(a[1], b[1]), "exactly one unplug finds it");
        assertEquals(0, Math.max(a[1], b[1]));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1000, log.size(), "one probe and one disconnect per round");
    core.deregister(uvc);
  }

  @Test
  void aDeviceWithAFunctionHandsItsRegistersAndLinesToTheDriver() {
    dev.medialife.driver.irq.IrqChip chip = new dev.medialife.driver.irq.IrqChip("hcd", 2);
    dev.medialife.driver.io.MmioRegion regs =
        new dev.medialife.driver.io.MmioRegion("vendor", 16,
            new dev.medialife.driver.io.RegisterFile() {
              @Override
              public int read(int offset) {
                return offset;
              }

              @Override
              public void write(int offset, int value) {}
            });
    UsbFunction fn = new UsbFunction(regs, chip);
    assertTrue(host.plug(1, WEBCAM, fn) > 0);
    UsbDevice udev = notNull(host.findChild(1));
    assertSame(fn, udev.function());
    assertSame(regs, notNull(udev.function()).regs());
    assertEquals(0, host.unplug(1));
    assertTrue(host.plug(2, WEBCAM) > 0);
    assertNull(notNull(host.findChild(2)).function(), "a descriptor-only device has none");
    assertEquals(0, host.unplug(2));
  }
}
