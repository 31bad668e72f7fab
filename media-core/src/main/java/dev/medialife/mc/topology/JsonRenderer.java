package dev.medialife.mc.topology;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaInterface;
import dev.medialife.mc.MediaLink;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.uapi.MediaUapi;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The topology as JSON, mirroring {@code MEDIA_IOC_G_TOPOLOGY}. */
final class JsonRenderer {
  private static final ObjectWriter WRITER;

  static {
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter();
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    printer.indentObjectsWith(indenter);
    printer.indentArraysWith(indenter);
    WRITER = new ObjectMapper().writer(printer);
  }

  private JsonRenderer() {}

  @JsonPropertyOrder({"version", "device", "entities", "interfaces", "links"})
  record Doc(
      String version,
      Device device,
      List<Entity> entities,
      List<Interface> interfaces,
      List<Link> links) {}

  @JsonPropertyOrder({
    "driver",
    "model",
    "serial",
    "bus_info",
    "hw_revision",
    "driver_version",
    "topology_version"
  })
  record Device(
      String driver,
      String model,
      String serial,
      @JsonProperty("bus_info") String busInfo,
      @JsonProperty("hw_revision") int hwRevision,
      @JsonProperty("driver_version") String driverVersion,
      @JsonProperty("topology_version") long topologyVersion) {}

  @JsonPropertyOrder({"id", "name", "function", "flags", "pads"})
  record Entity(int id, String name, int function, int flags, List<Pad> pads) {}

  @JsonPropertyOrder({"id", "index", "flags"})
  record Pad(int id, int index, int flags) {}

  @JsonPropertyOrder({"id", "intf_type", "flags", "major", "minor"})
  record Interface(
      int id, @JsonProperty("intf_type") int intfType, int flags, int major, int minor) {}

  @JsonPropertyOrder({"id", "source_id", "sink_id", "flags", "type"})
  record Link(
      int id,
      @JsonProperty("source_id") int sourceId,
      @JsonProperty("sink_id") int sinkId,
      int flags,
      String type) {}

  static String render(MediaDevice mdev) {
    String version = Topology.version(MediaUapi.MEDIA_VERSION);
    Device device =
        new Device(
            mdev.driverName(),
            mdev.model(),
            mdev.serial(),
            mdev.busInfo(),
            mdev.hwRevision(),
            version,
            mdev.topologyVersion());
    List<Entity> entities = new ArrayList<>();
    for (MediaEntity e : mdev.entities()) {
      List<Pad> pads = new ArrayList<>();
      for (MediaPad p : e.pads()) {
        pads.add(new Pad(p.id(), p.index(), p.flags()));
      }
      entities.add(new Entity(e.id(), e.name(), e.function(), e.flags(), pads));
    }
    List<Interface> interfaces = new ArrayList<>();
    for (MediaInterface i : mdev.interfaces()) {
      interfaces.add(new Interface(i.id(), i.intfType(), i.flags(), i.major(), i.minor()));
    }
    List<Link> links = new ArrayList<>();
    for (MediaLink l : mdev.links()) {
      if (l.isBacklink()) {
        continue;
      }
      links.add(
          new Link(l.id(), l.gobj0().id(), l.gobj1().id(), l.flags(), linkType(l.linkType())));
    }
    Doc doc = new Doc(version, device, entities, interfaces, links);
    try {
      return WRITER.writeValueAsString(doc) + "\n";
    } catch (JsonProcessingException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  static String linkType(int type) {
    if (type == MediaUapi.MEDIA_LNK_FL_DATA_LINK) {
      return "data";
    }
    if (type == MediaUapi.MEDIA_LNK_FL_INTERFACE_LINK) {
      return "interface";
    }
    if (type == MediaUapi.MEDIA_LNK_FL_ANCILLARY_LINK) {
      return "ancillary";
    }
    return "unknown";
  }
}
