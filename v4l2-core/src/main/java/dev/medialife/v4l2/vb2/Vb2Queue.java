package dev.medialife.v4l2.vb2;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.medialife.driver.File;
import dev.medialife.driver.FileOperations;
import dev.medialife.driver.PollTable;
import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.locking.Mutex;
import dev.medialife.kernel.meta.JavaOnly;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.kernel.wait.WaitQueueHead;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A videobuf2 queue ({@code struct vb2_queue}, videobuf2-core.c and videobuf2-v4l2.c).
 *
 * <p>Locking. The ioctl-level methods ({@link #reqbufs}, {@link #qbuf}, {@link #dqbuf}, {@link
 * #streamon}, ...) are called with {@link #lock()} held when the queue has one, as the V4L2 core
 * does; a blocking DQBUF drops it while it sleeps and takes it again. The queue's own state is
 * guarded by {@code doneLock} (the kernel's {@code done_lock} together with the serialisation the
 * queue lock gives), which is held only briefly and never across a driver operation, so drivers may
 * complete buffers from any context, including from inside an operation.
 *
 * <p>Nothing is lost: every buffer handed in by QBUF comes back exactly once, by DQBUF (DONE or
 * ERROR) or by a cancel. Completing a buffer the driver does not own, and a cancel that finds the
 * counters disagree, are reported as warnings. {@link #queuedTotal()}, {@link #dequeuedTotal()} and
 * {@link #cancelledTotal()} expose the counters.
 */
@KernelSymbol("vb2_queue")
public final class Vb2Queue {
  /** {@code V4L2_BUF_TYPE_VIDEO_CAPTURE}. */
  @KernelSymbol("V4L2_BUF_TYPE_VIDEO_CAPTURE")
  public static final int TYPE_VIDEO_CAPTURE = 1;

  /** {@code V4L2_BUF_TYPE_VIDEO_OUTPUT}. */
  @KernelSymbol("V4L2_BUF_TYPE_VIDEO_OUTPUT")
  public static final int TYPE_VIDEO_OUTPUT = 2;

  /** {@code V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE} (the capture side of most M2M devices). */
  @KernelSymbol("V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE")
  public static final int TYPE_VIDEO_CAPTURE_MPLANE = 9;

  /** {@code V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE} (the output side of most M2M devices). */
  @KernelSymbol("V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE")
  public static final int TYPE_VIDEO_OUTPUT_MPLANE = 10;

  /** {@code V4L2_MEMORY_MMAP}. */
  @KernelSymbol("V4L2_MEMORY_MMAP")
  public static final int MEMORY_MMAP = 1;

  /** {@code V4L2_MEMORY_USERPTR}. */
  @KernelSymbol("V4L2_MEMORY_USERPTR")
  public static final int MEMORY_USERPTR = 2;

  /** {@code V4L2_MEMORY_DMABUF}. */
  @KernelSymbol("V4L2_MEMORY_DMABUF")
  public static final int MEMORY_DMABUF = 4;

  /** {@code VB2_MMAP}: io mode bit for MMAP buffers. */
  @KernelSymbol("VB2_MMAP")
  public static final int IO_MMAP = 1;

  /** {@code VB2_USERPTR}: io mode bit for USERPTR buffers. */
  @KernelSymbol("VB2_USERPTR")
  public static final int IO_USERPTR = 1 << 1;

  /** {@code VB2_DMABUF}: io mode bit for DMABUF buffers. */
  @KernelSymbol("VB2_DMABUF")
  public static final int IO_DMABUF = 1 << 4;

  /**
   * {@code VB2_V4L2_FL_SUPPORTS_M2M_HOLD_CAPTURE_BUF}: a subsystem flag of an output queue whose
   * driver honours {@link V4l2Buffer#FLAG_M2M_HOLD_CAPTURE_BUF}.
   */
  @KernelSymbol("VB2_V4L2_FL_SUPPORTS_M2M_HOLD_CAPTURE_BUF")
  public static final int FL_SUPPORTS_M2M_HOLD_CAPTURE_BUF = 1;

  /** {@code VB2_MAX_FRAME}: the default (and here the only) {@code max_num_buffers}. */
  @KernelSymbol("VB2_MAX_FRAME")
  public static final int MAX_FRAME = 64;

  /** The MMAP cookie of buffer n is {@code n << PAGE_SHIFT}. */
  private static final int PAGE_SHIFT = 12;

  private final int type;
  private final int ioModes;
  private final Vb2Ops ops;
  private final @Nullable Mutex lock;
  private final int minQueuedBuffers;
  private final int minReqbufsAllocation;
  private final WaitQueueHead doneWq = new WaitQueueHead("vb2_queue.done_wq");
  private final ReentrantLock doneLock = new ReentrantLock();

  /**
   * Serialises the ioctl-level methods of a queue without {@code q->lock}, as a driver that sets
   * no queue lock must (older kernels' {@code wait_prepare}/{@code wait_finish} dropped it).
   */
  private final ReentrantLock serial = new ReentrantLock();

  @GuardedBy("doneLock")
  private final List<Vb2Buffer> bufs = new ArrayList<>();

  @GuardedBy("doneLock")
  private final List<Vb2Buffer> queuedList = new ArrayList<>();

  @GuardedBy("doneLock")
  private final ArrayDeque<Vb2Buffer> doneList = new ArrayDeque<>();

  @GuardedBy("doneLock")
  private int memory;

  @GuardedBy("doneLock")
  private int ownedByDrv;

  /**
   * Written under {@code doneLock}; volatile because {@link #isStreaming()} reads it without the
   * lock, as {@code vb2_is_streaming} reads {@code q->streaming}.
   */
  private volatile boolean streaming;

  @GuardedBy("doneLock")
  private boolean startStreamingCalled;

  @GuardedBy("doneLock")
  private boolean error;

  @GuardedBy("doneLock")
  private boolean waitingInDqbuf;

  @GuardedBy("doneLock")
  private boolean lastBufferDequeued;

  @GuardedBy("doneLock")
  private long queuedTotal;

  @GuardedBy("doneLock")
  private long dequeuedTotal;

  @GuardedBy("doneLock")
  private long cancelledTotal;

  private volatile @Nullable Object owner;
  private volatile int timestampFlags;
  private volatile int subsystemFlags;

  /**
   * Initialises a queue ({@code vb2_queue_init}).
   *
   * @param type the buffer type, a {@code TYPE_*} value
   * @param ioModes the supported memory types, {@code IO_*} bits
   * @param ops the driver's operations
   * @param lock the queue lock ({@code q->lock}), or null when the driver serialises itself
   * @param minQueuedBuffers buffers that must be queued before {@code start_streaming} is called
   */
  @KernelSymbol("vb2_queue_init")
  public Vb2Queue(int type, int ioModes, Vb2Ops ops, @Nullable Mutex lock, int minQueuedBuffers) {
    this.type = type;
    this.ioModes = ioModes;
    this.ops = ops;
    this.lock = lock;
    this.minQueuedBuffers = minQueuedBuffers;
    this.minReqbufsAllocation = minQueuedBuffers + 1;
  }

  /**
   * The file handle that allocated the buffers ({@code q->owner}): only it may queue, dequeue and
   * stream through the vb2 ioctl helpers.
   *
   * @return the owner (a file's private data), or null
   */
  @KernelSymbol("vb2_queue.owner")
  public @Nullable Object owner() {
    return owner;
  }

  /**
   * Sets the owner; the ioctl helpers do, at REQBUFS and at the owner's release.
   *
   * @param o the owner, or null
   */
  @KernelSymbol("vb2_queue.owner")
  public void setOwner(@Nullable Object o) {
    owner = o;
  }

  /**
   * The timestamp type ({@code q->timestamp_flags}), for example {@link
   * V4l2Buffer#FLAG_TIMESTAMP_COPY} on an m2m queue.
   *
   * @return the {@code V4L2_BUF_FLAG_TIMESTAMP_*} bits
   */
  @KernelSymbol("vb2_queue.timestamp_flags")
  public int timestampFlags() {
    return timestampFlags;
  }

  /**
   * Sets the timestamp type, as a driver does before {@code vb2_queue_init}.
   *
   * @param flags the {@code V4L2_BUF_FLAG_TIMESTAMP_*} bits
   */
  @KernelSymbol("vb2_queue.timestamp_flags")
  public void setTimestampFlags(int flags) {
    timestampFlags = flags & V4l2Buffer.FLAG_TIMESTAMP_MASK;
  }

  /**
   * The subsystem flags ({@code q->subsystem_flags}).
   *
   * @return the {@code VB2_V4L2_FL_*} bits
   */
  @KernelSymbol("vb2_queue.subsystem_flags")
  public int subsystemFlags() {
    return subsystemFlags;
  }

  /**
   * Sets the subsystem flags, for example {@link #FL_SUPPORTS_M2M_HOLD_CAPTURE_BUF}.
   *
   * @param flags the {@code VB2_V4L2_FL_*} bits
   */
  @KernelSymbol("vb2_queue.subsystem_flags")
  public void setSubsystemFlags(int flags) {
    subsystemFlags = flags;
  }

  /**
   * Whether {@code start_streaming} has been called and not yet undone.
   *
   * @return {@code vb2_start_streaming_called}
   */
  @KernelSymbol("vb2_start_streaming_called")
  public boolean startStreamingCalled() {
    doneLock.lock();
    try {
      return startStreamingCalled;
    } finally {
      doneLock.unlock();
    }
  }

  /**
   * Whether the buffer flagged LAST was dequeued, so that DQBUF now gives -EPIPE.
   *
   * @return {@code q->last_buffer_dequeued}
   */
  @KernelSymbol("vb2_queue.last_buffer_dequeued")
  public boolean lastBufferDequeued() {
    doneLock.lock();
    try {
      return lastBufferDequeued;
    } finally {
      doneLock.unlock();
    }
  }

  /**
   * The number of buffers on the queue: queued, owned by the driver, or done and not dequeued.
   *
   * @return {@code q->queued_count}
   */
  @KernelSymbol("vb2_queue.queued_count")
  public int queuedCount() {
    doneLock.lock();
    try {
      return queuedList.size();
    } finally {
      doneLock.unlock();
    }
  }

  /**
   * Whether a completed buffer waits to be dequeued.
   *
   * @return true if {@code q->done_list} is not empty
   */
  @KernelSymbol("vb2_queue.done_list")
  public boolean hasDone() {
    doneLock.lock();
    try {
      return !doneList.isEmpty();
    } finally {
      doneLock.unlock();
    }
  }

  /**
   * The supported memory types.
   *
   * @return the {@code IO_*} bits ({@code q->io_modes})
   */
  @KernelSymbol("vb2_queue.io_modes")
  public int ioModes() {
    return ioModes;
  }

  /**
   * The buffer type.
   *
   * @return {@code q->type}
   */
  @KernelSymbol("vb2_queue.type")
  public int type() {
    return type;
  }

  /**
   * The queue lock.
   *
   * @return {@code q->lock}, or null
   */
  @KernelSymbol("vb2_queue.lock")
  public @Nullable Mutex lock() {
    return lock;
  }

  /**
   * The wait queue DQBUF and poll sleep on.
   *
   * @return {@code q->done_wq}
   */
  @KernelSymbol("vb2_queue.done_wq")
  public WaitQueueHead doneWq() {
    return doneWq;
  }

  /**
   * Whether the type is an output type ({@code V4L2_TYPE_IS_OUTPUT}).
   *
   * @param type a buffer type
   * @return true for the output, overlay and output-like types
   */
  @KernelSymbol("V4L2_TYPE_IS_OUTPUT")
  public static boolean typeIsOutput(int type) {
    return switch (type) {
      case 2, 3, 5, 7, 8, 10, 12, 14 -> true;
      default -> false;
    };
  }

  /**
   * Whether the queue is streaming.
   *
   * @return {@code vb2_is_streaming}
   */
  @KernelSymbol("vb2_is_streaming")
  public boolean isStreaming() {
    return streaming; // a plain read in the kernel: the m2m scheduler asks on every try_queue
  }

  /**
   * Whether {@link #queueError} was called since the last cancel.
   *
   * @return {@code q->error}
   */
  @KernelSymbol("vb2_queue.error")
  public boolean hasError() {
    doneLock.lock();
    try {
      return error;
    } finally {
      doneLock.unlock();
    }
  }

  /**
   * The number of allocated buffers.
   *
   * @return {@code vb2_get_num_buffers}
   */
  @KernelSymbol("vb2_get_num_buffers")
  public int numBuffers() {
    doneLock.lock();
    try {
      return bufs.size();
    } finally {
      doneLock.unlock();
    }
  }

  /**
   * A buffer by index.
   *
   * @param index the index
   * @return the buffer, or null if there is none with that index
   */
  @KernelSymbol("vb2_get_buffer")
  public @Nullable Vb2Buffer buffer(int index) {
    doneLock.lock();
    try {
      return bufferLocked(index);
    } finally {
      doneLock.unlock();
    }
  }

  @GuardedBy("doneLock")
  private @Nullable Vb2Buffer bufferLocked(int index) {
    return Integer.compareUnsigned(index, bufs.size()) < 0 ? bufs.get(index) : null;
  }

  /**
   * The number of buffers the driver owns.
   *
   * @return {@code q->owned_by_drv_count}
   */
  @KernelSymbol("vb2_queue.owned_by_drv_count")
  public int ownedByDriver() {
    doneLock.lock();
    try {
      return ownedByDrv;
    } finally {
      doneLock.unlock();
    }
  }

  /**
   * How many buffers QBUF has handed in since the queue was created.
   *
   * @return the count
   */
  @JavaOnly("nothing-lost invariant counter")
  public long queuedTotal() {
    doneLock.lock();
    try {
      return queuedTotal;
    } finally {
      doneLock.unlock();
    }
  }

  /**
   * How many buffers DQBUF has given back.
   *
   * @return the count
   */
  @JavaOnly("nothing-lost invariant counter")
  public long dequeuedTotal() {
    doneLock.lock();
    try {
      return dequeuedTotal;
    } finally {
      doneLock.unlock();
    }
  }

  /**
   * How many queued buffers a cancel (STREAMOFF, REQBUFS or release) has given back.
   *
   * @return the count
   */
  @JavaOnly("nothing-lost invariant counter")
  public long cancelledTotal() {
    doneLock.lock();
    try {
      return cancelledTotal;
    } finally {
      doneLock.unlock();
    }
  }

  /**
   * Checks a memory type and buffer type ({@code vb2_verify_memory_type}).
   *
   * @return 0 or -EINVAL
   */
  private int verifyMemoryType(int mem, int bufType) {
    int bit =
        switch (mem) {
          case MEMORY_MMAP -> IO_MMAP;
          case MEMORY_USERPTR -> IO_USERPTR;
          case MEMORY_DMABUF -> IO_DMABUF;
          default -> 0;
        };
    if (bit == 0 || bufType != type || (ioModes & bit) == 0) {
      return -Errno.EINVAL;
    }
    return 0;
  }

  /**
   * REQBUFS ({@code vb2_reqbufs}, {@code vb2_core_reqbufs}): frees the existing buffers (after
   * cancelling the queue), then, unless {@code count} is 0, asks the driver and allocates new ones.
   * The count is unsigned and clamped to {@link #MAX_FRAME}. When fewer buffers can be allocated
   * than the driver accepted, the driver is asked again with the lower number.
   *
   * <p>Context: process context, with {@link #lock()} held if set.
   *
   * @param bufType the buffer type
   * @param mem the memory type
   * @param count the requested count (unsigned)
   * @return the number of buffers allocated, or -EINVAL (memory or type), -EBUSY (streaming, or a
   *     DQBUF sleeping), -ENOMEM, or the driver's {@code queue_setup} error
   */
  @KernelSymbol({"vb2_reqbufs", "vb2_core_reqbufs"})
  public int reqbufs(int bufType, int mem, int count) {
    return serialized(() -> doReqbufs(bufType, mem, count));
  }

  private int doReqbufs(int bufType, int mem, int count) {
    int ret = verifyMemoryType(mem, bufType);
    if (ret != 0) {
      return ret;
    }
    doneLock.lock();
    try {
      if (streaming) {
        return -Errno.EBUSY;
      }
      if (waitingInDqbuf && count != 0) {
        return -Errno.EBUSY;
      }
    } finally {
      doneLock.unlock();
    }
    cancel();
    freeBuffers();
    if (count == 0) {
      return 0;
    }
    long want = Math.max(Integer.toUnsignedLong(count), minReqbufsAllocation);
    int num = ops.queueSetup(this, (int) Math.min(want, MAX_FRAME));
    if (num < 0) {
      return num;
    }
    num = Math.min(num, MAX_FRAME);
    List<Vb2Buffer> fresh = new ArrayList<>();
    for (int i = 0; i < num; i++) {
      Allocation a = Kmem.kzalloc("vb2_buffer", "vb2 buffer " + i);
      if (a == null) {
        break;
      }
      fresh.add(new Vb2Buffer(this, i, a));
    }
    int allocated = fresh.size();
    doneLock.lock();
    try {
      bufs.addAll(fresh);
      memory = mem;
    } finally {
      doneLock.unlock();
    }
    if (allocated < minReqbufsAllocation) {
      ret = -Errno.ENOMEM;
    } else if (allocated < num) {
      int again = ops.queueSetup(this, allocated);
      ret = again < 0 ? again : allocated < again ? -Errno.ENOMEM : 0;
    }
    if (ret != 0) {
      freeBuffers();
      return ret;
    }
    return allocated;
  }

  /** Frees every buffer ({@code __vb2_queue_free}); the queue is cancelled, so all are DEQUEUED. */
  private void freeBuffers() {
    doneLock.lock();
    try {
      for (Vb2Buffer vb : bufs) {
        Kmem.kfree(vb.mem, "__vb2_queue_free");
      }
      bufs.clear();
      memory = 0;
    } finally {
      doneLock.unlock();
    }
  }

  /** Fills the descriptor ({@code __fill_v4l2_buffer}); callers hold the done lock. */
  private static void fill(V4l2Buffer b, Vb2Buffer vb, int mem) {
    int stateFlags =
        switch (vb.state) {
          case QUEUED, ACTIVE -> V4l2Buffer.FLAG_QUEUED;
          case DONE -> V4l2Buffer.FLAG_DONE;
          case ERROR -> V4l2Buffer.FLAG_DONE | V4l2Buffer.FLAG_ERROR;
          case DEQUEUED -> 0;
        };
    int keep =
        ~(V4l2Buffer.FLAG_QUEUED | V4l2Buffer.FLAG_DONE | V4l2Buffer.FLAG_ERROR);
    b.flags = (vb.flags() & keep) | stateFlags;
    b.memory = mem;
    b.bytesused = vb.bytesused();
    b.sequence = vb.sequence();
    b.timestamp = vb.timestamp();
    b.offset = mem == MEMORY_MMAP ? vb.index() << PAGE_SHIFT : 0;
  }

  /**
   * QUERYBUF ({@code vb2_querybuf}): fills {@code b} with the state of buffer {@code b.index}.
   *
   * @param b the descriptor; {@code type} and {@code index} are read
   * @return 0, or -EINVAL for a wrong type or a bad index
   */
  @KernelSymbol("vb2_querybuf")
  public int querybuf(V4l2Buffer b) {
    if (b.type != type) {
      return -Errno.EINVAL;
    }
    doneLock.lock();
    try {
      Vb2Buffer vb = bufferLocked(b.index);
      if (vb == null) {
        return -Errno.EINVAL;
      }
      fill(b, vb, memory);
      return 0;
    } finally {
      doneLock.unlock();
    }
  }

  /**
   * QBUF ({@code vb2_qbuf}, {@code vb2_core_qbuf}): queues a DEQUEUED buffer, gives it to the
   * driver at once if streaming has started, and starts streaming when STREAMON was called and
   * enough buffers are now queued.
   *
   * <p>Context: process context, with {@link #lock()} held if set.
   *
   * @param b the descriptor; {@code type}, {@code index}, {@code memory} and, for output, {@code
   *     bytesused} are read, the rest is filled
   * @return 0, -EINVAL (type, index, memory, or a buffer already queued), -EIO (queue error), or
   *     the driver's {@code start_streaming} error, in which case the buffer is not queued: it is
   *     DEQUEUED again and off the queued list
   */
  @KernelSymbol({"vb2_qbuf", "vb2_core_qbuf"})
  public int qbuf(V4l2Buffer b) {
    return serialized(() -> doQbuf(b));
  }

  private int doQbuf(V4l2Buffer b) {
    Vb2Buffer vb;
    boolean enqueueNow;
    boolean startNow;
    doneLock.lock();
    try {
      vb = b.type == type ? bufferLocked(b.index) : null;
      if (vb == null || b.memory != memory) {
        return -Errno.EINVAL;
      }
      if (error) {
        return -Errno.EIO;
      }
      if (vb.state != Vb2Buffer.State.DEQUEUED) {
        return -Errno.EINVAL;
      }
      if (typeIsOutput(type)) {
        vb.setBytesused(b.bytesused);
        vb.setTimestamp(b.timestamp);
        vb.setCopiedTimestamp(
            (timestampFlags & V4l2Buffer.FLAG_TIMESTAMP_MASK) == V4l2Buffer.FLAG_TIMESTAMP_COPY);
        int hold =
            (subsystemFlags & FL_SUPPORTS_M2M_HOLD_CAPTURE_BUF) != 0
                ? b.flags & V4l2Buffer.FLAG_M2M_HOLD_CAPTURE_BUF
                : 0;
        vb.setFlags((vb.flags() & ~V4l2Buffer.FLAG_M2M_HOLD_CAPTURE_BUF) | hold);
      }
      vb.state = Vb2Buffer.State.QUEUED;
      queuedList.add(vb);
      queuedTotal++;
      enqueueNow = startStreamingCalled;
      startNow = streaming && !startStreamingCalled && queuedList.size() >= minQueuedBuffers;
    } finally {
      doneLock.unlock();
    }
    if (enqueueNow) {
      enqueueInDriver(vb);
    } else if (startNow) {
      int ret = startStreaming();
      if (ret != 0) {
        // The error says the buffer was not queued: it leaves the queued list and goes back to
        // the state it had (vb2_core_qbuf). A buffer a buggy driver completed meanwhile stays on
        // the done list, as in the kernel; DQBUF then refuses it (see doDqbuf).
        doneLock.lock();
        try {
          queuedList.remove(vb);
          queuedTotal--;
          vb.state = Vb2Buffer.State.DEQUEUED;
        } finally {
          doneLock.unlock();
        }
        return ret;
      }
    }
    doneLock.lock();
    try {
      fill(b, vb, memory);
    } finally {
      doneLock.unlock();
    }
    return 0;
  }

  /** Gives a queued buffer to the driver ({@code __enqueue_in_driver}). */
  private void enqueueInDriver(Vb2Buffer vb) {
    doneLock.lock();
    try {
      vb.state = Vb2Buffer.State.ACTIVE;
      ownedByDrv++;
    } finally {
      doneLock.unlock();
    }
    ops.bufQueue(vb);
  }

  private List<Vb2Buffer> buffersIn(Vb2Buffer.State state) {
    doneLock.lock();
    try {
      List<Vb2Buffer> out = new ArrayList<>();
      for (Vb2Buffer vb : bufs) {
        if (vb.state == state) {
          out.add(vb);
        }
      }
      return out;
    } finally {
      doneLock.unlock();
    }
  }

  /**
   * {@code vb2_start_streaming}: gives every queued buffer to the driver and calls {@code
   * start_streaming}; on failure the buffers go back to QUEUED. A driver that kept buffers is
   * warned and they are forced back; a driver that completed buffers (the done list is not empty)
   * is warned too, and those stay on the done list, as in the kernel.
   */
  private int startStreaming() {
    for (Vb2Buffer vb : buffersIn(Vb2Buffer.State.QUEUED)) {
      enqueueInDriver(vb);
    }
    int owned;
    doneLock.lock();
    try {
      startStreamingCalled = true;
      owned = ownedByDrv;
    } finally {
      doneLock.unlock();
    }
    int ret = ops.startStreaming(this, owned);
    if (ret == 0) {
      return 0;
    }
    doneLock.lock();
    try {
      startStreamingCalled = false;
    } finally {
      doneLock.unlock();
    }
    List<Vb2Buffer> kept = buffersIn(Vb2Buffer.State.ACTIVE);
    if (Warn.on(!kept.isEmpty(), "vb2: start_streaming failed and the driver kept " + kept)) {
      for (Vb2Buffer vb : kept) {
        bufferDone(vb, Vb2Buffer.State.QUEUED);
      }
    }
    // A driver must give its buffers back as QUEUED when start_streaming fails; one completed
    // as DONE or ERROR instead sits on the done list. The kernel warns and leaves it there.
    boolean completed;
    String done;
    doneLock.lock();
    try {
      completed = !doneList.isEmpty();
      done = doneList.toString();
    } finally {
      doneLock.unlock();
    }
    Warn.on(completed, "vb2: start_streaming failed and the driver completed " + done);
    return ret;
  }

  /** {@code vb2_buffer_done}; see {@link Vb2Buffer#bufferDone}. */
  void bufferDone(Vb2Buffer vb, Vb2Buffer.State requested) {
    Vb2Buffer.State state = requested;
    String bad = null;
    boolean completed = false;
    doneLock.lock();
    try {
      Vb2Buffer.State was = vb.state;
      if (was != Vb2Buffer.State.ACTIVE) {
        bad = "vb2_buffer_done: buffer " + vb.index() + " is not owned by the driver (" + was + ")";
      } else {
        if (state == Vb2Buffer.State.DEQUEUED || state == Vb2Buffer.State.ACTIVE) {
          bad = "vb2_buffer_done: invalid state " + state + " for buffer " + vb.index();
          state = Vb2Buffer.State.ERROR;
        }
        ownedByDrv--;
        vb.state = state;
        completed = state != Vb2Buffer.State.QUEUED;
        if (completed) {
          doneList.add(vb);
        }
      }
    } finally {
      doneLock.unlock();
    }
    if (bad != null) {
      Warn.warn(bad);
    }
    if (completed) {
      doneWq.wakeUp();
    }
  }

  /** The DQBUF wake-up condition: a done buffer, the end of streaming, or an error. */
  private boolean doneOrStopped() {
    doneLock.lock();
    try {
      return !doneList.isEmpty() || !streaming || error;
    } finally {
      doneLock.unlock();
    }
  }

  /**
   * DQBUF ({@code vb2_dqbuf}, {@code vb2_core_dqbuf}, {@code __vb2_wait_for_done_vb}): on each
   * round checks, in order, another sleeping DQBUF (-EBUSY), not streaming (-EINVAL), the queue
   * error (-EIO), the last buffer already dequeued (-EPIPE), a done buffer (proceed), non-blocking
   * (-EAGAIN); otherwise sleeps interruptibly with {@link #lock()} dropped and checks again.
   *
   * <p>Context: process context, with {@link #lock()} held if set; may sleep.
   *
   * @param b the descriptor; {@code type} is read, the rest is filled with the dequeued buffer
   *     ({@link V4l2Buffer#FLAG_ERROR} for a buffer completed with ERROR)
   * @param nonblocking whether the file is O_NONBLOCK
   * @return 0 or -EINVAL, -EBUSY, -EIO, -EPIPE, -EAGAIN, -ERESTARTSYS
   */
  @KernelSymbol({"vb2_dqbuf", "vb2_core_dqbuf", "__vb2_wait_for_done_vb"})
  public int dqbuf(V4l2Buffer b, boolean nonblocking) {
    return serialized(() -> doDqbuf(b, nonblocking));
  }

  private int doDqbuf(V4l2Buffer b, boolean nonblocking) {
    if (b.type != type) {
      return -Errno.EINVAL;
    }
    for (; ; ) {
      doneLock.lock();
      try {
        if (waitingInDqbuf) {
          return -Errno.EBUSY;
        }
        if (!streaming) {
          return -Errno.EINVAL;
        }
        if (error) {
          return -Errno.EIO;
        }
        if (lastBufferDequeued) {
          return -Errno.EPIPE;
        }
        Vb2Buffer vb = doneList.poll();
        if (vb != null
            && vb.state != Vb2Buffer.State.DONE
            && vb.state != Vb2Buffer.State.ERROR) {
          // Only after a driver bug (a buffer completed by a failed start_streaming, then given
          // back to userspace by the failing QBUF): vb2_core_dqbuf drops it from the done list
          // and refuses it.
          return -Errno.EINVAL;
        }
        if (vb != null) {
          b.index = vb.index();
          fill(b, vb, memory);
          queuedList.remove(vb);
          vb.state = Vb2Buffer.State.DEQUEUED;
          dequeuedTotal++;
          if ((b.flags & V4l2Buffer.FLAG_LAST) != 0) {
            lastBufferDequeued = true;
          }
          return 0;
        }
        if (nonblocking) {
          return -Errno.EAGAIN;
        }
        waitingInDqbuf = true;
      } finally {
        doneLock.unlock();
      }
      Mutex l = lock;
      if (l != null) {
        l.unlock();
      } else {
        serial.unlock();
      }
      int ret = doneWq.waitEventInterruptible(this::doneOrStopped);
      if (l != null) {
        l.lock();
      } else {
        serial.lock();
      }
      doneLock.lock();
      try {
        waitingInDqbuf = false;
      } finally {
        doneLock.unlock();
      }
      if (ret != 0) {
        return ret;
      }
    }
  }

  /**
   * STREAMON ({@code vb2_streamon}, {@code vb2_core_streamon}). Calls {@code start_streaming} when
   * at least {@code min_queued_buffers} buffers are queued, else at the QBUF that reaches it.
   *
   * @param bufType the buffer type
   * @return 0 (also when already streaming), -EINVAL (type, no buffers, fewer buffers than
   *     {@code min_queued_buffers}), or the driver's error, with every buffer back in QUEUED
   */
  @KernelSymbol({"vb2_streamon", "vb2_core_streamon"})
  public int streamon(int bufType) {
    return serialized(() -> doStreamon(bufType));
  }

  private int doStreamon(int bufType) {
    if (bufType != type) {
      return -Errno.EINVAL;
    }
    boolean start;
    doneLock.lock();
    try {
      if (streaming) {
        return 0;
      }
      if (bufs.size() < Math.max(1, minQueuedBuffers)) {
        return -Errno.EINVAL;
      }
      start = queuedList.size() >= minQueuedBuffers;
    } finally {
      doneLock.unlock();
    }
    if (start) {
      int ret = startStreaming();
      if (ret != 0) {
        return ret;
      }
    }
    doneLock.lock();
    try {
      streaming = true;
    } finally {
      doneLock.unlock();
    }
    return 0;
  }

  /**
   * STREAMOFF ({@code vb2_streamoff}, {@code vb2_core_streamoff}): cancels the queue, returning
   * every buffer.
   *
   * @param bufType the buffer type
   * @return 0, or -EINVAL for a wrong type
   */
  @KernelSymbol({"vb2_streamoff", "vb2_core_streamoff"})
  public int streamoff(int bufType) {
    return serialized(() -> doStreamoff(bufType));
  }

  private int doStreamoff(int bufType) {
    if (bufType != type) {
      return -Errno.EINVAL;
    }
    cancel();
    return 0;
  }

  /**
   * {@code __vb2_queue_cancel}: {@code stop_streaming}, a warning and a forced ERROR completion for
   * every buffer the driver still owns, then every queued buffer back to DEQUEUED, the lists
   * emptied, streaming and the error cleared, and the sleepers woken.
   */
  private void cancel() {
    boolean stop;
    doneLock.lock();
    try {
      stop = startStreamingCalled;
    } finally {
      doneLock.unlock();
    }
    if (stop) {
      ops.stopStreaming(this);
    }
    List<Vb2Buffer> kept = buffersIn(Vb2Buffer.State.ACTIVE);
    if (Warn.on(!kept.isEmpty(), "vb2: driver bug: stop_streaming left buffers active: " + kept)) {
      for (Vb2Buffer vb : kept) {
        bufferDone(vb, Vb2Buffer.State.ERROR);
      }
    }
    boolean accounted;
    String counts;
    doneLock.lock();
    try {
      accounted = accounted(queuedTotal, dequeuedTotal, cancelledTotal, queuedList.size());
      counts =
          "queued " + queuedTotal + " dequeued " + dequeuedTotal + " cancelled " + cancelledTotal
              + " in flight " + queuedList.size();
      cancelledTotal += queuedList.size();
      for (Vb2Buffer vb : bufs) {
        vb.state = Vb2Buffer.State.DEQUEUED;
      }
      queuedList.clear();
      doneList.clear();
      ownedByDrv = 0;
      streaming = false;
      startStreamingCalled = false;
      error = false;
      lastBufferDequeued = false;
    } finally {
      doneLock.unlock();
    }
    Warn.on(!accounted, "vb2: buffers lost: " + counts);
    doneWq.wakeUpAll();
  }

  /**
   * Completes the first queued buffer at once as an empty buffer flagged LAST, before {@code
   * start_streaming} was called ({@code v4l2_m2m_force_last_buf_done}, which in the kernel reaches
   * into the queue's lists from mem2mem.c): a stopped m2m context signals end of stream to a
   * capture queue that just restarted.
   *
   * @return true if a buffer was completed, false if none is waiting or streaming has started
   */
  @KernelSymbol("v4l2_m2m_force_last_buf_done")
  public boolean forceLastBufDone() {
    Vb2Buffer vb = null;
    doneLock.lock();
    try {
      for (Vb2Buffer q : queuedList) {
        if (vb == null && q.state == Vb2Buffer.State.QUEUED && !startStreamingCalled) {
          vb = q;
        }
      }
      if (vb != null) {
        vb.setBytesused(0);
        vb.setFlags(vb.flags() | V4l2Buffer.FLAG_LAST);
        vb.state = Vb2Buffer.State.ACTIVE;
        ownedByDrv++;
      }
    } finally {
      doneLock.unlock();
    }
    if (vb == null) {
      return false;
    }
    bufferDone(vb, Vb2Buffer.State.DONE);
    return true;
  }

  /**
   * The nothing-lost invariant: every buffer QBUF handed in was dequeued, cancelled, or is still on
   * the queue.
   */
  static boolean accounted(long queued, long dequeued, long cancelled, int inFlight) {
    return queued == dequeued + cancelled + inFlight;
  }

  /**
   * Marks the queue as failed ({@code vb2_queue_error}), for hot-unplug: QBUF and DQBUF then give
   * -EIO and poll EPOLLERR until the queue is cancelled; every waiter is woken.
   *
   * <p>Context: any context; does not sleep.
   */
  @KernelSymbol("vb2_queue_error")
  public void queueError() {
    doneLock.lock();
    try {
      error = true;
    } finally {
      doneLock.unlock();
    }
    doneWq.wakeUpAll();
  }

  /**
   * Allows DQBUF again after the last buffer was dequeued ({@code vb2_clear_last_buffer_dequeued}),
   * as an M2M decoder does when it restarts.
   */
  @KernelSymbol("vb2_clear_last_buffer_dequeued")
  public void clearLastBufferDequeued() {
    doneLock.lock();
    try {
      lastBufferDequeued = false;
    } finally {
      doneLock.unlock();
    }
  }

  /**
   * Releases the queue at the last close ({@code vb2_queue_release}, {@code
   * vb2_core_queue_release}): cancels it and frees every buffer.
   */
  @KernelSymbol({"vb2_queue_release", "vb2_core_queue_release"})
  public void queueRelease() {
    serialized(
        () -> {
          cancel();
          freeBuffers();
          return 0;
        });
  }

  /**
   * Runs an ioctl-level body, taking the internal serialisation lock when the queue has no {@code
   * q->lock} (with one, the caller holds it).
   */
  private int serialized(IntSupplier body) {
    boolean own = lock == null;
    if (own) {
      serial.lock();
    }
    try {
      return body.getAsInt();
    } finally {
      if (own) {
        serial.unlock();
      }
    }
  }

  /**
   * Poll ({@code vb2_core_poll}): registers {@link #doneWq()} on the table, then returns {@link
   * #pollMask()}.
   *
   * @param file the polled file
   * @param wait the poll table, or null when the caller only wants the mask
   * @return a mask of POLL* bits
   */
  @KernelSymbol({"vb2_poll", "vb2_core_poll"})
  public int poll(File file, @Nullable PollTable wait) {
    if (wait != null) {
      wait.pollWait(file, doneWq);
    }
    return pollMask();
  }

  /**
   * The mask part of {@code vb2_core_poll}: EPOLLERR when not streaming or in error; readable (or
   * writable for an output queue) when a buffer is done, or, on capture, when the last buffer was
   * dequeued (so that DQBUF reports -EPIPE); else 0.
   *
   * @return a mask of POLL* bits
   */
  @JavaOnly("vb2_core_poll without a poll table")
  public int pollMask() {
    doneLock.lock();
    try {
      if (!streaming || error) {
        return FileOperations.POLLERR;
      }
      boolean output = typeIsOutput(type);
      if (doneList.isEmpty() && (output || !lastBufferDequeued)) {
        return 0;
      }
      return output
          ? FileOperations.POLLOUT | FileOperations.POLLWRNORM
          : FileOperations.POLLIN | FileOperations.POLLRDNORM;
    } finally {
      doneLock.unlock();
    }
  }

  @Override
  @JavaOnly("diagnostic")
  public String toString() {
    return "vb2_queue type " + type;
  }
}
