package dev.medialife.cli;

import dev.medialife.kernel.meta.KernelSymbol;
import io.github.classgraph.AnnotationInfo;
import io.github.classgraph.ClassGraph;
import io.github.classgraph.ClassInfo;
import io.github.classgraph.FieldInfo;
import io.github.classgraph.MethodInfo;
import io.github.classgraph.MethodParameterInfo;
import io.github.classgraph.ScanResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The kernel-symbol cross-reference, generated from the code: ClassGraph reads the bytecode of
 * every class under {@code dev.medialife} on the class path (without loading or initialising
 * them) and collects each {@link KernelSymbol} on a type, constructor, method or field.
 */
final class Symbols {
  /**
   * One kernel symbol ported by one Java member.
   *
   * @param module the Maven module that holds it
   * @param symbol the kernel symbol
   * @param member the Java type or member, e.g. {@code V4l2M2mDev.get()}
   */
  record Entry(String module, String symbol, String member) {}

  /** Package prefix → module, as design.md's module map lays the tree out (longest first). */
  private static final Map<String, String> MODULES = new LinkedHashMap<>();

  static {
    MODULES.put("dev.medialife.drivers.hantro", "drivers-imx-codec");
    MODULES.put("dev.medialife.hw.imx8m", "drivers-imx-codec");
    MODULES.put("dev.medialife.drivers.au0828", "drivers-usb-audio");
    MODULES.put("dev.medialife.drivers.usbaudio", "drivers-usb-audio");
    MODULES.put("dev.medialife.hw.usbtv", "drivers-usb-audio");
    MODULES.put("dev.medialife.allocator", "media-allocator");
    MODULES.put("dev.medialife.m2m", "v4l2-mem2mem");
    MODULES.put("dev.medialife.v4l2", "v4l2-core");
    MODULES.put("dev.medialife.mc", "media-core");
    MODULES.put("dev.medialife.driver", "driver-core");
    MODULES.put("dev.medialife.kernel", "kernel-lib");
    MODULES.put("dev.medialife.cli", "medialife-cli");
  }

  private Symbols() {}

  /** The module of a package, or "other". */
  static String module(String pkg) {
    for (Map.Entry<String, String> e : MODULES.entrySet()) {
      if (pkg.equals(e.getKey()) || pkg.startsWith(e.getKey() + ".")) {
        return e.getValue();
      }
    }
    return "other";
  }

  /**
   * Scans the class path.
   *
   * @return every entry, sorted by module, symbol and member
   */
  static List<Entry> scan() {
    String annotation = KernelSymbol.class.getName();
    List<Entry> out = new ArrayList<>();
    try (ScanResult scan = new ClassGraph().acceptPackages("dev.medialife").enableClassInfo()
        .enableMethodInfo().enableFieldInfo().enableAnnotationInfo().ignoreClassVisibility()
        .ignoreMethodVisibility()
        .ignoreFieldVisibility().scan()) {
      for (ClassInfo c : scan.getAllClasses()) {
        String module = module(c.getPackageName());
        String type = typeName(c);
        add(out, module, c.getAnnotationInfo(annotation), type);
        for (MethodInfo m : c.getDeclaredMethodAndConstructorInfo()) {
          String name = m.isConstructor() ? type : type + "." + m.getName();
          add(out, module, m.getAnnotationInfo(annotation), name + params(m));
        }
        for (FieldInfo f : c.getDeclaredFieldInfo()) {
          add(out, module, f.getAnnotationInfo(annotation), type + "." + f.getName());
        }
      }
    }
    out.sort(Comparator.comparing(Entry::module).thenComparing(Entry::symbol)
        .thenComparing(Entry::member));
    return out;
  }

  private static String typeName(ClassInfo c) {
    String pkg = c.getPackageName();
    String name = pkg.isEmpty() ? c.getName() : c.getName().substring(pkg.length() + 1);
    return name.replace('$', '.');
  }

  private static String params(MethodInfo m) {
    StringJoiner j = new StringJoiner(", ", "(", ")");
    for (MethodParameterInfo p : m.getParameterInfo()) {
      j.add(p.getTypeDescriptor().toStringWithSimpleNames());
    }
    return j.toString();
  }

  private static void add(List<Entry> out, String module, @Nullable AnnotationInfo info,
      String member) {
    if (info == null) {
      return;
    }
    Object value = info.getParameterValues().getValue("value");
    if (value instanceof Object[] symbols) {
      for (Object s : symbols) {
        out.add(new Entry(module, String.valueOf(s), member));
      }
    } else if (value != null) {
      out.add(new Entry(module, String.valueOf(value), member));
    }
  }

  /** Entries grouped by module, in module order. */
  static Map<String, List<Entry>> byModule(List<Entry> entries) {
    Map<String, List<Entry>> out = new TreeMap<>();
    for (Entry e : entries) {
      out.computeIfAbsent(e.module(), k -> new ArrayList<>()).add(e);
    }
    return out;
  }

  /** The cross-reference as Markdown: one section and table per module. */
  static String markdown(List<Entry> entries) {
    StringBuilder sb = new StringBuilder("# Kernel symbols ported by medialife\n\n");
    Map<String, List<Entry>> modules = byModule(entries);
    sb.append(entries.size()).append(" (symbol, Java member) pairs in ").append(modules.size())
        .append(" modules, generated from @KernelSymbol.\n");
    for (Map.Entry<String, List<Entry>> m : modules.entrySet()) {
      sb.append("\n## ").append(m.getKey()).append(" (").append(m.getValue().size())
          .append(")\n\n| Kernel symbol | Java |\n|---|---|\n");
      for (Entry e : m.getValue()) {
        sb.append("| `").append(cell(e.symbol())).append("` | `").append(cell(e.member()))
            .append("` |\n");
      }
    }
    return sb.toString();
  }

  private static String cell(String s) {
    return s.replace("|", "\\|");
  }
}
