package dev.medialife.it.badinput;

import static dev.medialife.it.badinput.Bed.ok;

import dev.medialife.driver.File;
import dev.medialife.driver.Ioc;
import dev.medialife.driver.IoctlArg;
import dev.medialife.drivers.hantro.HantroCodec;
import dev.medialife.drivers.usbaudio.SndPcm;
import dev.medialife.drivers.usbaudio.SndPcmHwParams;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.it.fuzz.SubdevRig;
import dev.medialife.kernel.Errno;
import dev.medialife.mc.MediaDevice;
import dev.medialife.mc.MediaEntity;
import dev.medialife.mc.MediaLink;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaEntityDesc;
import dev.medialife.mc.uapi.MediaLinkDesc;
import dev.medialife.mc.uapi.MediaLinksEnum;
import dev.medialife.mc.uapi.MediaPadDesc;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.mc.uapi.MediaV2Entity;
import dev.medialife.mc.uapi.MediaV2Link;
import dev.medialife.mc.uapi.MediaV2Topology;
import dev.medialife.v4l2.VideoDevice;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2Fmtdesc;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.V4l2Input;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.V4l2SubdevFormat;
import dev.medialife.v4l2.uapi.V4l2SubdevMbusCodeEnum;
import dev.medialife.v4l2.uapi.V4l2SubdevUapi;
import dev.medialife.v4l2.uapi.V4l2Tuner;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The bad-input table: every row is one malformed call on one node, with the errno the kernel
 * gives it and where. The order is the document's order: node by node, then the calls in the
 * order of their ioctl numbers, then the generic failures (unknown command, mistyped argument,
 * closed descriptor, device gone).
 *
 * <p>Each errno was checked against the kernel source named in the last column (mainline;
 * drivers/media/mc/mc-device.c and mc-devnode.c, v4l2-core/v4l2-ioctl.c and v4l2-dev.c,
 * common/videobuf2/videobuf2-v4l2.c and -core.c, v4l2-mem2mem.c, platform/verisilicon/hantro_v4l2.c,
 * usb/au0828/au0828-video.c, sound/core/pcm_native.c and init.c, fs/ioctl.c,
 * v4l2-core/v4l2-subdev.c).
 */
final class BadInputRows {
  private static final int CAP = Vb2Queue.TYPE_VIDEO_CAPTURE;
  private static final int OUT = Vb2Queue.TYPE_VIDEO_OUTPUT;
  private static final int MMAP = Vb2Queue.MEMORY_MMAP;
  private static final int NEXT = MediaUapi.MEDIA_ENT_ID_FLAG_NEXT;
  private static final int EN = MediaUapi.MEDIA_LNK_FL_ENABLED;

  private BadInputRows() {}

  /** Collects rows of one node. */
  private static final class Rows {
    private final List<Row> out;
    private final Node node;

    Rows(List<Row> out, Node node) {
      this.out = out;
      this.node = node;
    }

    Rows row(String ioctl, int cmd, String field, String value, int errno, String kernel,
        Row.Call call) {
      out.add(new Row(node, ioctl, cmd, field, value, errno, kernel, call));
      return this;
    }
  }

  /**
   * Every row.
   *
   * @return the rows, in the document's order
   */
  static List<Row> all() {
    List<Row> rows = new ArrayList<>();
    media(new Rows(rows, Node.MEDIA));
    mediaM2m(new Rows(rows, Node.MEDIA_M2M));
    capture(new Rows(rows, Node.CAPTURE));
    m2m(new Rows(rows, Node.M2M));
    pcm(new Rows(rows, Node.PCM));
    subdev(new Rows(rows, Node.SUBDEV));
    return List.copyOf(rows);
  }

  // ------------------------------------------------------------------ media devnode

  /** The first forward data link of the graph that {@code p} accepts. */
  private static MediaLink dataLink(MediaDevice mdev, Predicate<MediaLink> p, String what) {
    for (MediaLink l : mdev.links()) {
      if (l.linkType() == MediaUapi.MEDIA_LNK_FL_DATA_LINK && !l.isBacklink() && p.test(l)) {
        return l;
      }
    }
    throw new AssertionError("the graph has " + what);
  }

  /** A SETUP_LINK argument naming {@code l}'s pads, with {@code flags}. */
  private static MediaLinkDesc desc(MediaLink l, int flags) {
    return new MediaLinkDesc(
        new MediaPadDesc(l.source().entity().id(), l.source().index(), 0),
        new MediaPadDesc(l.sink().entity().id(), l.sink().index(), 0),
        flags);
  }

  /** The entity whose outbound data links {@link #dataLink} found first: it has pads and links. */
  private static MediaEntity linkedEntity(MediaDevice mdev) {
    return dataLink(mdev, l -> true, "a data link").source().entity();
  }

  private static int lastEntityId(MediaDevice mdev) {
    int max = 0;
    for (MediaEntity e : mdev.entities()) {
      max = Math.max(max, e.id());
    }
    return max;
  }

  private static int countForwardDataLinks(MediaDevice mdev) {
    int n = 0;
    for (MediaLink l : mdev.links()) {
      if (!l.isBacklink()) {
        n++;
      }
    }
    return n;
  }

