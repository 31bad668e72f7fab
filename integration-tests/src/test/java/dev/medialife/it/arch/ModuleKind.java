package dev.medialife.it.arch;

/** What a reactor module is for; the architecture rules treat each kind differently. */
public enum ModuleKind {
  /** kernel-lib and the media frameworks: never depend on drivers or simulated hardware. */
  FRAMEWORK,
  /** A driver module: driver packages ({@code drivers.*}) and the hardware they drive ({@code hw.*}). */
  DRIVER,
  /** Userspace-side tools (CLI, benchmarks): may depend on anything and print to the console. */
  TOOL,
  /** A test-only module: no main code at all. */
  TESTS
}
