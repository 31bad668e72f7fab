package dev.medialife.it.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.medialife.cli.ScenarioParserAccess;
import java.util.regex.Pattern;

/**
 * The scenario-file parser of {@code medialife run}: the fuzzer's bytes either as raw text, or
 * as YAML assembled from the format's own keys and values (valid ones, near misses and junk), so
 * that inputs get past the YAML syntax into the mapping and the whole-file checks. The promise
 * held: the text is a scenario, or there is one message of one line, {@code FILE:LINE:COL:
 * problem}, with a line and column inside the file; never an exception or a stack trace.
 */
class ScenarioParserFuzzTest {
  private static final String FILE = "fuzz.yaml";
  private static final Pattern ONE_LINE =
      Pattern.compile(Pattern.quote(FILE) + ":([1-9][0-9]*):([1-9][0-9]*): [^\\n\\r]+");

  private static final String[] TOP_KEYS = {
    "name", "description", "seed", "board", "switches", "sanitizers", "clock", "tasks",
    "control", "expect", "boards", ""
  };
  private static final String[] SCALARS = {
    "t", "\"002\"", "\"007\"", "imx8mq", "imx8mm", "imx8mp", "usbtv", "rpi5", "manual", "real",
    "on", "off", "maybe", "ok", "EIO", "ENODEV", "EWHAT", "[ENXIO, ENOENT]", "1ms", "200", "-1",
    "0", "3", "99999999999999999999", "~", "null", "true", "{}", "[]", "\"\"", "x: y", "&a [1]",
    "*a", "!!binary AAAA", "'", "\"\\u0000\"", "{a: b, a: c}", "[[[]]]"
  };
  private static final String[] STEP_KEYS = {
    "open", "as", "flags", "ioctl", "fd", "arg", "poll", "events", "timeout", "revents", "read",
    "bytes", "close", "decode", "stream", "repeat", "until", "steps", "signal", "wait", "park",
    "check", "bind", "unbind", "plug", "unplug", "suspend", "resume", "advance", "expect", "ass"
  };
  private static final String[] STEP_VALUES = {
    "g1.video", "g2.video", "g1.media", "stick.video", "stick.pcm", "snd.media", "g3.video",
    "/dev/video0", "v", "m", "VIDIOC_QUERYCAP", "VIDIOC_REQBUFS", "VIDIOC_FROB",
    "MEDIA_IOC_DEVICE_INFO", "[in]", "[err, hup]", "[nonblock]", "{node: g1.video, frames: 3}",
    "{node: stick.video, frames: many}", "{type: capture, count: 4}", "{present: [g1.video]}",
    "{absent: [au0828]}", "g1", "au0828", "snd-usb-audio", "video_ioctl_lock", "running", "s",
    "4", "-3", "1ms", "2s", "ok", "EBUSY", "[]", "~"
  };

  @FuzzTest(maxDuration = "30s")
  void parse(FuzzedDataProvider data) {
    String text = data.consumeBoolean() ? structured(data) : data.consumeRemainingAsString();
    String problem;
    try {
      problem = ScenarioParserAccess.problem(FILE, text);
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("the parser threw on:\n" + text, e);
    }
    if (problem == null) {
      return;
    }
    var m = ONE_LINE.matcher(problem);
    if (!m.matches()) {
      throw new AssertionError("not one FILE:LINE:COL: problem line: [" + problem + "] for:\n"
          + text);
    }
    long lines = text.lines().count();
    long line = Long.parseLong(m.group(1));
    if (line > Math.max(1, lines + 1)) {
      throw new AssertionError("line " + line + " of a " + lines + "-line file: " + problem);
    }
  }

  /** A document of the format's keys, indented as the fuzzer says. */
  private static String structured(FuzzedDataProvider data) {
    StringBuilder b = new StringBuilder();
    int keys = data.consumeInt(0, 10);
    for (int i = 0; i < keys && data.remainingBytes() > 0; i++) {
      String key = data.pickValue(TOP_KEYS);
      if (key.equals("tasks")) {
        b.append("tasks:\n");
        int tasks = data.consumeInt(0, 3);
        for (int t = 0; t < tasks; t++) {
          b.append("  - name: ").append(data.pickValue(new String[] {"a", "b", "a", "control"}))
              .append('\n').append("    steps:\n");
          steps(data, b, 6, 0);
        }
      } else if (key.equals("control")) {
        b.append("control:\n");
        steps(data, b, 2, 0);
      } else if (key.equals("switches") || key.equals("sanitizers") || key.equals("expect")) {
        b.append(key).append(":\n  ")
            .append(data.pickValue(new String[] {"m2m-kref", "media-lifetime", "kasan",
                "syscalls", "reports", "frobnicator", "leaks"}))
            .append(": ").append(data.pickValue(SCALARS)).append('\n');
      } else {
        b.append(key).append(": ").append(data.pickValue(SCALARS)).append('\n');
      }
      if (data.consumeInt(0, 15) == 0) {
        b.append(data.consumeString(24)).append('\n');
      }
    }
    return b.toString();
  }

  private static void steps(FuzzedDataProvider data, StringBuilder b, int indent, int depth) {
    int n = data.consumeInt(0, 4);
    String pad = " ".repeat(indent);
    for (int s = 0; s < n && data.remainingBytes() > 0; s++) {
      int fields = data.consumeInt(1, 3);
      for (int f = 0; f < fields; f++) {
        String key = data.pickValue(STEP_KEYS);
        b.append(pad).append(f == 0 ? "- " : "  ").append(key).append(':');
        if (key.equals("steps") && depth < 3) {
          b.append('\n');
          steps(data, b, indent + 4, depth + 1);
        } else {
          b.append(' ').append(data.pickValue(STEP_VALUES)).append('\n');
        }
      }
    }
  }
}
