package dev.memgov.core;

/**
 * How costly it is to rebuild what a governable gives back. The ladder asks the cheapest first,
 * then the largest footprint. This enum is immutable and thread-safe.
 */
public enum RebuildCost {
  /** Nothing to rebuild: idle threads, idle connections above the minimum, expired entries. */
  FREE,
  /** Cheap to rebuild: a cache entry still held in L2, a compressed copy. */
  CHEAP,
  /** A cache miss that goes to the loader, a new connection. */
  MODERATE,
  /** Stops the world or hurts latency: a full GC, clearing everything. */
  EXPENSIVE
}
