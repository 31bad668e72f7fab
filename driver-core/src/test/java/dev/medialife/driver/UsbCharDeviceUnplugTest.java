package dev.medialife.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.usb.UsbCore;
import dev.medialife.driver.usb.UsbDevice;
import dev.medialife.driver.usb.UsbDeviceDescriptor;
import dev.medialife.driver.usb.UsbDeviceId;
import dev.medialife.driver.usb.UsbDriver;
import dev.medialife.driver.usb.UsbHost;
import dev.medialife.driver.usb.UsbInterface;
import dev.medialife.driver.usb.UsbInterfaceDescriptor;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A USB driver with a character device per interface ({@link SampleCharDriver}) that pins the USB
 * device at probe: unplugging while two tasks hold the nodes of both interfaces open and the driver's references are held
 * on two interfaces disconnects both, fails the open file with -ENODEV, and frees the memory only
 * at the last close and put.
 */
@Sanitized
@Timeout(30)
class UsbCharDeviceUnplugTest {
  private static final UsbDeviceDescriptor DEV =
      new UsbDeviceDescriptor(0x2040, 0x7200, 1, "Hauppauge", "WinTV", "0001",
          List.of(new UsbInterfaceDescriptor(0, 0xff, 0, 0),
              new UsbInterfaceDescriptor(1, 0xff, 0, 0)));

  private final Kernel kernel = new Kernel();
  private final UsbCore core = notNull(UsbCore.register(kernel));
  private final UsbHost host = core.addHost(1, 2);

  private static <T> T notNull(@Nullable T t) {
    assertNotNull(t);
    return t;
  }

  @Test
  void unplugWithAnOpenFileAndPinnedInterfacesFreesAtTheLastPut() {
    SampleCharDriver chr = new SampleCharDriver(null);
    List<UsbDevice> pins = new ArrayList<>();
    List<String> log = new ArrayList<>();
    UsbDriver drv = new UsbDriver("wintv", null, List.of(UsbDeviceId.device(0x2040, 0x7200)),
        new UsbDriver.Ops() {
          @Override
          public int probe(UsbInterface intf, UsbDeviceId id) {
            int ret = chr.probe(intf.device());
            if (ret == 0) {
              pins.add(intf.usbDevice().get());
            }
            return ret;
          }

          @Override
          public void disconnect(UsbInterface intf) {
            log.add("disconnect " + intf.device().name());
            chr.remove(intf.device());
          }
        });
    assertEquals(0, core.register(drv));
    assertTrue(host.plug(1, DEV) > 0);
    UsbDevice udev = notNull(host.findChild(1));
    UsbInterface i0 = udev.interfaces().get(0);
    UsbInterface i1 = udev.interfaces().get(1);
    SampleCharDriver.SampleDev sd = notNull(i0.getIntfdata(SampleCharDriver.SampleDev.class));
    SampleCharDriver.SampleDev sd1 = notNull(i1.getIntfdata(SampleCharDriver.SampleDev.class));
    assertEquals(2, pins.size());

    Task app = new Task(kernel, "tvtime");
    Task audio = new Task(kernel, "arecord");
    int fd = app.open("/dev/sample-1-1:1.0", File.O_RDWR);
    int fd1 = audio.open("/dev/sample-1-1:1.1", File.O_RDWR);
    assertTrue(fd >= 3 && fd1 >= 3, "fds " + fd + ", " + fd1);
    SampleCharDriver.Value v = new SampleCharDriver.Value();
    assertEquals(0, app.ioctl(fd, SampleCharDriver.SAMPLE_GET, v));
    assertEquals(0, audio.ioctl(fd1, SampleCharDriver.SAMPLE_GET, v));

    assertEquals(0, host.unplug(1));
    assertEquals(List.of("disconnect 1-1:1.1", "disconnect 1-1:1.0"), log);
    assertNull(i0.device().driver());
    assertEquals(-Errno.ENODEV, app.ioctl(fd, SampleCharDriver.SAMPLE_GET, v));
    assertEquals(-Errno.ENODEV, audio.ioctl(fd1, SampleCharDriver.SAMPLE_GET, v));
    assertEquals(-Errno.ENOENT, kernel.devfsLookup("/dev/sample-1-1:1.0"));
    assertFalse(i0.mem().isLive(), "nobody pinned the interface itself");
    assertTrue(sd.mem.isLive() && sd1.mem.isLive(), "the open files pin the driver state");
    assertTrue(udev.mem().isLive(), "the driver's usb_get_dev pins the device");

    assertEquals(0, app.close(fd));
    assertFalse(sd.mem.isLive());
    assertTrue(sd1.mem.isLive());
    assertEquals(0, audio.close(fd1));
    assertFalse(sd1.mem.isLive());
    assertFalse(pins.get(0).put());
    assertTrue(pins.get(1).put());
    assertFalse(udev.mem().isLive());
    core.deregister(drv);
  }
}