  private static void media(Rows r) {
    int info = MediaUapi.MEDIA_IOC_DEVICE_INFO;
    int enumEnt = MediaUapi.MEDIA_IOC_ENUM_ENTITIES;
    int enumLinks = MediaUapi.MEDIA_IOC_ENUM_LINKS;
    int setup = MediaUapi.MEDIA_IOC_SETUP_LINK;
    int topo = MediaUapi.MEDIA_IOC_G_TOPOLOGY;
    int reqAlloc = Ioc.ior('|', 0x05, 4);
    r.row("DEVICE_INFO", info, "argument", "NULL", Errno.EFAULT,
            "media_device_ioctl: copy_arg_from_user → EFAULT",
            b -> b.ioctl(info, null))
        .row("ENUM_ENTITIES", enumEnt, "id", "0", Errno.EINVAL,
            "media_device_enum_entities: find_entity → EINVAL",
            b -> b.ioctl(enumEnt, new MediaEntityDesc(0)))
        .row("ENUM_ENTITIES", enumEnt, "id", "a pad's id", Errno.EINVAL,
            "media_device_enum_entities: find_entity → EINVAL",
            b -> b.ioctl(enumEnt, new MediaEntityDesc(b.mdev().pads().get(0).id())))
        .row("ENUM_ENTITIES", enumEnt, "id", "NEXT flag with the last entity's id", Errno.EINVAL,
            "media_device_enum_entities: find_entity → EINVAL",
            b -> b.ioctl(enumEnt, new MediaEntityDesc(lastEntityId(b.mdev()) | NEXT)))
        .row("ENUM_LINKS", enumLinks, "entity", "no such entity", Errno.EINVAL,
            "media_device_enum_links: find_entity → EINVAL",
            b -> b.ioctl(enumLinks, new MediaLinksEnum(lastEntityId(b.mdev()) + 1000, null, null)))
        .row("ENUM_LINKS", enumLinks, "pads", "array shorter than the entity's pads",
            Errno.EFAULT, "media_device_enum_links: copy_to_user → EFAULT",
            b -> b.ioctl(enumLinks, new MediaLinksEnum(linkedEntity(b.mdev()).id(),
                new MediaPadDesc[0], null)))
        .row("ENUM_LINKS", enumLinks, "links", "array shorter than the outbound links",
            Errno.EFAULT, "media_device_enum_links: copy_to_user → EFAULT",
            b -> b.ioctl(enumLinks, new MediaLinksEnum(linkedEntity(b.mdev()).id(), null,
                new MediaLinkDesc[0])))
        .row("SETUP_LINK", setup, "source.entity", "no such entity", Errno.EINVAL,
            "media_device_setup_link: find_entity → EINVAL",
            b -> {
              MediaLinkDesc d = desc(dataLink(b.mdev(), l -> true, "a data link"), EN);
              d.source.entity = lastEntityId(b.mdev()) + 1000;
              return b.ioctl(setup, d);
            })
        .row("SETUP_LINK", setup, "sink.index", "the sink's pad count", Errno.EINVAL,
            "media_device_setup_link: pad index ≥ num_pads → EINVAL",
            b -> {
              MediaLink l = dataLink(b.mdev(), x -> true, "a data link");
              MediaLinkDesc d = desc(l, EN);
              d.sink.index = l.sink().entity().numPads();
              return b.ioctl(setup, d);
            })
        .row("SETUP_LINK", setup, "source, sink", "two pads with no link between them",
            Errno.EINVAL, "media_device_setup_link: media_entity_find_link → EINVAL",
            b -> {
              MediaLink l = dataLink(b.mdev(), x -> true, "a data link");
              MediaLinkDesc d = desc(l, EN);
              MediaPadDesc src = d.source;
              d.source = d.sink;
              d.sink = src;
              return b.ioctl(setup, d);
            })
        .row("SETUP_LINK", setup, "flags", "IMMUTABLE added", Errno.EINVAL,
            "__media_entity_setup_link: a bit other than ENABLED changes → EINVAL",
            b -> {
              MediaLink l = dataLink(b.mdev(),
                  x -> (x.flags() & MediaUapi.MEDIA_LNK_FL_IMMUTABLE) == 0, "a mutable link");
              return b.ioctl(setup, desc(l, l.flags() | MediaUapi.MEDIA_LNK_FL_IMMUTABLE));
            })
        .row("SETUP_LINK", setup, "flags", "link type bits (INTERFACE_LINK)", Errno.EINVAL,
            "__media_entity_setup_link: a bit other than ENABLED changes → EINVAL",
            b -> {
              MediaLink l = dataLink(b.mdev(), x -> true, "a data link");
              return b.ioctl(setup, desc(l, l.flags() | MediaUapi.MEDIA_LNK_FL_INTERFACE_LINK));
            })
        .row("G_TOPOLOGY", topo, "num_entities", "0 with an entity array", Errno.ENOSPC,
            "media_device_get_topology: more entities than num_entities → ENOSPC",
            b -> {
              MediaV2Topology t = new MediaV2Topology();
              t.ptrEntities = new MediaV2Entity[1];
              return b.ioctl(topo, t);
            })
        .row("G_TOPOLOGY", topo, "ptr_links", "array shorter than num_links", Errno.EFAULT,
            "media_device_get_topology: copy_to_user → EFAULT",
            b -> {
              MediaV2Topology t = new MediaV2Topology();
              t.numLinks = countForwardDataLinks(b.mdev());
              t.ptrLinks = new MediaV2Link[1];
              return b.ioctl(topo, t);
            })
        .row("REQUEST_ALLOC", reqAlloc, "device", "a media device without request ops",
            Errno.ENOTTY, "media_device_request_alloc: no req_validate/req_queue → ENOTTY",
            b -> b.ioctl(reqAlloc, null))
        .row("DEVICE_INFO", Ioc.iowr('|', 0x00, 8), "cmd", "size bits 8", Errno.ENOTTY,
            "media_device_ioctl: full command differs → ENOIOCTLCMD, seen as ENOTTY",
            b -> b.ioctl(Ioc.iowr('|', 0x00, 8), new MediaDeviceInfo()));
    generic(r, Ioc.iowr('|', 0x10, 4), "media_device_ioctl: number past the table → ENOIOCTLCMD,"
        + " seen as ENOTTY", info, "MediaEntityDesc for DEVICE_INFO", new MediaEntityDesc());
    r.row("DEVICE_INFO", info, "device", "stick unplugged, fd kept", Errno.EIO,
        "media_ioctl: devnode not registered → EIO",
        b -> {
          b.unplug();
          return b.ioctl(info, new MediaDeviceInfo());
        });
  }

