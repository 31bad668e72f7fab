package dev.medialife.drivers.au0828;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.allocator.MediaDeviceAllocator;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaLink;
import dev.medialife.mc.topology.Topology;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.kernel.testing.Sanitized;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two drivers of one stick share one media device whatever the probe order (scenarios 29 to
 * 31 and the media_dev_allocator.sh sequence, scenario 30, of the reference).
 */
@Sanitized
@Timeout(60)
class SharedMediaDeviceTest {
  private static final Set<String> ENTITIES =
      Set.of("au0828 tuner", "au8522 decoder", "au8522 demod", "Television", "Composite",
          "S-Video", "au0828a video", "USB Mixer", "pcmC0D0c");

  /** Plugs the stick with no driver, then binds the drivers in the order given. */
  private static StickBed bind(boolean audioFirst) {
    StickBed bed = new StickBed();
    bed.plug();
    if (audioFirst) {
      assertEquals(0, bed.audio.register(bed.core));
      assertEquals(0, bed.audio.lastProbe());
      assertTrue(StickBed.notNull(bed.chip().mediaDevice()).isRegistered(), "audio first");
      assertEquals(0, bed.video.register(bed.core));
    } else {
      assertEquals(0, bed.video.register(bed.core));
      assertTrue(bed.mdev().isRegistered(), "video registers when first");
      assertEquals(0, bed.audio.register(bed.core));
    }
    assertEquals(0, bed.video.lastProbe());
    assertEquals(0, bed.audio.lastProbe());
    return bed;
  }

  /** The JSON's tokens without the ids and the driver name, sorted. */
  private static List<String> jsonTokens(String json) {
    String s = json.replaceAll("\"driver\"\\s*:\\s*\"[^\"]*\"", "").replaceAll("\\d+", "#");
    List<String> out = new java.util.ArrayList<>(List.of(s.split("[,{}\\[\\]]", -1)));
    out.replaceAll(String::strip);
    out.sort(null);
    return out;
  }

  private static Set<String> names(MediaDevice m) {
    Set<String> s = new TreeSet<>();
    for (MediaEntity e : m.entities()) {
      s.add(e.name());
    }
    return s;
  }

  private static MediaEntity entity(MediaDevice m, String name) {
    for (MediaEntity e : m.entities()) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    throw new AssertionError("no entity " + name);
  }

  private static MediaLink link(MediaEntity src, MediaEntity sink) {
    for (MediaLink l : src.links()) {
      if (!l.isBacklink() && l.sink().entity().equals(sink)) {
        return l;
      }
    }
    throw new AssertionError("no link " + src.name() + " -> " + sink.name());
  }

  private static void assertFullGraph(StickBed bed) {
    MediaDevice m = bed.mdev();
    assertSame(m, bed.chip().mediaDevice(), "one media device for both drivers");
    assertEquals(List.of("/dev/media0"), bed.mediaNodes());
    assertEquals(1, MediaDeviceAllocator.instances(bed.kernel));
    assertEquals(2, MediaDeviceAllocator.refcount(m));
    assertEquals(ENTITIES, names(m));
    MediaEntity decoder = entity(m, "au8522 decoder");
    MediaEntity tuner = entity(m, "au0828 tuner");
    assertTrue(link(decoder, entity(m, "USB Mixer")).isEnabled(), "decoder audio -> mixer");
    assertTrue(link(entity(m, "USB Mixer"), entity(m, "pcmC0D0c")).isEnabled());
    assertTrue(link(decoder, entity(m, "au0828a video")).isEnabled());
    assertFalse(link(tuner, decoder).isEnabled(), "tuner links start disabled");
    assertFalse(link(tuner, entity(m, "au8522 demod")).isEnabled());
    assertTrue(link(entity(m, "Television"), tuner).isEnabled());
    assertSame(bed.dev().source(), m.sourceHooks(), "au0828 arbitrates whoever registered");
    assertEquals(2, m.interfaces().size(), "video and PCM capture interfaces");
    assertEquals(MediaUapi.MEDIA_INTF_T_ALSA_PCM_CAPTURE, m.interfaces().stream()
        .filter(i -> i.intfType() != MediaUapi.MEDIA_INTF_T_V4L_VIDEO).findFirst().orElseThrow()
        .intfType());
    assertEquals("HVR-950Q", m.model());
    assertEquals("4034012345", m.serial());
    assertEquals(0x0100, m.hwRevision());
  }

