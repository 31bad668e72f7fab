package dev.medialife.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.testing.Sanitized;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Patch switches default to "after", are found by name and reset. */
@Sanitized
class PatchSwitchTest {

  @Test
  void everySwitchDefaultsToAfter() {
    for (PatchSwitch s : PatchSwitch.values()) {
      assertTrue(s.enabled(), s.key());
      assertEquals(s.key() + "=after", s.toString());
    }
  }

  @Test
  void foundByKeyOrConstantName() {
    assertEquals(Optional.of(PatchSwitch.MEDIA_LIFETIME), PatchSwitch.byName("media-lifetime-rules"));
    assertEquals(Optional.of(PatchSwitch.M2M_KREF), PatchSwitch.byName("M2M_KREF"));
    assertEquals(Optional.of(PatchSwitch.M2M_KREF), PatchSwitch.byName("m2m-kref"));
    assertEquals(
        Optional.of(PatchSwitch.ALLOCATOR_LOOKUP_FIX), PatchSwitch.byName("allocator_lookup_fix"));
    assertEquals(Optional.empty(), PatchSwitch.byName("no-such-patch"));
  }

  @Test
  void setAndResetAll() {
    PatchSwitch.HANTRO_SHARED_SCHEDULER.set(false);
    assertFalse(PatchSwitch.HANTRO_SHARED_SCHEDULER.enabled());
    assertEquals("hantro-shared-scheduler=before", PatchSwitch.HANTRO_SHARED_SCHEDULER.toString());
    PatchSwitch.resetAll();
    assertTrue(PatchSwitch.HANTRO_SHARED_SCHEDULER.enabled());
  }
}
