package dev.medialife.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Kernel;
import dev.medialife.driver.Module;
import dev.medialife.driver.usb.UsbCore;
import dev.medialife.driver.usb.UsbDevice;
import dev.medialife.driver.usb.UsbDeviceDescriptor;
import dev.medialife.driver.usb.UsbDeviceId;
import dev.medialife.driver.usb.UsbDriver;
import dev.medialife.driver.usb.UsbHost;
import dev.medialife.driver.usb.UsbInterface;
import dev.medialife.driver.usb.UsbInterfaceDescriptor;
import dev.medialife.mc.MediaDevice;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A kernel with USB and the media subsystem, one host (bus 1, four ports), the two modules of
 * the reference's allocator scenarios ({@value #VIDEO} and {@value #AUDIO}) and a Hauppauge-like
 * descriptor with a vendor-specific video interface (0) and an audio interface (1).
 */
final class AllocatorBed {
  static final String VIDEO = "au0828";
  static final String AUDIO = "snd_usb_audio";

  /** A device with a video interface (0, vendor class) and an audio interface (1). */
  static final UsbDeviceDescriptor HVR =
      new UsbDeviceDescriptor(0x2040, 0x7200, 0x0100, "Hauppauge", "HVR-950Q", "4034012345",
          List.of(new UsbInterfaceDescriptor(0, 0xff, 0, 0),
              new UsbInterfaceDescriptor(1, 0x01, 0x01, 0)));

  /** The same device without a product string. */
  static final UsbDeviceDescriptor NO_PRODUCT =
      new UsbDeviceDescriptor(0x2040, 0x7201, 0x0203, "Hauppauge", "", "",
          List.of(new UsbInterfaceDescriptor(0, 0xff, 0, 0)));

  final Kernel kernel = new Kernel();
  final UsbCore core;
  final UsbHost host;
  final Module video = new Module(VIDEO);
  final Module audio = new Module(AUDIO);

  AllocatorBed() {
    core = notNull(UsbCore.register(kernel));
    host = core.addHost(1, 4);
  }

  static <T> T notNull(@Nullable T t) {
    assertNotNull(t);
    return t;
  }

  /** Plugs {@code desc} into {@code port} and returns the USB device. */
  UsbDevice plug(int port, UsbDeviceDescriptor desc) {
    assertTrue(host.plug(port, desc) > 0, "plug port " + port);
    return notNull(host.findChild(port));
  }

  /** Unplugs {@code port}. */
  void unplug(int port) {
    assertEquals(0, host.unplug(port));
  }

  /** A successful allocation's media device. */
  static MediaDevice ok(Allocated a) {
    assertEquals(0, a.error(), "usbAllocate error");
    return notNull(a.mdev());
  }

  /** Allocates for {@code udev} as {@code module}, asserting success. */
  static MediaDevice allocate(UsbDevice udev, Module module) {
    return ok(MediaDeviceAllocator.usbAllocate(udev, module.name(), module));
  }

  /** Deletes as {@code module}. */
  static void delete(MediaDevice mdev, Module module) {
    MediaDeviceAllocator.delete(mdev, module.name(), module);
  }

  /**
   * A USB interface driver written like au0828 or snd-usb-audio's media glue: probe allocates the
   * shared media device and registers it if nobody has yet; disconnect deletes it.
   */
  final class MediaUsbDriver {
    final Module module;
    final UsbDriver driver;
    int probes;
    int disconnects;

    MediaUsbDriver(Module module, UsbDeviceId id) {
      this.module = module;
      this.driver =
          new UsbDriver(module.name(), module, List.of(id),
              new UsbDriver.Ops() {
                @Override
                public int probe(UsbInterface intf, UsbDeviceId match) {
                  return MediaUsbDriver.this.probe(intf);
                }

                @Override
                public void disconnect(UsbInterface intf) {
                  MediaUsbDriver.this.disconnect(intf);
                }
              });
    }

    private int probe(UsbInterface intf) {
      probes++;
      Allocated a = MediaDeviceAllocator.usbAllocate(intf.usbDevice(), module.name(), module);
      MediaDevice mdev = a.mdev();
      if (mdev == null) {
        return a.error();
      }
      if (!mdev.isRegistered()) {
        int ret = mdev.register(module);
        if (ret != 0) {
          MediaDeviceAllocator.delete(mdev, module.name(), module);
          return ret;
        }
      }
      intf.setIntfdata(mdev);
      return 0;
    }

    private void disconnect(UsbInterface intf) {
      disconnects++;
      MediaDevice mdev = intf.getIntfdata(MediaDevice.class);
      intf.setIntfdata(null);
      if (mdev != null) {
        MediaDeviceAllocator.delete(mdev, module.name(), module);
      }
    }

    void register() {
      assertEquals(0, core.register(driver));
    }
  }

  /** The video driver: binds to the vendor-specific interface of the HVR device. */
  MediaUsbDriver videoDriver() {
    return new MediaUsbDriver(video, UsbDeviceId.deviceAndInterfaceInfo(0x2040, 0x7200, 0xff, 0, 0));
  }

  /** The audio driver: binds to any audio-control interface. */
  MediaUsbDriver audioDriver() {
    return new MediaUsbDriver(audio, UsbDeviceId.interfaceInfo(0x01, 0x01, 0));
  }
}
