package dev.medialife.it.arch;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code @KernelSymbol} rule for one class: if it is a public type (a nested type counts when
 * it and every enclosing type are public), each of its public methods and public constructors
 * carries {@link KernelSymbol} or {@link JavaOnly}, or is covered by {@code @JavaOnly} on its type
 * or an enclosing type.
 *
 * <p>Exempt, and only these:
 *
 * <ul>
 *   <li>members the compiler generates: synthetic and bridge methods; an enum's {@code values()}
 *       and {@code valueOf(String)};
 *   <li>for a record that is itself annotated ({@code @KernelSymbol} or {@code @JavaOnly}): its
 *       component accessors and its canonical constructor. The class file cannot tell a generated
 *       accessor or canonical constructor from a hand-written one, so both are exempt; an unmarked
 *       record must annotate its components (the annotation propagates to the accessor);
 *   <li>{@code toString()}, {@code equals(Object)} and {@code hashCode()}, which override {@link
 *       Object}'s and port nothing.
 * </ul>
 *
 * <p>Not exempt: the public no-argument constructor javac adds to a public class that declares
 * none (it is public API; declare it and annotate it, or make it private), and annotation type
 * elements (an annotation type is a public type; mark it {@code @JavaOnly}).
 */
final class KernelSymbolCondition extends ArchCondition<JavaClass> {

  KernelSymbolCondition() {
    super(
        "annotate every public method and constructor of a public type with @KernelSymbol or"
            + " @JavaOnly");
  }

  @Override
  public void check(JavaClass type, ConditionEvents events) {
    if (!isEffectivelyPublic(type) || javaOnlyOnTypeOrEnclosing(type)) {
      return;
    }
    RecordShape record = RecordShape.of(type);
    List<JavaCodeUnit> members = new ArrayList<>(type.getMethods());
    members.addAll(type.getConstructors());
    for (JavaCodeUnit member : members) {
      if (!member.getModifiers().contains(JavaModifier.PUBLIC)
          || member.isAnnotatedWith(KernelSymbol.class)
          || member.isAnnotatedWith(JavaOnly.class)
          || isExempt(type, record, member)) {
        continue;
      }
      events.add(
          SimpleConditionEvent.violated(
              member,
              member.getFullName()
                  + " is public API of framework type "
                  + type.getName()
                  + " but carries neither @KernelSymbol nor @JavaOnly (on itself, its type or an"
                  + " enclosing type) in "
                  + member.getSourceCodeLocation()));
    }
  }

  private static boolean isEffectivelyPublic(JavaClass type) {
    for (Optional<JavaClass> t = Optional.of(type); t.isPresent(); t = t.get().getEnclosingClass()) {
      if (!t.get().getModifiers().contains(JavaModifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  private static boolean javaOnlyOnTypeOrEnclosing(JavaClass type) {
    for (Optional<JavaClass> t = Optional.of(type); t.isPresent(); t = t.get().getEnclosingClass()) {
      if (t.get().isAnnotatedWith(JavaOnly.class)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isExempt(JavaClass type, RecordShape record, JavaCodeUnit member) {
    Set<JavaModifier> modifiers = member.getModifiers();
    if (modifiers.contains(JavaModifier.SYNTHETIC) || modifiers.contains(JavaModifier.BRIDGE)) {
      return true;
    }
    List<String> params = member.getRawParameterTypes().stream().map(JavaClass::getName).toList();
    if (member instanceof JavaMethod) {
      String name = member.getName();
      boolean isStatic = modifiers.contains(JavaModifier.STATIC);
      if (!isStatic && isObjectMethodOverride(name, params)) {
        return true;
      }
      if (type.isEnum()
          && isStatic
          && ((name.equals("values") && params.isEmpty())
              || (name.equals("valueOf") && params.equals(List.of(String.class.getName()))))) {
        return true;
      }
      return record.marked() && params.isEmpty() && record.componentNames().contains(name);
    }
    return member instanceof JavaConstructor
        && record.marked()
        && params.equals(record.componentTypes());
  }

  private static boolean isObjectMethodOverride(String name, List<String> params) {
    return (name.equals("toString") && params.isEmpty())
        || (name.equals("hashCode") && params.isEmpty())
        || (name.equals("equals") && params.equals(List.of(Object.class.getName())));
  }

  /**
   * What the exemption for records needs to know of a type.
   *
   * @param marked true if the type is a record annotated @KernelSymbol or @JavaOnly itself
   * @param componentNames its record component names
   * @param componentTypes the raw types of its components, in order (the canonical signature)
   */
  private record RecordShape(boolean marked, List<String> componentNames,
      List<String> componentTypes) {
    private static final RecordShape NONE = new RecordShape(false, List.of(), List.of());

    /** Reads the components through reflection: the class file importer does not model them. */
    static RecordShape of(JavaClass type) {
      if (!type.isRecord()
          || !(type.isAnnotatedWith(KernelSymbol.class) || type.isAnnotatedWith(JavaOnly.class))) {
        return NONE;
      }
      RecordComponent[] components = type.reflect().getRecordComponents();
      List<String> names = new ArrayList<>();
      List<String> types = new ArrayList<>();
      for (RecordComponent c : components) {
        names.add(c.getName());
        types.add(c.getType().getName());
      }
      return new RecordShape(true, names, types);
    }
  }
}
