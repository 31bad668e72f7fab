package dev.medialife.mc.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medialife.driver.DevT;
import dev.medialife.driver.Device;
import dev.medialife.driver.Kernel;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.testing.Sanitized;
import dev.medialife.mc.EntityObjType;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaGraph;
import dev.medialife.mc.MediaInterface;
import dev.medialife.mc.MediaLink;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;

@Sanitized
class TopologyTest {
  private Allocation mem;
  private Allocation devMem;
  private MediaDevice mdev;
  private Device video0;
  private MediaEntity tuner;
  private MediaEntity decoder;
  private MediaEntity video;
  private MediaInterface intf;

  @BeforeEach
  void setUp() {
    mem = nonNull(Kmem.kzalloc("priv", "topo"));
    Allocation m0 = mem;
    mdev = new MediaDevice(new Kernel(), mem);
    mdev.setModel("Topo board");
    mdev.setDriverName("topo");
    mdev.setSerial("SN42");
    mdev.setBusInfo("platform:topo");
    mdev.setHwRevision(0x12);
    mdev.setRelease(x -> Kmem.kfree(m0));
    mdev.init();

    tuner = new MediaEntity(mem, "tuner", MediaUapi.MEDIA_ENT_F_TUNER);
    tuner.setObjType(EntityObjType.V4L2_SUBDEV);
    assertEquals(0, tuner.padsInit(MediaPad.source()));
    decoder = new MediaEntity(mem, "decoder", MediaUapi.MEDIA_ENT_F_ATV_DECODER);
    decoder.setObjType(EntityObjType.V4L2_SUBDEV);
    assertEquals(0, decoder.padsInit(MediaPad.sink(), MediaPad.source()));
    video = new MediaEntity(mem, "video capture", MediaUapi.MEDIA_ENT_F_IO_V4L);
    video.setObjType(EntityObjType.VIDEO_DEVICE);
    video.setDevnode(81, 0);
    assertEquals(0, video.padsInit(MediaPad.sink()));
    assertEquals(0, mdev.registerEntity(tuner));
    assertEquals(0, mdev.registerEntity(decoder));
    assertEquals(0, mdev.registerEntity(video));
    assertEquals(
        0,
        MediaGraph.createPadLink(
            tuner,
            0,
            decoder,
            0,
            MediaUapi.MEDIA_LNK_FL_ENABLED | MediaUapi.MEDIA_LNK_FL_IMMUTABLE));
    assertEquals(0, MediaGraph.createPadLink(decoder, 1, video, 0, 0));
    intf = nonNull(mdev.devnodeCreate(MediaUapi.MEDIA_INTF_T_V4L_VIDEO, 0, 81, 0));
    nonNull(MediaGraph.createIntfLink(video, intf, MediaUapi.MEDIA_LNK_FL_ENABLED));
    assertEquals(0, mdev.register(null));

    devMem = nonNull(Kmem.kzalloc("video_device", "video0"));
    Allocation d0 = devMem;
    video0 = new Device(mdev.kernel(), this, devMem, "video0");
    video0.setDevt(DevT.mkdev(81, 0));
    video0.setRelease(d -> Kmem.kfree(d0));
    assertEquals(0, video0.add());
  }

  @AfterEach
  void tearDown() {
    video0.del();
    video0.put();
    mdev.devnodeRemove(intf);
    mdev.unregister();
    mdev.put();
  }

  private static <T> T nonNull(@Nullable T t) {
    assertNotNull(t);
    return Objects.requireNonNull(t);
  }

  private static final String TEXT =
      """
      Media controller API version 6.12.0

      Media device information
      ------------------------
      driver          topo
      model           Topo board
      serial          SN42
      bus info        platform:topo
      hw revision     0x12
      driver version  6.12.0

      Device topology
      - entity 1: tuner (1 pad, 1 link)
                  type V4L2 subdev subtype Tuner flags 0
      \tpad0: Source
      \t\t-> "decoder":0 [ENABLED,IMMUTABLE]

      - entity 3: decoder (2 pads, 2 links)
                  type V4L2 subdev subtype Decoder flags 0
      \tpad0: Sink
      \t\t<- "tuner":0 [ENABLED,IMMUTABLE]
      \tpad1: Source
      \t\t-> "video capture":0 []

      - entity 6: video capture (1 pad, 1 link)
                  type Node subtype V4L flags 0
                  device node name /dev/video0
      \tpad0: Sink
      \t\t<- "decoder":1 []

      """;

  private static final String DOT =
      """
      digraph board {
      \trankdir=TB
      \tn00000001 [label="{{} | tuner | {<port0> 0}}", shape=Mrecord, style=filled, \
      fillcolor=green]
      \tn00000001:port0 -> n00000003:port0 [style=bold]
      \tn00000003 [label="{{<port0> 0} | decoder | {<port1> 1}}", shape=Mrecord, style=filled, \
      fillcolor=green]
      \tn00000003:port1 -> n00000006 [style=dashed]
      \tn00000006 [label="video capture\\n/dev/video0", shape=box, style=filled, fillcolor=yellow]
      }
      """;

