package dev.medialife.mc;

import dev.medialife.kernel.Errno;
import dev.medialife.kernel.Warn;
import dev.medialife.kernel.meta.KernelSymbol;
import dev.medialife.kernel.mm.Allocation;
import dev.medialife.kernel.mm.Kmem;
import dev.medialife.mc.uapi.MediaUapi;
import java.util.BitSet;
import org.jspecify.annotations.Nullable;

/**
 * A graph walk ({@code struct media_graph}): an undirected depth-first traversal over enabled data
 * links, returning entities in post-order, the start entity last. The caller holds the graph
 * mutex from {@link #start} until it is done with {@link #next()}.
 *
 * <p>Following the memo, the walk takes a reference on every entity it reaches with {@link
 * MediaEntity#tryGet()}, so an entity whose last reference is gone (its release waiting for the
 * graph mutex) is neither entered nor handed out. {@link #next()} hands its reference to the
 * caller, who puts it, after dropping the graph mutex if it may be the last; {@link #cleanup()}
 * puts the references of entities still on the stack.
 *
 * <p>The stack has the kernel's fixed depth of {@value #MAX_DEPTH}; deeper entities are skipped
 * with a warning. The visited bitmap is sized at {@link #init()} from the media device's highest
 * entity index, rounded up to a whole number of 64-bit words as the kernel's entity enumeration
 * does; an entity registered later whose index falls beyond it counts as visited, with a warning.
 */
@KernelSymbol("media_graph")
public final class MediaGraphWalk {
  /** {@code MEDIA_ENTITY_ENUM_MAX_DEPTH}. */
  @KernelSymbol("MEDIA_ENTITY_ENUM_MAX_DEPTH")
  public static final int MAX_DEPTH = 16;

  private static final int BITS_PER_LONG = 64;

  private final MediaDevice mdev;
  private final MediaEntity[] stackEntity = new MediaEntity[MAX_DEPTH];
  private final int[] stackLink = new int[MAX_DEPTH];
  private int top = -1;
  private final BitSet visited = new BitSet();
  private int idxMax;
  private @Nullable Allocation bitmap;

  /**
   * A walk over one media device's graph; call {@link #init()} before use.
   *
   * @param mdev the media device
   */
  @KernelSymbol("media_graph")
  public MediaGraphWalk(MediaDevice mdev) {
    this.mdev = mdev;
  }

  /**
   * {@code media_graph_walk_init}: allocates the visited bitmap.
   *
   * @return 0 or {@code -ENOMEM}
   */
  @KernelSymbol("media_graph_walk_init")
  public int init() {
    Allocation a = Kmem.kzalloc("media_entity_enum", "graph walk bitmap");
    if (a == null) {
      return -Errno.ENOMEM;
    }
    bitmap = a;
    mdev.graphMutex().lock();
    try {
      idxMax = (mdev.entityIdxMax() + 1 + BITS_PER_LONG - 1) / BITS_PER_LONG * BITS_PER_LONG;
    } finally {
      mdev.graphMutex().unlock();
    }
    return 0;
  }

  /**
   * {@code media_graph_walk_cleanup}: puts the references still held and frees the bitmap.
   */
  @KernelSymbol("media_graph_walk_cleanup")
  public void cleanup() {
    while (top >= 0) {
      stackEntity[top].put();
      stackEntity[top] = null;
      top--;
    }
    Allocation a = bitmap;
    if (a != null) {
      Kmem.kfree(a, "media_graph_walk_cleanup");
      bitmap = null;
    }
  }

  /**
   * {@code media_graph_walk_start}: clears the visited set and starts from {@code entity}.
   *
   * <p>Context: the graph mutex held.
   *
   * @param entity the start entity; returned last by {@link #next()}
   */
  @KernelSymbol("media_graph_walk_start")
  public void start(MediaEntity entity) {
    mdev.graphMutex().assertHeld();
    Warn.on(bitmap == null, "media_graph_walk_start without media_graph_walk_init");
    while (top >= 0) {
      stackEntity[top].put();
      stackEntity[top] = null;
      top--;
    }
    visited.clear();
    if (testAndSet(entity) || !entity.tryGet()) {
      return;
    }
    push(entity);
  }

  /**
   * {@code media_graph_walk_next}: the next entity in post-order, with a reference the caller
   * must put.
   *
   * <p>Context: the graph mutex held.
   *
   * @return the entity, or null when the walk is over
   */
  @KernelSymbol("media_graph_walk_next")
  public @Nullable MediaEntity next() {
    mdev.graphMutex().assertHeld();
    while (top >= 0) {
      MediaEntity cur = stackEntity[top];
      if (stackLink[top] < cur.links.size()) {
        MediaLink link = cur.links.get(stackLink[top]++);
        if (link.linkType() != MediaUapi.MEDIA_LNK_FL_DATA_LINK || !link.isEnabled()) {
          continue;
        }
        MediaEntity src = link.source().entity();
        MediaEntity next = src == cur ? link.sink().entity() : src;
        if (testAndSet(next) || !next.tryGet()) {
          continue;
        }
        push(next);
        continue;
      }
      stackEntity[top] = null;
      top--;
      return cur;
    }
    return null;
  }

  private boolean testAndSet(MediaEntity e) {
    int idx = e.internalIdx();
    if (idx >= idxMax) {
      // The message is built only here: this test runs for every entity a walk reaches.
      Warn.warn("entity index " + idx + " beyond the walk's bitmap");
      return true;
    }
    boolean was = visited.get(idx);
    visited.set(idx);
    return was;
  }

  private void push(MediaEntity e) {
    if (Warn.on(top == MAX_DEPTH - 1, "media graph walk deeper than " + MAX_DEPTH)) {
      e.put();
      return;
    }
    top++;
    stackEntity[top] = e;
    stackLink[top] = 0;
  }
}
