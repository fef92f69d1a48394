package dev.memgov.benchmarks.squeeze;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * The contenders of the squeeze benchmark, each sized from the heap max the way a user would.
 *
 * <ul>
 *   <li>{@code count}: Caffeine {@code maximumSize} chosen so the calm-phase values fill half the heap.
 *   <li>{@code soft}: Caffeine {@code softValues()}, unbounded: the GC decides.
 *   <li>{@code fixed}: Caffeine {@code maximumWeight} at a conservative fifth of the heap.
 *   <li>{@code memgov}: memgov {@code GovernedCache}, L1 budget half the heap, governor running.
 *   <li>{@code memgov-l2}: the same with L2 on a local Redis.
 * </ul>
 */
enum Contender {
  COUNT,
  SOFT,
  FIXED,
  MEMGOV,
  MEMGOV_L2;

  /** Per-entry overhead assumed when weighing entries (key, node, array header). */
  static final int ENTRY_OVERHEAD = 96;

  String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Contender parse(String s) {
    for (Contender c : values()) {
      if (c.wireName().equals(s)) {
        return c;
      }
    }
    throw new IllegalArgumentException("contender must be one of count, soft, fixed, memgov, memgov-l2, but was '" + s + "'");
  }

  SqueezeCache create(Workload w, long heapMax, String redisUri) {
    switch (this) {
      case COUNT: {
        long avgCalm = (w.calmMinBytes + w.calmMaxBytes) / 2 + ENTRY_OVERHEAD;
        long entries = heapMax / 2 / avgCalm;
        return caffeine(Caffeine.newBuilder().maximumSize(entries).build());
      }
      case SOFT:
        return caffeine(Caffeine.newBuilder().softValues().build());
      case FIXED:
        return caffeine(Caffeine.newBuilder()
            .maximumWeight(heapMax / 5)
            .weigher((Long k, byte[] v) -> v.length + ENTRY_OVERHEAD)
            .build());
      case MEMGOV:
        return MemgovContender.create(w, heapMax / 2, null);
      case MEMGOV_L2:
        if (redisUri == null) {
          throw new IllegalArgumentException("memgov-l2 needs a Redis URI");
        }
        return MemgovContender.create(w, heapMax / 2, redisUri);
      default:
        throw new AssertionError(this);
    }
  }

  private static SqueezeCache caffeine(Cache<Long, byte[]> cache) {
    return new SqueezeCache() {
      @Override
      public byte[] get(long key, LongFunction<byte[]> loader) {
        return cache.get(key, loader::apply);
      }

      @Override
      public long bytes() {
        long sum = 0;
        for (byte[] v : cache.asMap().values()) {
          sum += v.length + ENTRY_OVERHEAD;
        }
        return sum;
      }

      @Override
      public void close() {
        cache.invalidateAll();
      }
    };
  }
}
