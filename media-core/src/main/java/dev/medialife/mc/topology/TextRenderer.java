package dev.medialife.mc.topology;

import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaLink;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.List;
import java.util.IdentityHashMap;

/** {@code media-ctl -p}: device information, then each entity with its pads and links. */
final class TextRenderer {
  private TextRenderer() {}

  static String render(MediaDevice mdev) {
    StringBuilder sb = new StringBuilder();
    String version = Topology.version(MediaUapi.MEDIA_VERSION);
    sb.append("Media controller API version ").append(version).append("\n\n");
    sb.append("Media device information\n");
    sb.append("------------------------\n");
    field(sb, "driver", mdev.driverName());
    field(sb, "model", mdev.model());
    field(sb, "serial", mdev.serial());
    field(sb, "bus info", mdev.busInfo());
    field(sb, "hw revision", "0x" + Integer.toHexString(mdev.hwRevision()));
    field(sb, "driver version", version);
    sb.append('\n');
    sb.append("Device topology\n");
    List<MediaEntity> entities = Topology.entitiesById(mdev);
    IdentityHashMap<MediaEntity, List<MediaLink>> links = Topology.linksByEntity(entities);
    for (MediaEntity e : entities) {
      entity(sb, mdev, e, links.getOrDefault(e, List.of()));
    }
    return sb.toString();
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(name).append(" ".repeat(16 - name.length())).append(value).append('\n');
  }

  private static void entity(
      StringBuilder sb, MediaDevice mdev, MediaEntity e, List<MediaLink> links) {
    String head = "- entity " + Integer.toUnsignedString(e.id()) + ": ";
    String pad = " ".repeat(head.length());
    int numPads = e.numPads();
    sb.append(head).append(e.name()).append(" (");
    sb.append(numPads).append(" pad").append(numPads > 1 ? "s" : "").append(", ");
    sb.append(links.size()).append(" link").append(links.size() > 1 ? "s" : "").append(")\n");
    int type = Topology.legacyType(e);
    sb.append(pad)
        .append("type ")
        .append(Topology.typeName(type))
        .append(" subtype ")
        .append(Topology.subtypeName(type))
        .append(" flags ")
        .append(Integer.toHexString(e.flags()))
        .append('\n');
    String devname = Topology.devname(mdev.kernel(), e);
    if (devname != null) {
      sb.append(pad).append("device node name ").append(devname).append('\n');
    }
    for (MediaPad p : e.pads()) {
      sb.append("\tpad").append(p.index()).append(": ").append(Topology.padType(p)).append('\n');
      for (MediaLink l : links) {
        MediaPad src = l.source();
        MediaPad sink = l.sink();
        if (src == p) {
          link(sb, "->", sink, l.flags());
        } else if (sink == p) {
          link(sb, "<-", src, l.flags());
        }
      }
    }
    sb.append('\n');
  }

  private static void link(StringBuilder sb, String arrow, MediaPad remote, int flags) {
    sb.append("\t\t").append(arrow).append(" \"").append(remote.entity().name()).append("\":");
    sb.append(remote.index()).append(" [");
    boolean first = true;
    first = flag(sb, flags, MediaUapi.MEDIA_LNK_FL_ENABLED, "ENABLED", first);
    first = flag(sb, flags, MediaUapi.MEDIA_LNK_FL_IMMUTABLE, "IMMUTABLE", first);
    flag(sb, flags, MediaUapi.MEDIA_LNK_FL_DYNAMIC, "DYNAMIC", first);
    sb.append("]\n");
  }

  private static boolean flag(StringBuilder sb, int flags, int bit, String name, boolean first) {
    if ((flags & bit) == 0) {
      return first;
    }
    if (!first) {
      sb.append(',');
    }
    sb.append(name);
    return false;
  }
}