  /**
   * The decoder's media graph has what the stick's lacks: immutable links; and the devnode of a
   * platform driver's media device, kept open across the unbind of its core.
   */
  private static void mediaM2m(Rows r) {
    int setup = MediaUapi.MEDIA_IOC_SETUP_LINK;
    r.row("SETUP_LINK", setup, "flags", "ENABLED toggled on an IMMUTABLE link", Errno.EINVAL,
            "__media_entity_setup_link: IMMUTABLE and flags differ → EINVAL",
            b -> {
              MediaLink l = dataLink(b.mdev(),
                  x -> (x.flags() & MediaUapi.MEDIA_LNK_FL_IMMUTABLE) != 0, "an immutable link");
              return b.ioctl(setup, desc(l, l.flags() ^ EN));
            })
        .row("DEVICE_INFO", MediaUapi.MEDIA_IOC_DEVICE_INFO, "device", "core unbound, fd kept",
            Errno.EIO, "media_ioctl: devnode not registered → EIO",
            b -> {
              ok(b.board().unbind(VpuCore.Kind.G1), "unbind G1");
              return b.ioctl(MediaUapi.MEDIA_IOC_DEVICE_INFO, new MediaDeviceInfo());
            });
  }

  /**
   * Rows every node has: an unknown command, a mistyped argument (the model's stand-in for an
   * unreadable user pointer: the handler cannot read the struct it expects), a closed descriptor.
   */
  private static void generic(Rows r, int unknown, String unknownRef, int typedCmd,
      String typedWhat, IoctlArg<?> wrongArg) {
    r.row("unknown", unknown, "cmd", String.format("0x%08x", unknown), Errno.ENOTTY, unknownRef,
            b -> b.ioctl(unknown, null))
        .row(name(typedCmd), typedCmd, "argument", "unreadable (" + typedWhat + ")",
            Errno.EFAULT, "copy_from_user of the argument → EFAULT",
            b -> b.ioctl(typedCmd, wrongArg))
        .row(name(typedCmd), typedCmd, "fd", "closed", Errno.EBADF,
            "ioctl: fdget finds no file → EBADF",
            b -> {
              ok(b.task().close(b.fd()), "close");
              return b.ioctl(typedCmd, wrongArg);
            });
  }

  private static String name(int cmd) {
    if (cmd == MediaUapi.MEDIA_IOC_DEVICE_INFO) {
      return "DEVICE_INFO";
    }
    if (cmd == Videodev2.VIDIOC_G_FMT) {
      return "G_FMT";
    }
    if (cmd == SndPcm.HW_PARAMS) {
      return "HW_PARAMS";
    }
    if (cmd == V4l2SubdevUapi.VIDIOC_SUBDEV_G_FMT) {
      return "SUBDEV_G_FMT";
    }
    throw new IllegalArgumentException("no name for 0x" + Integer.toHexString(cmd));
  }

  // ------------------------------------------------------------------ V4L2 (both video nodes)

  private static V4l2Format fmt(int type) {
    V4l2Format f = new V4l2Format();
    f.type = type;
    f.width = 720;
    f.height = 480;
    f.pixelformat = Videodev2.V4L2_PIX_FMT_UYVY;
    return f;
  }

  private static V4l2Requestbuffers req(int type, int memory, int count) {
    V4l2Requestbuffers r = new V4l2Requestbuffers();
    r.type = type;
    r.memory = memory;
    r.count = count;
    return r;
  }

  private static V4l2Fmtdesc fmtdesc(int type, int index) {
    V4l2Fmtdesc d = new V4l2Fmtdesc();
    d.type = type;
    d.index = index;
    return d;
  }

