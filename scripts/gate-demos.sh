#!/usr/bin/env bash
#
# gate-demos.sh: show that every build gate of medialife fails the build when it is violated.
#
# Usage, from anywhere inside the repository:
#
#   scripts/gate-demos.sh                 # baseline, then every gate
#   scripts/gate-demos.sh nullaway jacoco # only these gates (the baseline still runs first)
#   scripts/gate-demos.sh --no-baseline   # skip the control build
#   scripts/gate-demos.sh --list          # list the gates
#
# Options: --keep keeps the scratch copies and logs; --online drops Maven's -o (use it once if
# the local repository lacks a plugin or dependency).
#
# How it works. The working tree (tracked files plus untracked files that are not ignored, so
# never target/) is copied once into a scratch directory. The baseline builds that copy unchanged
# with the broadest command used below (`-pl integration-tests -am verify`) and must SUCCEED: a
# gate that "fails as expected" proves something only if the tree without the injected violation
# passes. Then, for each gate, a fresh copy gets one violation injected and the narrowest Maven
# command that runs the gate must FAIL with the gate's own message; where possible the message
# names the injected class, so it cannot have come from an unrelated failure.
#
# One line per gate: PASS (the build failed as expected) or FAIL (it passed, or failed for another
# reason; the tail of the log follows). The exit status is non-zero if any line is FAIL.
#
# Nothing in the working tree is modified; the scratch directory is removed at exit.

set -euo pipefail

ROOT=$(git rev-parse --show-toplevel)
cd "$ROOT"

KEEP=0
BASELINE=1
OFFLINE=(-o)
SELECTED=()
ALL_GATES=(errorprone werror nullaway archunit-console archunit-driver kernelsymbol jacoco enforcer)

for arg in "$@"; do
  case $arg in
    --keep) KEEP=1 ;;
    --no-baseline) BASELINE=0 ;;
    --online) OFFLINE=() ;;
    --list) printf '%s\n' "${ALL_GATES[@]}"; exit 0 ;;
    -h | --help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $arg" >&2; exit 2 ;;
    *) SELECTED+=("$arg") ;;
  esac
