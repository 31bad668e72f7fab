package dev.medialife.v4l2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.Device;
import dev.medialife.driver.Module;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.EntityObjType;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaGraph;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sub-device registration (§6.4): scenario 40 of §9 with and without the media lifetime rules,
 * the owner module's reference, and unregistration of every sub-device by the v4l2_device.
 */
@Sanitized
@Timeout(60)
class SubdevRegistrationTest {
  private final V4l2Bed bed = new V4l2Bed();
  private final Module sensorMod = new Module("sensor_mod");

  private V4l2Bed.Priv bind() {
    bed.withMdev = true;
    bed.registerDriver();
    return V4l2Bed.priv(bed.addDevice("vdrv0"));
  }

  private static MediaDevice mdev(V4l2Bed.Priv p) {
    MediaDevice m = p.mdev;
    assertNotNull(m);
    return m;
  }

  /** Scenario 40. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void scenario40(boolean lifetime) {
    PatchSwitch.MEDIA_LIFETIME.set(lifetime);
    V4l2Bed.Priv p = bind();
    MediaDevice m = mdev(p);
    SubdevBed sensor = SubdevBed.make("sensor", sensorMod, MediaPad.source());
    SubdevBed csi = SubdevBed.make("csi", sensorMod, MediaPad.sink());

    assertEquals(-Errno.EINVAL, p.v4l2.registerSubdev(null));
    SubdevBed unnamed = SubdevBed.make("", sensorMod);
    assertEquals(-Errno.EINVAL, p.v4l2.registerSubdev(unnamed.sd));
    assertEquals(0, sensorMod.refcount());
    assertNull(unnamed.sd.v4l2Dev());

    assertEquals(0, p.v4l2.registerSubdev(sensor.sd));
    assertEquals(0, p.v4l2.registerSubdev(csi.sd));
    MediaEntity e = sensor.sd.entity();
    assertEquals(EntityObjType.V4L2_SUBDEV, e.objType());
    assertTrue(e.isRegistered());
    assertTrue(m.entities().contains(e));
    assertSame(p.v4l2, sensor.sd.v4l2Dev());
    assertEquals(List.of(sensor.sd, csi.sd), p.v4l2.subdevs());
    assertEquals(2, sensorMod.refcount());
    assertEquals(1, sensor.registered.get());
    assertEquals(2, sensor.sd.refcount(), "the driver's and the registration's");

    // Registering twice: EINVAL, nothing taken.
    assertEquals(-Errno.EINVAL, p.v4l2.registerSubdev(sensor.sd));
    assertEquals(2, sensorMod.refcount());
    assertEquals(1, sensor.registered.get());
    assertEquals(2, p.v4l2.subdevs().size());

    // A failing registered() rolls back the entity and the module reference.
    SubdevBed bad = SubdevBed.make("bad", sensorMod);
    bad.registeredResult = -Errno.EIO;
    int before = m.entities().size();
    assertEquals(-Errno.EIO, p.v4l2.registerSubdev(bad.sd));
    assertFalse(bad.sd.entity().isRegistered());
    assertNull(bad.sd.v4l2Dev());
    assertEquals(2, sensorMod.refcount());
    assertEquals(2, p.v4l2.subdevs().size());
    assertEquals(1, bad.sd.refcount(), "only the driver's reference is left");
    if (!lifetime) {
      assertEquals(before, m.entities().size());
    }
    bad.sd.put();
    assertEquals(1, bad.releases.get());
    assertEquals(before, m.entities().size());

    // Unregister removes the entity with all its links.
    int links = m.links().size();
    assertEquals(0, MediaGraph.createPadLink(e, 0, csi.sd.entity(), 0, 0));
    assertTrue(m.links().size() > links);
    assertFalse(csi.sd.entity().links().isEmpty());
    V4l2Device.unregisterSubdev(sensor.sd);
    assertEquals(1, sensor.unregistered.get());
    assertNull(sensor.sd.v4l2Dev());
    assertFalse(e.isRegistered());
    assertEquals(List.of(csi.sd), p.v4l2.subdevs());
    assertEquals(1, sensorMod.refcount());
    if (!lifetime) {
      assertFalse(m.entities().contains(e));
      assertEquals(links, m.links().size());
      assertTrue(csi.sd.entity().links().isEmpty());
    }
    // A no-op the second time.
    V4l2Device.unregisterSubdev(sensor.sd);
    assertEquals(1, sensor.unregistered.get());
    assertEquals(1, sensorMod.refcount());
    assertEquals(0, sensor.releases.get());
    sensor.sd.put();
    assertEquals(1, sensor.releases.get());
    assertEquals(links, m.links().size(), "gone with the entity's last reference");
    assertTrue(csi.sd.entity().links().isEmpty());
    assertEquals(List.of(csi.sd.entity()), m.entities().stream()
        .filter(x -> x.objType() == EntityObjType.V4L2_SUBDEV).toList());

    unnamed.sd.put();
    Device d = p.vdev.device().parent();
    assertNotNull(d);
    d.unregister();
    assertEquals(1, csi.unregistered.get(), "the v4l2_device's unregister unregisters it");
    assertEquals(0, sensorMod.refcount());
    csi.sd.put();
    assertEquals(1, csi.releases.get());
    assertEquals(1, unnamed.releases.get());
    assertEquals(1, bed.mdevReleases.get());
  }

  @Test
  void moduleReferences() {
    V4l2Bed.Priv p = bind();
    int bridgeRefs = bed.module.refcount();
    SubdevBed own = SubdevBed.make("own", bed.module);
    assertEquals(0, p.v4l2.registerSubdev(own.sd));
    assertEquals(bridgeRefs, bed.module.refcount(), "the bridge's own module: no reference");
    SubdevBed builtin = SubdevBed.make("builtin", null);
    assertEquals(0, p.v4l2.registerSubdev(builtin.sd));
    SubdevBed ext = SubdevBed.make("ext", sensorMod);
    assertEquals(0, p.v4l2.registerSubdev(ext.sd));
    assertEquals(1, sensorMod.refcount());
    assertEquals(-Errno.EBUSY, sensorMod.unload(), "the registration pins the module");

    Module gone = new Module("gone_mod");
    assertEquals(0, gone.unload());
    SubdevBed orphan = SubdevBed.make("orphan", gone);
    assertEquals(-Errno.ENODEV, p.v4l2.registerSubdev(orphan.sd));
    assertNull(orphan.sd.v4l2Dev());
    assertFalse(orphan.sd.entity().isRegistered());
    orphan.sd.put();
    assertEquals(1, orphan.releases.get());

    // A v4l2_device without a parent cannot tell the bridge's module: the reference is taken.
    Allocation a = Kmem.kzalloc("bare", "bare");
    assertNotNull(a);
    V4l2Device bare = new V4l2Device(a);
    bare.setName("bare");
    assertEquals(0, bare.register(null));
    SubdevBed ownBare = SubdevBed.make("own-bare", bed.module);
    assertEquals(0, bare.registerSubdev(ownBare.sd));
    assertEquals(bridgeRefs + 1, bed.module.refcount());
    assertFalse(ownBare.sd.entity().isRegistered(), "no media device");
    assertEquals(-Errno.EINVAL, bare.registerSubdevNodes(), "no kernel to make nodes in");
    bare.unregister();
    assertEquals(bridgeRefs, bed.module.refcount());
    assertEquals(1, ownBare.unregistered.get());
    ownBare.sd.put();
    assertEquals(1, ownBare.releases.get());
    Kmem.kfree(a);

    V4l2Device.unregisterSubdev(ext.sd);
    assertEquals(0, sensorMod.refcount());
    assertEquals(0, sensorMod.unload());
    p.v4l2.unregister();
    assertTrue(p.v4l2.subdevs().isEmpty());
    assertEquals(bridgeRefs, bed.module.refcount());
    for (SubdevBed s : List.of(own, builtin, ext)) {
      assertEquals(1, s.unregistered.get());
      s.sd.put();
      assertEquals(1, s.releases.get());
    }
    Device d = p.vdev.device().parent();
    assertNotNull(d);
    d.unregister();
    assertEquals(MediaUapi.MEDIA_ENT_F_CAM_SENSOR, own.sd.entity().function());
  }
}