  /** The vb2 rows both video nodes share, on the queue of buffer type {@code type}. */
  private static void vb2(Rows r, int type, String owner) {
    int reqbufs = Videodev2.VIDIOC_REQBUFS;
    int querybuf = Videodev2.VIDIOC_QUERYBUF;
    int qbuf = Videodev2.VIDIOC_QBUF;
    int dqbuf = Videodev2.VIDIOC_DQBUF;
    int streamon = Videodev2.VIDIOC_STREAMON;
    int streamoff = Videodev2.VIDIOC_STREAMOFF;
    r.row("REQBUFS", reqbufs, "memory", "0", Errno.EINVAL,
            "vb2_verify_memory_type → EINVAL",
            b -> b.ioctl(reqbufs, req(type, 0, 2)))
        .row("QUERYBUF", querybuf, "index", "count after REQBUFS(2)", Errno.EINVAL,
            "vb2_querybuf: index ≥ num_buffers → EINVAL",
            b -> {
              b.reqbufs(b.fd(), type, 2);
              return b.ioctl(querybuf, new V4l2Buffer(2, type, MMAP));
            })
        .row("QBUF", qbuf, "index", "0 with no buffers allocated", Errno.EINVAL,
            "vb2_queue_or_prepare_buf: no such buffer → EINVAL",
            b -> b.ioctl(qbuf, new V4l2Buffer(0, type, MMAP)))
        .row("QBUF", qbuf, "memory", "USERPTR on an MMAP queue", Errno.EINVAL,
            "vb2_queue_or_prepare_buf: memory ≠ queue memory → EINVAL",
            b -> {
              b.reqbufs(b.fd(), type, 2);
              return b.ioctl(qbuf, new V4l2Buffer(0, type, Vb2Queue.MEMORY_USERPTR));
            })
        .row("QBUF", qbuf, "index", "a buffer already queued", Errno.EINVAL,
            "vb2_core_qbuf: buffer not DEQUEUED → EINVAL",
            b -> {
              b.reqbufs(b.fd(), type, 2);
              b.qbuf(type, 0);
              return b.ioctl(qbuf, new V4l2Buffer(0, type, MMAP));
            })
        .row("DQBUF", dqbuf, "queue state", "not streaming", Errno.EINVAL,
            "__vb2_wait_for_done_vb: not streaming → EINVAL",
            b -> {
              b.reqbufs(b.fd(), type, 2);
              b.qbuf(type, 0);
              return b.ioctl(dqbuf, new V4l2Buffer(0, type, MMAP));
            })
        .row("DQBUF", dqbuf, "O_NONBLOCK", "streaming, nothing done", Errno.EAGAIN,
            "__vb2_wait_for_done_vb: non-blocking, done list empty → EAGAIN",
            b -> {
              b.reqbufs(b.fd(), type, 2);
              b.qbuf(type, 0);
              b.streamon(type);
              return b.ioctl(dqbuf, new V4l2Buffer(0, type, MMAP));
            })
        .row("STREAMON", streamon, "queue state", "no buffers allocated", Errno.EINVAL,
            "vb2_core_streamon: no buffers allocated → EINVAL",
            b -> b.ioctl(streamon, new V4l2Int(type)))
        .row("STREAMOFF", streamoff, "type", "0", Errno.EINVAL,
            "vb2_streamoff: type ≠ queue type → EINVAL",
            b -> b.ioctl(streamoff, new V4l2Int(0)));
    if (!owner.isEmpty()) {
      r.row("REQBUFS", reqbufs, "fd", owner, Errno.EBUSY,
              "vb2_ioctl_reqbufs: vb2_queue_is_busy → EBUSY",
              b -> {
                b.reqbufs(b.fd(), type, 2);
                return b.task().ioctl(b.openAgain(), reqbufs, req(type, MMAP, 2));
              })
          .row("QBUF", qbuf, "fd", owner, Errno.EBUSY,
              "vb2_ioctl_qbuf: vb2_queue_is_busy → EBUSY",
              b -> {
                b.reqbufs(b.fd(), type, 2);
                return b.task().ioctl(b.openAgain(), qbuf, new V4l2Buffer(0, type, MMAP));
              })
          .row("STREAMON", streamon, "fd", owner, Errno.EBUSY,
              "vb2_ioctl_streamon: vb2_queue_is_busy → EBUSY",
              b -> {
                b.reqbufs(b.fd(), type, 2);
                return b.task().ioctl(b.openAgain(), streamon, new V4l2Int(type));
              });
    }
  }

  // ------------------------------------------------------------------ au0828 capture node

