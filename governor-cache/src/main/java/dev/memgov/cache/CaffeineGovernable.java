package dev.memgov.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Policy;
import dev.memgov.core.CacheTier;
import dev.memgov.core.ClearResult;
import dev.memgov.core.ClearableCache;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.ReclaimResult;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.RestoreResult;
import java.lang.ref.WeakReference;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Governs a Caffeine cache the application already has, through its {@link Policy}.
 *
 * <ul>
 *   <li>Bounded by weight: the weigher is taken to return bytes; the budget is the maximum
 *       weight, the footprint the weighted size.
 *   <li>Bounded by size: the budget is in entries; the footprint is entries × an estimated
 *       {@code bytesPerEntry} (default {@value #DEFAULT_BYTES_PER_ENTRY}).
 *   <li>Unbounded: nothing to lower, so it is only cleared at {@code emergency}; a warning says so
 *       at adoption.
 * </ul>
 *
 * <p>{@code light} runs maintenance (drops expired entries); {@code standard} lowers the maximum
 * toward the target, at most to half of what the cache holds (or of the maximum, when that is
 * lower); {@code aggressive} at most to a quarter of it; {@code emergency} clears the cache (and
 * lowers a bounded one's maximum to a quarter); {@link #restore} grows it back in steps.
 *
 * <p>No cut goes below a minimum maximum of {@value #MIN_WEIGHT} bytes for a weighted cache and
 * {@value #MIN_ENTRIES} entries for a size-bounded one (or the configured maximum, when that is
 * lower), so a cut cache can still hold its hottest entries. A cache that holds less than that
 * minimum (for example, an empty one) is left alone by {@code standard} and {@code aggressive}:
 * its maximum stays where it is.
 *
 * <p>The configured budget is the cache's maximum when adopted. A maximum the owner sets later
 * ({@code policy().eviction().get().setMaximum}: any value other than the one this class last set
 * or saw) becomes the configured budget from then on, so a restore never undoes it; the governor
 * sees it when it next calls {@link #restorePending}, {@link #reclaim} or {@link #restore}. A
 * maximum set by hand to exactly the value a cut had set cannot be told apart from it and stays
 * the governor's.
 *
 * <p>Holds the cache weakly: a cache the application dropped is not kept alive. Once it is
 * collected, its footprint is 0 and it has no restore pending.
 *
 * <p>This class is thread-safe.
 */
public final class CaffeineGovernable implements ClearableCache {

  static final long DEFAULT_BYTES_PER_ENTRY = 512;
  /** The lowest maximum a cut sets on a weight-bounded cache, in bytes (1 KiB). */
  static final long MIN_WEIGHT = 1024;
  /** The lowest maximum a cut sets on a size-bounded cache, in entries. */
  static final long MIN_ENTRIES = 16;
  private static final Logger LOG = LoggerFactory.getLogger(CaffeineGovernable.class);

  private final String name;
  private final WeakReference<Cache<?, ?>> cache;
  private final boolean bounded;
  private final boolean weighted;
  private final long bytesPerEntry;
  private volatile long configured;
  /**
   * The maximum this class last set or saw on the cache (Long.MAX_VALUE when unbounded); another
   * one found there is the owner's. Written under this.
   */
  private volatile long current;

  private CaffeineGovernable(String name, Cache<?, ?> cache, long bytesPerEntry) {
    this.name = name;
    this.cache = new WeakReference<>(cache);
    this.bytesPerEntry = bytesPerEntry;
    Optional<? extends Policy.Eviction<?, ?>> eviction = cache.policy().eviction();
    this.bounded = eviction.isPresent();
    this.weighted = bounded && eviction.get().isWeighted();
    this.configured = bounded ? eviction.get().getMaximum() : Long.MAX_VALUE;
    this.current = configured;
    if (!bounded) {
      LOG.warn("memgov cache '{}': the adopted Caffeine cache is unbounded; it can only be cleared (at emergency), "
          + "not shrunk. Build it with maximumSize or maximumWeight to let it shrink and grow back.", name);
    }
  }

  /** Adopts {@code cache} under {@code name}; a size-bounded cache is estimated at 512 bytes per entry. */
  public static CaffeineGovernable adopt(String name, Cache<?, ?> cache) {
    return adopt(name, cache, DEFAULT_BYTES_PER_ENTRY);
  }

  /** Adopts {@code cache}; {@code bytesPerEntry} estimates the footprint of a size-bounded or unbounded cache. */
  public static CaffeineGovernable adopt(String name, Cache<?, ?> cache, long bytesPerEntry) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank, but was " + (name == null ? "null" : "'" + name + "'"));
    }
    Objects.requireNonNull(cache, "cache");
    if (bytesPerEntry < 1) {
      throw new IllegalArgumentException("bytesPerEntry must be at least 1, but was " + bytesPerEntry);
    }
    return new CaffeineGovernable(name, cache, bytesPerEntry);
  }

  @SuppressWarnings("unchecked")
  private Policy.Eviction<Object, Object> eviction(Cache<?, ?> c) {
    return ((Cache<Object, Object>) c).policy().eviction().orElseThrow();
  }

  /** The lowest maximum a cut sets: 1 KiB or 16 entries, or the configured maximum when that is lower. */
  private long minimum() {
    return Math.min(configured, weighted ? MIN_WEIGHT : MIN_ENTRIES);
  }

  /** Takes a maximum the owner set since this class last set or saw one as the configured budget. */
  private synchronized void followOwner(Cache<?, ?> c) {
    if (!bounded) {
      return;
    }
    long max = eviction(c).getMaximum();
    if (max != current) {
      configured = max;
      current = max;
    }
  }

  /** Sets the cache's maximum to {@code next} and notes it as this class's. */
  private synchronized void setMaximum(Cache<?, ?> c, long next) {
    eviction(c).setMaximum(next);
    current = eviction(c).getMaximum();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kind() {
    return "cache";
  }

  @Override
  public long footprintBytes() {
    Cache<?, ?> c = cache.get();
    if (c == null) {
      return 0;
    }
    if (weighted) {
      return eviction(c).weightedSize().orElse(0);
    }
    long entries = c.estimatedSize();
    // saturates: a large bytesPerEntry times the entries would wrap to a negative footprint
    return entries > Long.MAX_VALUE / bytesPerEntry ? Long.MAX_VALUE : entries * bytesPerEntry;
  }

  @Override
  public String budgetUnit() {
    return weighted ? "bytes" : "entries";
  }

  @Override
  public long configuredBudget() {
    return configured;
  }

  @Override
  public long currentBudget() {
    Cache<?, ?> c = cache.get();
    // the maximum in force, also when the owner set it since the governor last looked
    return bounded && c != null ? eviction(c).getMaximum() : current;
  }

  @Override
  public synchronized ReclaimResult reclaim(ReclaimRequest request) {
    Cache<?, ?> c = cache.get();
    if (c == null) {
      return ReclaimResult.nothing("the adopted cache was garbage-collected");
    }
    followOwner(c);
    long minimum = minimum();
    switch (request.level()) {
      case LIGHT: {
        long before = c.estimatedSize();
        c.cleanUp();
        long dropped = Math.max(0, before - c.estimatedSize());
        return dropped == 0 ? ReclaimResult.nothing("maintenance run, no expired entries")
            : ReclaimResult.done("maintenance run, dropped " + dropped + " expired entries");
      }
      case STANDARD:
      case AGGRESSIVE: {
        if (!bounded) {
          return ReclaimResult.nothing("unbounded cache: cleared only at emergency");
        }
        c.cleanUp();
        int divisor = request.level() == dev.memgov.core.CleanupLevel.STANDARD ? 2 : 4;
        long budget = current;
        long unitsNow = weighted ? eviction(c).weightedSize().orElse(0) : c.estimatedSize();
        if (unitsNow < minimum) {
          // an empty (or all but empty) cache gives nothing back; cutting its maximum would only
          // starve it once it fills again
          return ReclaimResult.nothing("nothing held (" + unitsNow + " " + budgetUnit() + ", below the minimum of "
              + minimum + "); budget stays at " + budget + " " + budgetUnit() + " for " + request.level().wireName());
        }
        // a share of what the cache holds, not of its budget (halving a budget far above the
        // footprint would evict nothing)
        long floor = Math.max(minimum, Math.min(budget, unitsNow) / divisor);
        long wanted = 0;
        if (request.targetBytes() > 0) {
          long targetUnits = weighted ? request.targetBytes() : ceilDiv(request.targetBytes(), bytesPerEntry);
          wanted = unitsNow - targetUnits;
        }
        long next = Math.min(budget, Math.max(floor, wanted));
        if (next >= budget) {
          return ReclaimResult.nothing("budget already at its floor for " + request.level().wireName());
        }
        long before = c.estimatedSize();
        setMaximum(c, next);
        return ReclaimResult.done("budget " + budget + " -> " + next + " " + budgetUnit() + ", evicted "
            + Math.max(0, before - c.estimatedSize()) + " entries");
      }
      default: {
        long entries = c.estimatedSize();
        c.invalidateAll();
        c.cleanUp();
        String budgetPart = "";
        if (bounded) {
          long budget = current;
          long next = Math.min(budget, Math.max(minimum, budget / 4));
          if (next < budget) {
            setMaximum(c, next);
            budgetPart = ", budget " + budget + " -> " + next + " " + budgetUnit();
          }
        }
        return ReclaimResult.done("cleared " + entries + " entries" + budgetPart);
      }
    }
  }

  /** {@code a / b} rounded up, for {@code a >= 0, b > 0}; {@code a + b - 1} would overflow near Long.MAX_VALUE. */
  private static long ceilDiv(long a, long b) {
    return a / b + (a % b == 0 ? 0 : 1);
  }

  @Override
  public synchronized RestoreResult restore(RestoreRequest request) {
    Cache<?, ?> c = cache.get();
    if (!bounded || c == null) {
      return RestoreResult.complete();
    }
    followOwner(c);
    long budget = current;
    if (budget >= configured) {
      return RestoreResult.complete();
    }
    long next = request.next(budget, configured);
    setMaximum(c, next);
    return RestoreResult.step("budget " + budget + " -> " + next + " " + budgetUnit(), next >= configured);
  }

  /**
   * Below the configured maximum, while the cache is still there: a collected cache has nothing to
   * grow back (without this, a cut cache collected afterwards would stay pending for good, and the
   * governor would run a restore step every settle window).
   */
  @Override
  public synchronized boolean restorePending() {
    Cache<?, ?> c = cache.get();
    if (c == null) {
      return false;
    }
    followOwner(c);
    return current < configured;
  }

  @Override
  public String state() {
    Cache<?, ?> c = cache.get();
    if (c == null) {
      return "cache garbage-collected";
    }
    return bounded ? "ok" : "ok; unbounded (cleared only at emergency)";
  }

  @Override
  public boolean hasL2() {
    return false;
  }

  @Override
  public ClearResult clear(CacheTier tier) {
    Objects.requireNonNull(tier, "tier");
    Cache<?, ?> c = cache.get();
    if (c == null || tier == CacheTier.L2) {
      return new ClearResult(name, tier, 0, 0, 0, null);
    }
    c.cleanUp();
    long entries = c.estimatedSize();
    long bytes = footprintBytes();
    c.invalidateAll();
    return new ClearResult(name, tier, entries, bytes, 0, null);
  }
}
