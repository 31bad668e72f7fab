package dev.medialife.drivers.au0828;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.File;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Module;
import dev.medialife.driver.Task;
import dev.medialife.driver.usb.UsbCore;
import dev.medialife.driver.usb.UsbDevice;
import dev.medialife.driver.usb.UsbHost;
import dev.medialife.driver.usb.UsbInterface;
import dev.medialife.drivers.usbaudio.SndPcm;
import dev.medialife.drivers.usbaudio.SndPcmHwParams;
import dev.medialife.drivers.usbaudio.SndUsbAudioDriver;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.hw.usbtv.UsbTvStick;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.topology.Topology;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A kernel with USB, one host (bus 1, four ports), the au0828 and snd-usb-audio drivers (not yet
 * registered) and one HVR-950Q-like stick, not yet plugged. Helpers run the usual system calls.
 */
final class StickBed {
  static final int CAP = Vb2Queue.TYPE_VIDEO_CAPTURE;
  static final int MMAP = Vb2Queue.MEMORY_MMAP;
  static final int PORT = 1;

  final Kernel kernel = new Kernel();
  final UsbCore core;
  final UsbHost host;
  final Module videoMod = new Module(Au0828Dev.NAME);
  final Module audioMod = new Module("snd_usb_audio");
  final Au0828Driver video = new Au0828Driver(videoMod);
  final SndUsbAudioDriver audio = new SndUsbAudioDriver(audioMod);
  final UsbTvStick stick = new UsbTvStick("HVR-950Q", "4034012345", 0x0100);

  StickBed() {
    core = notNull(UsbCore.register(kernel));
    host = core.addHost(1, 4);
  }

  static <T> T notNull(@Nullable T t) {
    assertNotNull(t);
    return t;
  }

  /** Registers both drivers, video first, and plugs the stick. */
  StickBed up() {
    assertEquals(0, video.register(core));
    assertEquals(0, audio.register(core));
    plug();
    return this;
  }

  void plug() {
    assertTrue(stick.plug(host, PORT) > 0);
  }

  void unplug() {
    assertEquals(0, stick.unplug());
  }

  /** Unplugs if plugged and deregisters both drivers. */
  void down() {
    if (stick.present()) {
      unplug();
    }
    video.deregister(core);
    audio.deregister(core);
  }

  UsbDevice udev() {
    return notNull(host.findChild(PORT));
  }

  UsbInterface intf(int n) {
    return udev().interfaces().get(n);
  }

  Au0828Dev dev() {
    return notNull(Au0828Driver.of(intf(0)));
  }

  SndUsbChip chip() {
    return notNull(SndUsbAudioDriver.of(intf(1)));
  }

  MediaDevice mdev() {
    return notNull(dev().mediaDevice());
  }

  List<String> mediaNodes() {
    List<String> out = new ArrayList<>();
    for (String p : kernel.devfsList()) {
      if (p.startsWith("/dev/media")) {
        out.add(p);
      }
    }
    return out;
  }

  /** {@code media-ctl -p} without what depends on creation order: ids and the driver line. */
  static String normalized(MediaDevice m) {
    String text = Topology.text(m);
    int start = text.indexOf("- entity ");
    List<String> blocks = new ArrayList<>();
    for (String b : text.substring(start).split("\n\n", -1)) {
      if (!b.isBlank()) {
        blocks.add(b.replaceFirst("- entity \\d+: ", "- entity: ").replaceAll("(?m)^ +", "  "));
      }
    }
    blocks.sort(null);
    StringBuilder sb = new StringBuilder();
    for (String line : text.substring(0, start).split("\n", -1)) {
      if (!line.startsWith("driver ")) {
        sb.append(line).append('\n');
      }
    }
    return sb.append(String.join("\n\n", blocks)).toString();
  }

  // ---------------------------------------------------------------- video syscalls

  static V4l2Buffer buf(int index) {
    return new V4l2Buffer(index, CAP, MMAP);
  }

  int openVideo(Task t) {
    int fd = t.open(dev().videoDevice().path(), File.O_RDWR);
    assertTrue(fd >= 0, "open video: " + fd);
    return fd;
  }

  static void streamOn(Task t, int fd, int n) {
    V4l2Requestbuffers r = new V4l2Requestbuffers();
    r.count = n;
    r.type = CAP;
    r.memory = MMAP;
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_REQBUFS, r));
    assertEquals(n, r.count);
    for (int i = 0; i < n; i++) {
      assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_QBUF, buf(i)));
    }
    assertEquals(0, t.ioctl(fd, Videodev2.VIDIOC_STREAMON, new V4l2Int(CAP)));
  }

  // ---------------------------------------------------------------- audio syscalls

  int openPcm(Task t) {
    int fd = t.open(chip().path(), File.O_RDWR);
    assertTrue(fd >= 0, "open pcm: " + fd);
    return fd;
  }

  static int hwParams(Task t, int fd) {
    return t.ioctl(fd, SndPcm.HW_PARAMS, SndPcmHwParams.standard(4));
  }

  static void capture(Task t, int fd) {
    assertEquals(0, hwParams(t, fd));
    assertEquals(0, t.ioctl(fd, SndPcm.PREPARE, null));
    assertEquals(0, t.ioctl(fd, SndPcm.START, null));
  }
}