  private static void capture(Rows r) {
    int querycap = Videodev2.VIDIOC_QUERYCAP;
    int enumFmt = Videodev2.VIDIOC_ENUM_FMT;
    int gFmt = Videodev2.VIDIOC_G_FMT;
    int sFmt = Videodev2.VIDIOC_S_FMT;
    int tryFmt = Videodev2.VIDIOC_TRY_FMT;
    int reqbufs = Videodev2.VIDIOC_REQBUFS;
    int querybuf = Videodev2.VIDIOC_QUERYBUF;
    int dqbuf = Videodev2.VIDIOC_DQBUF;
    int streamon = Videodev2.VIDIOC_STREAMON;
    int enumInput = Videodev2.VIDIOC_ENUMINPUT;
    int gTuner = Videodev2.VIDIOC_G_TUNER;
    int gInput = Videodev2.VIDIOC_G_INPUT;
    int sInput = Videodev2.VIDIOC_S_INPUT;
    r.row("QUERYCAP", querycap, "argument", "NULL", Errno.EFAULT,
            "video_usercopy: copy_to_user → EFAULT",
            b -> b.ioctl(querycap, null))
        .row("ENUM_FMT", enumFmt, "type", "VIDEO_OUTPUT on a capture node", Errno.EINVAL,
            "v4l_enum_fmt: check_fmt → EINVAL",
            b -> b.ioctl(enumFmt, fmtdesc(OUT, 0)))
        .row("ENUM_FMT", enumFmt, "index", "1", Errno.EINVAL,
            "au0828 vidioc_enum_fmt_vid_cap: index ≠ 0 → EINVAL",
            b -> b.ioctl(enumFmt, fmtdesc(CAP, 1)))
        .row("G_FMT", gFmt, "type", "0", Errno.EINVAL,
            "v4l_g_fmt: check_fmt → EINVAL",
            b -> b.ioctl(gFmt, fmt(0)))
        .row("TRY_FMT", tryFmt, "type", "VIDEO_CAPTURE_MPLANE on a single-planar node",
            Errno.EINVAL, "v4l_try_fmt: check_fmt → EINVAL",
            b -> b.ioctl(tryFmt, fmt(Vb2Queue.TYPE_VIDEO_CAPTURE_MPLANE)))
        .row("S_FMT", sFmt, "type", "VIDEO_OUTPUT on a capture node", Errno.EINVAL,
            "v4l_s_fmt: check_fmt → EINVAL",
            b -> b.ioctl(sFmt, fmt(OUT)))
        .row("TRY_FMT", tryFmt, "pixelformat", "YUYV (the bridge gives UYVY only)", Errno.EINVAL,
            "au0828_set_format: pixelformat ≠ UYVY → EINVAL",
            b -> {
              V4l2Format f = fmt(CAP);
              f.pixelformat = Videodev2.V4L2_PIX_FMT_YUYV;
              return b.ioctl(tryFmt, f);
            })
        .row("S_FMT", sFmt, "queue state", "buffers allocated, not streaming", Errno.EBUSY,
            "au0828 vidioc_s_fmt_vid_cap: vb2_is_busy → EBUSY",
            b -> {
              b.reqbufs(b.fd(), CAP, 2);
              return b.ioctl(sFmt, fmt(CAP));
            })
        .row("REQBUFS", reqbufs, "type", "VIDEO_OUTPUT on a capture node", Errno.EINVAL,
            "v4l_reqbufs: check_fmt → EINVAL",
            b -> b.ioctl(reqbufs, req(OUT, MMAP, 2)))
        .row("QUERYBUF", querybuf, "type", "VIDEO_OUTPUT on a capture node", Errno.EINVAL,
            "v4l_querybuf: check_fmt → EINVAL",
            b -> b.ioctl(querybuf, new V4l2Buffer(0, OUT, MMAP)))
        .row("DQBUF", dqbuf, "type", "VIDEO_OUTPUT on a capture node", Errno.EINVAL,
            "v4l_dqbuf: check_fmt → EINVAL",
            b -> b.ioctl(dqbuf, new V4l2Buffer(0, OUT, MMAP)))
        .row("STREAMON", streamon, "type", "VIDEO_OUTPUT", Errno.EINVAL,
            "vb2_streamon: type ≠ queue type → EINVAL",
            b -> {
              b.reqbufs(b.fd(), CAP, 2);
              return b.ioctl(streamon, new V4l2Int(OUT));
            });
    vb2(r, CAP, "not the queue owner");
    r.row("ENUMINPUT", enumInput, "index", "4 (past the last input)", Errno.EINVAL,
            "au0828 vidioc_enum_input: index ≥ AU0828_MAX_INPUT or undefined → EINVAL",
            b -> {
              V4l2Input in = new V4l2Input();
              in.index = 4;
              return b.ioctl(enumInput, in);
            })
        .row("ENUMINPUT", enumInput, "index", "-1 (0xffffffff)", Errno.EINVAL,
            "au0828 vidioc_enum_input: index ≥ AU0828_MAX_INPUT → EINVAL",
            b -> {
              V4l2Input in = new V4l2Input();
              in.index = -1;
              return b.ioctl(enumInput, in);
            })
        .row("G_TUNER", gTuner, "index", "1", Errno.EINVAL,
            "au0828 vidioc_g_tuner: index ≠ 0 → EINVAL",
            b -> {
              V4l2Tuner t = new V4l2Tuner();
              t.index = 1;
              return b.ioctl(gTuner, t);
            })
        .row("G_INPUT", gInput, "argument", "NULL", Errno.EFAULT,
            "video_usercopy: copy_to_user → EFAULT",
            b -> b.ioctl(gInput, null))
        .row("S_INPUT", sInput, "index", "99", Errno.EINVAL,
            "au0828 vidioc_s_input: index ≥ AU0828_MAX_INPUT → EINVAL",
            b -> b.ioctl(sInput, new V4l2Int(99)));
    generic(r, Ioc.iowr('V', 0xff, 4), "__video_do_ioctl: no table entry, no vidioc_default"
        + " → ENOTTY", gFmt, "V4l2Int for G_FMT", new V4l2Int(CAP));
    r.row("QUERYCAP", querycap, "device", "stick unplugged, fd kept", Errno.ENODEV,
        "v4l2_ioctl: video_is_registered false → ENODEV",
        b -> {
          b.unplug();
          return b.ioctl(querycap, new V4l2Capability());
        });
  }

  // ------------------------------------------------------------------ Hantro decoder node

