package dev.medialife.mc;

import dev.medialife.driver.Ioc;
import dev.medialife.driver.IoctlArg;
import dev.medialife.kernel.Errno;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaEntityDesc;
import dev.medialife.mc.uapi.MediaLinkDesc;
import dev.medialife.mc.uapi.MediaLinksEnum;
import dev.medialife.mc.uapi.MediaPadDesc;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.mc.uapi.MediaV2Entity;
import dev.medialife.mc.uapi.MediaV2Interface;
import dev.medialife.mc.uapi.MediaV2Link;
import dev.medialife.mc.uapi.MediaV2Pad;
import dev.medialife.mc.uapi.MediaV2Topology;
import dev.medialife.driver.DevT;
import org.jspecify.annotations.Nullable;

/**
 * {@code media_device_ioctl} and its handlers. The command is looked up by its number; an
 * unknown number or a command whose direction or size does not match gives {@code -ENOIOCTLCMD}
 * (userspace sees ENOTTY). A missing or mistyped argument is an unreadable user pointer:
 * {@code -EFAULT}. Every handler runs with the graph mutex held; the syscall layer copies the
 * argument back only when the handler returns 0.
 */
final class MediaIoctls {
  /** {@code MEDIA_IOC_REQUEST_ALLOC}: in the table, but needs request ops the model lacks. */
  private static final int REQUEST_ALLOC_NR = 0x05;

  private static final int[] COMMANDS = {
    MediaUapi.MEDIA_IOC_DEVICE_INFO,
    MediaUapi.MEDIA_IOC_ENUM_ENTITIES,
    MediaUapi.MEDIA_IOC_ENUM_LINKS,
    MediaUapi.MEDIA_IOC_SETUP_LINK,
    MediaUapi.MEDIA_IOC_G_TOPOLOGY,
  };

  private MediaIoctls() {}

  static int dispatch(MediaDevice mdev, int cmd, @Nullable IoctlArg<?> arg) {
    int nr = Ioc.nr(cmd);
    if (Ioc.type(cmd) == '|' && nr == REQUEST_ALLOC_NR) {
      return -Errno.ENOTTY;
    }
    if (nr >= COMMANDS.length || COMMANDS[nr] != cmd) {
      return -Errno.ENOIOCTLCMD;
    }
    mdev.graphMutex().lock();
    try {
      return switch (nr) {
        case 0 -> arg instanceof MediaDeviceInfo i ? deviceInfo(mdev, i) : -Errno.EFAULT;
        case 1 -> arg instanceof MediaEntityDesc d ? enumEntities(mdev, d) : -Errno.EFAULT;
        case 2 -> arg instanceof MediaLinksEnum l ? enumLinks(mdev, l) : -Errno.EFAULT;
        case 3 -> arg instanceof MediaLinkDesc l ? setupLink(mdev, l) : -Errno.EFAULT;
        default -> arg instanceof MediaV2Topology t ? topology(mdev, t) : -Errno.EFAULT;
      };
    } finally {
      mdev.graphMutex().unlock();
    }
  }

  /** {@code media_device_get_info}: always succeeds. */
  static int deviceInfo(MediaDevice mdev, MediaDeviceInfo info) {
    info.driver = MediaUapi.strscpy(mdev.driverName(), 16);
    info.model = MediaUapi.strscpy(mdev.model(), 32);
    info.serial = MediaUapi.strscpy(mdev.serial(), 40);
    info.busInfo = MediaUapi.strscpy(mdev.busInfo(), 32);
    info.mediaVersion = MediaUapi.MEDIA_VERSION;
    info.driverVersion = MediaUapi.MEDIA_VERSION;
    info.hwRevision = mdev.hwRevision();
    return 0;
  }

  /**
   * {@code find_entity}, shared by ENUM_ENTITIES, ENUM_LINKS and SETUP_LINK: the exact id, or with
   * the NEXT flag the first entity in list order whose id is greater.
   */
  private static @Nullable MediaEntity findEntity(MediaDevice mdev, int id) {
    boolean next = (id & MediaUapi.MEDIA_ENT_ID_FLAG_NEXT) != 0;
    int want = id & ~MediaUapi.MEDIA_ENT_ID_FLAG_NEXT;
    for (MediaEntity e : mdev.entities) {
      if ((e.id() == want && !next) || (e.id() > want && next)) {
        return e;
      }
    }
    return null;
  }

  /** {@code media_device_enum_entities}. */
  static int enumEntities(MediaDevice mdev, MediaEntityDesc d) {
    MediaEntity e = findEntity(mdev, d.id);
    if (e == null) {
      return -Errno.EINVAL;
    }
    d.id = e.id();
    d.name = MediaUapi.strscpy(e.name(), 32);
    d.type = e.legacyType();
    d.revision = 0;
    d.flags = e.flags();
    d.groupId = 0;
    d.pads = e.numPads();
    d.links = e.numLinks - e.numBacklinks;
    d.major = e.major();
    d.minor = e.minor();
    return 0;
  }

