package dev.memgov.core.internal;

import java.util.Arrays;

/**
 * How far one resident figure (the container's working set, or the RSS, over its limit) has
 * jumped lately: the largest rise over the lowest reading of the preceding {@link #RISE_WINDOW_NANOS},
 * remembered for {@link #MEMORY_NANOS}. A workload whose allocation spikes commit tens of MiB within
 * a second or two shows them here; a figure sitting at WARNING with less room to the limit than the
 * last spikes took is one spike from the OOM killer, and the governor trims at once instead of
 * waiting for the settle window (see {@link Steering}).
 *
 * <p>Only the resident signals are tracked, each on its own (a reading of one is never compared
 * with the other's): crossing the container limit is a kill, while the heap figure read after
 * young GCs swings by the promoted garbage (an upper bound, not a spike) and a heap spike is the
 * collector's to absorb. Growth fast enough to rise as much within the window (a cache filling at
 * thousands of requests a second, a JVM warming up) counts too: room for it is room well kept.
 * For one window after a cleanup that gave memory back ({@link #quiet}) a reading counts as no
 * lower than the lowest of the window before the cleanup: the figure growing back from the dip the
 * cleanup made, up to where it stood before the rise that brought the cleanup, is not a spike
 * (counting it would set off the next trim), while a spike from there is, so spikes that each
 * bring a cleanup are still measured.
 *
 * <p>Readings are kept as one minimum per second, so any number of ticks a second (one per GC)
 * see the whole window. Used by the governor thread only; not thread-safe.
 */
final class SpikeTracker {
  /** A rise is measured against the lowest reading within this window before it. */
  static final long RISE_WINDOW_NANOS = 10_000_000_000L;
  /** A rise is remembered this long. */
  static final long MEMORY_NANOS = 120_000_000_000L;
  private static final long SECOND = 1_000_000_000L;
  private static final int SECONDS = (int) (RISE_WINDOW_NANOS / SECOND) + 1;
  private static final int BUCKETS = 13; // of 10 s: a rise stays in its bucket until MEMORY_NANOS after it
  private static final long BUCKET_NANOS = 10 * SECOND;
  private static final long NONE = Long.MIN_VALUE;

  /** The lowest reading per second, by second number ({@code NONE}: empty). */
  private final long[] second = new long[SECONDS];
  private final double[] lowest = new double[SECONDS];
  /** The largest rise per bucket of {@link #BUCKET_NANOS}, and when it was read. */
  private final long[] bucket = new long[BUCKETS];
  private final double[] bucketRise = new double[BUCKETS];
  private final long[] bucketRiseAt = new long[BUCKETS];
  private long quietSince = NONE;
  /** While quiet: readings count as no lower than this (the window's lowest before the cleanup). */
  private double quietFloor = Double.NaN;

  SpikeTracker() {
    Arrays.fill(second, NONE);
    Arrays.fill(bucket, NONE);
  }

  /** Records the ratio read at {@code now}; NaN (the figure is not known) is skipped. */
  void record(long now, double ratio) {
    if (Double.isNaN(ratio)) {
      return;
    }
    double stored = ratio;
    if (quietSince != NONE) {
      if (now - quietSince < RISE_WINDOW_NANOS) {
        stored = Math.max(ratio, quietFloor);
      } else {
        quietSince = NONE;
      }
    }
    long sec = Math.floorDiv(now, SECOND);
    double low = Math.min(stored, windowLow(sec));
    int s = (int) Math.floorMod(sec, (long) SECONDS);
    if (second[s] != sec) {
      second[s] = sec;
      lowest[s] = stored;
    } else {
      lowest[s] = Math.min(lowest[s], stored);
    }
    double rise = ratio - low;
    if (rise <= 0) {
      return;
    }
    long b = Math.floorDiv(now, BUCKET_NANOS);
    int slot = (int) Math.floorMod(b, (long) BUCKETS);
    if (bucket[slot] != b) {
      bucket[slot] = b;
      bucketRise[slot] = 0;
    }
    if (rise > bucketRise[slot]) {
      bucketRise[slot] = rise;
      bucketRiseAt[slot] = now;
    }
  }

  /** The lowest reading kept for the window ending in second {@code sec}; +∞ when none. */
  private double windowLow(long sec) {
    double low = Double.POSITIVE_INFINITY;
    for (int i = 0; i < SECONDS; i++) {
      if (second[i] != NONE && sec - second[i] >= 0 && sec - second[i] < SECONDS) {
        low = Math.min(low, lowest[i]);
      }
    }
    return low;
  }

  /**
   * A cleanup gave memory back at {@code now}: for one rise window, readings count as no lower than
   * the lowest of the window before it, so growing back from the cleanup's dip to where the figure
   * stood before the rise is no rise, and a spike from there still is. The rises already seen are
   * kept. Without readings in the window, nothing changes.
   */
  void quiet(long now) {
    double floor = windowLow(Math.floorDiv(now, SECOND));
    if (floor == Double.POSITIVE_INFINITY) {
      return;
    }
    quietSince = now;
    quietFloor = floor;
  }

  /**
   * The largest rise (a fraction of the limit) of each 10 s bucket whose largest rise was read
   * within {@link #MEMORY_NANOS} before {@code now} (a smaller rise in the same bucket may be
   * forgotten up to 10 s earlier); 0 when none.
   */
  double spike(long now) {
    double max = 0;
    for (int i = 0; i < BUCKETS; i++) {
      long age = now - bucketRiseAt[i];
      if (bucket[i] != NONE && age >= 0 && age <= MEMORY_NANOS) {
        max = Math.max(max, bucketRise[i]);
      }
    }
    return max;
  }
}
