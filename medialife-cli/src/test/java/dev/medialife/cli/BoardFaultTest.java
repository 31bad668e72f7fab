package dev.medialife.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medialife.kernel.fault.FaultSweep;
import dev.medialife.kernel.testing.Sanitized;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Booting under memory pressure: every allocation the boot makes is failed once in turn. A
 * failure either surfaces as a {@link Board.BootException} with the boot undone, or is absorbed
 * by a driver whose probe fails (the board then runs with that device unbound); in every case the
 * teardown leaves no leak and no sanitizer report.
 */
@Sanitized
class BoardFaultTest {
  @ParameterizedTest
  @EnumSource(value = Board.Kind.class, names = {"DEFAULT", "USBTV"})
  void everyAllocationFailureUnwindsCleanly(Board.Kind kind) {
    List<@Nullable Board> booted = new ArrayList<>();
    int[] bootErrors = {0};
    FaultSweep.Result r = FaultSweep.run("boot " + kind.cliName(), () -> {
      try {
        Board b = Board.boot(kind);
        booted.add(b);
        return b.mediaDevices().size();
      } catch (Board.BootException e) {
        bootErrors[0]++;
        assertTrue(e.errno() < 0);
        assertTrue(String.valueOf(e.getMessage()).contains(" failed: -E"), e::getMessage);
        return e.errno();
      }
    }, ret -> {
      Board b = booted.remove(booted.size() - 1);
      if (b != null) {
        b.close();
      }
    });
    int expected = (kind.soc() == null ? 0 : 2) + 1;
    assertEquals(expected, r.baseline().result());
    assertTrue(r.baseline().reports().isEmpty(), r.baseline().reports().toString());
    assertTrue(r.steps().size() > 5, "the boot allocates: " + r.points());
    for (FaultSweep.Step s : r.steps()) {
      assertTrue(s.reports().isEmpty(), s + ": " + s.reports());
      assertTrue(s.result() <= expected, s.toString());
    }
    assertTrue(booted.isEmpty());
  }
}
