/**
 * driver-core: the model of the kernel's driver model (drivers/base), character devices
 * (fs/char_dev.c), module references and the system-call entry — the ground the media frameworks
 * and the sample drivers stand on, and the userspace façade every test and scenario talks through.
 *
 * <h2>Devices, drivers and buses</h2>
 *
 * A {@link dev.medialife.driver.Kernel} holds buses, {@code /dev} and the character device
 * numbers. A {@link dev.medialife.driver.Device} is embedded in a driver- or framework-owned
 * structure and shares its allocation; it is refcounted ({@code get}/{@code put}) and its release
 * callback frees the container at the last put. {@link dev.medialife.driver.BusType} matches
 * devices with {@link dev.medialife.driver.DeviceDriver}s and probes them; {@link
 * dev.medialife.driver.Devres} resources are released in reverse order after {@code remove} and
 * when a probe fails. Manual binding works as the sysfs files do:
 *
 * <pre>{@code
 * BusType platform = kernel.bus("platform");
 * platform.unbind("hantro-vpu", "38310000.video-codec");   // echo ... > .../unbind
 * platform.bind("hantro-vpu", "38310000.video-codec");     // echo ... > .../bind
 * }</pre>
 *
 * A {@link dev.medialife.driver.Module} owns drivers and character devices: open files pin it and
 * {@code unload()} is refused with {@code -EBUSY} while they do; a successful unload unregisters
 * (and so unbinds) its drivers.
 *
 * <h2>Character devices and the syscall façade</h2>
 *
 * A framework allocates numbers ({@code Kernel.allocChrdevRegion}), embeds a {@link
 * dev.medialife.driver.Cdev} with its {@link dev.medialife.driver.FileOperations}, and adds it
 * together with its device ({@code Cdev.deviceAdd}), which creates {@code /dev/NAME}. Userspace is
 * a {@link dev.medialife.driver.Task}:
 *
 * <pre>{@code
 * Task app = new Task(kernel, "v4l2-ctl");
 * int fd = app.open("/dev/video0", File.O_RDWR);           // fd >= 3, or -ENOENT/-ENXIO/...
 * int ret = app.ioctl(fd, VIDIOC_QUERYCAP, cap);           // cap updated only if ret == 0
 * int revents = app.poll(fd, FileOperations.POLLIN, -1);   // -EINTR after app.kill()
 * app.close(fd);                                           // release always runs
 * }</pre>
 *
 * Every call returns a non-negative value or a negative errno and checks, on its way back, that
 * no lock is held.
 *
 * <h2>Unplug</h2>
 *
 * A device node's file operations wrap each call in an {@link dev.medialife.driver.UnplugGate}
 * ({@code if (!gate.enter()) return -ENODEV; try { ... } finally { gate.exit(); }}); the
 * unregister path calls {@code gate.unplug(wakeSleepers)}, which makes new calls fail, wakes the
 * sleepers and returns once the calls in flight have left — the memo's "mark unregistered, count,
 * wake, drain" rule, reusable by media and video device nodes alike.
 *
 * <h2>Sub-packages</h2>
 *
 * {@code dev.medialife.driver.of} (platform bus from a device-tree description), {@code
 * dev.medialife.driver.usb} (USB core: host ports, plug and unplug, interface drivers), {@code
 * dev.medialife.driver.irq} (interrupt controller, {@code request_irq}/{@code free_irq}) and {@code
 * dev.medialife.driver.io} (register regions, {@code ioremap}). They build on this package; it
 * does not know them.
 */
@NullMarked
package dev.medialife.driver;

import org.jspecify.annotations.NullMarked;
