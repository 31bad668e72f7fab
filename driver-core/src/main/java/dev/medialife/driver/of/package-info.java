/**
 * The platform bus as a device tree populates it (drivers/of and drivers/base/platform.c).
 *
 * <p>An {@link dev.medialife.driver.of.OfNode} tree ({@link dev.medialife.driver.of.DeviceTree})
 * describes the SoC; {@link dev.medialife.driver.of.PlatformBus#populate} creates one {@link
 * dev.medialife.driver.of.PlatformDevice} per node with a {@code compatible}, in tree order, and
 * {@link dev.medialife.driver.of.PlatformDriver}s bind to them through their {@link
 * dev.medialife.driver.of.OfDeviceId} tables, the earliest compatible string of the node winning.
 * {@link dev.medialife.driver.of.Of#findDeviceByNode} returns a sibling's platform device with a
 * reference that the caller must put, as Hantro-style drivers that share hardware between two
 * nodes need.
 */
@NullMarked
package dev.medialife.driver.of;

import org.jspecify.annotations.NullMarked;
