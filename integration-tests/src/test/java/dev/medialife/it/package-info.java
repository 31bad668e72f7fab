/**
 * integration-tests: tests over the whole reactor, the counterpart of the kernel's
 * tools/testing/selftests/media_tests. This module has no main code.
 *
 * <ul>
 *   <li>{@code arch}: the architecture rules of design.md §1 over the production classes of every
 *       reactor module, the proof that each rule can fail, and the guard that the rules see every
 *       module;
 *   <li>{@code fixture}: small classes that exist only to be fed to those rules;
 *   <li>{@code selftests}: the kernel's media selftests re-expressed on booted boards;
 *   <li>{@code isolation}: what one user does never reaches another's objects;
 *   <li>{@code faults}: fault injection over the drivers' probe, remove, open and streaming paths;
 *   <li>{@code fuzz}: Jazzer targets for every ioctl surface and for random syscall programs.
 * </ul>
 *
 * <p>{@link dev.medialife.it.Decoding} is the decoder client's setup the packages share.
 */
@NullMarked
package dev.medialife.it;

import org.jspecify.annotations.NullMarked;