  /** {@code media_device_enum_links}: the pads, then the outbound data links. */
  static int enumLinks(MediaDevice mdev, MediaLinksEnum l) {
    MediaEntity e = findEntity(mdev, l.entity);
    if (e == null) {
      return -Errno.EINVAL;
    }
    MediaPadDesc[] upads = l.pads;
    if (upads != null) {
      for (int i = 0; i < e.numPads(); i++) {
        if (i >= upads.length) {
          return -Errno.EFAULT;
        }
        upads[i] = padDesc(e.pad(i));
      }
    }
    MediaLinkDesc[] ulinks = l.links;
    if (ulinks != null) {
      int n = 0;
      for (MediaLink link : e.links) {
        if (link.source().entity() != e) {
          continue;
        }
        if (n >= ulinks.length) {
          return -Errno.EFAULT;
        }
        ulinks[n++] = new MediaLinkDesc(padDesc(link.source()), padDesc(link.sink()), link.flags());
      }
    }
    return 0;
  }

  private static MediaPadDesc padDesc(MediaPad p) {
    return new MediaPadDesc(p.entity().id(), p.index(), p.flags());
  }

  /** {@code media_device_setup_link}. */
  static int setupLink(MediaDevice mdev, MediaLinkDesc d) {
    MediaEntity source = findEntity(mdev, d.source.entity);
    MediaEntity sink = findEntity(mdev, d.sink.entity);
    if (source == null || sink == null) {
      return -Errno.EINVAL;
    }
    if (d.source.index < 0
        || d.source.index >= source.numPads()
        || d.sink.index < 0
        || d.sink.index >= sink.numPads()) {
      return -Errno.EINVAL;
    }
    MediaLink link = MediaGraph.findLink(source.pad(d.source.index), sink.pad(d.sink.index));
    if (link == null) {
      return -Errno.EINVAL;
    }
    return MediaGraph.setupLinkLocked(link, d.flags);
  }

  /**
   * {@code media_device_get_topology}: counts every object of each class; copies while there is
   * room, then -ENOSPC (and no more copying) while still counting.
   */
  static int topology(MediaDevice mdev, MediaV2Topology t) {
    int ret = 0;
    t.topologyVersion = mdev.topologyVersion();

    int i = 0;
    MediaV2Entity[] ue = t.ptrEntities;
    for (MediaEntity e : mdev.entities) {
      i++;
      if (ret != 0 || ue == null) {
        continue;
      }
      if (i > t.numEntities) {
        ret = -Errno.ENOSPC;
        continue;
      }
      if (i > ue.length) {
        return -Errno.EFAULT;
      }
      ue[i - 1] = new MediaV2Entity(e.id(), MediaUapi.strscpy(e.name(), 64), e.function(), e.flags());
    }
    t.numEntities = i;

    i = 0;
    MediaV2Interface[] ui = t.ptrInterfaces;
    for (MediaInterface intf : mdev.interfaces) {
      i++;
      if (ret != 0 || ui == null) {
        continue;
      }
      if (i > t.numInterfaces) {
        ret = -Errno.ENOSPC;
        continue;
      }
      if (i > ui.length) {
        return -Errno.EFAULT;
      }
      ui[i - 1] =
          new MediaV2Interface(intf.id(), intf.intfType(), intf.flags(), intf.major(), intf.minor());
    }
    t.numInterfaces = i;

    i = 0;
    MediaV2Pad[] up = t.ptrPads;
    for (MediaPad p : mdev.pads) {
      i++;
      if (ret != 0 || up == null) {
        continue;
      }
      if (i > t.numPads) {
        ret = -Errno.ENOSPC;
        continue;
      }
      if (i > up.length) {
        return -Errno.EFAULT;
      }
      up[i - 1] = new MediaV2Pad(p.id(), p.entity().id(), p.flags(), p.index());
    }
    t.numPads = i;

    i = 0;
    MediaV2Link[] ul = t.ptrLinks;
    for (MediaLink link : mdev.links) {
      if (link.isBacklink()) {
        continue;
      }
      i++;
      if (ret != 0 || ul == null) {
        continue;
      }
      if (i > t.numLinks) {
        ret = -Errno.ENOSPC;
        continue;
      }
      if (i > ul.length) {
        return -Errno.EFAULT;
      }
      ul[i - 1] = new MediaV2Link(link.id(), link.gobj0().id(), link.gobj1().id(), link.flags());
    }
    t.numLinks = i;
    return ret;
  }

  /** The dev_t an entity reports, for the topology output. */
  static int devt(MediaEntity e) {
    return DevT.mkdev(e.major(), e.minor());
  }
}
