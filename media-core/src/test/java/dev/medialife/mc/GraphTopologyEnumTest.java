package dev.medialife.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.BusType;
import dev.medialife.driver.Device;
import dev.medialife.driver.DeviceDriver;
import dev.medialife.driver.Kernel;
import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.Sanitized;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scenario 38: G_TOPOLOGY, ENUM_ENTITIES, ENUM_LINKS and DEVICE_INFO. */
@Sanitized
@Timeout(30)
class GraphTopologyEnumTest {
  private static final int EN = MediaUapi.MEDIA_LNK_FL_ENABLED;
  private static final int NEXT = MediaUapi.MEDIA_ENT_ID_FLAG_NEXT;

  /** a(src) -> b(sink, src) -> c(sink); an interface linked to a. */
  private static final class Graph {
    final MediaEntity a;
    final MediaEntity b;
    final MediaEntity c;
    final MediaLink ab;
    final MediaLink bc;
    final MediaInterface intf;
    final MediaLink il;

    Graph(GraphBed bed) {
      a = bed.entity("video0", MediaUapi.MEDIA_ENT_F_IO_V4L, MediaPad.source());
      a.setDevnode(81, 4);
      b = bed.entity("scaler", 1, 1);
      c = bed.entity("sink", 1, 0);
      ab = bed.link(a, 0, b, 0, EN);
      bc = bed.link(b, 1, c, 0, 0);
      intf = bed.intf(MediaUapi.MEDIA_INTF_T_V4L_VIDEO, 81, 4);
      il = GraphBed.notNull(MediaGraph.createIntfLink(a, intf, EN));
    }
  }

  @Test
  void nullPointersGiveCountsOnlyAndFullArraysGetEverything() {
    try (GraphBed bed = new GraphBed()) {
      bed.register();
      Graph g = new Graph(bed);
      int fd = bed.open();
      Task t = bed.task();
      MediaV2Topology counts = new MediaV2Topology();
      assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_G_TOPOLOGY, counts));
      assertEquals(bed.mdev.topologyVersion(), counts.topologyVersion);
      assertEquals(3, counts.numEntities);
      assertEquals(1, counts.numInterfaces);
      assertEquals(4, counts.numPads);
      assertEquals(3, counts.numLinks, "two data links and one interface link, no backlinks");

