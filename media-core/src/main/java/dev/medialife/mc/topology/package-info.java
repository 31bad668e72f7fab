/**
 * Topology output for a media device: the text of {@code media-ctl -p}, the Graphviz graph of
 * {@code media-ctl --print-dot} (v4l-utils), and a JSON document that mirrors {@code
 * MEDIA_IOC_G_TOPOLOGY}. The entry point is {@link dev.medialife.mc.topology.Topology}.
 *
 * <p>Every renderer reads the graph under the media device's graph mutex, so the output is one
 * consistent view. Entities are listed by id as {@code MEDIA_IOC_ENUM_ENTITIES} returns them; the
 * legacy entity type and subtype follow the kernel's conversion for {@code ENUM_ENTITIES}.
 *
 * <p>This package depends on {@code dev.medialife.mc}; the reverse is not allowed.
 */
@NullMarked
package dev.medialife.mc.topology;

import org.jspecify.annotations.NullMarked;
