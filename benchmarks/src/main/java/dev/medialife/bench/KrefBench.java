package dev.medialife.bench;

import dev.medialife.kernel.ref.Kref;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One reference taken and dropped ({@code kref_get} + {@code kref_put} that does not release)
 * against Netty's {@code retain()} + {@code release()} and a bare {@code AtomicInteger}
 * increment + decrement-and-test, first from one thread, then from two threads on the same
 * counter (a JMH group of two, so both threads hammer one cache line).
 *
 * <p>Target: the model's Kref at most 1.0× Netty and 1.5× the bare atomic.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class KrefBench {
  private static void noRelease(Object o) {
    throw new IllegalStateException("the benchmark's base reference was released: " + o);
  }

  /** A Netty reference-counted object with nothing to free. */
  static final class NettyCounted extends AbstractReferenceCounted {
    @Override
    protected void deallocate() {
      throw new IllegalStateException("the benchmark's base reference was released");
    }

    @Override
    public ReferenceCounted touch(Object hint) {
      return this;
    }
  }

  /** The three counters, each holding one base reference so that no put releases. */
  @State(Scope.Group)
  public static class Counters {
    Kref kref = new Kref("bench");
    NettyCounted netty = new NettyCounted();
    AtomicInteger atomic = new AtomicInteger(1);
    private Sanitizing sanitizing = Sanitizing.off();

    /** Fresh counters, sanitizers off. */
    @Setup(Level.Trial)
    public void setUp() {
      sanitizing = Sanitizing.off();
      kref = new Kref("bench");
      netty = new NettyCounted();
      atomic = new AtomicInteger(1);
    }

    /** Each base reference is still the only one; sanitizers back on. */
    @TearDown(Level.Trial)
    public void tearDown() {
      sanitizing.restore();
      if (kref.read() != 1 || netty.refCnt() != 1 || atomic.get() != 1) {
        throw new IllegalStateException(
            "unbalanced: kref " + kref.read() + ", netty " + netty.refCnt() + ", atomic "
                + atomic.get());
      }
    }
  }

  private static boolean kref(Counters c) {
    c.kref.get();
    return c.kref.put(c, KrefBench::noRelease);
  }

  private static boolean netty(Counters c) {
    c.netty.retain();
    return c.netty.release();
  }

  private static boolean atomic(Counters c) {
    c.atomic.incrementAndGet();
    return c.atomic.decrementAndGet() == 0;
  }

  /**
   * Kref, one thread.
   *
   * @param c the counters
   * @return whether the put released (never)
   */
  @Benchmark
  @Group("uncontended_kref")
  @GroupThreads(1)
  public boolean krefUncontended(Counters c) {
    return kref(c);
  }

  /**
   * Netty, one thread.
   *
   * @param c the counters
   * @return whether the release deallocated (never)
   */
  @Benchmark
  @Group("uncontended_netty")
  @GroupThreads(1)
  public boolean nettyUncontended(Counters c) {
    return netty(c);
  }

  /**
   * AtomicInteger, one thread.
   *
   * @param c the counters
   * @return whether the count reached zero (never)
   */
  @Benchmark
  @Group("uncontended_atomic")
  @GroupThreads(1)
  public boolean atomicUncontended(Counters c) {
    return atomic(c);
  }

  /**
   * Kref, two threads on one counter.
   *
   * @param c the counters
   * @return whether the put released (never)
   */
  @Benchmark
  @Group("contended_kref")
  @GroupThreads(2)
  public boolean krefContended(Counters c) {
    return kref(c);
  }

  /**
   * Netty, two threads on one object.
   *
   * @param c the counters
   * @return whether the release deallocated (never)
   */
  @Benchmark
  @Group("contended_netty")
  @GroupThreads(2)
  public boolean nettyContended(Counters c) {
    return netty(c);
  }

  /**
   * AtomicInteger, two threads on one counter.
   *
   * @param c the counters
   * @return whether the count reached zero (never)
   */
  @Benchmark
  @Group("contended_atomic")
  @GroupThreads(2)
  public boolean atomicContended(Counters c) {
    return atomic(c);
  }
}
