package dev.medialife.kernel.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every public method and constructor of this package's public types names the kernel symbol it
 * ports or says why it has none, as the architecture rule requires; checked here too so that a
 * missing annotation fails where it is written.
 */
class KernelSymbolsTest {
  private static final Set<String> EXEMPT = Set.of("toString", "equals", "hashCode");

  @Test
  void everyPublicMemberIsAnnotated() {
    List<String> missing = new ArrayList<>();
    for (Class<?> type : List.of(KernelClock.class, Timer.class, ManualClock.class)) {
      boolean typeJavaOnly = type.isAnnotationPresent(JavaOnly.class);
      List<Executable> members = new ArrayList<>(List.of(type.getDeclaredConstructors()));
      members.addAll(List.of(type.getDeclaredMethods()));
      for (Executable m : members) {
        if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic() || typeJavaOnly) {
          continue;
        }
        if (m instanceof Method method && (method.isBridge() || EXEMPT.contains(m.getName()))) {
          continue;
        }
        if (!m.isAnnotationPresent(KernelSymbol.class) && !m.isAnnotationPresent(JavaOnly.class)) {
          missing.add(type.getSimpleName() + "." + m.getName());
        }
      }
      if (!typeJavaOnly && !type.isAnnotationPresent(KernelSymbol.class)) {
        missing.add(type.getSimpleName());
      }
    }
    assertEquals(List.of(), missing);
  }
}