  private static void m2m(Rows r) {
    int enumFmt = Videodev2.VIDIOC_ENUM_FMT;
    int gFmt = Videodev2.VIDIOC_G_FMT;
    int sFmt = Videodev2.VIDIOC_S_FMT;
    int tryFmt = Videodev2.VIDIOC_TRY_FMT;
    int reqbufs = Videodev2.VIDIOC_REQBUFS;
    int qbuf = Videodev2.VIDIOC_QBUF;
    int gTuner = Videodev2.VIDIOC_G_TUNER;
    int enumInput = Videodev2.VIDIOC_ENUMINPUT;
    int sInput = Videodev2.VIDIOC_S_INPUT;
    int gInput = Videodev2.VIDIOC_G_INPUT;
    int querycap = Videodev2.VIDIOC_QUERYCAP;
    r.row("QUERYCAP", querycap, "argument", "NULL", Errno.EFAULT,
            "video_usercopy: copy_to_user → EFAULT",
            b -> b.ioctl(querycap, null))
        .row("ENUM_FMT", enumFmt, "index", "99 (coded formats)", Errno.EINVAL,
            "hantro vidioc_enum_fmt: index past the formats → EINVAL",
            b -> b.ioctl(enumFmt, fmtdesc(OUT, 99)))
        .row("ENUM_FMT", enumFmt, "type", "0", Errno.EINVAL,
            "v4l_enum_fmt: check_fmt → EINVAL",
            b -> b.ioctl(enumFmt, fmtdesc(0, 0)))
        .row("G_FMT", gFmt, "type", "0", Errno.EINVAL,
            "v4l_g_fmt: check_fmt → EINVAL",
            b -> b.ioctl(gFmt, fmt(0)))
        .row("TRY_FMT", tryFmt, "type", "0", Errno.EINVAL,
            "v4l_try_fmt: check_fmt → EINVAL",
            b -> b.ioctl(tryFmt, fmt(0)))
        .row("S_FMT", sFmt, "type", "0", Errno.EINVAL,
            "v4l_s_fmt: check_fmt → EINVAL",
            b -> b.ioctl(sFmt, fmt(0)))
        .row("S_FMT", sFmt, "pixelformat", "another codec while OUTPUT has buffers", Errno.EBUSY,
            "hantro_set_fmt_out: vb2_is_busy and pixelformat differs → EBUSY",
            b -> {
              V4l2Format cur = fmt(OUT);
              ok(b.ioctl(gFmt, cur), "G_FMT");
              int other = cur.pixelformat == HantroCodec.VP8.fourcc()
                  ? HantroCodec.H264.fourcc() : HantroCodec.VP8.fourcc();
              b.reqbufs(b.fd(), OUT, 2);
              V4l2Format f = fmt(OUT);
              f.pixelformat = other;
              return b.ioctl(sFmt, f);
            })
        .row("S_FMT", sFmt, "coded format", "same codec while OUTPUT is streaming", Errno.EBUSY,
            "hantro_set_fmt_out: vb2_is_streaming → EBUSY",
            b -> {
              b.reqbufs(b.fd(), OUT, 2);
              b.streamon(OUT);
              V4l2Format cur = fmt(OUT);
              ok(b.ioctl(gFmt, cur), "G_FMT");
              return b.ioctl(sFmt, cur);
            })
        .row("S_FMT", sFmt, "coded format", "same codec while CAPTURE has buffers", Errno.EBUSY,
            "hantro_set_fmt_out: the CAPTURE queue it resets is busy → EBUSY",
            b -> {
              b.reqbufs(b.fd(), CAP, 2);
              V4l2Format cur = fmt(OUT);
              ok(b.ioctl(gFmt, cur), "G_FMT");
              return b.ioctl(sFmt, cur);
            })
        .row("S_FMT", sFmt, "decoded format", "CAPTURE queue has buffers", Errno.EBUSY,
            "hantro_set_fmt_cap: vb2_is_busy → EBUSY",
            b -> {
              b.reqbufs(b.fd(), CAP, 2);
              return b.ioctl(sFmt, fmt(CAP));
            })
        .row("REQBUFS", reqbufs, "type", "0", Errno.EINVAL,
            "v4l_reqbufs: check_fmt → EINVAL",
            b -> b.ioctl(reqbufs, req(0, MMAP, 2)))
        .row("REQBUFS", reqbufs, "memory", "USERPTR (Hantro's io_modes are MMAP and DMABUF)",
            Errno.EINVAL, "vb2_verify_memory_type: mode not in io_modes → EINVAL",
            b -> b.ioctl(reqbufs, req(OUT, Vb2Queue.MEMORY_USERPTR, 2)))
        .row("QBUF", qbuf, "flags", "REQUEST_FD on a CAPTURE buffer", Errno.EPERM,
            "v4l2_m2m_qbuf: capture buffer with a request fd → EPERM",
            b -> {
              b.reqbufs(b.fd(), CAP, 2);
              V4l2Buffer buf = new V4l2Buffer(0, CAP, MMAP);
              buf.flags = V4l2Buffer.FLAG_REQUEST_FD;
              return b.ioctl(qbuf, buf);
            });
    vb2(r, OUT, "");
    r.row("G_TUNER", gTuner, "cmd", "not in the driver's table", Errno.ENOTTY,
            "__video_do_ioctl: valid_ioctls lacks it → ENOTTY",
            b -> b.ioctl(gTuner, new V4l2Tuner()))
        .row("ENUMINPUT", enumInput, "cmd", "not in the driver's table", Errno.ENOTTY,
            "__video_do_ioctl: valid_ioctls lacks it → ENOTTY",
            b -> b.ioctl(enumInput, new V4l2Input()))
        .row("G_INPUT", gInput, "cmd", "not in the driver's table", Errno.ENOTTY,
            "__video_do_ioctl: valid_ioctls lacks it → ENOTTY",
            b -> b.ioctl(gInput, new V4l2Int()))
        .row("S_INPUT", sInput, "cmd", "not in the driver's table", Errno.ENOTTY,
            "__video_do_ioctl: valid_ioctls lacks it → ENOTTY",
            b -> b.ioctl(sInput, new V4l2Int(0)));
    generic(r, Ioc.iowr('V', 0xff, 4), "__video_do_ioctl: no table entry, no vidioc_default"
        + " → ENOTTY", gFmt, "V4l2Int for G_FMT", new V4l2Int(CAP));
    r.row("open", 0, "device", "core unbound (fd closed first)", Errno.ENOENT,
        "device_del removed the devtmpfs node → ENOENT",
        b -> {
          ok(b.task().close(b.fd()), "close");
          ok(b.board().unbind(VpuCore.Kind.G1), "unbind G1");
          return b.task().open(b.path(), File.O_RDWR);
        });
  }

