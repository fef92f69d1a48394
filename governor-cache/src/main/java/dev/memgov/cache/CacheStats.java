package dev.memgov.cache;

/**
 * Counters of one {@link GovernedCache} since it was built. This record is immutable and
 * thread-safe; L1 hits are counted with striped counters and can be slightly low under heavy
 * contention.
 *
 * @param l1Hits gets answered by L1
 * @param l1Misses gets L1 could not answer
 * @param l2Hits gets answered by L2 (then filled into L1)
 * @param l2Misses L2 lookups that found nothing usable (including corrupt values and tombstones)
 * @param l2Errors L2 calls that failed or timed out, and probes that failed
 * @param loads loader calls, counted when the loader is called (so a running load is in it)
 * @param loadSuccesses loader calls that returned (a value or null), counted when they returned
 * @param loadFailures loader calls that threw
 * @param corruptReads L2 values that were not in this cache's format or did not decode
 * @param l2TombstoneReads L2 lookups that found a tombstone (a key invalidated within
 *     {@code l2TombstoneTtl}); each is also an L2 miss
 * @param l2RefusedWrites values a read loaded that were neither written to L2 nor kept in L1,
 *     because the key changed in L2 after the read (a put or an invalidation by any instance), or
 *     the read began more than half the tombstone TTL before: the caller got the value, nobody
 *     else will
 * @param evictions L1 entries evicted by size
 * @param spilledToL2 entries evicted from L1 under pressure and written to L2
 * @param compressionSavedBytes bytes saved by LZ4, summed over every value compressed (L1 and L2)
 * @param l1WeightedBytes L1 size now, in weighed bytes
 * @param l1Entries L1 entries now (estimate)
 */
public record CacheStats(
    long l1Hits,
    long l1Misses,
    long l2Hits,
    long l2Misses,
    long l2Errors,
    long loads,
    long loadSuccesses,
    long loadFailures,
    long corruptReads,
    long l2TombstoneReads,
    long l2RefusedWrites,
    long evictions,
    long spilledToL2,
    long compressionSavedBytes,
    long l1WeightedBytes,
    long l1Entries) {}