  private static final Pattern NODE = Pattern.compile("^\\t(n[0-9a-f]{8}) \\[label=", Pattern.MULTILINE);
  private static final Pattern EDGE =
      Pattern.compile(
          "^\\t(n[0-9a-f]{8})(?::port\\d+)? -> (n[0-9a-f]{8})(?::port\\d+)?", Pattern.MULTILINE);

  @Test
  void textMatchesMediaCtl() {
    assertEquals(TEXT, Topology.text(mdev));
    assertEquals(TEXT, Topology.render(mdev, Topology.Format.TEXT));
  }

  @Test
  void dotMatchesMediaCtl() {
    String dot = Topology.dot(mdev);
    assertEquals(DOT, dot);
    assertEquals(DOT, Topology.render(mdev, Topology.Format.DOT));
    assertWellFormedDot(dot);
  }

  @Test
  void jsonMirrorsGTopology() throws Exception {
    String json = Topology.json(mdev);
    assertEquals(json, Topology.render(mdev, Topology.Format.JSON));
    assertEquals(json, Topology.json(mdev), "deterministic");
    JsonNode root = new ObjectMapper().readTree(json);
    assertEquals("6.12.0", root.get("version").asText());
    JsonNode dev = root.get("device");
    assertEquals("topo", dev.get("driver").asText());
    assertEquals("Topo board", dev.get("model").asText());
    assertEquals("SN42", dev.get("serial").asText());
    assertEquals("platform:topo", dev.get("bus_info").asText());
    assertEquals(0x12, dev.get("hw_revision").asInt());
    assertEquals(mdev.topologyVersion(), dev.get("topology_version").asLong());
    JsonNode ents = root.get("entities");
    assertEquals(3, ents.size());
    assertEquals(tuner.id(), ents.get(0).get("id").asInt());
    assertEquals("decoder", ents.get(1).get("name").asText());
    assertEquals(MediaUapi.MEDIA_ENT_F_IO_V4L, ents.get(2).get("function").asInt());
    assertEquals(2, ents.get(1).get("pads").size());
    assertEquals(decoder.pad(1).id(), ents.get(1).get("pads").get(1).get("id").asInt());
    assertEquals(1, ents.get(1).get("pads").get(1).get("index").asInt());
    JsonNode intfs = root.get("interfaces");
    assertEquals(1, intfs.size());
    assertEquals(intf.id(), intfs.get(0).get("id").asInt());
    assertEquals(MediaUapi.MEDIA_INTF_T_V4L_VIDEO, intfs.get(0).get("intf_type").asInt());
    assertEquals(81, intfs.get(0).get("major").asInt());
    JsonNode links = root.get("links");
    assertEquals(3, links.size(), "two data links and one interface link, no backlinks");
    assertEquals(tuner.pad(0).id(), links.get(0).get("source_id").asInt());
    assertEquals(decoder.pad(0).id(), links.get(0).get("sink_id").asInt());
    assertEquals(
        MediaUapi.MEDIA_LNK_FL_ENABLED | MediaUapi.MEDIA_LNK_FL_IMMUTABLE,
        links.get(0).get("flags").asInt());
    assertEquals("data", links.get(1).get("type").asText());
    assertEquals(0, links.get(1).get("flags").asInt());
    assertEquals("interface", links.get(2).get("type").asText());
    assertEquals(intf.id(), links.get(2).get("source_id").asInt());
    assertEquals(video.id(), links.get(2).get("sink_id").asInt());
    Set<Integer> ids = new HashSet<>();
    for (MediaLink l : mdev.links()) {
      if (!l.isBacklink()) {
        ids.add(l.id());
      }
    }
    Set<Integer> jsonIds = new HashSet<>();
    links.forEach(n -> jsonIds.add(n.get("id").asInt()));
    assertEquals(ids, jsonIds);
    assertTrue(json.startsWith("{\n  \"version\" : "));
  }

