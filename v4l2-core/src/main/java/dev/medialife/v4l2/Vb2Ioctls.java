package dev.medialife.v4l2;

import dev.medialife.driver.File;
import dev.medialife.driver.PollTable;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import org.jspecify.annotations.Nullable;

/**
 * The vb2 ioctl and file-operation helpers of videobuf2-v4l2.c ({@code vb2_ioctl_*}, {@code
 * vb2_fop_*}), which a driver plugs into its {@link V4l2IoctlOps} and {@link V4l2FileOperations}.
 * They work on the node's {@link VideoDevice#queue()} and keep its owner: the file (its private
 * data) whose REQBUFS allocated the buffers. Any other file gets {@code -EBUSY} from REQBUFS,
 * QBUF, DQBUF, STREAMON and STREAMOFF; QUERYBUF is open to all. REQBUFS with count 0 gives up the
 * ownership, and the owner's release frees the queue.
 *
 * <p>Context: the ioctl helpers run under the lock {@link V4l2Ioctl#videoIoctl2} took (the queue's
 * for buffer ioctls).
 */
@KernelSymbol("videobuf2-v4l2.c")
public final class Vb2Ioctls {
  private Vb2Ioctls() {}

  private static Vb2Queue queueOf(File file) {
    Vb2Queue q = VideoDevice.devdata(file).queue();
    if (q == null) {
      throw new IllegalStateException(file + ": vb2 helper on a node without a queue");
    }
    return q;
  }

  /** {@code vb2_queue_is_busy}: the queue has an owner other than this file. */
  private static boolean isBusy(Vb2Queue q, File file) {
    Object owner = q.owner();
    return owner != null && !owner.equals(file.privateData(Object.class));
  }

  /**
   * {@code vb2_ioctl_reqbufs}.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param p the request; {@code count} becomes the number allocated
   * @return 0, {@code -EINVAL} (memory or type), {@code -EBUSY} (another owner, streaming), or
   *     the queue's error
   * @throws IllegalStateException when the node has no queue (a driver bug)
   */
  @KernelSymbol("vb2_ioctl_reqbufs")
  public static int reqbufs(File file, @Nullable V4l2Fh fh, V4l2Requestbuffers p) {
    Vb2Queue q = queueOf(file);
    p.capabilities = bufCaps(q);
    if (p.type != q.type() || !memoryOk(q, p.memory)) {
      return -Errno.EINVAL;
    }
    if (isBusy(q, file)) {
      return -Errno.EBUSY;
    }
    int ret = q.reqbufs(p.type, p.memory, p.count);
    if (ret < 0) {
      return ret;
    }
    p.count = ret;
    q.setOwner(ret != 0 ? file.privateData(Object.class) : null);
    return 0;
  }

  /** {@code fill_buf_caps}. */
  private static int bufCaps(Vb2Queue q) {
    int caps = 0;
    if ((q.ioModes() & Vb2Queue.IO_MMAP) != 0) {
      caps |= Videodev2.V4L2_BUF_CAP_SUPPORTS_MMAP;
    }
    if ((q.ioModes() & Vb2Queue.IO_USERPTR) != 0) {
      caps |= Videodev2.V4L2_BUF_CAP_SUPPORTS_USERPTR;
    }
    if ((q.ioModes() & Vb2Queue.IO_DMABUF) != 0) {
      caps |= Videodev2.V4L2_BUF_CAP_SUPPORTS_DMABUF;
    }
    return caps;
  }

  /** The memory half of {@code vb2_verify_memory_type}. */
  private static boolean memoryOk(Vb2Queue q, int memory) {
    int bit =
        switch (memory) {
          case Vb2Queue.MEMORY_MMAP -> Vb2Queue.IO_MMAP;
          case Vb2Queue.MEMORY_USERPTR -> Vb2Queue.IO_USERPTR;
          case Vb2Queue.MEMORY_DMABUF -> Vb2Queue.IO_DMABUF;
          default -> 0;
        };
    return (q.ioModes() & bit) != 0;
  }