      MediaV2Topology full = MediaV2Topology.withRoom(8);
      assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_G_TOPOLOGY, full));
      assertEquals(3, full.numEntities);
      assertEquals(4, full.numPads);
      MediaV2Entity[] ents = GraphBed.notNull(full.ptrEntities);
      assertEquals(
          new MediaV2Entity(g.a.id(), "video0", MediaUapi.MEDIA_ENT_F_IO_V4L, 0), ents[0]);
      assertEquals(g.b.id(), ents[1].id());
      assertEquals(g.c.id(), ents[2].id());
      assertNull(ents[3]);
      MediaV2Interface[] ifs = GraphBed.notNull(full.ptrInterfaces);
      assertEquals(new MediaV2Interface(g.intf.id(), MediaUapi.MEDIA_INTF_T_V4L_VIDEO, 0, 81, 4), ifs[0]);
      MediaV2Pad[] pads = GraphBed.notNull(full.ptrPads);
      assertEquals(
          new MediaV2Pad(g.b.pad(1).id(), g.b.id(), MediaUapi.MEDIA_PAD_FL_SOURCE, 1), pads[2]);
      MediaV2Link[] links = GraphBed.notNull(full.ptrLinks);
      assertEquals(new MediaV2Link(g.ab.id(), g.a.pad(0).id(), g.b.pad(0).id(), EN), links[0]);
      assertEquals(new MediaV2Link(g.bc.id(), g.b.pad(1).id(), g.c.pad(0).id(), 0), links[1]);
      assertEquals(
          new MediaV2Link(
              g.il.id(), g.intf.id(), g.a.id(), EN | MediaUapi.MEDIA_LNK_FL_INTERFACE_LINK),
          links[2]);
      assertNull(links[3]);
      for (MediaV2Link l : List.of(links[0], links[1], links[2])) {
        assertTrue(l.id() != GraphBed.notNull(g.ab.reverse()).id());
        assertTrue(l.id() != GraphBed.notNull(g.bc.reverse()).id());
      }
    }
  }

  @Test
  void tooSmallArraysGiveEnospcAndTheStructIsNotCopiedBack() {
    try (GraphBed bed = new GraphBed()) {
      bed.register();
      Graph g = new Graph(bed);
      int fd = bed.open();
      Task t = bed.task();
      MediaV2Topology small = MediaV2Topology.withRoom(8);
      small.topologyVersion = -7;
      small.numEntities = 2;
      assertEquals(-Errno.ENOSPC, t.ioctl(fd, MediaUapi.MEDIA_IOC_G_TOPOLOGY, small));
      assertEquals(-7, small.topologyVersion, "no copy-back on error");
      assertEquals(2, small.numEntities);
      assertEquals(8, small.numPads);
      MediaV2Entity[] ents = GraphBed.notNull(small.ptrEntities);
      assertEquals(g.a.id(), ents[0].id(), "entries before the overflow were written");
      assertEquals(g.b.id(), ents[1].id());
      assertNull(ents[2]);
      // once ENOSPC is set, nothing more is copied
      assertNull(GraphBed.notNull(small.ptrInterfaces)[0]);
      assertNull(GraphBed.notNull(small.ptrPads)[0]);
      assertNull(GraphBed.notNull(small.ptrLinks)[0]);

      for (int cls = 1; cls < 4; cls++) {
        MediaV2Topology s = MediaV2Topology.withRoom(8);
        switch (cls) {
          case 1 -> s.numInterfaces = 0;
          case 2 -> s.numPads = 3;
          default -> s.numLinks = 2;
        }
        assertEquals(-Errno.ENOSPC, t.ioctl(fd, MediaUapi.MEDIA_IOC_G_TOPOLOGY, s), "class " + cls);
        assertEquals(g.c.id(), GraphBed.notNull(s.ptrEntities)[2].id(), "earlier classes copied");
        assertEquals(8, s.numEntities, "struct unchanged");
      }
      // the direct handler shows the totals are still counted
      MediaV2Topology direct = MediaV2Topology.withRoom(1);
      bed.mdev.graphMutex().lock();
      try {
        assertEquals(-Errno.ENOSPC, MediaIoctls.topology(bed.mdev, direct));
      } finally {
        bed.mdev.graphMutex().unlock();
      }
      assertEquals(3, direct.numEntities);
      assertEquals(1, direct.numInterfaces);
      assertEquals(4, direct.numPads);
      assertEquals(3, direct.numLinks);
    }
  }

  @Test
  void anArrayShorterThanItsCountIsAFault() {
    try (GraphBed bed = new GraphBed()) {
      bed.register();
      new Graph(bed);
      int fd = bed.open();
      Task t = bed.task();
      for (int cls = 0; cls < 4; cls++) {
        MediaV2Topology s = MediaV2Topology.withRoom(8);
        switch (cls) {
          case 0 -> s.ptrEntities = new MediaV2Entity[1];
          case 1 -> s.ptrInterfaces = new MediaV2Interface[0];
          case 2 -> s.ptrPads = new MediaV2Pad[2];
          default -> s.ptrLinks = new MediaV2Link[1];
        }
        assertEquals(-Errno.EFAULT, t.ioctl(fd, MediaUapi.MEDIA_IOC_G_TOPOLOGY, s), "class " + cls);
        assertEquals(8, s.numEntities);
      }
    }
  }

  @Test
  void enumEntitiesIteratesByIncreasingIdAndEndsWithEinval() {
    try (GraphBed bed = new GraphBed()) {
      bed.register();
      Graph g = new Graph(bed);
      MediaEntity late = bed.entity("late", 1, 0);
      // removing an entity in the middle leaves a gap in the ids
      bed.mdev.unregisterEntity(g.c);
      int fd = bed.open();
      Task t = bed.task();
      List<Integer> ids = new ArrayList<>();
      MediaEntityDesc d = new MediaEntityDesc(NEXT);
      int ret;
      while ((ret = t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_ENTITIES, d)) == 0) {
        ids.add(d.id);
        d.id |= NEXT;
      }
      assertEquals(-Errno.EINVAL, ret);
      assertEquals(List.of(g.a.id(), g.b.id(), late.id()), ids);
      assertEquals(late.id() | NEXT, d.id, "the failing call did not copy back");

      MediaEntityDesc b = new MediaEntityDesc(g.b.id());
      assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_ENTITIES, b));
      assertEquals("scaler", b.name);
      assertEquals(2, b.pads);
      assertEquals(0, b.links, "c's removal took the outbound link");
      assertEquals(MediaUapi.MEDIA_ENT_T_DEVNODE_UNKNOWN, b.type);
      MediaEntityDesc a = new MediaEntityDesc(g.a.id());
      assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_ENTITIES, a));
      assertEquals(1, a.links);
      assertEquals(81, a.major);
      assertEquals(4, a.minor);
      assertEquals(MediaUapi.MEDIA_ENT_F_IO_V4L, a.type);
      assertEquals(-Errno.EINVAL, t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_ENTITIES, new MediaEntityDesc(g.c.id())));
      assertEquals(-Errno.EINVAL, t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_ENTITIES, new MediaEntityDesc(0)));
    }
  }

  @Test
  void enumEntitiesCountsOutboundLinksOnlyAndTruncatesTheName() {
    try (GraphBed bed = new GraphBed()) {
      String longName = "an-entity-name-that-is-longer-than-31-characters";
      MediaEntity a = bed.entity(longName, MediaUapi.MEDIA_ENT_F_CAM_SENSOR, MediaPad.source(), MediaPad.source());
      a.setFlags(MediaUapi.MEDIA_ENT_FL_DEFAULT);
      MediaEntity b = bed.entity("b", 2, 1);
      MediaEntity c = bed.entity("c", 1, 0);
      bed.link(a, 0, b, 0, EN);
      bed.link(a, 1, b, 1, 0);
      bed.link(b, 2, c, 0, EN);
      assertEquals(3, b.numLinks());
      assertEquals(2, b.numBacklinks());
      int fd = bed.open();
      Task t = bed.task();
      int[] expected = {2, 1, 0};
      MediaEntity[] es = {a, b, c};
      for (int i = 0; i < 3; i++) {
        MediaEntityDesc d = new MediaEntityDesc(es[i].id());
        assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_ENTITIES, d));
        assertEquals(expected[i], d.links, es[i].name());
        assertEquals(es[i].numLinks() - es[i].numBacklinks(), d.links);
      }
      MediaEntityDesc d = new MediaEntityDesc(a.id());
      assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_ENTITIES, d));
      assertEquals(longName.substring(0, 31), d.name);
      assertEquals(MediaUapi.MEDIA_ENT_FL_DEFAULT, d.flags);
      assertEquals(MediaUapi.MEDIA_ENT_F_CAM_SENSOR, d.type, "legacy range kept");
    }
  }

  @Test
  void legacyTypesMapFunctionsOutsideTheOldRange() {
    try (GraphBed bed = new GraphBed()) {
      Object[][] cases = {
        {MediaUapi.MEDIA_ENT_F_IO_V4L, EntityObjType.VIDEO_DEVICE, MediaUapi.MEDIA_ENT_F_IO_V4L},
        {MediaUapi.MEDIA_ENT_F_IO_DTV, EntityObjType.BASE, MediaUapi.MEDIA_ENT_T_DEVNODE_UNKNOWN},
        {MediaUapi.MEDIA_ENT_F_IO_VBI, EntityObjType.VIDEO_DEVICE, MediaUapi.MEDIA_ENT_T_DEVNODE_UNKNOWN},
        {MediaUapi.MEDIA_ENT_F_PROC_VIDEO_SCALER, EntityObjType.V4L2_SUBDEV, MediaUapi.MEDIA_ENT_F_V4L2_SUBDEV_UNKNOWN},
        {MediaUapi.MEDIA_ENT_F_CONN_RF, EntityObjType.V4L2_SUBDEV, MediaUapi.MEDIA_ENT_F_V4L2_SUBDEV_UNKNOWN},
        {MediaUapi.MEDIA_ENT_F_CAM_SENSOR, EntityObjType.V4L2_SUBDEV, MediaUapi.MEDIA_ENT_F_CAM_SENSOR},
        {MediaUapi.MEDIA_ENT_F_TUNER, EntityObjType.V4L2_SUBDEV, MediaUapi.MEDIA_ENT_F_TUNER},
        {MediaUapi.MEDIA_ENT_F_ATV_DECODER, EntityObjType.BASE, MediaUapi.MEDIA_ENT_F_ATV_DECODER},
        {MediaUapi.MEDIA_ENT_F_TUNER + 1, EntityObjType.BASE, MediaUapi.MEDIA_ENT_T_DEVNODE_UNKNOWN},
      };
      int n = 0;
      for (Object[] c : cases) {
        MediaEntity e = bed.entity("e" + n++, (Integer) c[0], MediaPad.sink());
        e.setObjType((EntityObjType) c[1]);
        assertEquals(c[2], e.legacyType(), e + " as " + c[1]);
      }
      int fd = bed.open();
      MediaEntityDesc d = new MediaEntityDesc(NEXT);
      assertEquals(0, bed.task().ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_ENTITIES, d));
      assertEquals(MediaUapi.MEDIA_ENT_F_IO_V4L, d.type);
    }
  }

  @Test
  void enumLinksGivesPadsAndOutboundDataLinksOnly() {
    try (GraphBed bed = new GraphBed()) {
      Graph g = new Graph(bed);
      int fd = bed.open();
      Task t = bed.task();
      MediaLinksEnum le = new MediaLinksEnum(g.b.id(), new MediaPadDesc[2], new MediaLinkDesc[1]);
      assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_LINKS, le));
      MediaPadDesc[] pads = GraphBed.notNull(le.pads);
      assertEquals(g.b.id(), pads[0].entity);
      assertEquals(0, pads[0].index);
      assertEquals(MediaUapi.MEDIA_PAD_FL_SINK, pads[0].flags);
      assertEquals(1, pads[1].index);
      assertEquals(MediaUapi.MEDIA_PAD_FL_SOURCE, pads[1].flags);
      MediaLinkDesc l = GraphBed.notNull(le.links)[0];
      assertEquals(g.b.id(), l.source.entity);
      assertEquals(1, l.source.index);
      assertEquals(g.c.id(), l.sink.entity);
      assertEquals(0, l.sink.index);
      assertEquals(MediaUapi.MEDIA_PAD_FL_SINK, l.sink.flags);
      assertEquals(0, l.flags);

      // a: one outbound data link, its interface link is not listed
      MediaLinkDesc[] al = new MediaLinkDesc[3];
      assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_LINKS, new MediaLinksEnum(g.a.id(), null, al)));
      assertNotNull(al[0]);
      assertEquals(EN, al[0].flags);
      assertNull(al[1]);
      // c: only a backlink, nothing to list, even with an empty array
      MediaLinkDesc[] cl = new MediaLinkDesc[0];
      assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_LINKS, new MediaLinksEnum(g.c.id(), null, cl)));
      assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_LINKS, new MediaLinksEnum(g.c.id(), null, null)));

      assertEquals(-Errno.EFAULT, t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_LINKS,
          new MediaLinksEnum(g.b.id(), new MediaPadDesc[1], null)));
      assertEquals(-Errno.EFAULT, t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_LINKS,
          new MediaLinksEnum(g.b.id(), null, new MediaLinkDesc[0])));
      assertEquals(-Errno.EINVAL, t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_LINKS,
          new MediaLinksEnum(g.c.id() + 100, null, null)));
      // find_entity honours NEXT: the entity after a is b, whose one pad is listed
      MediaPadDesc[] nextPads = new MediaPadDesc[2];
      assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_ENUM_LINKS,
          new MediaLinksEnum(g.a.id() | NEXT, nextPads, null)));
      assertEquals(g.b.id(), nextPads[0].entity);
    }
  }

  @Test
  void deviceInfoFallsBackToTheParentsDriverAndTruncatesStrings() {
    Kernel kernel = new Kernel();
    BusType bus = new BusType("sample", (dev, drv) -> dev.name().startsWith(drv.name()));
    assertEquals(0, kernel.busRegister(bus));
    DeviceDriver drv =
        new DeviceDriver("cam", null, false, new DeviceDriver.Ops() {
          @Override
          public int probe(Device dev) {
            return 0;
          }
        });
    assertEquals(0, bus.driverRegister(drv));
    Allocation dmem = GraphBed.notNull(Kmem.kzalloc("sample_device", "cam0"));
    Device dev = new Device(kernel, dmem, dmem, "cam0");
    dev.setBus(bus);
    dev.setRelease(d -> Kmem.kfree(dmem, "sample_device_release"));
    assertEquals(0, dev.add());
    String longModel = "a model name that is definitely longer than 31 chars";
    try (GraphBed bed = new GraphBed(kernel, longModel, dev)) {
      bed.mdev.setSerial("S".repeat(50));
      bed.mdev.setHwRevision(0x1234);
      int fd = bed.open();
      MediaDeviceInfo info = new MediaDeviceInfo();
      assertEquals(0, bed.task().ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, info));
      assertEquals("cam", info.driver);
      assertEquals(longModel.substring(0, 31), info.model);
      assertEquals("S".repeat(39), info.serial);
      assertEquals("sample:cam0", info.busInfo);
      assertEquals(MediaUapi.MEDIA_VERSION, info.mediaVersion);
      assertEquals(MediaUapi.MEDIA_VERSION, info.driverVersion);
      assertEquals(0x1234, info.hwRevision);
      bed.mdev.setDriverName("a-very-long-driver-name");
      bed.mdev.setBusInfo("platform:" + "x".repeat(40));
      assertEquals(0, bed.task().ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, info));
      assertEquals("a-very-long-dri", info.driver);
      assertEquals(31, info.busInfo.length());
    } finally {
      dev.unregister();
    }
  }

  @Test
  void deviceInfoWithoutParentOrDriverNameIsEmpty() {
    try (GraphBed bed = new GraphBed()) {
      MediaDeviceInfo info = new MediaDeviceInfo();
      info.driver = "junk";
      int fd = bed.open();
      assertEquals(0, bed.task().ioctl(fd, MediaUapi.MEDIA_IOC_DEVICE_INFO, info));
      assertEquals("", info.driver);
      assertEquals("graphbed model", info.model);
      assertEquals("", info.busInfo);
    }
  }
}
