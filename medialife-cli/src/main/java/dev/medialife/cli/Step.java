package dev.medialife.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import dev.medialife.cli.Scenario.Count;
import dev.medialife.cli.Scenario.Outcome;
import dev.medialife.cli.Scenario.Span;
import dev.medialife.drivers.au0828.Au0828Dev;
import dev.medialife.drivers.hantro.HantroCodec;
import dev.medialife.drivers.hantro.HantroDriver;
import dev.medialife.allocator.MediaDeviceAllocator;
import dev.medialife.mc.MediaDevnode;
import dev.medialife.v4l2.VideoDevice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One step of a task or of the control sequence: a system call, a loop, an event, a race window,
 * a state check, or a control action. Each step has exactly one action key; the others are its
 * arguments. A step remembers where it stood in the file, so that a problem found after parsing
 * (an fd or event name that nothing defines) still names its line.
 */
@JsonDeserialize(using = Step.Deser.class)
final class Step {
  /** What a step does. */
  enum Kind {
    OPEN, IOCTL, POLL, READ, CLOSE, DECODE, STREAM, REPEAT, SIGNAL, WAIT, PARK, CHECK,
    BIND, UNBIND, PLUG, UNPLUG, SUSPEND, RESUME, ADVANCE;

    String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Control actions change the machine, not a task's fds. */
    boolean control() {
      return compareTo(BIND) >= 0;
    }
  }

  /** Device node aliases that resolve at run time; a literal {@code /dev/...} path works too. */
  static final Set<String> ALIASES = Set.of("g1.video", "g2.video", "g1.media", "g2.media",
      "stick.video", "stick.media", "stick.pcm", "snd.media");

  /** Race windows a {@code park} step can stop a thread in. */
  static final Set<String> WINDOWS = Set.of(MediaDevnode.WINDOW_IOCTL,
      VideoDevice.WINDOW_IOCTL_LOCK, VideoDevice.WINDOW_OPEN, VideoDevice.WINDOW_UNREGISTER,
      HantroDriver.WINDOW_REMOVE_PUT, HantroDriver.WINDOW_LOOKUP, HantroDriver.WINDOW_M2M_STORE,
      HantroDriver.WINDOW_SHARED_LOCK,
      MediaDeviceAllocator.WINDOW_RELEASE, Au0828Dev.WINDOW_ANALOG_UNREGISTER);

  /** Targets of bind and unbind. */
  static final Set<String> DRIVERS = Set.of("g1", "g2", "au0828", "snd-usb-audio");

  final Kind kind;
  final Fields f;
  final JsonLocation at;
  final List<Step> steps;

  private Step(Kind kind, Fields f, JsonLocation at) {
    this.kind = kind;
    this.f = f;
    this.at = at;
    List<Step> s = f.steps();
    this.steps = s == null ? List.of() : List.copyOf(s);
  }

  /** The action's main value (the text after the action key), e.g. the path of an open. */
  String target() {
    Object v = switch (kind) {
      case OPEN -> f.open();
      case IOCTL -> f.ioctl();
      case POLL -> f.poll();
      case READ -> f.read();
      case CLOSE -> f.close();
      case SIGNAL -> f.signal();
      case WAIT -> f.await();
      case PARK -> f.park();
      case BIND -> f.bind();
      case UNBIND -> f.unbind();
      case PLUG -> f.plug();
      case UNPLUG -> f.unplug();
      case SUSPEND -> f.suspend();
      case RESUME -> f.resume();
      case ADVANCE -> f.advance();
      case REPEAT -> f.repeat();
      default -> null;
    };
    return v == null ? "" : v.toString();
  }

  /** The fd name a step uses (ioctl, poll, read, close, or a loop given an fd). */
  @Nullable String fdName() {
    return switch (kind) {
      case IOCTL -> f.fd();
      case POLL, READ, CLOSE -> target();
      case DECODE -> f.decode() == null ? null : f.decode().fd();
      case STREAM -> f.stream() == null ? null : f.stream().fd();
      default -> null;
    };
  }

  /** One line describing the step for expectations, e.g. {@code ioctl MEDIA_IOC_DEVICE_INFO m}. */
  String describe() {
    return switch (kind) {
      case IOCTL -> "ioctl " + target() + " on " + f.fd();
      case DECODE, STREAM -> {
        Loop l = kind == Kind.DECODE ? f.decode() : f.stream();
        yield l == null ? kind.key() : kind.key() + " " + l.frames() + (l.codec() == null ? ""
            : " " + l.codec()) + " on " + (l.node() != null ? l.node() : "fd " + l.fd());
      }
      default -> kind.key() + " " + target();
    };
  }

