package dev.memgov.cache;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for one {@link GovernedCache}, tagged {@code cache=<name>}:
 *
 * <ul>
 *   <li>{@code memgov.cache.gets} (tags {@code tier=l1|l2}, {@code result=hit|miss})
 *   <li>{@code memgov.cache.loads} ({@code result=success|failure})
 *   <li>{@code memgov.cache.l1.size} and {@code memgov.cache.l1.budget} (bytes; budget tagged
 *       {@code budget=current|configured}), {@code memgov.cache.l1.entries}
 *   <li>{@code memgov.cache.compression.saved} (bytes saved by LZ4, cumulative)
 *   <li>{@code memgov.cache.l2.errors}, {@code memgov.cache.l2.up} (1 or 0),
 *       {@code memgov.cache.l2.corrupt}, {@code memgov.cache.l2.tombstones} (reads that found
 *       a tombstone), {@code memgov.cache.l2.refused} (loaded values not stored because the key
 *       changed after the read), {@code memgov.cache.evictions},
 *       {@code memgov.cache.spills}
 * </ul>
 *
 * <p>The meters hold the cache weakly (Micrometer's default), so binding does not keep a closed
 * cache alive. Micrometer is an optional dependency: this class needs {@code micrometer-core}.
 * This class is thread-safe.
 */
public final class CacheMetrics implements MeterBinder {

  private final GovernedCache<?, ?> cache;
  private final Tags tags;

  public CacheMetrics(GovernedCache<?, ?> cache) {
    this(cache, Tags.empty());
  }

  public CacheMetrics(GovernedCache<?, ?> cache, Iterable<Tag> extraTags) {
    this.cache = Objects.requireNonNull(cache, "cache");
    this.tags = Tags.of("cache", cache.name()).and(extraTags);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(registry, "memgov.cache.gets", "Cache gets by tier and result", null,
        c -> c.stats().l1Hits(), "tier", "l1", "result", "hit");
    counter(registry, "memgov.cache.gets", "Cache gets by tier and result", null,
        c -> c.stats().l1Misses(), "tier", "l1", "result", "miss");
    if (cache.hasL2()) {
      counter(registry, "memgov.cache.gets", "Cache gets by tier and result", null,
          c -> c.stats().l2Hits(), "tier", "l2", "result", "hit");
      counter(registry, "memgov.cache.gets", "Cache gets by tier and result", null,
          c -> c.stats().l2Misses(), "tier", "l2", "result", "miss");
      counter(registry, "memgov.cache.l2.errors", "L2 calls that failed or timed out", null,
          c -> c.stats().l2Errors());
      counter(registry, "memgov.cache.l2.corrupt", "L2 values that were not readable (counted as misses)", null,
          c -> c.stats().corruptReads());
      counter(registry, "memgov.cache.l2.tombstones", "L2 reads that found a tombstone of an invalidated key "
          + "(counted as misses)", null, c -> c.stats().l2TombstoneReads());
      counter(registry, "memgov.cache.l2.refused", "Loaded values neither written to L2 nor kept in L1 because the "
          + "key changed in L2 after the read", null, c -> c.stats().l2RefusedWrites());
      counter(registry, "memgov.cache.spills", "Entries written to L2 when evicted from L1 under pressure", null,
          c -> c.stats().spilledToL2());
      Gauge.builder("memgov.cache.l2.up", cache, c -> c.l2Up() ? 1 : 0)
          .description("1 while L2 is used, 0 while it is skipped after failures (down, or its prefix awaiting purge)").tags(tags).register(registry);
    }
    counter(registry, "memgov.cache.loads", "Loader calls by result", null,
        c -> c.stats().loadSuccesses(), "result", "success");
    counter(registry, "memgov.cache.loads", "Loader calls by result", null,
        c -> c.stats().loadFailures(), "result", "failure");
    counter(registry, "memgov.cache.evictions", "L1 entries evicted by size", null, c -> c.stats().evictions());
    counter(registry, "memgov.cache.compression.saved", "Bytes saved by LZ4 compression, cumulative",
        BaseUnits.BYTES, c -> c.stats().compressionSavedBytes());
    Gauge.builder("memgov.cache.l1.size", cache, GovernedCache::footprintBytes)
        .description("L1 weighted size").baseUnit(BaseUnits.BYTES).tags(tags).register(registry);
    Gauge.builder("memgov.cache.l1.entries", cache, c -> c.stats().l1Entries())
        .description("L1 entries (estimate)").tags(tags).register(registry);
    Gauge.builder("memgov.cache.l1.budget", cache, GovernedCache::currentBudget)
        .description("L1 budget").baseUnit(BaseUnits.BYTES).tags(tags).tag("budget", "current").register(registry);
    Gauge.builder("memgov.cache.l1.budget", cache, GovernedCache::configuredBudget)
        .description("L1 budget").baseUnit(BaseUnits.BYTES).tags(tags).tag("budget", "configured").register(registry);
  }

  private void counter(MeterRegistry registry, String name, String description, String unit,
      ToDoubleFunction<GovernedCache<?, ?>> f, String... extraTags) {
    FunctionCounter.builder(name, cache, f).description(description).baseUnit(unit).tags(tags).tags(extraTags)
        .register(registry);
  }
}
