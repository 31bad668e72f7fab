package dev.medialife.m2m;

import dev.medialife.driver.File;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.v4l2.V4l2Fh;
import dev.medialife.v4l2.V4l2IoctlOps;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import org.jspecify.annotations.Nullable;

/**
 * The ioctl table of an m2m node whose buffer ioctls are the framework's: a C driver fills {@code
 * .vidioc_reqbufs = v4l2_m2m_ioctl_reqbufs} and so on; a Java driver implements this interface and
 * adds only its own entries (formats, capabilities, codec commands). Each default routes to the
 * file handle's context through {@link V4l2M2mIoctls}.
 */
public interface V4l2M2mIoctlOps extends V4l2IoctlOps {

  @Override
  @KernelSymbol("v4l2_m2m_ioctl_reqbufs")
  default int reqbufs(File file, @Nullable V4l2Fh fh, V4l2Requestbuffers p) {
    return V4l2M2mIoctls.reqbufs(file, fh, p);
  }

  @Override
  @KernelSymbol("v4l2_m2m_ioctl_querybuf")
  default int querybuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
    return V4l2M2mIoctls.querybuf(file, fh, b);
  }

  @Override
  @KernelSymbol("v4l2_m2m_ioctl_qbuf")
  default int qbuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
    return V4l2M2mIoctls.qbuf(file, fh, b);
  }

  @Override
  @KernelSymbol("v4l2_m2m_ioctl_dqbuf")
  default int dqbuf(File file, @Nullable V4l2Fh fh, V4l2Buffer b) {
    return V4l2M2mIoctls.dqbuf(file, fh, b);
  }

  @Override
  @KernelSymbol("v4l2_m2m_ioctl_streamon")
  default int streamon(File file, @Nullable V4l2Fh fh, V4l2Int type) {
    return V4l2M2mIoctls.streamon(file, fh, type);
  }

  @Override
  @KernelSymbol("v4l2_m2m_ioctl_streamoff")
  default int streamoff(File file, @Nullable V4l2Fh fh, V4l2Int type) {
    return V4l2M2mIoctls.streamoff(file, fh, type);
  }
}
