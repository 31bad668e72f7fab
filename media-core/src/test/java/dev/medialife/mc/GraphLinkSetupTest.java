package dev.medialife.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Task;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.uapi.MediaLinkDesc;
import dev.medialife.mc.uapi.MediaPadDesc;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scenario 36: the rules and callbacks of link setup, directly and through MEDIA_IOC_SETUP_LINK. */
@Sanitized
@Timeout(30)
class GraphLinkSetupTest {
  private static final int EN = MediaUapi.MEDIA_LNK_FL_ENABLED;
  private static final int IMM = MediaUapi.MEDIA_LNK_FL_IMMUTABLE;
  private static final int DYN = MediaUapi.MEDIA_LNK_FL_DYNAMIC;

  private final List<String> log = new ArrayList<>();

  private MediaEntityOperations loggingOps(String who, int result) {
    return new MediaEntityOperations() {
      @Override
      public int linkSetup(MediaPad local, MediaPad remote, int flags) {
        log.add(who + " " + local.entity().name() + ":" + local.index() + " flags=" + flags);
        return result;
      }
    };
  }

  @Test
  void togglingEnabledOnANormalLinkChangesBothHalves() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 0);
      MediaLink link = bed.link(a, 0, b, 0, 0);
      MediaLink back = GraphBed.notNull(link.reverse());
      assertTrue(back.isBacklink());
      assertSame(link, back.reverse());
      assertEquals(0, MediaGraph.setupLink(link, EN));
      assertTrue(link.isEnabled());
      assertTrue(back.isEnabled());
      assertEquals(0, MediaGraph.setupLink(link, 0));
      assertFalse(link.isEnabled());
      assertFalse(back.isEnabled());
      // identical flags: nothing to do
      assertEquals(0, MediaGraph.setupLink(link, 0));
      assertEquals(-Errno.EINVAL, MediaGraph.setupLinkLocked(null, EN));
    }
  }

  @Test
  void immutableAcceptsOnlyItsOwnFlagsAndOtherBitsMayNotChange() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 2);
      MediaEntity b = bed.entity("b", 1, 0);
      a.setOps(loggingOps("src", 0));
      MediaLink imm = bed.link(a, 0, b, 0, IMM | EN);
      assertEquals(-Errno.EINVAL, MediaGraph.setupLink(imm, IMM));
      assertEquals(0, MediaGraph.setupLink(imm, IMM | EN));
      assertTrue(imm.isEnabled());
      MediaLink plain = bed.link(a, 1, b, 0, 0);
      assertEquals(-Errno.EINVAL, MediaGraph.setupLink(plain, DYN));
      assertEquals(-Errno.EINVAL, MediaGraph.setupLink(plain, IMM | EN));
      assertEquals(-Errno.EINVAL, MediaGraph.setupLink(plain, EN | (1 << 5)));
      assertEquals(0, plain.flags() & ~MediaUapi.MEDIA_LNK_FL_LINK_TYPE);
      assertEquals(List.of(), log, "no callback for refused or no-op setups");
    }
  }

  @Test
  void aStreamingEndRefusesUnlessTheLinkIsDynamic() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 1);
      MediaEntity c = bed.entity("c", 1, 0);
      MediaLink ab = bed.link(a, 0, b, 0, EN);
      MediaLink bc = bed.link(b, 1, c, 0, EN | DYN);
      MediaPipeline pipe = new MediaPipeline();
      assertEquals(0, MediaGraph.pipelineStart(a.pad(0), pipe));
      assertTrue(b.isStreaming());
      assertTrue(c.isStreaming());
      assertEquals(-Errno.EBUSY, MediaGraph.setupLink(ab, 0));
      assertTrue(ab.isEnabled());
      assertEquals(0, MediaGraph.setupLink(bc, DYN));
      assertFalse(bc.isEnabled());
      MediaGraph.pipelineStop(a.pad(0));
      assertFalse(b.isStreaming());
      assertEquals(0, MediaGraph.setupLink(ab, 0));
    }
  }

  @Test
  void linkSetupRunsSourceThenSinkAndEnoioctlcmdCountsAsSuccess() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 0);
      a.setOps(loggingOps("setup", -Errno.ENOIOCTLCMD));
      b.setOps(loggingOps("setup", 0));
      MediaLink link = bed.link(a, 0, b, 0, 0);
      assertEquals(0, MediaGraph.setupLink(link, EN));
      assertEquals(List.of("setup a:0 flags=1", "setup b:0 flags=1"), log);
      assertTrue(link.isEnabled());
    }
  }

  @Test
  void aSinkFailureRollsBackTheSourceWithTheOldFlags() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 0);
      a.setOps(loggingOps("setup", 0));
      b.setOps(loggingOps("setup", -Errno.EPIPE));
      MediaLink link = bed.link(a, 0, b, 0, 0);
      assertEquals(-Errno.EPIPE, MediaGraph.setupLink(link, EN));
      assertEquals(List.of("setup a:0 flags=1", "setup b:0 flags=1", "setup a:0 flags=0"), log);
      assertFalse(link.isEnabled());
      assertFalse(GraphBed.notNull(link.reverse()).isEnabled());
    }
  }

  @Test
  void aSourceFailureStopsBeforeTheSink() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 0);
      a.setOps(loggingOps("setup", -Errno.EIO));
      b.setOps(loggingOps("setup", 0));
      MediaLink link = bed.link(a, 0, b, 0, 0);
      assertEquals(-Errno.EIO, MediaGraph.setupLink(link, EN));
      assertEquals(List.of("setup a:0 flags=1"), log);
      assertFalse(link.isEnabled());
    }
  }

  @Test
  void linkNotifyPreErrorAbortsAndPostIsAlwaysCalled() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 0);
      int[] preResult = {-Errno.EACCES};
      bed.mdev.setOps(
          new MediaDeviceOps() {
            @Override
            public int linkNotify(MediaLink link, int flags, int notification) {
              log.add((notification == PRE_LINK_CH ? "pre" : "post") + " enabled=" + link.isEnabled());
              return notification == PRE_LINK_CH ? preResult[0] : -Errno.EIO;
            }
          });
      a.setOps(loggingOps("setup", 0));
      b.setOps(loggingOps("setup", -Errno.EPIPE));
      MediaLink link = bed.link(a, 0, b, 0, 0);
      assertEquals(-Errno.EACCES, MediaGraph.setupLink(link, EN));
      assertEquals(List.of("pre enabled=false"), log);
      log.clear();
      preResult[0] = 0;
      assertEquals(-Errno.EPIPE, MediaGraph.setupLink(link, EN));
      assertEquals(
          List.of(
              "pre enabled=false",
              "setup a:0 flags=1",
              "setup b:0 flags=1",
              "setup a:0 flags=0",
              "post enabled=false"),
          log);
      log.clear();
      b.setOps(null);
      assertEquals(0, MediaGraph.setupLink(link, EN), "the POST result is ignored");
      assertEquals(List.of("pre enabled=false", "setup a:0 flags=1", "post enabled=true"), log);
    }
  }

  @Test
  void setupLinkIoctlValidatesEntitiesPadsAndLinks() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 2);
      MediaEntity b = bed.entity("b", 1, 0);
      MediaLink link = bed.link(a, 0, b, 0, 0);
      int fd = bed.open();
      Task t = bed.task();
      assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_SETUP_LINK, desc(a, 0, b, 0, EN)));
      assertTrue(link.isEnabled());
      assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_SETUP_LINK, desc(a, 0, b, 0, 0)));
      assertFalse(link.isEnabled());
      int bad = b.id() + 1000;
      assertEquals(-Errno.EINVAL, t.ioctl(fd, MediaUapi.MEDIA_IOC_SETUP_LINK, raw(bad, 0, b.id(), 0)));
      assertEquals(-Errno.EINVAL, t.ioctl(fd, MediaUapi.MEDIA_IOC_SETUP_LINK, raw(a.id(), 0, bad, 0)));
      assertEquals(-Errno.EINVAL, t.ioctl(fd, MediaUapi.MEDIA_IOC_SETUP_LINK, desc(a, 2, b, 0, EN)));
      assertEquals(-Errno.EINVAL, t.ioctl(fd, MediaUapi.MEDIA_IOC_SETUP_LINK, desc(a, -1, b, 0, EN)));
      assertEquals(-Errno.EINVAL, t.ioctl(fd, MediaUapi.MEDIA_IOC_SETUP_LINK, desc(a, 0, b, 1, EN)));
      assertEquals(-Errno.EINVAL, t.ioctl(fd, MediaUapi.MEDIA_IOC_SETUP_LINK, desc(a, 0, b, -1, EN)));
      // no link between a:1 and b:0
      assertEquals(-Errno.EINVAL, t.ioctl(fd, MediaUapi.MEDIA_IOC_SETUP_LINK, desc(a, 1, b, 0, EN)));
      // the reversed direction names no forward link
      assertEquals(-Errno.EINVAL, t.ioctl(fd, MediaUapi.MEDIA_IOC_SETUP_LINK, desc(b, 0, a, 0, EN)));
      int next = MediaUapi.MEDIA_ENT_ID_FLAG_NEXT;
      MediaLinkDesc n1 = desc(a, 0, b, 0, EN);
      // find_entity honours the NEXT flag here too: the entity after a.id() - 1 is a
      n1.source.entity = (a.id() - 1) | next;
      assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_SETUP_LINK, n1));
      assertTrue(link.isEnabled());
      MediaLinkDesc n2 = desc(a, 0, b, 0, 0);
      n2.sink.entity = b.id() | next;
      assertEquals(-Errno.EINVAL, t.ioctl(fd, MediaUapi.MEDIA_IOC_SETUP_LINK, n2), "none after b");
      assertTrue(link.isEnabled());
    }
  }

  @Test
  void setupLinkIoctlReportsTheRuleErrors() {
    try (GraphBed bed = new GraphBed()) {
      MediaEntity a = bed.entity("a", 0, 1);
      MediaEntity b = bed.entity("b", 1, 0);
      MediaLink imm = bed.link(a, 0, b, 0, IMM | EN);
      int fd = bed.open();
      Task t = bed.task();
      assertEquals(-Errno.EINVAL, t.ioctl(fd, MediaUapi.MEDIA_IOC_SETUP_LINK, desc(a, 0, b, 0, IMM)));
      assertEquals(0, t.ioctl(fd, MediaUapi.MEDIA_IOC_SETUP_LINK, desc(a, 0, b, 0, IMM | EN)));
      assertTrue(imm.isEnabled());
      assertNull(MediaGraph.findLink(b.pad(0), a.pad(0)));
      assertNotNull(MediaGraph.findLink(a.pad(0), b.pad(0)));
    }
  }

  private static MediaLinkDesc desc(MediaEntity src, int sp, MediaEntity sink, int kp, int flags) {
    return new MediaLinkDesc(
        new MediaPadDesc(src.id(), sp, 0), new MediaPadDesc(sink.id(), kp, 0), flags);
  }

  private static MediaLinkDesc raw(int src, int sp, int sink, int kp) {
    return new MediaLinkDesc(new MediaPadDesc(src, sp, 0), new MediaPadDesc(sink, kp, 0), EN);
  }
}
