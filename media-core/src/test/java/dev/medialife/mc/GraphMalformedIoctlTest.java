package dev.medialife.mc;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.medialife.driver.Ioc;
import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaEntityDesc;
import dev.medialife.mc.uapi.MediaLinkDesc;
import dev.medialife.mc.uapi.MediaLinksEnum;
import dev.medialife.mc.uapi.MediaPadDesc;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.mc.uapi.MediaV2Topology;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed media ioctls, one row each: the documented errno comes back through the system call,
 * no exception escapes, and the graph is left as it was.
 */
@Sanitized
@Timeout(30)
class GraphMalformedIoctlTest {
  private static final char T = '|';
  private static final int NEXT = MediaUapi.MEDIA_ENT_ID_FLAG_NEXT;

  /** a (1 source) -> b (1 sink), disabled. */
  record G(MediaEntity a, MediaEntity b) {
    MediaLinkDesc setup(int srcEnt, int srcPad, int sinkEnt, int sinkPad, int flags) {
      return new MediaLinkDesc(
          new MediaPadDesc(srcEnt, srcPad, 0), new MediaPadDesc(sinkEnt, sinkPad, 0), flags);
    }
  }

  private static Arguments row(
      String name, int cmd, Function<G, @Nullable IoctlArg<?>> arg, int errno) {
    return Arguments.of(name, cmd, arg, errno);
  }

