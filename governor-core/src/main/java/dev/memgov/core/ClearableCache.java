package dev.memgov.core;

/**
 * A governable that is a cache and can be cleared by tier; the governor's {@link
 * MemoryGovernor#clearCache(String)} finds caches through this interface, so core needs no
 * compile-time knowledge of governor-cache. An implementation must be thread-safe.
 */
public interface ClearableCache extends Governable {

  /** Whether this cache has a second tier (L2) configured. */
  boolean hasL2();

  /**
   * Clears the tier: {@code L1} the in-process entries, {@code L2} only this cache's keys in the
   * remote store, {@code ALL} both. Clearing L2 on a cache without one removes nothing.
   */
  ClearResult clear(CacheTier tier);
}