  /**
   * {@code vb2_ioctl_querybuf}: open to every file.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param b the descriptor
   * @return 0 or {@code -EINVAL}
   */
  @KernelSymbol("vb2_ioctl_querybuf")
  public static int querybuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
    return queueOf(file).querybuf(b);
  }

  /**
   * {@code vb2_ioctl_qbuf}.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param b the descriptor
   * @return 0, {@code -EBUSY} for a file that is not the owner, or the queue's error
   */
  @KernelSymbol("vb2_ioctl_qbuf")
  public static int qbuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
    Vb2Queue q = queueOf(file);
    return isBusy(q, file) ? -Errno.EBUSY : q.qbuf(b);
  }

  /**
   * {@code vb2_ioctl_dqbuf}: blocking unless the file is O_NONBLOCK.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param b the descriptor
   * @return 0, {@code -EBUSY} for a file that is not the owner, or the queue's error
   */
  @KernelSymbol("vb2_ioctl_dqbuf")
  public static int dqbuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
    Vb2Queue q = queueOf(file);
    return isBusy(q, file) ? -Errno.EBUSY : q.dqbuf(b, file.nonBlocking());
  }

  /**
   * {@code vb2_ioctl_streamon}.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param type the buffer type
   * @return 0, {@code -EBUSY} for a file that is not the owner, or the queue's error
   */
  @KernelSymbol("vb2_ioctl_streamon")
  public static int streamon(File file, @Nullable V4l2Fh fh, V4l2Int type) {
    Vb2Queue q = queueOf(file);
    return isBusy(q, file) ? -Errno.EBUSY : q.streamon(type.value);
  }

  /**
   * {@code vb2_ioctl_streamoff}.
   *
   * @param file the file
   * @param fh the file handle, or null
   * @param type the buffer type
   * @return 0, {@code -EBUSY} for a file that is not the owner, or the queue's error
   */
  @KernelSymbol("vb2_ioctl_streamoff")
  public static int streamoff(File file, @Nullable V4l2Fh fh, V4l2Int type) {
    Vb2Queue q = queueOf(file);
    return isBusy(q, file) ? -Errno.EBUSY : q.streamoff(type.value);
  }

  /**
   * {@code vb2_fop_poll}, through {@code vb2_poll}. Departure: the queue's {@code done_wq} is
   * registered before the handle's wait queue (the kernel's order is the reverse), because a
   * sleeping poll of this model waits on the first queue only and completions wake {@code
   * done_wq}.
   *
   * @param file the file
   * @param table the poll table
   * @return the queue's mask
   */
  @KernelSymbol({"vb2_fop_poll", "vb2_poll"})
  public static int fopPoll(File file, PollTable table) {
    Vb2Queue q = queueOf(file);
    int mask = q.poll(file, table);
    if (file.privateData(Object.class) instanceof V4l2Fh fh) {
      table.pollWait(file, fh.waitQueue());
    }
    return mask;
  }

  /**
   * {@code vb2_fop_release}, {@code _vb2_fop_release}: when the file owns the queue, releases it
   * (cancel, every buffer back, buffers freed) under the queue's lock, or the device lock, and
   * clears the owner; then {@link V4l2Fh#release}. Usable as the driver's release.
   *
   * @param file the file
   * @return 0
   */
  @KernelSymbol({"vb2_fop_release", "_vb2_fop_release"})
  public static int fopRelease(File file) {
    VideoDevice vdev = VideoDevice.devdata(file);
    Vb2Queue q = vdev.queue();
    Object priv = file.privateData(Object.class);
    if (q != null && priv != null && priv.equals(q.owner())) {
      Mutex ql = q.lock();
      Mutex lock = ql != null ? ql : vdev.lock();
      if (lock != null) {
        lock.lock();
      }
      try {
        q.queueRelease();
        q.setOwner(null);
      } finally {
        if (lock != null) {
          lock.unlock();
        }
      }
    }
    return V4l2Fh.release(file);
  }
}