  static Stream<Arguments> cases() {
    int en = MediaUapi.MEDIA_LNK_FL_ENABLED;
    return Stream.of(
        row("unknown number", Ioc.iowr(T, 0x10, 4), g -> new MediaDeviceInfo(), -Errno.ENOTTY),
        row("unknown number 6", Ioc.iowr(T, 0x06, 4), g -> null, -Errno.ENOTTY),
        row("other type", Ioc.iowr('V', 0x00, MediaDeviceInfo.SIZE), g -> new MediaDeviceInfo(), -Errno.ENOTTY),
        row("no bits at all", 0, g -> null, -Errno.ENOTTY),
        row("DEVICE_INFO wrong size", Ioc.iowr(T, 0x00, 8), g -> new MediaDeviceInfo(), -Errno.ENOTTY),
        row("DEVICE_INFO read only", Ioc.ior(T, 0x00, MediaDeviceInfo.SIZE), g -> new MediaDeviceInfo(), -Errno.ENOTTY),
        row("DEVICE_INFO no direction", Ioc.ioc(Ioc.NONE, T, 0x00, MediaDeviceInfo.SIZE), g -> new MediaDeviceInfo(), -Errno.ENOTTY),
        row("ENUM_ENTITIES write only", Ioc.iow(T, 0x01, MediaEntityDesc.SIZE), g -> new MediaEntityDesc(NEXT), -Errno.ENOTTY),
        row("ENUM_LINKS wrong size", Ioc.iowr(T, 0x02, MediaLinksEnum.SIZE + 4), g -> new MediaLinksEnum(), -Errno.ENOTTY),
        row("SETUP_LINK wrong size", Ioc.iowr(T, 0x03, MediaLinkDesc.SIZE - 4), g -> new MediaLinkDesc(), -Errno.ENOTTY),
        row("G_TOPOLOGY read only", Ioc.ior(T, 0x04, MediaV2Topology.SIZE), g -> new MediaV2Topology(), -Errno.ENOTTY),
        row("REQUEST_ALLOC", Ioc.ior(T, 0x05, 4), g -> null, -Errno.ENOTTY),
        row("REQUEST_ALLOC any size", Ioc.iowr(T, 0x05, 8), g -> new MediaDeviceInfo(), -Errno.ENOTTY),
        row("DEVICE_INFO null", MediaUapi.MEDIA_IOC_DEVICE_INFO, g -> null, -Errno.EFAULT),
        row("ENUM_ENTITIES null", MediaUapi.MEDIA_IOC_ENUM_ENTITIES, g -> null, -Errno.EFAULT),
        row("ENUM_LINKS null", MediaUapi.MEDIA_IOC_ENUM_LINKS, g -> null, -Errno.EFAULT),
        row("SETUP_LINK null", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> null, -Errno.EFAULT),
        row("G_TOPOLOGY null", MediaUapi.MEDIA_IOC_G_TOPOLOGY, g -> null, -Errno.EFAULT),
        row("DEVICE_INFO wrong class", MediaUapi.MEDIA_IOC_DEVICE_INFO, g -> new MediaEntityDesc(), -Errno.EFAULT),
        row("ENUM_ENTITIES wrong class", MediaUapi.MEDIA_IOC_ENUM_ENTITIES, g -> new MediaDeviceInfo(), -Errno.EFAULT),
        row("ENUM_LINKS wrong class", MediaUapi.MEDIA_IOC_ENUM_LINKS, g -> new MediaLinkDesc(), -Errno.EFAULT),
        row("SETUP_LINK wrong class", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> new MediaLinksEnum(), -Errno.EFAULT),
        row("G_TOPOLOGY wrong class", MediaUapi.MEDIA_IOC_G_TOPOLOGY, g -> new MediaDeviceInfo(), -Errno.EFAULT),
        row("ENUM_ENTITIES id 0", MediaUapi.MEDIA_IOC_ENUM_ENTITIES, g -> new MediaEntityDesc(0), -Errno.EINVAL),
        row("ENUM_ENTITIES unknown id", MediaUapi.MEDIA_IOC_ENUM_ENTITIES, g -> new MediaEntityDesc(g.b().id() + 50), -Errno.EINVAL),
        row("ENUM_ENTITIES pad id", MediaUapi.MEDIA_IOC_ENUM_ENTITIES, g -> new MediaEntityDesc(g.a().pad(0).id()), -Errno.EINVAL),
        row("ENUM_ENTITIES NEXT after last", MediaUapi.MEDIA_IOC_ENUM_ENTITIES, g -> new MediaEntityDesc(g.b().id() | NEXT), -Errno.EINVAL),
        row("ENUM_ENTITIES NEXT all ones", MediaUapi.MEDIA_IOC_ENUM_ENTITIES, g -> new MediaEntityDesc(-1), -Errno.EINVAL),
        row("ENUM_LINKS unknown entity", MediaUapi.MEDIA_IOC_ENUM_LINKS, g -> new MediaLinksEnum(g.b().id() + 50, null, null), -Errno.EINVAL),
        row("ENUM_LINKS entity 0", MediaUapi.MEDIA_IOC_ENUM_LINKS, g -> new MediaLinksEnum(0, null, null), -Errno.EINVAL),
        row("ENUM_LINKS NEXT after last", MediaUapi.MEDIA_IOC_ENUM_LINKS, g -> new MediaLinksEnum(g.b().id() | NEXT, null, null), -Errno.EINVAL),
        row("ENUM_LINKS short pads", MediaUapi.MEDIA_IOC_ENUM_LINKS, g -> new MediaLinksEnum(g.a().id(), new MediaPadDesc[0], null), -Errno.EFAULT),
        row("ENUM_LINKS short links", MediaUapi.MEDIA_IOC_ENUM_LINKS, g -> new MediaLinksEnum(g.a().id(), new MediaPadDesc[1], new MediaLinkDesc[0]), -Errno.EFAULT),
        row("SETUP_LINK unknown source", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> g.setup(g.b().id() + 50, 0, g.b().id(), 0, en), -Errno.EINVAL),
        row("SETUP_LINK unknown sink", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> g.setup(g.a().id(), 0, 0, 0, en), -Errno.EINVAL),
        row("SETUP_LINK source NEXT after last", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> g.setup(g.b().id() | NEXT, 0, g.b().id(), 0, en), -Errno.EINVAL),
        row("SETUP_LINK sink NEXT after last", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> g.setup(g.a().id(), 0, g.b().id() | NEXT, 0, en), -Errno.EINVAL),
        row("SETUP_LINK source pad high", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> g.setup(g.a().id(), 1, g.b().id(), 0, en), -Errno.EINVAL),
        row("SETUP_LINK source pad negative", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> g.setup(g.a().id(), -1, g.b().id(), 0, en), -Errno.EINVAL),
        row("SETUP_LINK sink pad high", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> g.setup(g.a().id(), 0, g.b().id(), 7, en), -Errno.EINVAL),
        row("SETUP_LINK sink pad negative", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> g.setup(g.a().id(), 0, g.b().id(), Integer.MIN_VALUE, en), -Errno.EINVAL),
        row("SETUP_LINK no link (reversed)", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> g.setup(g.b().id(), 0, g.a().id(), 0, en), -Errno.EINVAL),
        row("SETUP_LINK no link (self)", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> g.setup(g.a().id(), 0, g.a().id(), 0, en), -Errno.EINVAL),
        row("SETUP_LINK IMMUTABLE bit", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> g.setup(g.a().id(), 0, g.b().id(), 0, en | MediaUapi.MEDIA_LNK_FL_IMMUTABLE), -Errno.EINVAL),
        row("SETUP_LINK DYNAMIC bit", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> g.setup(g.a().id(), 0, g.b().id(), 0, MediaUapi.MEDIA_LNK_FL_DYNAMIC), -Errno.EINVAL),
        row("SETUP_LINK type bits", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> g.setup(g.a().id(), 0, g.b().id(), 0, en | MediaUapi.MEDIA_LNK_FL_INTERFACE_LINK), -Errno.EINVAL),
        row("SETUP_LINK all bits", MediaUapi.MEDIA_IOC_SETUP_LINK, g -> g.setup(g.a().id(), 0, g.b().id(), 0, -1), -Errno.EINVAL));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void malformedIoctlsGiveTheirErrno(
      String name, int cmd, Function<G, @Nullable IoctlArg<?>> argFor, int errno) {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 0);
      MediaLink link = bed.link(a, 0, b, 0, 0);
      int fd = bed.open();
      long version = bed.mdev.topologyVersion();
      IoctlArg<?> arg = argFor.apply(new G(a, b));
      int ret = assertDoesNotThrow(() -> bed.task().ioctl(fd, cmd, arg), name);
      assertEquals(errno, ret, name);
      assertFalse(link.isEnabled(), "the link did not change");
      assertEquals(version, bed.mdev.topologyVersion(), "the graph did not change");
    }
  }

  @ParameterizedTest(name = "dispatch {0}")
  @MethodSource("cases")
  void theHandlerReturnsEnoioctlcmdWhereUserspaceSeesEnotty(
      String name, int cmd, Function<G, @Nullable IoctlArg<?>> argFor, int errno) {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 0);
      bed.link(a, 0, b, 0, 0);
      IoctlArg<?> arg = argFor.apply(new G(a, b));
      int ret = MediaIoctls.dispatch(bed.mdev, cmd, arg);
      boolean requestAlloc = Ioc.type(cmd) == T && Ioc.nr(cmd) == 0x05;
      int expected = errno == -Errno.ENOTTY && !requestAlloc ? -Errno.ENOIOCTLCMD : errno;
      assertEquals(expected, ret, name);
      assertFalse(bed.mdev.graphMutex().isHeldByCurrentThread());
    }
  }
}
