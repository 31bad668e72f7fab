package dev.medialife.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a scenario file: YAML into {@link Scenario} with unknown keys refused, then the checks
 * that need the whole file (every fd name opened before use in its task, every awaited event
 * signalled somewhere, every node and driver present on the board). Any problem is one {@link
 * Malformed} naming the file, line and column.
 */
final class ScenarioFile {
  private static final Logger LOG = LoggerFactory.getLogger(ScenarioFile.class);

  private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
      .build();

  private ScenarioFile() {}

  /** A scenario that cannot run; the message names the file, the line and the problem. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Reads and checks a scenario.
   *
   * @param file the YAML file
   * @return the scenario
   * @throws Malformed when it cannot be read or is not a valid scenario
   */
  static Scenario load(Path file) throws Malformed {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new Malformed(file + ": no such file");
    } catch (IOException e) {
      throw new Malformed(file + ": cannot read (" + e.getClass().getSimpleName() + ")");
    }
    return parse(file.toString(), text);
  }

  /**
   * Parses scenario text.
   *
   * @param name the file name for messages
   * @param text the YAML
   * @return the scenario
   * @throws Malformed when it is not a valid scenario
   */
  static Scenario parse(String name, String text) throws Malformed {
    if (text.isBlank()) {
      throw new Malformed(name + ":1:1: the file is empty");
    }
    Scenario s;
    try {
      s = YAML.readValue(text, Scenario.class);
    } catch (JsonProcessingException e) {
      throw new Malformed(message(name, e, locations(text)));
    }
    try {
      check(s);
    } catch (Problem p) {
      JsonLocation at = p.at;
      if (p.pointer != null) {
        at = locations(text).getOrDefault(p.pointer, at);
      }
      throw new Malformed(name + ":" + at.getLineNr() + ":" + at.getColumnNr() + ": "
          + p.getMessage());
    }
    return s;
  }

  /**
   * Where each key and each list element of the document starts, by JSON pointer ({@code
   * /tasks/0/steps/2/expect}). Databind reports some problems (unknown keys of a record, missing
   * keys, bad map keys) only once the whole object is read; the pointer of the exception's path
   * finds the line the author has to fix.
   */
  private static Map<String, JsonLocation> locations(String text) {
    Map<String, JsonLocation> out = new HashMap<>();
    try (JsonParser p = YAML.getFactory().createParser(text)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        // A key, or the start of a value (an element's pointer is its index); not the ends.
        if (t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
          JsonStreamContext ctx = p.getParsingContext();
          out.putIfAbsent(ctx.pathAsPointer().toString(), p.currentTokenLocation());
        }
      }
    } catch (IOException e) {
      LOG.debug("no locations: {}", e.getMessage());
    }
    return out;
  }

  private static String message(String name, JsonProcessingException e,
      Map<String, JsonLocation> locations) {
    JsonLocation at = e.getLocation();
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      // The path's own key (for a bad map key, that key), else the nearest enclosing one.
      String start = pointer(m);
      if (e instanceof InvalidFormatException f && f.getValue() instanceof String key
          && locations.containsKey(start + "/" + key)) {
        start = start + "/" + key;
      }
      for (String ptr = start; ; ptr = ptr.substring(0, ptr.lastIndexOf('/'))) {
        JsonLocation l = locations.get(ptr);
        if (l != null) {
          at = l;
          break;
        }
        if (ptr.isEmpty()) {
          break;
        }
      }
    }
    String where = at == null ? name : name + ":" + at.getLineNr() + ":" + at.getColumnNr();
    String text;
    if (e instanceof UnrecognizedPropertyException u) {
      Set<String> known = new TreeSet<>();
      for (Object k : u.getKnownPropertyIds()) {
        known.add(k.toString());
      }
      text = "unknown key '" + u.getPropertyName() + "' (known here: "
          + String.join(", ", known) + ")";
    } else {
      text = e.getOriginalMessage();
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        if (c instanceof IllegalArgumentException && c.getMessage() != null) {
          text = c.getMessage();
          break;
        }
      }
    }
    text = tidy(text);
    String path = e instanceof JsonMappingException m ? path(m) : "";
    return where + ": " + text + (path.isEmpty() ? "" : " (at " + path + ")");
  }

  /** One line, Java class names shortened to what the scenario author wrote. */
  private static String tidy(@Nullable String text) {
    String t = text == null ? "invalid" : text;
    t = t.replaceAll("^Cannot deserialize Map key of type .* problem: \\([^)]*\\) ", "")
        .replaceAll("`?dev\\.medialife\\.cli\\.(?:[A-Za-z]+\\$)*([A-Za-z]+)`?", "$1")
        .replaceAll("`?java\\.(?:lang|util)\\.([A-Za-z]+)`?", "$1")
        .replaceAll("\\s*\\n\\s*", "; ")
        .replaceAll(";? in 'reader', line \\d+, column \\d+:.*$", "")
        .replace(" (for Object starting at [Source: REDACTED (`StreamReadFeature"
            + ".INCLUDE_SOURCE_IN_LOCATION` disabled); line: ", " (line ");
    int src = t.indexOf("; at [Source:");
    if (src < 0) {
      src = t.indexOf(" at [Source:");
    }
    return (src >= 0 ? t.substring(0, src) : t).strip();
  }

  private static String pointer(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        sb.append('/').append(r.getFieldName().replace("~", "~0").replace("/", "~1"));
      } else if (r.getIndex() >= 0) {
        sb.append('/').append(r.getIndex());
      }
    }
    return sb.toString();
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** A problem found after parsing, at a step. */
  private static final class Problem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialized
    final JsonLocation at;

    final @Nullable String pointer;

    Problem(Step at, String message) {
      super(message, null, false, false);
      this.at = at.at;
      this.pointer = null;
    }

    Problem(String pointer, String message) {
      super(message, null, false, false);
      this.at = JsonLocation.NA;
      this.pointer = pointer;
    }
  }

  /**
   * Values YAML leaves empty ({@code name:}, {@code - } in a step list) arrive as null even where
   * a key is required; each is a problem at its own line, not a NullPointerException later.
   */
  @SuppressWarnings("NullAway") // the record components are non-null only once checked here
  private static void checkPresent(Scenario s) {
    String[] keys = {"name", "description", "seed", "board"};
    Object[] values = {s.name(), s.description(), s.seed(), s.board()};
    for (int k = 0; k < keys.length; k++) {
      if (values[k] == null) {
        throw new Problem("/" + keys[k], "'" + keys[k] + "' needs a value");
      }
    }
    for (int i = 0; i < s.tasks().size(); i++) {
      Scenario.TaskSpec t = s.tasks().get(i);
      if (t.name() == null) {
        throw new Problem("/tasks/" + i + "/name", "a task needs a name");
      }
      if (t.steps() == null) {
        throw new Problem("/tasks/" + i + "/steps", "task '" + t.name() + "' needs steps");
      }
      for (int j = 0; j < t.steps().size(); j++) {
        if (t.steps().get(j) == null) {
          throw new Problem("/tasks/" + i + "/steps/" + j, "an empty step: a step needs an "
              + "action");
        }
      }
    }
  }

  private static void check(Scenario s) {
    checkPresent(s);
    Set<String> signalled = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < s.tasks().size(); i++) {
      Scenario.TaskSpec t = s.tasks().get(i);
      collectSignals(t.steps(), signalled);
      if (!names.add(t.name()) || t.name().equals("control")) {
        throw new Problem("/tasks/" + i + "/name", "task name '" + t.name()
            + "' is used twice (or is the reserved name control)");
      }
    }
    collectSignals(s.control(), signalled);
    for (Scenario.TaskSpec t : s.tasks()) {
      checkSteps(s, t.steps(), signalled, new HashSet<>(), false);
    }
    checkSteps(s, s.control(), signalled, new HashSet<>(), true);
  }

  private static void collectSignals(List<Step> steps, Set<String> out) {
    for (Step st : steps) {
      String sig = switch (st.kind) {
        case SIGNAL, PARK -> st.f.signal();
        case DECODE -> loopSignal(st.f.decode());
        case STREAM -> loopSignal(st.f.stream());
        default -> null;
      };
      if (sig != null) {
        out.add(sig);
      }
      collectSignals(st.steps, out);
    }
  }

  private static @Nullable String loopSignal(Step.@Nullable Loop l) {
    return l == null ? null : l.signal();
  }

  private static void checkSteps(Scenario s, List<Step> steps, Set<String> signalled,
      Set<String> fds, boolean control) {
    for (Step st : steps) {
      if (control && !st.kind.control() && fdStep(st.kind)) {
        throw new Problem(st, st.kind.key() + " is a system call: it belongs to a task, the "
            + "control sequence has no fds");
      }
      String fd = st.fdName();
      if (fd != null && !fds.contains(fd)) {
        throw new Problem(st, "fd '" + fd + "' is not opened (with 'as: " + fd
            + "') earlier in this task");
      }
      if (st.kind == Step.Kind.OPEN) {
        String as = st.f.as();
        if (as != null) {
          fds.add(as);
        }
      }
      for (String ev : awaited(st)) {
        if (!signalled.contains(ev)) {
          throw new Problem(st, "event '" + ev + "' is never signalled (signalled: "
              + new TreeSet<>(signalled) + ")");
        }
      }
      for (String node : nodes(st)) {
        boolean soc = node.startsWith("g1") || node.startsWith("g2");
        boolean stick = node.startsWith("stick") || node.startsWith("snd") || node.equals("au0828");
        if ((soc && s.board().soc() == null) || (stick && !s.board().hasStick())) {
          throw new Problem(st, "board " + s.board().cliName() + " (" + s.board().describe()
              + ") has no " + node);
        }
      }
      if (st.kind == Step.Kind.ADVANCE && s.clock() != Scenario.Clock.MANUAL) {
        throw new Problem(st, "advance moves a manual clock: set 'clock: manual'");
      }
      checkSteps(s, st.steps, signalled, fds, control);
    }
  }

  private static boolean fdStep(Step.Kind k) {
    return switch (k) {
      case OPEN, IOCTL, POLL, READ, CLOSE, DECODE, STREAM -> true;
      default -> false;
    };
  }

  private static List<String> awaited(Step st) {
    List<String> out = new ArrayList<>();
    if (st.kind == Step.Kind.WAIT) {
      out.add(st.target());
    }
    String until = st.f.until();
    if (until != null) {
      out.add(until);
    }
    return out;
  }

  private static List<String> nodes(Step st) {
    List<String> out = new ArrayList<>();
    switch (st.kind) {
      case OPEN -> out.add(st.target());
      case DECODE, STREAM -> {
        Step.Loop l = st.kind == Step.Kind.DECODE ? st.f.decode() : st.f.stream();
        if (l != null && l.node() != null) {
          out.add(l.node());
        }
      }
      case BIND, UNBIND, SUSPEND, RESUME -> out.add(st.target().toLowerCase(Locale.ROOT)
          .replace("snd-usb-audio", "snd"));
      case PLUG, UNPLUG -> out.add("stick");
      case CHECK -> {
        Step.Check c = st.f.check();
        if (c != null) {
          out.addAll(c.present() == null ? List.of() : c.present());
          out.addAll(c.absent() == null ? List.of() : c.absent());
        }
      }
      default -> { }
    }
    return out;
  }
}
