package dev.memgov.core;

import java.util.Objects;

/**
 * What clearing one cache removed. Counts are -1 where the tier cannot tell.
 * This record is immutable and thread-safe.
 *
 * @param cache the cache's name
 * @param tier the tier that was cleared
 * @param l1Entries entries removed from L1
 * @param l1Bytes bytes removed from L1 (weighted size)
 * @param l2Keys keys removed from L2
 * @param error an error while clearing (for example L2 unreachable), or null
 */
public record ClearResult(String cache, CacheTier tier, long l1Entries, long l1Bytes, long l2Keys, String error) {
  public ClearResult {
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(tier, "tier");
  }
}
