/**
 * The architecture of design.md §1 as ArchUnit rules, with the proof that they can fail.
 *
 * <ul>
 *   <li>{@link dev.medialife.it.arch.Modules}: the module table (package roots, allowed edges);
 *   <li>{@link dev.medialife.it.arch.MedialifeRules}: the rules, as factories over a root package;
 *   <li>{@link dev.medialife.it.arch.ArchitectureTest}: the rules over the real production classes,
 *       and the guard that the import covers every reactor module;
 *   <li>{@code ArchRulesCanFailTest}: the same rules over the fixtures of {@code
 *       dev.medialife.it.fixture}, each shown to fail when it should and only then.
 * </ul>
 */
@NullMarked
package dev.medialife.it.arch;

import org.jspecify.annotations.NullMarked;
