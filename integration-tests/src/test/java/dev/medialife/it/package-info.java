/**
 * integration-tests: tests over the whole reactor, the counterpart of the kernel's
 * tools/testing/selftests/media_tests. This module has no main code.
 *
 * <ul>
 *   <li>{@code arch}: the architecture rules of design.md §1 over the production classes of every
 *       reactor module, the proof that each rule can fail, and the guard that the rules see every
 *       module;
 *   <li>{@code fixture}: small classes that exist only to be fed to those rules.
 * </ul>
 */
@NullMarked
package dev.medialife.it;

import org.jspecify.annotations.NullMarked;
