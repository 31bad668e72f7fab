package dev.medialife.m2m;

import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.PollTable;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.v4l2.V4l2Fh;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import org.jspecify.annotations.Nullable;

/**
 * The {@code v4l2_m2m_ioctl_*} and {@code v4l2_m2m_fop_*} helpers: an m2m driver plugs them into
 * its {@code V4l2IoctlOps} and {@code V4l2FileOperations} (their signatures match), and they work
 * on the context of the file's handle ({@code fh->m2m_ctx}, {@link V4l2Fh#m2mCtx()}), which the
 * driver's open sets after {@link V4l2M2mCtx#ctxInit}.
 *
 * <p>Context: the ioctl helpers run under the lock the V4L2 core took for the ioctl (the context's
 * {@code q_lock} when the node's lock is set to it); the poll helper takes {@code q_lock} itself.
 * A handle without a context is a driver bug: it warns and gets -EINVAL.
 */
@KernelSymbol("v4l2-mem2mem.c (ioctl helpers)")
public final class V4l2M2mIoctls {
  private V4l2M2mIoctls() {}

  private static @Nullable V4l2M2mCtx ctxOf(File file) {
    Object ctx = null;
    V4l2Fh fh = file.privateData(V4l2Fh.class);
    if (fh != null) {
      ctx = fh.m2mCtx();
    }
    if (ctx instanceof V4l2M2mCtx c) {
      return c;
    }
    Warn.warn("v4l2-mem2mem helper on " + file + " without an m2m context");
    return null;
  }

  /**
   * {@code v4l2_m2m_ioctl_reqbufs}.
   *
   * @param file the file
   * @param fh the handle
   * @param p the request
   * @return as {@link V4l2M2mCtx#reqbufs}
   */
  @KernelSymbol("v4l2_m2m_ioctl_reqbufs")
  public static int reqbufs(File file, @Nullable V4l2Fh fh, V4l2Requestbuffers p) {
    V4l2M2mCtx c = ctxOf(file);
    return c == null ? -Errno.EINVAL : c.reqbufs(file.privateData(Object.class), p);
  }

  /**
   * {@code v4l2_m2m_ioctl_querybuf}.
   *
   * @param file the file
   * @param fh the handle
   * @param b the descriptor
   * @return as {@link V4l2M2mCtx#querybuf}
   */
  @KernelSymbol("v4l2_m2m_ioctl_querybuf")
  public static int querybuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
    V4l2M2mCtx c = ctxOf(file);
    return c == null ? -Errno.EINVAL : c.querybuf(b);
  }

  /**
   * {@code v4l2_m2m_ioctl_qbuf}.
   *
   * @param file the file
   * @param fh the handle
   * @param b the descriptor
   * @return as {@link V4l2M2mCtx#qbuf}
   */
  @KernelSymbol("v4l2_m2m_ioctl_qbuf")
  public static int qbuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
    V4l2M2mCtx c = ctxOf(file);
    return c == null ? -Errno.EINVAL : c.qbuf(b);
  }

  /**
   * {@code v4l2_m2m_ioctl_dqbuf}: non-blocking when the file is O_NONBLOCK.
   *
   * @param file the file
   * @param fh the handle
   * @param b the descriptor
   * @return as {@link V4l2M2mCtx#dqbuf}
   */
  @KernelSymbol("v4l2_m2m_ioctl_dqbuf")
  public static int dqbuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
    V4l2M2mCtx c = ctxOf(file);
    return c == null ? -Errno.EINVAL : c.dqbuf(b, file.nonBlocking());
  }

  /**
   * {@code v4l2_m2m_ioctl_streamon}.
   *
   * @param file the file
   * @param fh the handle
   * @param type the buffer type
   * @return as {@link V4l2M2mCtx#streamon}
   */
  @KernelSymbol("v4l2_m2m_ioctl_streamon")
  public static int streamon(File file, @Nullable V4l2Fh fh, V4l2Int type) {
    V4l2M2mCtx c = ctxOf(file);
    return c == null ? -Errno.EINVAL : c.streamon(type.value);
  }

  /**
   * {@code v4l2_m2m_ioctl_streamoff}.
   *
   * @param file the file
   * @param fh the handle
   * @param type the buffer type
   * @return as {@link V4l2M2mCtx#streamoff}
   */
  @KernelSymbol("v4l2_m2m_ioctl_streamoff")
  public static int streamoff(File file, @Nullable V4l2Fh fh, V4l2Int type) {
    V4l2M2mCtx c = ctxOf(file);
    return c == null ? -Errno.EINVAL : c.streamoff(type.value);
  }

  /**
   * {@code v4l2_m2m_ioctl_encoder_cmd} and {@code v4l2_m2m_ioctl_decoder_cmd} (the command only).
   *
   * @param file the file
   * @param fh the handle
   * @param cmd the command
   * @return as {@link V4l2M2mCtx#codecCmd}
   */
  @KernelSymbol({"v4l2_m2m_ioctl_encoder_cmd", "v4l2_m2m_ioctl_decoder_cmd"})
  public static int codecCmd(File file, @Nullable V4l2Fh fh, V4l2Int cmd) {
    V4l2M2mCtx c = ctxOf(file);
    return c == null ? -Errno.EINVAL : c.codecCmd(cmd.value);
  }

  /**
   * {@code v4l2_m2m_ioctl_stateless_decoder_cmd}.
   *
   * @param file the file
   * @param fh the handle
   * @param cmd the command
   * @return as {@link V4l2M2mCtx#statelessDecoderCmd}
   */
  @KernelSymbol("v4l2_m2m_ioctl_stateless_decoder_cmd")
  public static int statelessDecoderCmd(File file, @Nullable V4l2Fh fh, V4l2Int cmd) {
    V4l2M2mCtx c = ctxOf(file);
    return c == null ? -Errno.EINVAL : c.statelessDecoderCmd(cmd.value);
  }

  /**
   * {@code v4l2_m2m_fop_poll}: {@link V4l2M2mCtx#poll} under the context's {@code q_lock}.
   *
   * @param file the file
   * @param table the poll table
   * @return the mask, or EPOLLERR for a handle without a context
   */
  @KernelSymbol("v4l2_m2m_fop_poll")
  public static int fopPoll(File file, PollTable table) {
    V4l2M2mCtx c = ctxOf(file);
    if (c == null) {
      return FileOperations.POLLERR;
    }
    Mutex l = c.qLock();
    if (l != null) {
      l.lock();
    }
    try {
      return c.poll(file, table);
    } finally {
      if (l != null) {
        l.unlock();
      }
    }
  }
}
