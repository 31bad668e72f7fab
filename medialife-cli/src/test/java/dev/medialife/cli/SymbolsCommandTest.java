package dev.medialife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code medialife symbols}: the cross-reference generated from {@code @KernelSymbol}. */
class SymbolsCommandTest {
  @Test
  void markdownNamesTheSymbolsAndTheirJavaMembers() {
    Cli r = Cli.run("symbols");
    assertEquals(0, r.status(), r.err());
    String md = r.out();
    assertTrue(md.startsWith("# Kernel symbols ported by medialife\n"));
    for (String module : new String[] {"kernel-lib", "driver-core", "media-core",
        "media-allocator", "v4l2-core", "v4l2-mem2mem", "drivers-imx-codec",
        "drivers-usb-audio"}) {
      assertTrue(md.contains("\n## " + module + " ("), module);
    }
    assertTrue(md.contains("| `v4l2_m2m_get` | `V4l2M2mDev.get()` |"), md);
    assertTrue(md.contains("| `media_device_usb_allocate` |"), md);
    assertTrue(md.contains("| `kref_put` | `Kref.put("), md);
    assertTrue(md.contains("| `au0828_enable_source` | `Au0828Source.enableSource("), md);
  }

  @Test
  void jsonGroupsByModule() throws Exception {
    Cli r = Cli.run("symbols", "--format", "json");
    assertEquals(0, r.status(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertTrue(j.get("total").asInt() > 300, "total " + j.get("total"));
    boolean found = false;
    for (JsonNode e : j.get("modules").get("media-allocator")) {
      if (e.get("symbol").asText().equals("media_device_usb_allocate")) {
        found = true;
        assertTrue(e.get("member").asText().startsWith("MediaDeviceAllocator.usbAllocate("),
            e.toString());
      }
    }
    assertTrue(found);
    int sum = 0;
    for (JsonNode m : j.get("modules")) {
      sum += m.size();
    }
    assertEquals(j.get("total").asInt(), sum);
  }

  @Test
  void modulesFollowThePackageTree() {
    assertEquals("drivers-imx-codec", Symbols.module("dev.medialife.hw.imx8m"));
    assertEquals("v4l2-core", Symbols.module("dev.medialife.v4l2.vb2"));
    assertEquals("v4l2-mem2mem", Symbols.module("dev.medialife.m2m"));
    assertEquals("driver-core", Symbols.module("dev.medialife.driver.usb"));
    assertEquals("other", Symbols.module("dev.medialifeextra"));
    List<Symbols.Entry> entries = Symbols.scan();
    assertTrue(entries.stream().anyMatch(e -> e.symbol().equals("imx8mq.dtsi")),
        "array-valued annotations on types");
    assertTrue(entries.stream().anyMatch(e -> e.symbol().equals("V4L2_BUF_FLAG_QUEUED")
        && e.member().equals("V4l2Buffer.FLAG_QUEUED")), "fields");
  }
}
