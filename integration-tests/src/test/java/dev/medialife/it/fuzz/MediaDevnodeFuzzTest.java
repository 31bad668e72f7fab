package dev.medialife.it.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.medialife.cli.Board;
import dev.medialife.driver.File;
import dev.medialife.driver.Task;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaDevnode;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaEntityDesc;
import dev.medialife.mc.uapi.MediaLinkDesc;
import dev.medialife.mc.uapi.MediaLinksEnum;
import dev.medialife.mc.uapi.MediaPadDesc;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.mc.uapi.MediaV2Entity;
import dev.medialife.mc.uapi.MediaV2Interface;
import dev.medialife.mc.uapi.MediaV2Link;
import dev.medialife.mc.uapi.MediaV2Pad;
import dev.medialife.mc.uapi.MediaV2Topology;

/**
 * The media devnode's ioctls (DEVICE_INFO, ENUM_ENTITIES, ENUM_LINKS, SETUP_LINK, G_TOPOLOGY and
 * unknown commands) with fuzzer-built arguments, on the USB stick's shared media device: the
 * richest graph of the sample boards, with immutable, dynamic and data links.
 */
class MediaDevnodeFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void mediaIoctls(FuzzedDataProvider data) {
    try (FuzzRig rig = FuzzRig.boot(Board.Kind.USBTV)) {
      MediaDevice mdev = rig.board().mediaDevices().get(0);
      MediaDevnode node = mdev.devnode();
      if (node == null) {
        throw new AssertionError("the stick's media device is registered at boot");
      }
      Task t = rig.task();
      int fd = FuzzRig.check("open", t.open(node.path(), File.O_RDWR));
      for (int op = 0; op < FuzzRig.MAX_OPS && data.remainingBytes() > 0; op++) {
        switch (data.consumeInt(0, 6)) {
          case 0 -> FuzzRig.check("DEVICE_INFO",
              t.ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, new MediaDeviceInfo()));
          case 1 -> {
            MediaEntityDesc d = new MediaEntityDesc();
            d.id = FuzzRig.pick(data, 0, 1, 5, 9, MediaUapi.MEDIA_ENT_ID_FLAG_NEXT,
                MediaUapi.MEDIA_ENT_ID_FLAG_NEXT | 5, -1);
            FuzzRig.check("ENUM_ENTITIES", t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_ENTITIES, d));
          }
          case 2 -> {
            MediaLinksEnum e = new MediaLinksEnum();
            e.entity = FuzzRig.pick(data, 1, 5, 9, 12, 0, 1000);
            e.pads = data.consumeBoolean() ? null : pads(data.consumeInt(0, 4));
            e.links = data.consumeBoolean() ? null : links(data.consumeInt(0, 8));
            FuzzRig.check("ENUM_LINKS", t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_LINKS, e));
          }
          case 3 -> {
            MediaLinkDesc l = new MediaLinkDesc();
            l.source.entity = FuzzRig.pick(data, 1, 5, 9, 12, 14, 16);
            l.source.index = FuzzRig.pick(data, 0, 1, 2);
            l.sink.entity = FuzzRig.pick(data, 1, 5, 9, 28, 34);
            l.sink.index = FuzzRig.pick(data, 0, 1, 2);
            l.flags = FuzzRig.pick(data, 0, MediaUapi.MEDIA_LNK_FL_ENABLED,
                MediaUapi.MEDIA_LNK_FL_IMMUTABLE);
            FuzzRig.check("SETUP_LINK", t.ioctl(fd, MediaUapi.MEDIA_IOC_SETUP_LINK, l));
          }
          case 4 -> {
            MediaV2Topology topo = new MediaV2Topology();
            if (data.consumeBoolean()) {
              topo.numEntities = data.consumeInt(0, 16);
              topo.ptrEntities = new MediaV2Entity[data.consumeInt(0, 16)];
              topo.numInterfaces = data.consumeInt(0, 4);
              topo.ptrInterfaces = new MediaV2Interface[data.consumeInt(0, 4)];
              topo.numPads = data.consumeInt(0, 32);
              topo.ptrPads = new MediaV2Pad[data.consumeInt(0, 32)];
              topo.numLinks = data.consumeInt(0, 32);
              topo.ptrLinks = new MediaV2Link[data.consumeInt(0, 32)];
            }
            FuzzRig.check("G_TOPOLOGY", t.ioctl(fd, MediaUapi.MEDIA_IOC_G_TOPOLOGY, topo));
          }
          case 5 -> FuzzRig.check("unknown ioctl", t.ioctl(fd, data.consumeInt(),
              data.consumeBoolean() ? null : new MediaDeviceInfo()));
          default -> {
            FuzzRig.check("close", t.close(fd));
            fd = FuzzRig.check("reopen", t.open(node.path(), File.O_RDWR));
          }
        }
      }
    }
  }

  private static MediaPadDesc[] pads(int n) {
    MediaPadDesc[] p = new MediaPadDesc[n];
    for (int i = 0; i < n; i++) {
      p[i] = new MediaPadDesc();
    }
    return p;
  }

  private static MediaLinkDesc[] links(int n) {
    MediaLinkDesc[] l = new MediaLinkDesc[n];
    for (int i = 0; i < n; i++) {
      l[i] = new MediaLinkDesc();
    }
    return l;
  }
}
