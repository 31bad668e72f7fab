package dev.medialife.driver;

import dev.medialife.kernel.meta.KernelSymbol;

/**
 * An ioctl argument: a small mutable class mirroring a uapi struct. The syscall layer copies it in
 * before the handler runs and copies the handler's version back only when the handler returns 0,
 * as {@code video_usercopy} and friends do; a handler never touches the caller's object.
 *
 * @param <T> the implementing type
 */
@KernelSymbol({"copy_from_user", "copy_to_user"})
public interface IoctlArg<T extends IoctlArg<T>> {
  /**
   * A deep copy of this argument ({@code copy_from_user}).
   *
   * @return the copy
   */
  @KernelSymbol("copy_from_user")
  T copy();

  /**
   * Overwrites this argument with {@code other} ({@code copy_to_user}).
   *
   * @param other the handler's version
   */
  @KernelSymbol("copy_to_user")
  void copyFrom(T other);
}
