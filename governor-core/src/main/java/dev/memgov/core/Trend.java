package dev.memgov.core;

/**
 * Where the live set is heading: a least-squares slope over recent after-GC occupancies.
 *
 * <p>This record is immutable and thread-safe.
 *
 * @param bytesPerMinute slope of the after-GC old-generation occupancy, NaN while too few GCs
 * @param leakSuspected {@code true} when the live set, less what the governables hold, stood higher
 *     after each of the last reclaiming collections than after the one before, or, nothing
 *     reclaimed yet, rose at {@code leakGcCount} GCs above half the heap (a cache filling toward
 *     its budget is not a leak, nor is garbage a later collection reclaims)
 * @param secondsToLimit estimated seconds until the governing limit is reached at this slope, or
 *     -1 when not rising or unknown
 * @param samples how many after-GC points the estimate rests on
 */
public record Trend(double bytesPerMinute, boolean leakSuspected, long secondsToLimit, int samples) {

  /** No estimate yet. */
  public static final Trend UNKNOWN = new Trend(Double.NaN, false, -1, 0);
}
