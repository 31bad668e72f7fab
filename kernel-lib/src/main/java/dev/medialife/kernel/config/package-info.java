/**
 * Build-time configuration of the model, in the spirit of Kconfig: the {@link
 * dev.medialife.kernel.config.PatchSwitch patch switches} that turn each modelled fix off to
 * reproduce the bug it fixes.
 */
@NullMarked
package dev.medialife.kernel.config;

import org.jspecify.annotations.NullMarked;
