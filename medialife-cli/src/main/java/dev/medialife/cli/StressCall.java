package dev.medialife.cli;

import dev.medialife.kernel.Errno;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Every system call the race harness makes, with the errnos the specification allows for it: the
 * whitelist {@link Stress} checks each result against. A result outside the set (or a negative
 * poll result, or a failed close) is a failure recorded with the task's seed and the step.
 *
 * <p>The sets come from reference §5.3 (a media devnode that is no longer registered answers
 * ioctls and reads with EIO, opens with ENXIO), §6.2 (a video node that is no longer registered
 * answers with ENODEV), §6.5 (vb2: EAGAIN, EINVAL when not streaming, EIO after {@code
 * vb2_queue_error}, EPIPE after the last buffer, EBUSY for a second waiter or a handle that does
 * not own the queue), the tuner arbitration of §4.6 (EBUSY), the PCM state machine of the
 * snd-usb-audio model (EBADFD out of state, EPIPE after an overrun, ENODEV once disconnected) and
 * the VFS (ENOENT for a vanished {@code /dev} entry). Every errno a call may give is listed, not
 * only the ones a run happens to see.
 */
enum StressCall {
  OPEN_MEDIA(Node.MEDIA, "open", Errno.ENOENT, Errno.ENXIO, Errno.ENODEV),
  MEDIA_DEVICE_INFO(Node.MEDIA, "DEVICE_INFO", Errno.EIO),
  MEDIA_ENUM_ENTITIES(Node.MEDIA, "ENUM_ENTITIES", Errno.EINVAL, Errno.EIO),
  MEDIA_ENUM_LINKS(Node.MEDIA, "ENUM_LINKS", Errno.EINVAL, Errno.EFAULT, Errno.EIO),
  MEDIA_G_TOPOLOGY(Node.MEDIA, "G_TOPOLOGY", Errno.ENOSPC, Errno.EIO),
  MEDIA_READ(Node.MEDIA, "read", Errno.EINVAL, Errno.EIO),

  OPEN_VIDEO(Node.VIDEO, "open", Errno.ENOENT, Errno.ENXIO, Errno.ENODEV),
  VIDIOC_QUERYCAP(Node.VIDEO, "QUERYCAP", Errno.ENODEV),
  VIDIOC_ENUM_FMT(Node.VIDEO, "ENUM_FMT", Errno.EINVAL, Errno.ENODEV),
  VIDIOC_G_FMT(Node.VIDEO, "G_FMT", Errno.EINVAL, Errno.ENODEV),
  VIDIOC_S_FMT(Node.VIDEO, "S_FMT", Errno.EINVAL, Errno.EBUSY, Errno.ENODEV),
  VIDIOC_REQBUFS(Node.VIDEO, "REQBUFS", Errno.EINVAL, Errno.EBUSY, Errno.ENOMEM, Errno.ENODEV),
  VIDIOC_QBUF(Node.VIDEO, "QBUF", Errno.EINVAL, Errno.EBUSY, Errno.EIO, Errno.ENODEV),
  VIDIOC_DQBUF(Node.VIDEO, "DQBUF",
      Errno.EAGAIN, Errno.EINVAL, Errno.EIO, Errno.EPIPE, Errno.EBUSY, Errno.ENODEV),
  VIDIOC_STREAMON(Node.VIDEO, "STREAMON", Errno.EINVAL, Errno.EBUSY, Errno.EIO, Errno.ENODEV),
  VIDIOC_STREAMOFF(Node.VIDEO, "STREAMOFF", Errno.EINVAL, Errno.EBUSY, Errno.ENODEV),
  VIDIOC_ENUMINPUT(Node.VIDEO, "ENUMINPUT", Errno.EINVAL, Errno.ENOTTY, Errno.ENODEV),
  VIDIOC_S_INPUT(Node.VIDEO, "S_INPUT", Errno.EINVAL, Errno.EBUSY, Errno.ENOTTY, Errno.ENODEV),
  VIDIOC_G_TUNER(Node.VIDEO, "G_TUNER", Errno.EINVAL, Errno.EBUSY, Errno.ENOTTY, Errno.ENODEV),
  VIDEO_READ(Node.VIDEO, "read", Errno.EINVAL, Errno.ENODEV),

  OPEN_PCM(Node.PCM, "open", Errno.ENOENT, Errno.ENXIO, Errno.ENODEV, Errno.EBUSY),
  PCM_HW_PARAMS(Node.PCM, "HW_PARAMS", Errno.EINVAL, Errno.EBADFD, Errno.EBUSY, Errno.ENODEV),
  PCM_PREPARE(Node.PCM, "PREPARE", Errno.EBADFD, Errno.EBUSY, Errno.ENODEV),
  PCM_START(Node.PCM, "START", Errno.EBADFD, Errno.ENODEV),
  PCM_DROP(Node.PCM, "DROP", Errno.EBADFD, Errno.ENODEV),
  PCM_HW_FREE(Node.PCM, "HW_FREE", Errno.EBADFD, Errno.ENODEV),
  PCM_READ(Node.PCM, "read", Errno.EAGAIN, Errno.EPIPE, Errno.EBADFD, Errno.ENODEV),

  /** Poll returns a mask; no errno is allowed on an open descriptor. */
  POLL(null, "poll"),
  /** Close of an open descriptor always succeeds, whatever became of the device. */
  CLOSE(null, "close"),
  /** Close of a descriptor just closed: EBADF and nothing else. */
  CLOSE_AGAIN(null, "close again", Errno.EBADF);

  /** The node types the harness drives. */
  enum Node {
    /** A media controller devnode, {@code /dev/mediaN}. */
    MEDIA,
    /** A V4L2 video node: a Hantro m2m decoder or the stick's capture node. */
    VIDEO,
    /** The stick's ALSA PCM capture node. */
    PCM
  }

  private final Node node;
  private final String label;
  /** The allowed errnos as a bit set (every errno of the model is below 128). */
  private final long low;
  private final long high;

  StressCall(@Nullable Node node, String name, int... errnos) {
    this.node = node == null ? Node.MEDIA : node;
    this.label = (node == null ? "" : node.name().toLowerCase(Locale.ROOT) + " ") + name;
    long lo = 0;
    long hi = 0;
    for (int e : errnos) {
      if (e < 64) {
        lo |= 1L << e;
      } else {
        hi |= 1L << (e - 64);
      }
    }
    this.low = lo;
    this.high = hi;
  }

  private boolean listed(int errno) {
    if (errno <= 0 || errno >= 128) {
      return false;
    }
    return errno < 64 ? (low & (1L << errno)) != 0 : (high & (1L << (errno - 64))) != 0;
  }

  /** The node type the call is made on (MEDIA for the generic calls). */
  Node node() {
    return node;
  }

  /** The name in reports, for example "video DQBUF". */
  String label() {
    return label;
  }

  /**
   * Whether a result is allowed: a non-negative value, or a negative errno of the set.
   *
   * @param ret the system call's result
   * @return true when the specification allows it
   */
  boolean allows(int ret) {
    if (this == CLOSE_AGAIN) {
      return ret == -Errno.EBADF;
    }
    return ret >= 0 || listed(-ret);
  }

  /** The allowed errnos, for messages, e.g. "{EAGAIN, EIO}". */
  String describeAllowed() {
    StringBuilder b = new StringBuilder("{");
    for (int e = 1; e < 128; e++) {
      if (listed(e)) {
        b.append(b.length() > 1 ? ", " : "").append(Errno.name(e));
      }
    }
    return b.append('}').toString();
  }
}
