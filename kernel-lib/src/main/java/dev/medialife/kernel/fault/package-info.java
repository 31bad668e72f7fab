/**
 * Fault injection: named points that modelled code consults where the kernel can fail (allocation,
 * minor numbers, IRQ requests, registration), armed by name, by the nth hit, by the nth hit of any
 * point ({@code fail-nth}) or with a seeded probability; and {@link
 * dev.medialife.kernel.fault.FaultSweep}, which fails every point a path reaches, once each, and
 * checks that each failure unwinds to a clean errno with no leak; and {@link
 * dev.medialife.kernel.fault.RaceWindow}, named windows between a check and its use where a test
 * makes a rare interleaving happen every time.
 */
@NullMarked
package dev.medialife.kernel.fault;

import org.jspecify.annotations.NullMarked;