  @Override
  public String toString() {
    return describe() + " (" + Scenario.where(at) + ")";
  }

  /**
   * The keys a step may have. Exactly one of the action keys is set.
   *
   * @param open path or alias to open
   * @param as the name the new fd is known by
   * @param flags open flags: nonblock
   * @param ioctl the command name
   * @param fd the fd name an ioctl works on
   * @param arg the ioctl's arguments
   * @param poll the fd name to poll
   * @param events the poll events wanted: in, out, pri
   * @param timeout how long a poll or wait may sleep
   * @param revents the poll result expected
   * @param read the fd name to read from
   * @param bytes how many bytes to read
   * @param close the fd name to close
   * @param decode a decode loop
   * @param stream a capture loop
   * @param repeat how many times to run {@code steps}
   * @param until an event that ends a repeat early
   * @param steps the body of a repeat
   * @param signal an event to set (for park: set when the thread is parked)
   * @param await an event to wait for
   * @param park a race window to stop the next thread passing it in
   * @param check state probes
   * @param bind a driver to bind through sysfs
   * @param unbind a driver to unbind through sysfs
   * @param plug the USB device to plug
   * @param unplug the USB device to pull out
   * @param suspend the core whose scheduler is suspended
   * @param resume the core whose scheduler is resumed
   * @param advance how far to move the manual clock
   * @param expect the result expected
   */
  record Fields(
      @JsonProperty("open") @Nullable String open,
      @JsonProperty("as") @Nullable String as,
      @JsonProperty("flags") @Nullable List<String> flags,
      @JsonProperty("ioctl") @Nullable String ioctl,
      @JsonProperty("fd") @Nullable String fd,
      @JsonProperty("arg") @Nullable IoctlArgs arg,
      @JsonProperty("poll") @Nullable String poll,
      @JsonProperty("events") @Nullable List<String> events,
      @JsonProperty("timeout") @Nullable Span timeout,
      @JsonProperty("revents") @Nullable List<String> revents,
      @JsonProperty("read") @Nullable String read,
      @JsonProperty("bytes") @Nullable Integer bytes,
      @JsonProperty("close") @Nullable String close,
      @JsonProperty("decode") @Nullable Loop decode,
      @JsonProperty("stream") @Nullable Loop stream,
      @JsonProperty("repeat") @Nullable Integer repeat,
      @JsonProperty("until") @Nullable String until,
      @JsonProperty("steps") @Nullable List<Step> steps,
      @JsonProperty("signal") @Nullable String signal,
      @JsonProperty("wait") @Nullable String await,
      @JsonProperty("park") @Nullable String park,
      @JsonProperty("check") @Nullable Check check,
      @JsonProperty("bind") @Nullable String bind,
      @JsonProperty("unbind") @Nullable String unbind,
      @JsonProperty("plug") @Nullable String plug,
      @JsonProperty("unplug") @Nullable String unplug,
      @JsonProperty("suspend") @Nullable String suspend,
      @JsonProperty("resume") @Nullable String resume,
      @JsonProperty("advance") @Nullable Span advance,
      @JsonProperty("expect") @Nullable Outcome expect) {}

  /**
   * Arguments of an ioctl, by uapi field; each command reads the ones it needs.
   *
   * @param type the buffer queue: capture or output
   * @param count buffers to request (REQBUFS)
   * @param index the buffer index (QBUF)
   * @param codec the coded format (S_FMT on a decoder)
   * @param width frame width (S_FMT)
   * @param height frame height (S_FMT)
   * @param input the input number (S_INPUT)
   * @param id an entity id (ENUM_ENTITIES; default: the first, with the NEXT flag)
   * @param periods periods of the ring (PCM HW_PARAMS)
   */
  record IoctlArgs(
      @JsonProperty("type") @Nullable String type,
      @JsonProperty("count") @Nullable Integer count,
      @JsonProperty("index") @Nullable Integer index,
      @JsonProperty("codec") @Nullable String codec,
      @JsonProperty("width") @Nullable Integer width,
      @JsonProperty("height") @Nullable Integer height,
      @JsonProperty("input") @Nullable Integer input,
      @JsonProperty("id") @Nullable Integer id,
      @JsonProperty("periods") @Nullable Integer periods) {}