done
if [[ ${#SELECTED[@]} -eq 0 ]]; then
  SELECTED=("${ALL_GATES[@]}")
fi
for g in "${SELECTED[@]}"; do
  [[ " ${ALL_GATES[*]} " == *" $g "* ]] || { echo "unknown gate '$g' (try --list)" >&2; exit 2; }
done

MVN=(./mvnw -B -ntp "${OFFLINE[@]}")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/medialife-gates.XXXXXX")
cleanup() {
  if [[ $KEEP -eq 1 ]]; then echo "scratch copies and logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# Kernel-lib sources where the violations go; the kernel package is @NullMarked.
KPKG=kernel-lib/src/main/java/dev/medialife/kernel
# Maven arguments that run only the architecture tests (kernel-lib's own tests are filtered out)
# and skip coverage, so that an ArchUnit gate cannot fail for a JaCoCo reason.
ARCH_ARGS=(-pl integration-tests -am verify -Dtest=ArchitectureTest
  -Dsurefire.failIfNoSpecifiedTests=false -Djacoco.skip=true)

# snapshot DIR: copy the working tree into DIR (never target/ or other ignored files).
snapshot() {
  mkdir -p "$1"
  git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done \
    | tar --null -T - -cf - | tar -xf - -C "$1"
}

# ---------------------------------------------------------------------------------------------
# The gates. Each inject_<gate> DIR writes one violation into DIR and sets:
#   DESCRIPTION  what is demonstrated
#   ARGS         the Maven arguments of the narrowest build that runs the gate
#   EXPECT       fixed strings that must all appear in the build log
# ---------------------------------------------------------------------------------------------

inject_errorprone() {
  cat >"$1/$KPKG/GateDemoDeadException.java" <<'EOF'
package dev.medialife.kernel;

final class GateDemoDeadException {
  private GateDemoDeadException() {}

  static void check(int value) {
    if (value < 0) {
      new IllegalStateException("negative"); // created, never thrown
    }
  }
}
EOF
  DESCRIPTION="Error Prone error: an exception created but not thrown"
  ARGS=(-pl kernel-lib compile)
  EXPECT=("GateDemoDeadException.java" "[DeadException] Exception created but not thrown")
}

inject_werror() {
  cat >"$1/$KPKG/GateDemoDefaultTimeZone.java" <<'EOF'
package dev.medialife.kernel;

import java.time.LocalTime;

final class GateDemoDefaultTimeZone {
  private GateDemoDefaultTimeZone() {}

  static LocalTime now() {
    return LocalTime.now(); // Error Prone WARNING: depends on the default time zone
  }
}
EOF
  DESCRIPTION="-Werror: an Error Prone warning (JavaTimeDefaultTimeZone) fails the build"
  ARGS=(-pl kernel-lib compile)
  EXPECT=("GateDemoDefaultTimeZone.java" "[JavaTimeDefaultTimeZone]"
    "warnings found and -Werror specified")
}

inject_nullaway() {
  cat >"$1/$KPKG/GateDemoNullReturn.java" <<'EOF'
package dev.medialife.kernel;

final class GateDemoNullReturn {
  private GateDemoNullReturn() {}

  static String pick(boolean known) {
    return known ? "x" : null; // @NullMarked package: the return type is non-null
  }
}
EOF
  DESCRIPTION="NullAway: null returned from a non-@Nullable method"
  ARGS=(-pl kernel-lib compile)
  EXPECT=("GateDemoNullReturn.java"
    "[NullAway] returning @Nullable expression from method with @NonNull return type")
}

inject_archunit-console() {
  cat >"$1/$KPKG/GateDemoConsole.java" <<'EOF'
package dev.medialife.kernel;

import dev.medialife.kernel.meta.JavaOnly;

/** Gate demo: console output in kernel-lib main code. */
@JavaOnly("gate demo")
public final class GateDemoConsole {
  private GateDemoConsole() {}

  /** Prints to the console, which only the CLI and the benchmarks may do. */
  public static void hello() {
    System.out.println("hello from kernel-lib");
  }
}
EOF
  DESCRIPTION="ArchUnit: System.out in kernel-lib main code"
  ARGS=("${ARCH_ARGS[@]}")
  EXPECT=("Architecture Violation" "only the CLI and the benchmarks talk to the console"
    "dev.medialife.kernel.GateDemoConsole.hello()")
}

inject_archunit-driver() {
  mkdir -p "$1/kernel-lib/src/main/java/dev/medialife/drivers/hantro"
  cat >"$1/kernel-lib/src/main/java/dev/medialife/drivers/hantro/GateDemoCodec.java" <<'EOF'
package dev.medialife.drivers.hantro;

/** Gate demo: a class in a driver package. */
public final class GateDemoCodec {
  private GateDemoCodec() {}

  /**
   * Decodes nothing.
   *
   * @return 0
   */
  public static int decode() {
    return 0;
  }
}
EOF
  cat >"$1/$KPKG/GateDemoUsesDriver.java" <<'EOF'
package dev.medialife.kernel;

import dev.medialife.drivers.hantro.GateDemoCodec;
import dev.medialife.kernel.meta.JavaOnly;

/** Gate demo: kernel code that calls into a driver. */
@JavaOnly("gate demo")
public final class GateDemoUsesDriver {
  private GateDemoUsesDriver() {}

  /**
   * Calls the driver, which a framework must never do.
   *
   * @return the driver's result
   */
  public static int run() {
    return GateDemoCodec.decode();
  }
}
EOF
  DESCRIPTION="ArchUnit: a kernel package depends on a driver package"
  ARGS=("${ARCH_ARGS[@]}")
  EXPECT=("Architecture Violation" "no framework module depends on a driver module"
    "dev.medialife.kernel.GateDemoUsesDriver")
}

inject_kernelsymbol() {
  cat >"$1/$KPKG/GateDemoSymbol.java" <<'EOF'
package dev.medialife.kernel;

import dev.medialife.kernel.meta.KernelSymbol;

/** Gate demo: a framework type with one unannotated public method. */
@KernelSymbol("gate_demo")
public final class GateDemoSymbol {
  private GateDemoSymbol() {}

  /**
   * Neither @KernelSymbol nor @JavaOnly.
   *
   * @return 1
   */
  public static int unannotated() {
    return 1;
  }
}
EOF
  DESCRIPTION="ArchUnit: a public framework method without @KernelSymbol/@JavaOnly"
  ARGS=("${ARCH_ARGS[@]}")
  EXPECT=("Architecture Violation"
    "dev.medialife.kernel.GateDemoSymbol.unannotated() is public API of framework type")
}

inject_jacoco() {
  # An untested class with more methods than kernel-lib has non-blank source lines: three
  # executable lines and two branches each, so line coverage falls far below the 90 % minimum
  # however well the rest of kernel-lib is tested.
  local lines methods i
  lines=$(find "$1/kernel-lib/src/main/java" -name '*.java' -exec cat {} + | grep -cv '^[[:space:]]*$')
  methods=$((lines > 500 ? lines : 500))
  {
    echo 'package dev.medialife.kernel;'
    echo
    echo 'final class GateDemoUncovered {'
    echo '  private GateDemoUncovered() {}'
    for ((i = 0; i < methods; i++)); do
      printf '\n  static int m%d(int x) {\n    if (x > %d) {\n      return x - %d;\n    }\n    return x + %d;\n  }\n' \
        "$i" "$i" "$i" "$i"
    done
    echo '}'
  } >"$1/$KPKG/GateDemoUncovered.java"
  # One test, so that an execution-data file exists even before kernel-lib has tests of its own
  # (without one, jacoco:check skips the module instead of failing it).
  mkdir -p "$1/kernel-lib/src/test/java/dev/medialife/kernel"
  cat >"$1/kernel-lib/src/test/java/dev/medialife/kernel/GateDemoCoverageTest.java" <<'EOF'
package dev.medialife.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GateDemoCoverageTest {
  @Test
  void errnoName() {
    assertEquals("ENODEV", Errno.name(-Errno.ENODEV));
  }
}
EOF
  DESCRIPTION="JaCoCo: kernel-lib coverage below the minimum ($methods untested methods added)"
  ARGS=(-pl kernel-lib verify)
  EXPECT=("Rule violated for bundle kernel-lib: lines covered ratio is"
    "but expected minimum is" "Coverage checks have not been met")
}

inject_enforcer() {
  # A build plugin without a version. maven-antrun-plugin's default version comes from Maven's
  # super POM, so nothing has to be resolved and the failure is deterministic, offline included.
  local plugin='<plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-antrun-plugin</artifactId></plugin>'
  PLUGIN=$plugin perl -0pi -e '
    my $p = $ENV{PLUGIN};
    if (m{<build>\s*<plugins>}) { s{(<build>\s*<plugins>)}{$1$p} }
    elsif (m{<build>}) { s{<build>}{<build><plugins>$p</plugins>} }
    else { s{</project>}{<build><plugins>$p</plugins></build></project>} }
  ' "$1/kernel-lib/pom.xml"
  DESCRIPTION="Enforcer: a build plugin without a version (requirePluginVersions)"
  ARGS=(-pl kernel-lib validate)
  EXPECT=("RequirePluginVersions failed" "org.apache.maven.plugins:maven-antrun-plugin")
}

# ---------------------------------------------------------------------------------------------

FAILED=0
report() { # STATUS NAME SECONDS TEXT
  printf '%-4s  %-17s %4ss  %s\n' "$1" "$2" "$3" "$4"
}
show_log() { # the lines of a Maven log that say why it failed
  echo "      --- from $1 ---"
  { grep -A3 -E 'was violated|Rule violated|\.java:\[[0-9]+|Failed to execute goal|Tests run:.*FAIL' "$1" \
      || tail -n 25 "$1"; } | cut -c1-300 | head -n 30 | sed 's/^/      /' || true
}

# run NAME DIR: runs "${ARGS[@]}" in DIR, logging to $WORK/NAME.log; returns Maven's status.
run() {
  (cd "$2" && "${MVN[@]}" "${ARGS[@]}") >"$WORK/$1.log" 2>&1
}

START=$SECONDS
snapshot "$WORK/pristine"
echo "gate demos on a copy of $ROOT ($(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ', with uncommitted changes')), Maven ${MVN[*]:1}"

if [[ $BASELINE -eq 1 ]]; then
  cp -a "$WORK/pristine" "$WORK/baseline"
  ARGS=(-pl integration-tests -am verify)
  t0=$SECONDS
  if run baseline "$WORK/baseline"; then
    report PASS baseline $((SECONDS - t0)) "the unmodified tree builds: ${ARGS[*]}"
  else
    report FAIL baseline $((SECONDS - t0)) \
      "the unmodified tree does not build, so a gate may fail for the wrong reason"
    show_log "$WORK/baseline.log"
    FAILED=1
  fi
fi

for gate in "${SELECTED[@]}"; do
  dir="$WORK/$gate"
  cp -a "$WORK/pristine" "$dir"
  DESCRIPTION="" ARGS=() EXPECT=()
  "inject_$gate" "$dir"
  t0=$SECONDS
  if run "$gate" "$dir"; then
    report FAIL "$gate" $((SECONDS - t0)) "$DESCRIPTION: the build PASSED"
    FAILED=1
    continue
  fi
  missing=()
  for e in "BUILD FAILURE" "${EXPECT[@]}"; do
    grep -qF -- "$e" "$WORK/$gate.log" || missing+=("$e")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    report PASS "$gate" $((SECONDS - t0)) "$DESCRIPTION: failed with \"${EXPECT[-1]}\""
  else
    report FAIL "$gate" $((SECONDS - t0)) \
      "$DESCRIPTION: failed, but the log lacks: $(printf '"%s" ' "${missing[@]}")"
    show_log "$WORK/$gate.log"
    FAILED=1
  fi
done

echo "total $((SECONDS - START))s; $([[ $FAILED -eq 0 ]] && echo 'every gate failed the build as expected' || echo 'SOME GATES DID NOT FAIL AS EXPECTED')"
exit "$FAILED"
