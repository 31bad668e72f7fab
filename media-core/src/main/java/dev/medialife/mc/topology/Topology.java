package dev.medialife.mc.topology;

import dev.medialife.driver.DevT;
import dev.medialife.driver.Kernel;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaLink;
import dev.medialife.mc.MediaPad;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Renders a media device's topology as {@code media-ctl -p} text, {@code media-ctl --print-dot}
 * Graphviz, or a JSON document mirroring {@code MEDIA_IOC_G_TOPOLOGY}. Each call reads the graph
 * under the graph mutex.
 */
@JavaOnly("topology output in the style of v4l-utils media-ctl")
public final class Topology {
  /** {@code MEDIA_ENT_TYPE_MASK}: the legacy type bits of an entity type. */
  static final int ENT_TYPE_MASK = 0x00ff0000;

  /** {@code MEDIA_ENT_SUBTYPE_MASK}: the legacy subtype bits of an entity type. */
  static final int ENT_SUBTYPE_MASK = 0x0000ffff;

  /** {@code MEDIA_ENT_T_DEVNODE}. */
  static final int ENT_T_DEVNODE = MediaUapi.MEDIA_ENT_F_OLD_BASE;

  /** {@code MEDIA_ENT_T_V4L2_SUBDEV}. */
  static final int ENT_T_V4L2_SUBDEV = MediaUapi.MEDIA_ENT_F_OLD_SUBDEV_BASE;

  private static final String[] NODE_SUBTYPES = {"Unknown", "V4L", "FB", "ALSA", "DVB"};
  private static final String[] SUBDEV_SUBTYPES = {
    "Unknown", "Sensor", "Flash", "Lens", "Decoder", "Tuner"
  };

  /** The output formats. */
  @JavaOnly("topology output format")
  public enum Format {
    /** {@code media-ctl -p}. */
    TEXT,
    /** {@code media-ctl --print-dot}. */
    DOT,
    /** A JSON document mirroring {@code MEDIA_IOC_G_TOPOLOGY}. */
    JSON
  }

  private Topology() {}

  /**
   * Renders the topology in a format.
   *
   * @param mdev the media device
   * @param format the format
   * @return the output
   */
  public static String render(MediaDevice mdev, Format format) {
    return switch (format) {
      case TEXT -> text(mdev);
      case DOT -> dot(mdev);
      case JSON -> json(mdev);
    };
  }

  /**
   * The device information and topology as {@code media-ctl -p} prints them (without sub-device
   * formats).
   *
   * @param mdev the media device
   * @return the text
   */
  public static String text(MediaDevice mdev) {
    return locked(mdev, TextRenderer::render);
  }

  /**
   * The topology as a Graphviz graph, as {@code media-ctl --print-dot} prints it, with names
   * escaped for DOT labels.
   *
   * @param mdev the media device
   * @return the DOT source
   */
  public static String dot(MediaDevice mdev) {
    return locked(mdev, DotRenderer::render);
  }

  /**
   * The topology as a pretty-printed JSON document: the media API version, the device
   * information, the entities with their pads, the interfaces and the links (data and interface
   * links, backlinks excluded), in the order {@code MEDIA_IOC_G_TOPOLOGY} reports them.
   *
   * @param mdev the media device
   * @return the JSON text
   */
  public static String json(MediaDevice mdev) {
    return locked(mdev, JsonRenderer::render);
  }

  private static String locked(MediaDevice mdev, Function<MediaDevice, String> renderer) {
    mdev.graphMutex().lock();
    try {
      return renderer.apply(mdev);
    } finally {
      mdev.graphMutex().unlock();
    }
  }

  // --- helpers shared by the renderers ---

  /** The version as media-ctl prints it: {@code major.minor.patch}. */
  static String version(int v) {
    return ((v >> 16) & 0xff) + "." + ((v >> 8) & 0xff) + "." + (v & 0xff);
  }

  /** The entities by id, as {@code MEDIA_IOC_ENUM_ENTITIES} with the NEXT flag returns them. */
  static List<MediaEntity> entitiesById(MediaDevice mdev) {
    List<MediaEntity> list = new ArrayList<>(mdev.entities());
    list.sort(Comparator.comparingInt(MediaEntity::id));
    return list;
  }

  /**
   * Each entity's data links as libmediactl builds them: for every entity by id, each outbound
   * data link is appended to its source entity and to its sink entity.
   */
  static IdentityHashMap<MediaEntity, List<MediaLink>> linksByEntity(List<MediaEntity> entities) {
    IdentityHashMap<MediaEntity, List<MediaLink>> map = new IdentityHashMap<>();
    for (MediaEntity e : entities) {
      map.put(e, new ArrayList<>());
    }
    for (MediaEntity e : entities) {
      for (MediaLink l : e.links()) {
        if (l.isBacklink()
            || l.linkType() != MediaUapi.MEDIA_LNK_FL_DATA_LINK
            || l.source().entity() != e) {
          continue;
        }
        add(map, e, l);
        add(map, l.sink().entity(), l);
      }
    }
    return map;
  }

  private static void add(
      IdentityHashMap<MediaEntity, List<MediaLink>> map, MediaEntity e, MediaLink l) {
    List<MediaLink> list = map.get(e);
    if (list != null) {
      list.add(l);
    }
  }

  /** The legacy entity type, as the kernel computes it for {@code MEDIA_IOC_ENUM_ENTITIES}. */
  static int legacyType(MediaEntity e) {
    return e.legacyType();
  }

  /** Whether the legacy type is a V4L2 sub-device. */
  static boolean isSubdev(MediaEntity e) {
    return (legacyType(e) & ENT_TYPE_MASK) == ENT_T_V4L2_SUBDEV;
  }

  /** The legacy type name. */
  static String typeName(int type) {
    int t = type & ENT_TYPE_MASK;
    if (t == ENT_T_DEVNODE) {
      return "Node";
    }
    if (t == ENT_T_V4L2_SUBDEV) {
      return "V4L2 subdev";
    }
    return "Unknown";
  }

  /** The legacy subtype name. */
  static String subtypeName(int type) {
    int t = type & ENT_TYPE_MASK;
    int sub = type & ENT_SUBTYPE_MASK;
    String[] names;
    if (t == ENT_T_DEVNODE) {
      names = NODE_SUBTYPES;
    } else if (t == ENT_T_V4L2_SUBDEV) {
      names = SUBDEV_SUBTYPES;
    } else {
      return NODE_SUBTYPES[0];
    }
    return sub < names.length ? names[sub] : names[0];
  }

  /** The pad direction as media-ctl prints it. */
  static String padType(MediaPad pad) {
    String s;
    if (pad.isSink()) {
      s = "Sink";
    } else if (pad.isSource()) {
      s = "Source";
    } else {
      s = "Unknown";
    }
    if ((pad.flags() & MediaUapi.MEDIA_PAD_FL_MUST_CONNECT) != 0) {
      s += ", Must Connect";
    }
    return s;
  }

  /**
   * The entity's device node path: the {@code /dev} entry of its device number if devtmpfs has
   * one, else {@code /dev/char/MAJ:MIN}; null when the entity has no device node.
   */
  static @Nullable String devname(Kernel kernel, MediaEntity e) {
    if (e.major() == 0) {
      return null;
    }
    int devt = DevT.mkdev(e.major(), e.minor());
    for (String path : kernel.devfsList()) {
      if (kernel.devfsLookup(path) == devt) {
        return path;
      }
    }
    return "/dev/char/" + e.major() + ":" + e.minor();
  }
}
