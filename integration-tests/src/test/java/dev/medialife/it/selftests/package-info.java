/**
 * The kernel's media selftests (tools/testing/selftests/media_tests, reference §8) re-expressed
 * against whole simulated machines booted by {@link dev.medialife.cli.Board}: userspace is a set of
 * {@link dev.medialife.driver.Task}s calling open, ioctl and close; the operator's shell is a
 * control thread writing the buses' sysfs {@code bind}/{@code unbind} files or pulling the USB
 * stick out. Where the selftest programs sleep ten seconds, these tests hand over with latches,
 * and every loop is bounded. Each test runs in a sanitizer scope ({@code @Sanitized}): the kernel
 * selftests pass when dmesg stays clean, and so do these, with a KASAN, lockdep, refcount or
 * kmemleak report failing the test.
 *
 * <ul>
 *   <li>{@code MediaDeviceTest} (media_device_test.c): a kept /dev/mediaX descriptor; DEVICE_INFO
 *       succeeds until the removal, gives EIO from then on, also after the rebind; the devnode and
 *       its minor live until the descriptor closes.
 *   <li>{@code VideoDeviceTest} (video_device_test.c): a kept au0828 /dev/videoX descriptor;
 *       QUERYCAP and G_TUNER succeed, then give ENODEV once the node is unregistered; G_TUNER is
 *       EBUSY while DVB holds the tuner, shared (0) while PCM capture holds it, and ENOTTY on the
 *       Hantro decoder, which has no tuner.
 *   <li>{@code MediaDeviceOpenTest} (media_device_open.c with open_loop_test.sh): open,
 *       DEVICE_INFO, close in tight loops on several /dev/mediaN while the target is removed and
 *       restored; open gives a descriptor, ENXIO or ENOENT, DEVICE_INFO 0 or EIO, nothing else.
 *   <li>{@code MediaDevAllocatorTest} (media_dev_allocator.sh au0828 snd-usb-audio): the script's
 *       unbind/bind sequence; the shared media device exists exactly while one of the two drivers
 *       holds it, with the allocator's instance and reference count checked at every step.
 *   <li>{@code RegressionTest} (regression_test.txt): the whole procedure at once, a bind/unbind
 *       loop (and unplug/replug for the stick) against a kept descriptor and six open loops.
 * </ul>
 *
 * <p>The Hantro targets run without the media lifetime rules, as mainline, because the Hantro
 * driver keeps its media device in device-managed memory; their media ioctls are kept out of the
 * unbind itself, since mainline's window between the REGISTERED check and the use of the media
 * device is a real race (pinned on its own in {@code MediaDeviceOpenTest}). See {@code Rig};
 * {@code KeptFdLoop} is the kept-descriptor loop media_device_test and video_device_test share.
 */
@NullMarked
package dev.medialife.it.selftests;

import org.jspecify.annotations.NullMarked;