  @Test
  void oddNamesAreEscapedAndLegacyTypesFallBack() {
    String odd = "odd \"q\" {a|b} <c> \\x";
    MediaEntity sub = new MediaEntity(mem, odd, MediaUapi.MEDIA_ENT_F_PROC_VIDEO_SCALER);
    sub.setObjType(EntityObjType.V4L2_SUBDEV);
    sub.setDevnode(82, 3);
    assertEquals(0, sub.padsInit(MediaPad.sink(), MediaPad.sink(), MediaPad.source()));
    MediaEntity node = new MediaEntity(mem, odd + "\nnode", MediaUapi.MEDIA_ENT_F_IO_VBI);
    node.setFlags(MediaUapi.MEDIA_ENT_FL_DEFAULT | MediaUapi.MEDIA_ENT_FL_CONNECTOR);
    assertEquals(0, node.padsInit(new MediaPad(MediaUapi.MEDIA_PAD_FL_SINK | MediaUapi.MEDIA_PAD_FL_MUST_CONNECT)));
    assertEquals(0, mdev.registerEntity(sub));
    assertEquals(0, mdev.registerEntity(node));
    assertEquals(0, MediaGraph.createPadLink(decoder, 1, sub, 0, MediaUapi.MEDIA_LNK_FL_ENABLED));
    assertEquals(
        0,
        MediaGraph.createPadLink(
            sub, 2, node, 0, MediaUapi.MEDIA_LNK_FL_ENABLED | MediaUapi.MEDIA_LNK_FL_DYNAMIC));
    try {
      String dot = Topology.dot(mdev);
      assertWellFormedDot(dot);
      String subId = DotRenderer.nodeName(sub);
      assertTrue(
          dot.contains(
              "\t"
                  + subId
                  + " [label=\"{{<port0> 0 | <port1> 1} | odd \\\"q\\\" \\{a\\|b\\} \\<c\\> \\\\x"
                  + "\\n/dev/char/82:3 | {<port2> 2}}\", shape=Mrecord"),
          dot);
      assertTrue(
          dot.contains(
              "[label=\"odd \\\"q\\\" {a|b} <c> \\\\x\\nnode\", shape=box, style=filled"), dot);
      assertTrue(dot.contains("n00000003:port1 -> " + subId + ":port0\n"), dot);
      assertTrue(dot.contains(subId + ":port2 -> " + DotRenderer.nodeName(node) + "\n"), dot);

      String text = Topology.text(mdev);
      assertTrue(text.contains("- entity 3: decoder (2 pads, 3 links)\n"), text);
      assertTrue(
          text.contains(
              "subtype Unknown flags 0\n             device node name /dev/char/82:3\n"),
          text);
      assertTrue(text.contains("type Node subtype Unknown flags 3\n\tpad0: Sink, Must Connect\n"), text);
      assertTrue(text.contains("\t\t-> \"" + odd + "\\nnode\":0 [ENABLED,DYNAMIC]\n".replace("\\n", "\n")), text);
      assertTrue(text.contains("\t\t<- \"" + odd + "\":2 [ENABLED,DYNAMIC]\n"), text);
      assertTrue(text.contains(" (1 pad, 1 link)\n"), text);

      String json = Topology.json(mdev);
      assertTrue(json.contains("\"name\" : \"odd \\\"q\\\" {a|b} <c> \\\\x\""), json);
    } finally {
      mdev.unregisterEntity(node);
      mdev.unregisterEntity(sub);
    }
  }

  @Test
  void entityWithNoPadsOrLinks() {
    MediaEntity lone = new MediaEntity(mem, "lone", MediaUapi.MEDIA_ENT_F_CONN_RF);
    assertEquals(0, mdev.registerEntity(lone));
    try {
      String text = Topology.text(mdev);
      assertTrue(text.contains("- entity 14: lone (0 pad, 0 link)\n             type Node subtype Unknown flags 0\n\n"), text);
      assertTrue(Topology.dot(mdev).contains("[label=\"lone\", shape=box"));
    } finally {
      mdev.unregisterEntity(lone);
    }
  }

  @Test
  void helpers() {
    assertEquals("Unknown", Topology.typeName(0));
    assertEquals("Unknown", Topology.subtypeName(0x00030001));
    assertEquals("Unknown", Topology.padType(new MediaPad(0)));
    assertEquals("Sink", Topology.padType(MediaPad.sink()));
    assertEquals("unknown", JsonRenderer.linkType(3 << 28));
    assertEquals("ancillary", JsonRenderer.linkType(MediaUapi.MEDIA_LNK_FL_ANCILLARY_LINK));
    assertEquals("1.2.3", Topology.version(0x010203));
    assertEquals("a\\nb\\\\", DotRenderer.escape("a\nb\\", true));
  }

  private static void assertWellFormedDot(String dot) {
    assertTrue(dot.startsWith("digraph board {\n\trankdir=TB\n"));
    assertTrue(dot.endsWith("}\n"));
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < dot.length(); i++) {
      char c = dot.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == '{' || c == '[')) {
        depth++;
      } else if (!quoted && (c == '}' || c == ']')) {
        depth--;
        assertTrue(depth >= 0, "unbalanced at " + i);
      }
    }
    assertEquals(0, depth);
    assertTrue(!quoted, "unterminated string");
    Set<String> nodes = new HashSet<>();
    Matcher n = NODE.matcher(dot);
    while (n.find()) {
      nodes.add(n.group(1));
    }
    Matcher e = EDGE.matcher(dot);
    int edges = 0;
    while (e.find()) {
      assertTrue(nodes.contains(e.group(1)), e.group(1));
      assertTrue(nodes.contains(e.group(2)), e.group(2));
      edges++;
    }
    assertTrue(edges > 0);
  }
}
