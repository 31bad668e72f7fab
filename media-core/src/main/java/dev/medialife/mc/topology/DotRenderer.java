package dev.medialife.mc.topology;

import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaLink;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.List;
import java.util.IdentityHashMap;
import org.jspecify.annotations.Nullable;

/**
 * {@code media-ctl --print-dot}: device nodes as yellow boxes, sub-devices as green records with
 * sink ports on top and source ports below, and one edge per data link.
 */
final class DotRenderer {
  private DotRenderer() {}

  static String render(MediaDevice mdev) {
    StringBuilder sb = new StringBuilder();
    sb.append("digraph board {\n");
    sb.append("\trankdir=TB\n");
    List<MediaEntity> entities = Topology.entitiesById(mdev);
    IdentityHashMap<MediaEntity, List<MediaLink>> links = Topology.linksByEntity(entities);
    for (MediaEntity e : entities) {
      String devname = Topology.devname(mdev.kernel(), e);
      if (Topology.isSubdev(e)) {
        subdev(sb, e, devname);
      } else {
        node(sb, e, devname);
      }
      for (MediaLink l : links.getOrDefault(e, List.of())) {
        if (l.source().entity() == e) {
          edge(sb, l);
        }
      }
    }
    sb.append("}\n");
    return sb.toString();
  }

  static String nodeName(MediaEntity e) {
    return String.format("n%08x", e.id());
  }

  private static void node(StringBuilder sb, MediaEntity e, @Nullable String devname) {
    sb.append('\t').append(nodeName(e)).append(" [label=\"").append(escape(e.name(), false));
    if (devname != null) {
      sb.append("\\n").append(escape(devname, false));
    }
    sb.append("\", shape=box, style=filled, fillcolor=yellow]\n");
  }

  private static void subdev(StringBuilder sb, MediaEntity e, @Nullable String devname) {
    sb.append('\t').append(nodeName(e)).append(" [label=\"{{");
    ports(sb, e, MediaUapi.MEDIA_PAD_FL_SINK);
    sb.append("} | ").append(escape(e.name(), true));
    if (devname != null) {
      sb.append("\\n").append(escape(devname, true));
    }
    sb.append(" | {");
    ports(sb, e, MediaUapi.MEDIA_PAD_FL_SOURCE);
    sb.append("}}\", shape=Mrecord, style=filled, fillcolor=green]\n");
  }

  private static void ports(StringBuilder sb, MediaEntity e, int direction) {
    boolean first = true;
    for (MediaPad p : e.pads()) {
      if ((p.flags() & direction) == 0) {
        continue;
      }
      if (!first) {
        sb.append(" | ");
      }
      sb.append("<port").append(p.index()).append("> ").append(p.index());
      first = false;
    }
  }

  private static void edge(StringBuilder sb, MediaLink l) {
    sb.append('\t');
    endpoint(sb, l.source());
    sb.append(" -> ");
    endpoint(sb, l.sink());
    int flags = l.flags();
    if ((flags & MediaUapi.MEDIA_LNK_FL_IMMUTABLE) != 0) {
      sb.append(" [style=bold]");
    } else if ((flags & MediaUapi.MEDIA_LNK_FL_ENABLED) == 0) {
      sb.append(" [style=dashed]");
    }
    sb.append('\n');
  }

  private static void endpoint(StringBuilder sb, MediaPad pad) {
    MediaEntity e = pad.entity();
    sb.append(nodeName(e));
    if (Topology.isSubdev(e)) {
      sb.append(":port").append(pad.index());
    }
  }

  /**
   * Escapes a name for a quoted DOT label: backslashes and quotes always, and in record labels
   * also the record syntax characters {@code { } | < >}. Newlines become {@code \n} escapes.
   */
  static String escape(String s, boolean record) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\', '"' -> sb.append('\\').append(c);
        case '\n' -> sb.append("\\n");
        case '{', '}', '|', '<', '>' -> {
          if (record) {
            sb.append('\\');
          }
          sb.append(c);
        }
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