  /**
   * A decode or capture loop.
   *
   * @param node the node to open (the loop opens and closes its own fd)
   * @param fd or an fd the task already has (the loop leaves it open)
   * @param codec the codec of a decode loop: H264, VP8, MPEG2, HEVC, VP9
   * @param frames frames to decode or capture (periods for a PCM)
   * @param buffers buffers per queue
   * @param signal an event set once the first frame is through
   * @param corrupted frames expected back with the ERROR flag (decode; default 0)
   */
  record Loop(
      @JsonProperty("node") @Nullable String node,
      @JsonProperty("fd") @Nullable String fd,
      @JsonProperty("codec") @Nullable String codec,
      @JsonProperty(value = "frames", required = true) int frames,
      @JsonProperty("buffers") @Nullable Integer buffers,
      @JsonProperty("signal") @Nullable String signal,
      @JsonProperty("corrupted") @Nullable Count corrupted) {}

  /**
   * State probes checked when the step runs.
   *
   * @param mediaNodes how many /dev/media* nodes exist
   * @param schedulers how many distinct mem2mem schedulers the bound decoder cores use
   * @param tunerConflicts how often the stick's tuner was driven by two users at once
   * @param present nodes (aliases or paths) that must exist
   * @param absent nodes that must not exist
   */
  record Check(
      @JsonProperty("mediaNodes") @Nullable Count mediaNodes,
      @JsonProperty("schedulers") @Nullable Count schedulers,
      @JsonProperty("tunerConflicts") @Nullable Count tunerConflicts,
      @JsonProperty("present") @Nullable List<String> present,
      @JsonProperty("absent") @Nullable List<String> absent) {}

  /** Reads a step, then validates it with the location of its first key. */
  static final class Deser extends StdDeserializer<Step> {
    private static final long serialVersionUID = 1L;

    Deser() {
      super(Step.class);
    }