  // ------------------------------------------------------------------ snd-usb-audio PCM

  private static SndPcmHwParams params() {
    return SndPcmHwParams.standard(4);
  }

  private static void pcm(Rows r) {
    int hw = SndPcm.HW_PARAMS;
    int free = SndPcm.HW_FREE;
    int prepare = SndPcm.PREPARE;
    int start = SndPcm.START;
    int drop = SndPcm.DROP;
    r.row("HW_PARAMS", hw, "rate", "44100", Errno.EINVAL,
            "snd_pcm_hw_refine: empty rate interval → EINVAL",
            b -> {
              SndPcmHwParams p = params();
              p.rate = 44_100;
              return b.ioctl(hw, p);
            })
        .row("HW_PARAMS", hw, "channels", "1", Errno.EINVAL,
            "snd_pcm_hw_refine: empty channels interval → EINVAL",
            b -> {
              SndPcmHwParams p = params();
              p.channels = 1;
              return b.ioctl(hw, p);
            })
        .row("HW_PARAMS", hw, "format", "0 (S8)", Errno.EINVAL,
            "snd_pcm_hw_refine: empty format mask → EINVAL",
            b -> {
              SndPcmHwParams p = params();
              p.format = 0;
              return b.ioctl(hw, p);
            })
        .row("HW_PARAMS", hw, "periods", "1", Errno.EINVAL,
            "snd_pcm_hw_refine: periods below the minimum → EINVAL",
            b -> {
              SndPcmHwParams p = params();
              p.periods = 1;
              return b.ioctl(hw, p);
            })
        .row("HW_PARAMS", hw, "argument", "NULL", Errno.EFAULT,
            "snd_pcm_hw_params_user: memdup_user → EFAULT",
            b -> b.ioctl(hw, null))
        .row("HW_PARAMS", hw, "stream state", "RUNNING", Errno.EBADFD,
            "snd_pcm_hw_params: state not OPEN/SETUP/PREPARED → EBADFD",
            b -> {
              ok(b.ioctl(hw, params()), "HW_PARAMS");
              ok(b.ioctl(prepare, null), "PREPARE");
              ok(b.ioctl(start, null), "START");
              return b.ioctl(hw, params());
            })
        .row("HW_FREE", free, "stream state", "RUNNING", Errno.EBADFD,
            "snd_pcm_hw_free: state not SETUP/PREPARED → EBADFD",
            b -> {
              ok(b.ioctl(hw, params()), "HW_PARAMS");
              ok(b.ioctl(prepare, null), "PREPARE");
              ok(b.ioctl(start, null), "START");
              return b.ioctl(free, null);
            })
        .row("PREPARE", prepare, "stream state", "OPEN (no HW_PARAMS)", Errno.EBADFD,
            "snd_pcm_pre_prepare: state OPEN → EBADFD",
            b -> b.ioctl(prepare, null))
        .row("PREPARE", prepare, "stream state", "RUNNING", Errno.EBUSY,
            "snd_pcm_pre_prepare: snd_pcm_running → EBUSY",
            b -> {
              ok(b.ioctl(hw, params()), "HW_PARAMS");
              ok(b.ioctl(prepare, null), "PREPARE");
              ok(b.ioctl(start, null), "START");
              return b.ioctl(prepare, null);
            })
        .row("START", start, "stream state", "SETUP (not prepared)", Errno.EBADFD,
            "snd_pcm_pre_start: state not PREPARED → EBADFD",
            b -> {
              ok(b.ioctl(hw, params()), "HW_PARAMS");
              return b.ioctl(start, null);
            })
        .row("DROP", drop, "stream state", "OPEN (no HW_PARAMS)", Errno.EBADFD,
            "snd_pcm_drop: state OPEN → EBADFD",
            b -> b.ioctl(drop, null))
        .row("read", 0, "stream state", "SETUP (not prepared)", Errno.EBADFD,
            "pcm_accessible_state: not PREPARED/RUNNING → EBADFD",
            b -> {
              ok(b.ioctl(hw, params()), "HW_PARAMS");
              return b.task().read(b.fd(), new byte[SndUsbChip.PERIOD_BYTES]);
            })
        .row("read", 0, "O_NONBLOCK", "running, no period captured", Errno.EAGAIN,
            "__snd_pcm_lib_xfer: non-blocking, nothing available → EAGAIN",
            b -> {
              ok(b.ioctl(hw, params()), "HW_PARAMS");
              ok(b.ioctl(prepare, null), "PREPARE");
              ok(b.ioctl(start, null), "START");
              return b.task().read(b.fd(), new byte[SndUsbChip.PERIOD_BYTES]);
            })
        .row("read", 0, "count", "7 bytes (not whole frames)", Errno.EINVAL,
            "snd_pcm_read: count not frame-aligned → EINVAL",
            b -> {
              ok(b.ioctl(hw, params()), "HW_PARAMS");
              ok(b.ioctl(prepare, null), "PREPARE");
              return b.task().read(b.fd(), new byte[7]);
            })
        .row("open", 0, "substream", "already open (O_NONBLOCK)", Errno.EBUSY,
            "snd_pcm_open: substream busy, O_NONBLOCK → EBUSY",
            b -> b.task().open(b.path(), Node.PCM.openFlags()));
    generic(r, Ioc.ior('A', 0x7f, 4), "snd_pcm_common_ioctl: unknown command → ENOTTY", hw,
        "MediaDeviceInfo for HW_PARAMS", new MediaDeviceInfo());
    r.row("HW_PARAMS", hw, "device", "stick unplugged, fd kept", Errno.ENODEV,
        "snd_disconnect_ioctl (file ops swapped at disconnect) → ENODEV",
        b -> {
          b.unplug();
          return b.ioctl(hw, params());
        });
  }

