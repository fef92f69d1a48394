package dev.memgov.benchmarks.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * L1 hit cost: {@code GovernedCache.get} against raw Caffeine {@code getIfPresent} on the same
 * keys and values in the same run, plus a compressed L1 hit against an uncompressed one.
 *
 * <p>{@code raw*}: Caffeine bounded by the same weight with the same weigher, no stats
 * ({@code rawCaffeine}) and with {@code recordStats()} ({@code rawCaffeineRecordStats}).
 * {@code governed}: a {@link GovernedCache} (hits counted by its striped counter).
 * {@code governed4k*}: 4 KiB JSON values; {@code governed4kCompressed} after an aggressive
 * reclaim left them LZ4-compressed in L1 (each hit decompresses and decodes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CacheHitBenchmark {

  static final int KEYS = 1 << 14;
  static final int MASK = KEYS - 1;

  Integer[] keys;
  Cache<Integer, String> raw;
  Cache<Integer, String> rawStats;
  GovernedCache<Integer, String> governed;
  GovernedCache<Integer, String> governed4k;
  GovernedCache<Integer, String> governed4kCompressed;

  @State(Scope.Thread)
  public static class Cursor {
    int i;

    int next() {
      return i = (i + 1) & MASK;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    keys = new Integer[KEYS];
    long budget = 64L * 1024 * 1024;
    raw = Caffeine.newBuilder().maximumWeight(budget).<Integer, String>weigher((k, v) -> v.length() + 96).build();
    rawStats = Caffeine.newBuilder().maximumWeight(budget).<Integer, String>weigher((k, v) -> v.length() + 96)
        .recordStats().build();
    governed = GovernedCache.<Integer, String>builder("bench", ValueCodec.utf8()).l1Budget(budget).build();
    for (int i = 0; i < KEYS; i++) {
      keys[i] = i;
      String v = JsonValues.text(200, i);
      raw.put(i, v);
      rawStats.put(i, v);
      governed.put(i, v);
    }
    int n4k = 1024; // 4 MiB of values
    governed4k = GovernedCache.<Integer, String>builder("bench4k", ValueCodec.utf8()).l1Budget(budget).build();
    governed4kCompressed =
        GovernedCache.<Integer, String>builder("bench4kc", ValueCodec.utf8()).l1Budget(budget).build();
    for (int i = 0; i < n4k; i++) {
      String v = JsonValues.text(4096, i);
      governed4k.put(i, v);
      governed4kCompressed.put(i, v);
    }
    governed4kCompressed.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 0, Trigger.API));
    if (!governed4kCompressed.state().contains("compressing") || governed4kCompressed.get(1) == null) {
      throw new IllegalStateException("setup: L1 values not compressed: " + governed4kCompressed.state());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    governed.close();
    governed4k.close();
    governed4kCompressed.close();
  }

  @Benchmark
  public String rawCaffeine(Cursor c) {
    return raw.getIfPresent(keys[c.next()]);
  }

  @Benchmark
  public String rawCaffeineRecordStats(Cursor c) {
    return rawStats.getIfPresent(keys[c.next()]);
  }

  @Benchmark
  public String governed(Cursor c) {
    return governed.get(keys[c.next()]);
  }

  @Benchmark
  public String governed4k(Cursor c) {
    return governed4k.get(keys[c.next() & 1023]);
  }

  @Benchmark
  public String governed4kCompressed(Cursor c) {
    return governed4kCompressed.get(keys[c.next() & 1023]);
  }
}