    @Override
    public Step deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonLocation at = p.currentTokenLocation();
      Fields f = ctxt.readValue(p, Fields.class);
      try {
        return validate(f, at);
      } catch (IllegalArgumentException e) {
        throw new JsonMappingException(p, e.getMessage(), at);
      }
    }
  }

  private static Step validate(Fields f, JsonLocation at) {
    List<Kind> kinds = new ArrayList<>();
    Object[] actions = {f.open(), f.ioctl(), f.poll(), f.read(), f.close(), f.decode(),
        f.stream(), f.repeat(), null, f.await(), f.park(), f.check(), f.bind(), f.unbind(),
        f.plug(), f.unplug(), f.suspend(), f.resume(), f.advance()};
    Kind[] all = Kind.values();
    for (int i = 0; i < all.length; i++) {
      if (actions[i] != null) {
        kinds.add(all[i]);
      }
    }
    if (kinds.isEmpty() && f.signal() != null) {
      kinds.add(Kind.SIGNAL);
    }
    if (kinds.size() != 1) {
      List<String> keys = new ArrayList<>();
      for (Kind k : kinds) {
        keys.add(k.key());
      }
      throw new IllegalArgumentException(kinds.isEmpty()
          ? "a step needs an action: one of open, ioctl, poll, read, close, decode, stream, "
              + "repeat, signal, wait, park, check, bind, unbind, plug, unplug, suspend, resume, "
              + "advance"
          : "a step has exactly one action, this one has " + keys);
    }
    Kind kind = kinds.get(0);
    only(f.as() == null || kind == Kind.OPEN, "'as' belongs to open");
    only(f.flags() == null || kind == Kind.OPEN, "'flags' belongs to open");
    only(f.fd() == null || kind == Kind.IOCTL, "'fd' belongs to ioctl");
    only(f.arg() == null || kind == Kind.IOCTL, "'arg' belongs to ioctl");
    only((f.events() == null && f.revents() == null) || kind == Kind.POLL,
        "'events' and 'revents' belong to poll");
    only(f.timeout() == null || Set.of(Kind.POLL, Kind.WAIT, Kind.PARK, Kind.IOCTL, Kind.READ,
        Kind.DECODE, Kind.STREAM).contains(kind),
        "'timeout' belongs to poll, wait, park, and as an alarm to ioctl, read, decode, stream");
    only(f.bytes() == null || kind == Kind.READ, "'bytes' belongs to read");
    only(f.steps() == null || kind == Kind.REPEAT, "'steps' belongs to repeat");
    only(f.until() == null || kind == Kind.REPEAT || kind == Kind.PARK,
        "'until' belongs to repeat and park");
    only(f.signal() == null || kind == Kind.SIGNAL || kind == Kind.PARK,
        "'signal' is an action of its own, or belongs to park");
    only(f.expect() == null || (kind != Kind.SIGNAL && kind != Kind.REPEAT && kind != Kind.CHECK
        && kind != Kind.PARK), "'expect' does not apply to " + kind.key());
    switch (kind) {
      case OPEN -> {
        node(f.open());
        for (String fl : nonNull(f.flags())) {
          only(fl.equals("nonblock"), "unknown open flag '" + fl + "' (nonblock)");
        }
      }
      case IOCTL -> {
        Ioctls.Cmd.of(f.ioctl());
        only(f.fd() != null, "ioctl needs 'fd'");
        IoctlArgs a = f.arg();
        if (a != null) {
          queueType(a.type());
          codec(a.codec());
        }
      }
      case POLL -> {
        for (String e : nonNull(f.events())) {
          Ioctls.pollBit(e);
        }
        for (String e : nonNull(f.revents())) {
          Ioctls.pollBit(e);
        }
      }
      case DECODE, STREAM -> {
        Loop l = kind == Kind.DECODE ? f.decode() : f.stream();
        if (l != null) {
          only(l.node() == null != (l.fd() == null), kind.key() + " needs 'node' or 'fd'");
          if (l.node() != null) {
            node(l.node());
          }
          only(l.frames() > 0, "frames must be positive");
          only(kind == Kind.DECODE || (l.codec() == null && l.corrupted() == null),
              "'codec' and 'corrupted' belong to decode");
          only(kind == Kind.STREAM || l.codec() != null, "decode needs 'codec'");
          codec(l.codec());
          Integer b = l.buffers();
          only(b == null || (b > 0 && b <= 32), "buffers must be 1..32");
        }
      }
      case REPEAT -> {
        only(f.repeat() != null && f.repeat() > 0, "repeat needs a positive count");
        only(f.steps() != null && !f.steps().isEmpty(), "repeat needs 'steps'");
      }
      case PARK -> {
        only(WINDOWS.contains(f.park()), "unknown race window '" + f.park() + "' (one of "
            + new java.util.TreeSet<>(WINDOWS) + ")");
        only(f.signal() != null && f.until() != null, "park needs 'signal' and 'until'");
      }
      case BIND, UNBIND -> only(DRIVERS.contains(f.bind() != null ? f.bind() : f.unbind()),
          "unknown driver target '" + (f.bind() != null ? f.bind() : f.unbind())
              + "' (g1, g2, au0828, snd-usb-audio)");
      case PLUG, UNPLUG -> only("stick".equals(f.plug() != null ? f.plug() : f.unplug()),
          "only the stick can be plugged and unplugged");
      case SUSPEND, RESUME -> {
        String c = f.suspend() != null ? f.suspend() : f.resume();
        only("g1".equals(c) || "g2".equals(c), "suspend and resume take a core: g1 or g2");
      }
      case CHECK -> {
        Check c = f.check();
        if (c != null) {
          for (String n : nonNull(c.present())) {
            node(n);
          }
          for (String n : nonNull(c.absent())) {
            node(n);
          }
        }
      }
      default -> { }
    }
    return new Step(kind, f, at);
  }

  private static <T> List<T> nonNull(@Nullable List<T> l) {
    return l == null ? List.of() : l;
  }

  private static void only(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static void node(@Nullable String n) {
    only(n != null && (ALIASES.contains(n) || n.startsWith("/dev/")), "unknown device node '" + n
        + "' (a path under /dev/ or one of " + new java.util.TreeSet<>(ALIASES) + ")");
  }

  private static void queueType(@Nullable String t) {
    only(t == null || t.equals("capture") || t.equals("output"),
        "unknown queue type '" + t + "' (capture or output)");
  }

  /** Parses a codec name. */
  static @Nullable HantroCodec codec(@Nullable String c) {
    if (c == null) {
      return null;
    }
    for (HantroCodec k : HantroCodec.values()) {
      if (k.name().equalsIgnoreCase(c)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown codec '" + c + "' (one of "
        + List.of(HantroCodec.values()) + ")");
  }
}
