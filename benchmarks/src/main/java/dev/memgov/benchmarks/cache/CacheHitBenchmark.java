package dev.memgov.benchmarks.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.memgov.cache.GovernedCache;
import dev.memgov.cache.ValueCodec;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.Trigger;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * L1 hit cost: {@code GovernedCache.get} against raw Caffeine {@code getIfPresent} on the same
 * keys and values in the same run, plus a compressed L1 hit against an uncompressed one.
 *
 * <p>Each cache lives in its own {@code @State} class, so a fork builds and fills only the cache
 * its benchmark reads: the caches' nodes and values are laid out in memory the same way for every
 * contender (filling several caches in one loop interleaves their objects on the heap, which
 * changes the cost of a CPU-cache-missing get by more than the difference measured here), and a
 * full GC after the fill compacts them the same way.
 *
 * <p>{@code raw*}: Caffeine bounded by the same weight with the same weigher, no stats
 * ({@code rawCaffeine}), with {@code recordStats()} ({@code rawCaffeineRecordStats}), and with
 * maintenance on the calling thread ({@code rawCaffeineSameThreadExecutor}). {@code governed}: a
 * {@link GovernedCache} (hits counted by its striped counter). {@code governed4k*}: 4 KiB JSON
 * values; {@code governed4kCompressed} after an aggressive cleanup left them LZ4-compressed in L1
 * (each hit decompresses and decodes).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CacheHitBenchmark {
  static final long BUDGET = 256L * 1024 * 1024;

  /**
   * The key set, read order and how full the cache is. {@code hot16k}: 16 Ki keys read in
   * sequence (a get costs a few ns, so any per-hit overhead shows at its largest);
   * {@code random256k}: 256 Ki keys read in random order (xorshift), where a get misses the CPU
   * caches. In both the cache holds under a third of its 256 MiB bound, and below half its bound
   * Caffeine skips its read buffer and frequency sketch, so a hit is cheaper than it will be in
   * service. {@code full256k}: the random 256 Ki keys in a cache whose bound is 1.25 × what they
   * weigh (80 % full, as a governed cache runs): Caffeine's whole read path (read buffer,
   * frequency sketch), the hit a running service pays.
   */
  @State(Scope.Benchmark)
  public static class Data {
    @Param({"hot16k", "random256k", "full256k"})
    String dataset;

    int keyCount;
    int mask;
    boolean random;
    long budget;
    Integer[] keys;

    @Setup(Level.Trial)
    public void setUp() {
      random = !dataset.startsWith("hot");
      keyCount = random ? 1 << 18 : 1 << 14;
      // 200-char values weigh 200 + 96 bytes in both the raw weigher and GovernedCache's
      budget = dataset.startsWith("full") ? keyCount * (200L + 96) * 5 / 4 : BUDGET;
      mask = keyCount - 1;
      keys = new Integer[keyCount];
      for (int i = 0; i < keyCount; i++) {
        keys[i] = i;
      }
    }
  }

  @State(Scope.Thread)
  public static class Cursor {
    int i;
    int x = 0x9E3779B9;
    int mask;
    boolean random;

    @Setup(Level.Trial)
    public void setUp(Data d) {
      mask = d.mask;
      random = d.random;
    }

    int next() {
      if (random) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        return x & mask;
      }
      return i = (i + 1) & mask;
    }
  }

  static Caffeine<Integer, String> rawBuilder(Data d) {
    return Caffeine.newBuilder().maximumWeight(d.budget).weigher((Integer k, String v) -> v.length() + 96);
  }

  static void fill(Cache<Integer, String> c, Data d) {
    for (int i = 0; i < d.keyCount; i++) {
      c.put(d.keys[i], JsonValues.text(200, i));
    }
    c.cleanUp();
    checkAllHeld(c.estimatedSize(), d);
    compact();
  }

  /** Every benchmark must measure hits only: a cache that evicted during the fill is a setup bug. */
  static void checkAllHeld(long held, Data d) {
    if (held != d.keyCount) {
      throw new IllegalStateException("setup: the cache holds " + held + " of " + d.keyCount + " entries");
    }
  }

  /**
   * A full GC after filling: it compacts the cache's live objects the same way for every
   * contender, whatever garbage the fill left between them (GovernedCache encodes each value on
   * put to weigh it).
   */
  static void compact() {
    System.gc();
  }

  /** A raw Caffeine cache with the shared bound and weigher plus {@link #options}, filled. */
  abstract static class RawBase {
    Cache<Integer, String> cache;

    abstract Caffeine<Integer, String> options(Caffeine<Integer, String> b);

    @Setup(Level.Trial)
    public void setUp(Data d) {
      cache = options(rawBuilder(d)).build();
      fill(cache, d);
    }
  }

  @State(Scope.Benchmark)
  public static class Raw extends RawBase {
    @Override
    Caffeine<Integer, String> options(Caffeine<Integer, String> b) {
      return b;
    }
  }

  @State(Scope.Benchmark)
  public static class RawStats extends RawBase {
    @Override
    Caffeine<Integer, String> options(Caffeine<Integer, String> b) {
      return b.recordStats();
    }
  }

  @State(Scope.Benchmark)
  public static class RawSameThread extends RawBase {
    @Override
    Caffeine<Integer, String> options(Caffeine<Integer, String> b) {
      return b.executor(Runnable::run);
    }
  }

  /** Caffeine built with the options GovernedCache gives its L1: an eviction listener too. */
  @State(Scope.Benchmark)
  public static class RawAsL1 extends RawBase {
    long evicted;

    @Override
    Caffeine<Integer, String> options(Caffeine<Integer, String> b) {
      return b.evictionListener((Integer k, String v, RemovalCause cause) -> {
        if (cause == RemovalCause.SIZE) {
          evicted++;
        }
      });
    }
  }

  @State(Scope.Benchmark)
  public static class Governed {
    GovernedCache<Integer, String> cache;

    @Setup(Level.Trial)
    public void setUp(Data d) {
      cache = GovernedCache.<Integer, String>builder("bench", ValueCodec.utf8()).l1Budget(d.budget).build();
      for (int i = 0; i < d.keyCount; i++) {
        cache.put(d.keys[i], JsonValues.text(200, i));
      }
      cache.reclaim(new ReclaimRequest(CleanupLevel.LIGHT, 0, Trigger.API)); // runs Caffeine's maintenance
      checkAllHeld(cache.stats().l1Entries(), d);
      compact();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      cache.close();
    }
  }

  /** 1024 values of 4 KiB (4 MiB), stored as they are or, with {@code compressed}, LZ4-compressed. */
  abstract static class Governed4kBase {
    static final int N = 1024;
    GovernedCache<Integer, String> cache;
    Integer[] keys = new Integer[N];

    void build(boolean compressed) {
      cache = GovernedCache.<Integer, String>builder("bench4k", ValueCodec.utf8()).l1Budget(BUDGET).build();
      for (int i = 0; i < N; i++) {
        keys[i] = i;
        cache.put(i, JsonValues.text(4096, i));
      }
      if (!compressed) {
        compact();
        return;
      }
      // An aggressive cleanup asked for 1 byte: the budget drops by about one entry and from then
      // on L1 keeps values >= 1 KiB compressed; putting the values again stores them all so.
      cache.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 1, Trigger.API));
      for (int i = 0; i < N; i++) {
        cache.put(i, JsonValues.text(4096, i));
      }
      long held = cache.stats().l1Entries();
      long bytes = cache.stats().l1WeightedBytes();
      if (held != N || bytes >= N * 4096L || !JsonValues.text(4096, 7).equals(cache.get(7))) {
        throw new IllegalStateException("setup: L1 values not all compressed: " + held + " of " + N + " held in "
            + bytes + " bytes, " + cache.state());
      }
      compact();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      cache.close();
    }
  }

  @State(Scope.Benchmark)
  public static class Governed4k extends Governed4kBase {
    @Setup(Level.Trial)
    public void setUp() {
      build(false);
    }
  }

  @State(Scope.Benchmark)
  public static class Governed4kCompressed extends Governed4kBase {
    @Setup(Level.Trial)
    public void setUp() {
      build(true);
    }
  }

  @Benchmark
  public String rawCaffeine(Raw s, Data d, Cursor c) {
    return s.cache.getIfPresent(d.keys[c.next()]);
  }

  @Benchmark
  public String rawCaffeineRecordStats(RawStats s, Data d, Cursor c) {
    return s.cache.getIfPresent(d.keys[c.next()]);
  }

  @Benchmark
  public String rawCaffeineSameThreadExecutor(RawSameThread s, Data d, Cursor c) {
    return s.cache.getIfPresent(d.keys[c.next()]);
  }

  @Benchmark
  public String rawCaffeineAsL1(RawAsL1 s, Data d, Cursor c) {
    return s.cache.getIfPresent(d.keys[c.next()]);
  }

  @Benchmark
  public String governed(Governed s, Data d, Cursor c) {
    return s.cache.get(d.keys[c.next()]);
  }

  @Benchmark
  public String governed4k(Governed4k s, Cursor c) {
    return s.cache.get(s.keys[c.next() & (Governed4kBase.N - 1)]);
  }

  @Benchmark
  public String governed4kCompressed(Governed4kCompressed s, Cursor c) {
    return s.cache.get(s.keys[c.next() & (Governed4kBase.N - 1)]);
  }
}
