package dev.medialife.mc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.driver.BusType;
import dev.medialife.driver.Device;
import dev.medialife.driver.Kernel;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.config.PatchSwitch;
import dev.medialife.kernel.debug.Report;
import dev.medialife.kernel.debug.ReportKind;
import dev.medialife.kernel.debug.SanitizerScope;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.ExpectReports;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** media_device_init, its fields and states, cleanup, and the enable/disable source hooks. */
@Sanitized
@Timeout(30)
class MediaDeviceInitTest {
  private final Kernel kernel = new Kernel();
  private final AtomicInteger released = new AtomicInteger();

  private MediaDevice mdev(Allocation mem) {
    MediaDevice m = new MediaDevice(kernel, mem);
    m.setModel("model");
    m.setRelease(
        x -> {
          released.incrementAndGet();
          Kmem.kfree(mem);
        });
    return m;
  }

  private static Allocation alloc(String name) {
    return Objects.requireNonNull(Kmem.kzalloc("priv", name));
  }

  @Test
  void busInfoComesFromTheParentWhenEmpty() {
    Allocation pmem = alloc("parent");
    Device parent = new Device(kernel, this, pmem, "38300000.vpu");
    parent.setBus(new BusType("platform", (d, drv) -> false));
    parent.setRelease(d -> Kmem.kfree(pmem));
    MediaDevice m = mdev(alloc("a"));
    m.setDev(parent);
    assertEquals(MediaDevice.State.ZEROED, m.state());
    m.init();
    assertEquals("platform:38300000.vpu", m.busInfo());
    assertEquals("", m.driverName());
    assertSame(parent, m.dev());
    assertEquals(MediaDevice.State.INITIALIZED, m.state());
    assertTrue(m.lifetimeRules());
    assertTrue(m.put());
    assertEquals(1, released.get());
    parent.put();

    Allocation pcimem = alloc("pci");
    Device pci = new Device(kernel, this, pcimem, "0000:01:00.0");
    pci.setBus(new BusType("pci", (d, drv) -> false));
    pci.setRelease(d -> Kmem.kfree(pcimem));
    MediaDevice p = mdev(alloc("b"));
    p.setDev(pci);
    p.init();
    assertEquals("PCI:0000:01:00.0", p.busInfo());
    p.put();
    pci.put();
  }

  @Test
  void explicitFieldsWin() {
    MediaDevice m = mdev(alloc("a"));
    m.setBusInfo("usb-0000:00:14.0-1");
    m.setDriverName("au0828");
    m.setSerial("0123");
    m.setHwRevision(0x0100);
    m.init();
    assertEquals("usb-0000:00:14.0-1", m.busInfo());
    assertEquals("au0828", m.driverName());
    assertEquals("0123", m.serial());
    assertEquals(0x0100, m.hwRevision());
    assertEquals("model", m.model());
    assertEquals("media device 'model' (INITIALIZED)", m.toString());
    m.put();
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void initTwiceWarnsAndCleanupWithAReleaseCallbackOnlyWarns(SanitizerScope scope) {
    MediaDevice m = mdev(alloc("a"));
    m.init();
    m.init();
    m.cleanup();
    assertEquals(MediaDevice.State.INITIALIZED, m.state());
    List<String> messages = new ArrayList<>();
    for (Report.Warning w : scope.reports(Report.Warning.class)) {
      messages.add(w.message());
    }
    assertEquals(2, messages.size(), messages.toString());
    assertTrue(messages.get(1).contains("release callback"), messages.get(1));
    assertTrue(m.put());
    assertEquals(1, released.get());
  }

  @Test
  void mainlineCleanupThenPutFreesAtOnce() {
    PatchSwitch.MEDIA_LIFETIME.set(false);
    MediaDevice m = mdev(alloc("a"));
    m.init();
    assertFalse(m.lifetimeRules());
    assertEquals(1, m.refcount());
    m.get();
    assertEquals(2, m.refcount());
    assertFalse(m.put());
    m.cleanup();
    assertEquals(MediaDevice.State.CLEANED, m.state());
    assertTrue(m.put());
    assertEquals(1, released.get());
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void registerBeforeInitAndPutBeforeInitAreRefused() {
    Allocation mem = alloc("a");
    MediaDevice m = new MediaDevice(kernel, mem);
    assertEquals(-Errno.EINVAL, m.register(null));
    assertFalse(m.put());
    assertEquals(0, m.refcount());
    assertNull(m.devnode());
    assertFalse(m.isRegistered());
    Kmem.kfree(mem);
  }

  @Test
  @ExpectReports(ReportKind.WARNING)
  void lifetimeRulesWantAReleaseCallback(SanitizerScope scope) {
    Allocation mem = alloc("a");
    MediaDevice m = new MediaDevice(kernel, mem);
    m.init();
    assertTrue(
        scope.reports(Report.Warning.class).get(0).message().contains("no release callback"));
    m.put();
    Kmem.kfree(mem);
  }

  @Test
  void sourceHooksAreStoredWithTheirPrivateData() {
    Allocation mem = alloc("a");
    MediaDevice m = mdev(mem);
    m.init();
    MediaEntity tuner = new MediaEntity(mem, "tuner", MediaUapi.MEDIA_ENT_F_TUNER);
    assertEquals(0, tuner.padsInit(MediaPad.source()));
    assertEquals(0, m.registerEntity(tuner));
    List<String> calls = new ArrayList<>();
    Object priv = new Object();
    SourceHooks hooks =
        new SourceHooks() {
          @Override
          public int enableSource(MediaEntity entity, @Nullable MediaPipeline pipe) {
            calls.add("enable " + entity.name() + (pipe == null ? "" : " pipe"));
            return calls.size() > 1 ? -Errno.EBUSY : 0;
          }

          @Override
          public void disableSource(MediaEntity entity) {
            calls.add("disable " + entity.name());
          }
        };
    assertNull(m.sourceHooks());
    m.setSourceHooks(hooks, priv);
    assertSame(priv, m.sourcePriv());
    SourceHooks h = Objects.requireNonNull(m.sourceHooks());
    assertEquals(0, h.enableSource(tuner, null));
    assertEquals(-Errno.EBUSY, h.enableSource(tuner, new MediaPipeline()));
    h.disableSource(tuner);
    assertEquals(List.of("enable tuner", "enable tuner pipe", "disable tuner"), calls);
    m.setSourceHooks(null, null);
    assertNull(m.sourceHooks());
    m.unregisterEntity(tuner);
    assertEquals(1, m.refcount());
    assertTrue(m.put());
  }
}
