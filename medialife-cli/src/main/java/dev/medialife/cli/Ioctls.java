package dev.medialife.cli;

import dev.medialife.driver.FileOperations;
import dev.medialife.driver.IoctlArg;
import dev.medialife.drivers.hantro.HantroCodec;
import dev.medialife.drivers.usbaudio.SndPcm;
import dev.medialife.drivers.usbaudio.SndPcmHwParams;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaEntityDesc;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.V4l2Tuner;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** The ioctl commands and poll bits a scenario can name, with their uapi argument builders. */
final class Ioctls {
  private Ioctls() {}

  /** An ioctl command by its uapi name, and how to build its argument from a step's {@code arg}. */
  enum Cmd {
    VIDIOC_QUERYCAP(Videodev2.VIDIOC_QUERYCAP, a -> new V4l2Capability()),
    VIDIOC_S_FMT(Videodev2.VIDIOC_S_FMT, Ioctls::format),
    VIDIOC_REQBUFS(Videodev2.VIDIOC_REQBUFS, a -> {
      V4l2Requestbuffers r = new V4l2Requestbuffers();
      r.type = type(a);
      r.memory = Vb2Queue.MEMORY_MMAP;
      r.count = a == null || a.count() == null ? Demo.BUFFERS : a.count();
      return r;
    }),
    VIDIOC_QBUF(Videodev2.VIDIOC_QBUF, a -> {
      V4l2Buffer b = new V4l2Buffer(a == null || a.index() == null ? 0 : a.index(), type(a),
          Vb2Queue.MEMORY_MMAP);
      b.bytesused = b.type == Vb2Queue.TYPE_VIDEO_OUTPUT ? 4096 : 0;
      b.timestamp = 1000L * (b.index + 1);
      return b;
    }),
    VIDIOC_DQBUF(Videodev2.VIDIOC_DQBUF, a -> new V4l2Buffer(0, type(a), Vb2Queue.MEMORY_MMAP)),
    VIDIOC_STREAMON(Videodev2.VIDIOC_STREAMON, a -> new V4l2Int(type(a))),
    VIDIOC_STREAMOFF(Videodev2.VIDIOC_STREAMOFF, a -> new V4l2Int(type(a))),
    VIDIOC_G_TUNER(Videodev2.VIDIOC_G_TUNER, a -> new V4l2Tuner()),
    VIDIOC_G_INPUT(Videodev2.VIDIOC_G_INPUT, a -> new V4l2Int()),
    VIDIOC_S_INPUT(Videodev2.VIDIOC_S_INPUT,
        a -> new V4l2Int(a == null || a.input() == null ? 0 : a.input())),
    MEDIA_IOC_DEVICE_INFO(MediaUapi.MEDIA_IOC_DEVICE_INFO, a -> new MediaDeviceInfo()),
    MEDIA_IOC_ENUM_ENTITIES(MediaUapi.MEDIA_IOC_ENUM_ENTITIES, a -> new MediaEntityDesc(
        a == null || a.id() == null ? MediaUapi.MEDIA_ENT_ID_FLAG_NEXT : a.id())),
    SNDRV_PCM_IOCTL_HW_PARAMS(SndPcm.HW_PARAMS, a -> SndPcmHwParams.standard(
        a == null || a.periods() == null ? 4 : a.periods())),
    SNDRV_PCM_IOCTL_HW_FREE(SndPcm.HW_FREE, a -> null),
    SNDRV_PCM_IOCTL_PREPARE(SndPcm.PREPARE, a -> null),
    SNDRV_PCM_IOCTL_START(SndPcm.START, a -> null),
    SNDRV_PCM_IOCTL_DROP(SndPcm.DROP, a -> null);

    private static final List<String> PREFIXES =
        List.of("VIDIOC_", "MEDIA_IOC_", "SNDRV_PCM_IOCTL_");

    final int number;

    @SuppressWarnings("ImmutableEnumChecker") // every builder is a stateless lambda
    private final Function<Step.@Nullable IoctlArgs, @Nullable IoctlArg<?>> arg;

    Cmd(int number, Function<Step.@Nullable IoctlArgs, @Nullable IoctlArg<?>> arg) {
      this.number = number;
      this.arg = arg;
    }

    /** A fresh argument for one call. */
    @Nullable IoctlArg<?> arg(Step.@Nullable IoctlArgs a) {
      return arg.apply(a);
    }

    /** By full name ({@code VIDIOC_QUERYCAP}) or without the prefix ({@code QUERYCAP}). */
    static Cmd of(@Nullable String name) {
      List<String> known = new ArrayList<>();
      for (Cmd c : values()) {
        String n = c.name();
        known.add(n);
        if (n.equals(name)) {
          return c;
        }
        for (String p : PREFIXES) {
          if (n.startsWith(p) && n.substring(p.length()).equals(name)) {
            return c;
          }
        }
      }
      throw new IllegalArgumentException("unknown ioctl '" + name + "' (one of " + known + ")");
    }
  }

  private static int type(Step.@Nullable IoctlArgs a) {
    return a != null && "output".equals(a.type()) ? Vb2Queue.TYPE_VIDEO_OUTPUT
        : Vb2Queue.TYPE_VIDEO_CAPTURE;
  }

  private static V4l2Format format(Step.@Nullable IoctlArgs a) {
    V4l2Format f = new V4l2Format();
    HantroCodec c = a == null ? null : Step.codec(a.codec());
    f.type = c != null ? Vb2Queue.TYPE_VIDEO_OUTPUT : type(a);
    f.pixelformat = c != null ? c.fourcc() : Videodev2.V4L2_PIX_FMT_UYVY;
    f.width = a == null || a.width() == null ? 1920 : a.width();
    f.height = a == null || a.height() == null ? 1080 : a.height();
    return f;
  }

  /** A poll bit by name: in, out, pri, err, hup. */
  static int pollBit(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "in" -> FileOperations.POLLIN;
      case "out" -> FileOperations.POLLOUT;
      case "pri" -> FileOperations.POLLPRI;
      case "err" -> FileOperations.POLLERR;
      case "hup" -> FileOperations.POLLHUP;
      default -> throw new IllegalArgumentException("unknown poll event '" + name
          + "' (in, out, pri, err, hup)");
    };
  }

  /** The names of the bits set in a poll mask, for messages. */
  static String pollNames(int mask) {
    List<String> out = new ArrayList<>();
    for (String n : List.of("in", "out", "pri", "err", "hup")) {
      if ((mask & pollBit(n)) != 0) {
        out.add(n);
      }
    }
    return out.toString();
  }
}