  // ------------------------------------------------------------------ sub-device node

  private static V4l2SubdevFormat subdevFmt(int which, int pad) {
    V4l2SubdevFormat f = new V4l2SubdevFormat();
    f.which = which;
    f.pad = pad;
    return f;
  }

  private static V4l2SubdevMbusCodeEnum mbusCode(int which, int index) {
    V4l2SubdevMbusCodeEnum e = new V4l2SubdevMbusCodeEnum();
    e.which = which;
    e.index = index;
    return e;
  }

  /** The raw sensor's node: two pads, an active state, the core's checks and the driver's. */
  private static void subdev(Rows r) {
    int querycap = V4l2SubdevUapi.VIDIOC_SUBDEV_QUERYCAP;
    int enumCode = V4l2SubdevUapi.VIDIOC_SUBDEV_ENUM_MBUS_CODE;
    int gFmt = V4l2SubdevUapi.VIDIOC_SUBDEV_G_FMT;
    int sFmt = V4l2SubdevUapi.VIDIOC_SUBDEV_S_FMT;
    int active = V4l2SubdevUapi.V4L2_SUBDEV_FORMAT_ACTIVE;
    r.row("SUBDEV_QUERYCAP", querycap, "argument", "NULL", Errno.EFAULT,
            "video_usercopy: copy_to_user → EFAULT",
            b -> b.ioctl(querycap, null))
        .row("SUBDEV_ENUM_MBUS_CODE", enumCode, "which", "2", Errno.EINVAL,
            "subdev_do_ioctl: check_which → EINVAL",
            b -> b.ioctl(enumCode, mbusCode(2, 0)))
        .row("SUBDEV_ENUM_MBUS_CODE", enumCode, "index", "past the sensor's two codes",
            Errno.EINVAL, "the sensor's enum_mbus_code: no such code → EINVAL",
            b -> b.ioctl(enumCode, mbusCode(active, 2)))
        .row("SUBDEV_G_FMT", gFmt, "which", "2", Errno.EINVAL,
            "subdev_do_ioctl: check_which → EINVAL",
            b -> b.ioctl(gFmt, subdevFmt(2, 0)))
        .row("SUBDEV_G_FMT", gFmt, "pad", "2 (the entity has two pads)", Errno.EINVAL,
            "check_pad: pad ≥ num_pads → EINVAL",
            b -> b.ioctl(gFmt, subdevFmt(active, 2)))
        .row("SUBDEV_S_FMT", sFmt, "pad", "-1 (compared unsigned)", Errno.EINVAL,
            "check_pad: pad ≥ num_pads → EINVAL",
            b -> b.ioctl(sFmt, subdevFmt(active, -1)))
        .row("SUBDEV_S_FMT", sFmt, "which", "ACTIVE on a read-only node", Errno.EPERM,
            "subdev_do_ioctl: read-only node, which ≠ TRY → EPERM",
            b -> {
              SubdevRig rig = b.subdev();
              ok(b.task().close(b.fd()), "close");
              rig.unplug();
              ok(rig.plug(new SubdevRig.Shape(2, true, true)), "plug a read-only sensor");
              VideoDevice ro = rig.node();
              if (ro == null) {
                throw new AssertionError("the read-only sensor has a node");
              }
              int fd = ok(b.task().open(ro.path(), Node.SUBDEV.openFlags()), "open read-only");
              return b.task().ioctl(fd, sFmt, subdevFmt(active, 0));
            });
    generic(r, Ioc.iowr('V', 0xfe, 4), "subdev_do_ioctl: no handler, no core ioctl → ENOTTY",
        gFmt, "V4l2Int for SUBDEV_G_FMT", new V4l2Int(0));
    r.row("SUBDEV_G_FMT", gFmt, "device", "bridge unbound, fd kept", Errno.ENODEV,
        "v4l2_ioctl: video_is_registered false → ENODEV",
        b -> {
          b.subdev().unplug();
          return b.ioctl(gFmt, subdevFmt(active, 0));
        });
  }
}