  @Test
  void audioFirstThenVideoAndVideoFirstThenAudioBuildTheSameGraph() {
    StickBed a = bind(true);
    assertFullGraph(a);
    assertEquals(SndUsbChip.NAME, a.mdev().driverName(), "the first allocator names it");
    String audioFirst = StickBed.normalized(a.mdev());
    String json = Topology.json(a.mdev());
    a.down();

    StickBed v = bind(false);
    assertFullGraph(v);
    assertEquals(Au0828Dev.NAME, v.mdev().driverName());
    assertEquals(audioFirst, StickBed.normalized(v.mdev()));
    assertEquals(jsonTokens(json), jsonTokens(Topology.json(v.mdev())),
        "the same G_TOPOLOGY objects, with ids in a different order");
    v.down();
    assertEquals(0, a.video.live() + a.audio.live() + v.video.live() + v.audio.live());
  }

  @Test
  void sharingPinsTheOwnersModuleOnceAndEveryNonOwnerDeleteUnpinsIt() {
    StickBed bed = new StickBed();
    bed.plug();
    assertEquals(0, bed.video.register(bed.core));
    int videoPins = bed.videoMod.refcount();
    int audioPins = bed.audioMod.refcount();
    assertEquals(0, bed.audio.register(bed.core));
    // Scenario 29: same media device, refcount 2, the owner's module pinned once more.
    assertEquals(2, MediaDeviceAllocator.refcount(bed.mdev()));
    assertEquals(videoPins + 1, bed.videoMod.refcount());
    assertEquals(audioPins, bed.audioMod.refcount(), "the owner pins nothing of the sharer");
    // Scenario 31: the non-owner's delete puts exactly that pin.
    bed.audio.deregister(bed.core);
    assertEquals(videoPins, bed.videoMod.refcount());
    assertEquals(1, MediaDeviceAllocator.refcount(bed.mdev()));
    bed.down();
  }

  @Test
  void theMediaDeviceLivesExactlyAsLongAsOneOfTheDriversHoldsIt() {
    StickBed bed = new StickBed().up();
    MediaDevice first = bed.mdev();
    // Scenario 30 / media_dev_allocator.sh: unbind the media driver, the device stays.
    bed.video.deregister(bed.core);
    assertNull(Au0828Driver.of(bed.intf(0)));
    assertEquals(List.of("/dev/media0"), bed.mediaNodes());
    assertTrue(first.isRegistered());
    assertNull(first.sourceHooks(), "au0828's hooks leave with it");
    // Unbind audio: gone, and the instance left the list.
    bed.audio.deregister(bed.core);
    assertEquals(List.of(), bed.mediaNodes());
    assertEquals(0, MediaDeviceAllocator.instances(bed.kernel));
    // Bind media then audio: present; a fresh device with a fresh id space.
    assertEquals(0, bed.video.register(bed.core));
    MediaDevice second = bed.mdev();
    assertNotSame(first, second);
    assertEquals(List.of("/dev/media0"), bed.mediaNodes());
    assertEquals(0, bed.audio.register(bed.core));
    assertEquals(List.of("/dev/media0"), bed.mediaNodes());
    // Unbind media (present), bind media (present), unbind audio (present), bind audio (present).
    bed.video.deregister(bed.core);
    assertEquals(List.of("/dev/media0"), bed.mediaNodes());
    assertEquals(0, bed.video.register(bed.core));
    assertSame(second, bed.mdev(), "rebinding video finds the audio driver's device");
    assertSame(bed.dev().source(), second.sourceHooks());
    bed.audio.deregister(bed.core);
    assertEquals(List.of("/dev/media0"), bed.mediaNodes());
    assertEquals(0, bed.audio.register(bed.core));
    assertEquals(List.of("/dev/media0"), bed.mediaNodes());
    assertEquals(ENTITIES, names(second), "the graph is whole again, decoder to mixer too");
    assertTrue(link(entity(second, "au8522 decoder"), entity(second, "USB Mixer")).isEnabled());
    bed.down();
    assertEquals(List.of(), bed.mediaNodes());
  }
}
