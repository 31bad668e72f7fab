package dev.medialife.cli;

import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.IoctlArg;
import dev.medialife.driver.Task;
import dev.medialife.drivers.hantro.HantroCodec;
import dev.medialife.drivers.usbaudio.SndPcm;
import dev.medialife.drivers.usbaudio.SndPcmHwParams;
import dev.medialife.drivers.usbaudio.SndUsbChip;
import dev.medialife.hw.imx8m.VpuCore;
import dev.medialife.kernel.Errno;
import dev.medialife.mc.uapi.MediaDeviceInfo;
import dev.medialife.mc.uapi.MediaEntityDesc;
import dev.medialife.mc.uapi.MediaLinkDesc;
import dev.medialife.mc.uapi.MediaLinksEnum;
import dev.medialife.mc.uapi.MediaPadDesc;
import dev.medialife.mc.uapi.MediaUapi;
import dev.medialife.mc.uapi.MediaV2Topology;
import dev.medialife.v4l2.uapi.V4l2Capability;
import dev.medialife.v4l2.uapi.V4l2Fmtdesc;
import dev.medialife.v4l2.uapi.V4l2Format;
import dev.medialife.v4l2.uapi.V4l2Input;
import dev.medialife.v4l2.uapi.V4l2Int;
import dev.medialife.v4l2.uapi.V4l2Requestbuffers;
import dev.medialife.v4l2.uapi.V4l2Tuner;
import dev.medialife.v4l2.uapi.Videodev2;
import dev.medialife.v4l2.vb2.V4l2Buffer;
import dev.medialife.v4l2.vb2.Vb2Queue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * One userspace task of the race harness: a program of random but valid-shaped system calls on
 * the board's device nodes, drawn from the task's own seeded generator.
 *
 * <p>Each step draws exactly four numbers ({@link Step#draw}): the node type, one of the task's two
 * descriptor slots for it, the action and an argument. The steps therefore depend on the seed
 * alone; what each step does depends on the run (whether the slot is open, which paths exist, what
 * the kernel answered), because the control task's unbinds and unplugs interleave differently in
 * every run. A slot keeps its descriptor across the control task's cycles, so stale descriptors are
 * used on purpose; a step may also reopen the path the task resolved earlier without resolving it
 * again (a stale path).
 *
 * <p>Every result goes through {@link #check}: the call's errno whitelist ({@link StressCall}),
 * the "gone is gone" rule (once a descriptor's device answered that it is gone, no later call on
 * that descriptor succeeds; on a media devnode every later ioctl is EIO, reference §8.1; see
 * {@link #goneAnswer}), and the
 * buffer bookkeeping (a buffer is never accepted twice nor dequeued unless queued).
 *
 * <p>Nothing blocks for long: video and PCM nodes are opened non-blocking and every poll waits at
 * most {@link #POLL_NANOS}.
 */
final class StressTask implements Runnable {
  /** How many descriptor slots a task keeps per node type. */
  static final int SLOTS = 2;

  /** Steps of each task's program kept for the report, to compare runs of one seed. */
  static final int PROGRAM_PREFIX = 64;

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final int RUN_ROUNDS = 4;
  private static final int OUT = Vb2Queue.TYPE_VIDEO_OUTPUT;
  private static final int CAP = Vb2Queue.TYPE_VIDEO_CAPTURE;
  private static final int MMAP = Vb2Queue.MEMORY_MMAP;
  private static final int MAX_ENTITIES = 64;

  /** What a step does on its slot. */
  enum Action {
    OPEN, STALE_OPEN, CLOSE, POLL, READ,
    DEVICE_INFO, ENUM_ENTITIES, ENUM_LINKS, G_TOPOLOGY,
    QUERYCAP, ENUM_FMT, G_FMT, S_FMT, REQBUFS, QBUF, DQBUF, STREAMON, STREAMOFF, INPUT, RUN,
    HW_PARAMS, PREPARE, START, DROP, HW_FREE
  }

  private static final Action[] MEDIA_ACTIONS = {
    Action.OPEN, Action.STALE_OPEN, Action.CLOSE, Action.POLL, Action.READ,
    Action.DEVICE_INFO, Action.ENUM_ENTITIES, Action.ENUM_LINKS, Action.G_TOPOLOGY
  };
  private static final Action[] VIDEO_ACTIONS = {
    Action.OPEN, Action.STALE_OPEN, Action.CLOSE, Action.POLL, Action.READ,
    Action.QUERYCAP, Action.ENUM_FMT, Action.G_FMT, Action.S_FMT, Action.REQBUFS,
    Action.QBUF, Action.QBUF, Action.DQBUF, Action.DQBUF, Action.STREAMON, Action.STREAMOFF,
    Action.INPUT, Action.RUN, Action.RUN
  };
  private static final Action[] PCM_ACTIONS = {
    Action.OPEN, Action.STALE_OPEN, Action.CLOSE, Action.POLL, Action.READ,
    Action.HW_PARAMS, Action.PREPARE, Action.START, Action.DROP, Action.HW_FREE, Action.RUN
  };

  /**
   * One step of a task's program.
   *
   * @param node the node type
   * @param slot which of the task's slots for that type
   * @param action what to do
   * @param arg the argument the action derives its parameters from
   */
  record Step(StressCall.Node node, int slot, Action action, long arg) {
    /** Draws the next step: always exactly four numbers from the generator. */
    static Step draw(RandomGenerator rng) {
      StressCall.Node[] nodes = StressCall.Node.values();
      StressCall.Node node = nodes[rng.nextInt(nodes.length)];
      int slot = rng.nextInt(SLOTS);
      int a = rng.nextInt(1 << 16);
      long arg = rng.nextLong();
      Action[] actions = switch (node) {
        case MEDIA -> MEDIA_ACTIONS;
        case VIDEO -> VIDEO_ACTIONS;
        case PCM -> PCM_ACTIONS;
      };
      return new Step(node, slot, actions[a % actions.length], arg);
    }

    /** A small non-negative parameter from the argument's bits {@code shift..shift+15}. */
    int param(int shift, int bound) {
      return (int) ((arg >>> shift) & 0xffff) % bound;
    }

    @Override
    public String toString() {
      return node.name().toLowerCase(java.util.Locale.ROOT) + "[" + slot + "] " + action;
    }

    /** The step with its argument, enough to replay it. */
    String describe() {
      return this + " arg " + Stress.hex(arg);
    }
  }

  /** How many of a descriptor's last calls a failure message shows. */
  static final int HISTORY = 16;

  /** One descriptor slot: what the task knows of the file it holds. */
  private static final class Slot {
    int fd = -1;
    String path = "";
    boolean decoder;
    boolean gone;
    VpuCore.@Nullable Kind core;
    final BitSet[] inFlight = {new BitSet(), new BitSet()};
    final int[] buffers = new int[2];
    final List<Integer> entities = new ArrayList<>();

    /** The last calls made on this descriptor, with their results, for failure messages. */
    final ArrayDeque<String> history = new ArrayDeque<>();

    void note(String what) {
      if (history.size() == HISTORY) {
        history.removeFirst();
      }
      history.addLast(what);
    }

    void reset() {
      history.clear();
      fd = -1;
      gone = false;
      core = null;
      inFlight[0].clear();
      inFlight[1].clear();
      buffers[0] = 0;
      buffers[1] = 0;
      entities.clear();
    }

    int inFlightCount() {
      return inFlight[0].cardinality() + inFlight[1].cardinality();
    }
  }

  private final Stress stress;
  private final Task task;
  private final int index;
  private final long seed;
  private final RandomGenerator rng;
  private final Map<StressCall.Node, Slot[]> slots = new EnumMap<>(StressCall.Node.class);
  private final Map<StressCall.Node, String> lastPath = new EnumMap<>(StressCall.Node.class);
  private final List<String> program = new ArrayList<>();
  private long steps;
  private @Nullable Step current;

  StressTask(Stress stress, Task task, int index, long seed) {
    this.stress = stress;
    this.task = task;
    this.index = index;
    this.seed = seed;
    this.rng = Stress.generator(seed);
    for (StressCall.Node n : StressCall.Node.values()) {
      Slot[] row = new Slot[SLOTS];
      for (int i = 0; i < SLOTS; i++) {
        row[i] = new Slot();
      }
      slots.put(n, row);
      lastPath.put(n, "");
    }
  }

  /** The first {@link #PROGRAM_PREFIX} steps this task chose. */
  synchronized List<String> program() {
    return List.copyOf(program);
  }

  /** Steps run so far. */
  synchronized long steps() {
    return steps;
  }

  long seed() {
    return seed;
  }

  @Override
  public void run() {
    try {
      while (!stress.stopping()) {
        Step s = Step.draw(rng);
        synchronized (this) {
          current = s;
          if (program.size() < PROGRAM_PREFIX) {
            program.add(s.toString());
          }
          steps++;
        }
        stress.record(index, s);
        step(s);
      }
    } catch (Throwable t) { // NOPMD: any throwable from a task is the failure we count
      stress.uncaught(this, t);
    } finally {
      finish();
    }
  }

  /** Runs one recorded step again (the replay of a failing sequence), on the calling thread. */
  void replayStep(Step s) {
    synchronized (this) {
      current = s;
      steps++;
    }
    try {
      step(s);
    } catch (Throwable t) { // NOPMD: as in run
      stress.uncaught(this, t);
    }
  }

  /** Closes every descriptor and ends the task, as at the end of a run. */
  void finish() {
    try {
      for (Slot[] row : slots.values()) {
        for (Slot s : row) {
          close(s);
        }
      }
    } catch (Throwable t) { // NOPMD: as above, on the way out
      stress.uncaught(this, t);
    }
    task.exit();
  }

  /** Gives up the descriptors of a Hantro core about to be unbound (reference §3.3). */
  void releaseClosing() {
    for (Slot[] row : slots.values()) {
      for (Slot held : row) {
        VpuCore.Kind core = held.core;
        if (core != null && stress.closing(core)) {
          close(held);
        }
      }
    }
  }

  /** Where a failure happened, for the report. */
  synchronized String where() {
    return "task " + index + " (seed " + Stress.hex(seed) + ") step " + steps + " "
        + (current == null ? "-" : current);
  }

  // ------------------------------------------------------------------ steps

  private void step(Step s) {
    // A Hantro core is about to be unbound: give up its descriptors (reference §3.3).
    releaseClosing();
    Slot slot = java.util.Objects.requireNonNull(slots.get(s.node()))[s.slot()];
    switch (s.action()) {
      case OPEN -> {
        close(slot);
        open(slot, s, false);
        return;
      }
      case STALE_OPEN -> {
        close(slot);
        open(slot, s, true);
        return;
      }
      case CLOSE -> {
        int fd = slot.fd;
        close(slot);
        if (fd >= 0 && s.param(0, 2) == 0) {
          check(null, StressCall.CLOSE_AGAIN, task.close(fd));
        }
        return;
      }
      default -> { }
    }
    if (slot.fd < 0 && !open(slot, s, false)) {
      return;
    }
    switch (s.node()) {
      case MEDIA -> media(slot, s);
      case VIDEO -> video(slot, s);
      case PCM -> pcm(slot, s);
    }
  }

  private boolean open(Slot slot, Step s, boolean stale) {
    String last = lastPath.getOrDefault(s.node(), "");
    String path;
    if (stale && !last.isEmpty()) {
      path = last;
    } else {
      List<String> paths = stress.nodes().paths(s.node());
      if (paths.isEmpty()) {
        return false; // nothing of this type exists right now: nothing to open
      }
      path = paths.get(s.param(16, paths.size()));
      lastPath.put(s.node(), path);
    }
    StressCall call = switch (s.node()) {
      case MEDIA -> StressCall.OPEN_MEDIA;
      case VIDEO -> StressCall.OPEN_VIDEO;
      case PCM -> StressCall.OPEN_PCM;
    };
    int flags = s.node() == StressCall.Node.MEDIA ? File.O_RDWR : File.O_RDWR | File.O_NONBLOCK;
    Stress.Opened o = stress.open(task, path, flags);
    if (o.fd() == Stress.SKIPPED) {
      return false; // a Hantro core is being unbound: userspace keeps off it for now
    }
    int fd = check(null, call, o.fd());
    if (fd < 0) {
      return false;
    }
    slot.reset();
    slot.fd = fd;
    slot.core = o.core();
    slot.path = path;
    slot.note("open " + path + " -> fd " + fd);
    slot.decoder = stress.nodes().decoders().contains(path);
    return true;
  }

  private void close(Slot slot) {
    if (slot.fd < 0) {
      return;
    }
    int ret = check(slot, StressCall.CLOSE, task.close(slot.fd));
    if (ret == 0) {
      // The queues' release cancels whatever was still queued: it is returned to userspace.
      stress.buffersReturned(slot.inFlightCount(), true);
    }
    VpuCore.Kind core = slot.core;
    if (core != null) {
      stress.release(core);
    }
    slot.reset();
  }

  /**
   * Counts and checks one result.
   *
   * @param slot the descriptor's slot, or null for a call on no slot
   * @param call which call
   * @param ret its result
   * @return {@code ret}
   */
  private int check(@Nullable Slot slot, StressCall call, int ret) {
    stress.count(call, ret);
    if (slot != null) {
      slot.note(call.label() + " " + Errno.describe(ret));
    }
    if (!call.allows(ret)) {
      stress.fail(where() + ": " + call.label() + " returned " + Errno.describe(ret)
          + ", outside " + call.describeAllowed());
      return ret;
    }
    if (slot == null || call == StressCall.CLOSE) {
      return ret;
    }
    if (call == StressCall.POLL) {
      // A media devnode or a PCM that is gone always polls as an error and a hang-up.
      int gone = FileOperations.POLLERR | FileOperations.POLLHUP;
      if (slot.gone && !slot.path.startsWith("/dev/video") && (ret & gone) != gone) {
        stress.fail(where() + ": poll on a descriptor whose device is gone returned " + ret
            + ", without POLLERR | POLLHUP");
      }
      return ret;
    }
    StressCall.Node node = call.node();
    if (slot.gone) {
      if (ret >= 0) {
        stress.fail(where() + ": " + call.label() + " succeeded after the device was gone");
      } else if (node == StressCall.Node.MEDIA && ret != -Errno.EIO) {
        stress.fail(where() + ": " + call.label() + " on an unregistered media devnode returned "
            + Errno.describe(ret) + ", not -EIO");
      }
    } else if (goneAnswer(call, ret)) {
      slot.gone = true;
    }
    return ret;
  }

  /**
   * Whether a result says the descriptor's device is gone for good: EIO from a media devnode
   * (only an unregistered one gives it, reference §5.3), ENODEV from QUERYCAP (only the V4L2 core
   * gives it, once the node is unregistered; a driver may answer ENODEV to other calls while it
   * is being disconnected, before its node goes), ENODEV from the PCM (its disconnected state is
   * final).
   */
  private static boolean goneAnswer(StressCall call, int ret) {
    return switch (call.node()) {
      case MEDIA -> ret == -Errno.EIO;
      case VIDEO -> call == StressCall.VIDIOC_QUERYCAP && ret == -Errno.ENODEV;
      case PCM -> ret == -Errno.ENODEV;
    };
  }

  private int ioctl(Slot slot, StressCall call, int cmd, @Nullable IoctlArg<?> arg) {
    return check(slot, call, task.ioctl(slot.fd, cmd, arg));
  }

  private int poll(Slot slot, int events, long timeoutNanos) {
    return check(slot, StressCall.POLL, task.poll(slot.fd, events, timeoutNanos));
  }

  // ------------------------------------------------------------------ media devnode

  private void media(Slot slot, Step s) {
    switch (s.action()) {
      case POLL -> poll(slot, FileOperations.POLLIN | FileOperations.POLLPRI,
          s.param(0, 2) == 0 ? 0 : POLL_NANOS);
      case READ -> check(slot, StressCall.MEDIA_READ, task.read(slot.fd, new byte[16]));
      case DEVICE_INFO ->
          ioctl(slot, StressCall.MEDIA_DEVICE_INFO, MediaUapi.MEDIA_IOC_DEVICE_INFO,
              new MediaDeviceInfo());
      case ENUM_ENTITIES -> enumEntities(slot);
      case ENUM_LINKS -> enumLinks(slot, s);
      default -> topology(slot);
    }
  }

  /** Walks the entities as media-ctl does: NEXT from id 0 until EINVAL. */
  private void enumEntities(Slot slot) {
    slot.entities.clear();
    int id = 0;
    for (int i = 0; i < MAX_ENTITIES; i++) {
      MediaEntityDesc d = new MediaEntityDesc(id | MediaUapi.MEDIA_ENT_ID_FLAG_NEXT);
      if (ioctl(slot, StressCall.MEDIA_ENUM_ENTITIES, MediaUapi.MEDIA_IOC_ENUM_ENTITIES, d) < 0) {
        return;
      }
      slot.entities.add(d.id);
      id = d.id;
    }
  }

  /** ENUM_ENTITIES for one entity's counts, then ENUM_LINKS with arrays of that size. */
  private void enumLinks(Slot slot, Step s) {
    int id = slot.entities.isEmpty() ? 1 + s.param(0, 8)
        : slot.entities.get(s.param(0, slot.entities.size()));
    MediaEntityDesc d = new MediaEntityDesc(id);
    if (ioctl(slot, StressCall.MEDIA_ENUM_ENTITIES, MediaUapi.MEDIA_IOC_ENUM_ENTITIES, d) < 0) {
      return;
    }
    MediaLinksEnum l = new MediaLinksEnum(d.id, new MediaPadDesc[d.pads],
        new MediaLinkDesc[d.links]);
    ioctl(slot, StressCall.MEDIA_ENUM_LINKS, MediaUapi.MEDIA_IOC_ENUM_LINKS, l);
  }

  /** G_TOPOLOGY twice: the counts, then the objects into arrays of that size. */
  private void topology(Slot slot) {
    MediaV2Topology t = new MediaV2Topology();
    if (ioctl(slot, StressCall.MEDIA_G_TOPOLOGY, MediaUapi.MEDIA_IOC_G_TOPOLOGY, t) < 0) {
      return;
    }
    int room = Math.max(Math.max(t.numEntities, t.numInterfaces),
        Math.max(t.numPads, t.numLinks));
    ioctl(slot, StressCall.MEDIA_G_TOPOLOGY, MediaUapi.MEDIA_IOC_G_TOPOLOGY,
        MediaV2Topology.withRoom(room));
  }

  // ------------------------------------------------------------------ video nodes

  private void video(Slot slot, Step s) {
    int type = slot.decoder && s.param(0, 2) == 0 ? OUT : CAP;
    switch (s.action()) {
      case POLL -> poll(slot, FileOperations.POLLIN | FileOperations.POLLOUT,
          s.param(16, 2) == 0 ? 0 : POLL_NANOS);
      case READ -> check(slot, StressCall.VIDEO_READ, task.read(slot.fd, new byte[64]));
      case QUERYCAP ->
          ioctl(slot, StressCall.VIDIOC_QUERYCAP, Videodev2.VIDIOC_QUERYCAP, new V4l2Capability());
      case ENUM_FMT -> {
        V4l2Fmtdesc f = new V4l2Fmtdesc();
        f.type = type;
        f.index = s.param(16, 6);
        ioctl(slot, StressCall.VIDIOC_ENUM_FMT, Videodev2.VIDIOC_ENUM_FMT, f);
      }
      case G_FMT -> {
        V4l2Format f = new V4l2Format();
        f.type = type;
        ioctl(slot, StressCall.VIDIOC_G_FMT, Videodev2.VIDIOC_G_FMT, f);
      }
      case S_FMT -> sFmt(slot, type, s.param(16, 1 << 12));
      case REQBUFS -> reqbufs(slot, type, s.param(16, 5));
      case QBUF -> qbuf(slot, type, s.param(16, 6));
      case DQBUF -> dqbuf(slot, type);
      case STREAMON ->
          ioctl(slot, StressCall.VIDIOC_STREAMON, Videodev2.VIDIOC_STREAMON, new V4l2Int(type));
      case STREAMOFF -> streamoff(slot, type);
      case INPUT -> input(slot, s);
      default -> {
        if (slot.decoder) {
          decode(slot, s);
        } else {
          capture(slot);
        }
      }
    }
  }

  private static int queue(int type) {
    return type == OUT ? 0 : 1;
  }

  private void sFmt(Slot slot, int type, int p) {
    V4l2Format f = new V4l2Format();
    f.type = type;
    if (slot.decoder && type == OUT) {
      HantroCodec[] codecs = HantroCodec.values();
      f.pixelformat = codecs[p % codecs.length].fourcc();
      f.width = 1920;
      f.height = 1080;
    } else {
      f.pixelformat = slot.decoder ? HantroCodec.NV12 : Videodev2.V4L2_PIX_FMT_UYVY;
      f.width = 720;
      f.height = 480;
    }
    ioctl(slot, StressCall.VIDIOC_S_FMT, Videodev2.VIDIOC_S_FMT, f);
  }

  private int reqbufs(Slot slot, int type, int count) {
    V4l2Requestbuffers r = new V4l2Requestbuffers();
    r.type = type;
    r.memory = MMAP;
    r.count = count;
    int ret = ioctl(slot, StressCall.VIDIOC_REQBUFS, Videodev2.VIDIOC_REQBUFS, r);
    if (ret == 0) {
      // REQBUFS cancels the queue before it frees: whatever was queued comes back.
      BitSet q = slot.inFlight[queue(type)];
      stress.buffersReturned(q.cardinality(), false);
      q.clear();
      slot.buffers[queue(type)] = r.count;
    }
    return ret;
  }

  private int qbuf(Slot slot, int type, int index) {
    V4l2Buffer b = new V4l2Buffer(index, type, MMAP);
    if (type == OUT) {
      b.bytesused = 4096;
      b.timestamp = 1000L * (steps + 1);
    }
    int ret = ioctl(slot, StressCall.VIDIOC_QBUF, Videodev2.VIDIOC_QBUF, b);
    if (ret == 0) {
      BitSet q = slot.inFlight[queue(type)];
      if (q.get(index)) {
        stress.fail(where() + ": QBUF accepted buffer " + index + " while it was queued");
      } else {
        q.set(index);
        slot.note("  queued " + type + "#" + index);
        stress.buffersQueued(1);
      }
    }
    return ret;
  }

  private int dqbuf(Slot slot, int type) {
    V4l2Buffer b = new V4l2Buffer(0, type, MMAP);
    int ret = ioctl(slot, StressCall.VIDIOC_DQBUF, Videodev2.VIDIOC_DQBUF, b);
    if (ret == 0) {
      BitSet q = slot.inFlight[queue(type)];
      if (b.index < 0 || !q.get(b.index)) {
        stress.fail(where() + ": DQBUF returned buffer " + b.index + ", which was not queued"
            + " (fd " + slot.fd + " on " + slot.path + ", last calls: " + slot.history + ")");
      } else {
        q.clear(b.index);
        slot.note("  dequeued " + type + "#" + b.index);
        stress.buffersReturned(1, false);
      }
    }
    return ret;
  }

  private void streamoff(Slot slot, int type) {
    int ret = ioctl(slot, StressCall.VIDIOC_STREAMOFF, Videodev2.VIDIOC_STREAMOFF,
        new V4l2Int(type));
    if (ret == 0) {
      BitSet q = slot.inFlight[queue(type)];
      stress.buffersReturned(q.cardinality(), false);
      q.clear();
    }
  }

  private void input(Slot slot, Step s) {
    switch (s.param(32, 3)) {
      case 0 -> {
        V4l2Input in = new V4l2Input();
        in.index = s.param(16, 4);
        ioctl(slot, StressCall.VIDIOC_ENUMINPUT, Videodev2.VIDIOC_ENUMINPUT, in);
      }
      case 1 -> ioctl(slot, StressCall.VIDIOC_S_INPUT, Videodev2.VIDIOC_S_INPUT,
          new V4l2Int(s.param(16, 4)));
      default -> ioctl(slot, StressCall.VIDIOC_G_TUNER, Videodev2.VIDIOC_G_TUNER,
          new V4l2Tuner());
    }
  }

  /**
   * A short decode: the coded format, two buffers on each queue, both queues on, two frames in
   * flight, a few bounded waits for them, both queues off.
   */
  private void decode(Slot slot, Step s) {
    sFmt(slot, OUT, s.param(16, 1 << 12));
    reqbufs(slot, OUT, 2);
    reqbufs(slot, CAP, 2);
    ioctl(slot, StressCall.VIDIOC_STREAMON, Videodev2.VIDIOC_STREAMON, new V4l2Int(OUT));
    ioctl(slot, StressCall.VIDIOC_STREAMON, Videodev2.VIDIOC_STREAMON, new V4l2Int(CAP));
    for (int i = 0; i < Math.min(2, slot.buffers[1]); i++) {
      if (!slot.inFlight[1].get(i)) {
        qbuf(slot, CAP, i);
      }
      if (i < slot.buffers[0] && !slot.inFlight[0].get(i)) {
        qbuf(slot, OUT, i);
      }
    }
    for (int round = 0; round < RUN_ROUNDS && slot.inFlightCount() > 0 && !slot.gone; round++) {
      poll(slot, FileOperations.POLLIN | FileOperations.POLLOUT, POLL_NANOS);
      dqbuf(slot, CAP);
      dqbuf(slot, OUT);
    }
    streamoff(slot, OUT);
    streamoff(slot, CAP);
  }

  /** A short capture: four buffers, stream on, a few frames dequeued and requeued, stream off. */
  private void capture(Slot slot) {
    reqbufs(slot, CAP, 4);
    for (int i = 0; i < slot.buffers[1]; i++) {
      if (!slot.inFlight[1].get(i)) {
        qbuf(slot, CAP, i);
      }
    }
    ioctl(slot, StressCall.VIDIOC_STREAMON, Videodev2.VIDIOC_STREAMON, new V4l2Int(CAP));
    for (int round = 0; round < RUN_ROUNDS && !slot.gone; round++) {
      poll(slot, FileOperations.POLLIN, POLL_NANOS);
      if (dqbuf(slot, CAP) == 0) {
        int freed = slot.inFlight[1].nextClearBit(0);
        if (freed < slot.buffers[1]) {
          qbuf(slot, CAP, freed);
        }
      }
    }
    streamoff(slot, CAP);
  }

  // ------------------------------------------------------------------ PCM

  private void pcm(Slot slot, Step s) {
    switch (s.action()) {
      case POLL -> poll(slot, FileOperations.POLLIN, s.param(16, 2) == 0 ? 0 : POLL_NANOS);
      case READ -> check(slot, StressCall.PCM_READ,
          task.read(slot.fd, new byte[SndUsbChip.PERIOD_BYTES]));
      case HW_PARAMS -> {
        // 1 and 33 periods are out of range: the EINVAL path, before any state change.
        ioctl(slot, StressCall.PCM_HW_PARAMS, SndPcm.HW_PARAMS,
            SndPcmHwParams.standard(1 + s.param(16, SndUsbChip.MAX_PERIODS + 1)));
      }
      case PREPARE -> ioctl(slot, StressCall.PCM_PREPARE, SndPcm.PREPARE, null);
      case START -> ioctl(slot, StressCall.PCM_START, SndPcm.START, null);
      case DROP -> ioctl(slot, StressCall.PCM_DROP, SndPcm.DROP, null);
      case HW_FREE -> ioctl(slot, StressCall.PCM_HW_FREE, SndPcm.HW_FREE, null);
      default -> {
        ioctl(slot, StressCall.PCM_HW_PARAMS, SndPcm.HW_PARAMS, SndPcmHwParams.standard(4));
        ioctl(slot, StressCall.PCM_PREPARE, SndPcm.PREPARE, null);
        ioctl(slot, StressCall.PCM_START, SndPcm.START, null);
        byte[] period = new byte[SndUsbChip.PERIOD_BYTES];
        for (int round = 0; round < RUN_ROUNDS && !slot.gone; round++) {
          poll(slot, FileOperations.POLLIN, POLL_NANOS);
          check(slot, StressCall.PCM_READ, task.read(slot.fd, period));
        }
        ioctl(slot, StressCall.PCM_DROP, SndPcm.DROP, null);
        ioctl(slot, StressCall.PCM_HW_FREE, SndPcm.HW_FREE, null);
      }
    }
  }
}
