package dev.memgov.core.internal;

/**
 * How far the resident figure (container working set or RSS over its limit, whichever is higher)
 * has jumped lately: the largest rise over the lowest reading of the preceding {@link #RISE_WINDOW_NANOS},
 * remembered for {@link #MEMORY_NANOS}. A workload whose allocation spikes commit tens of MiB within
 * a second or two shows them here; a figure sitting at WARNING with less room to the limit than the
 * last spikes took is one spike from the OOM killer, and the governor trims at once instead of
 * waiting for the settle window (see {@link Steering}).
 *
 * <p>Only the resident signals count: crossing the container limit is a kill, while the heap figure
 * read after young GCs swings by the promoted garbage (an upper bound, not a spike) and a heap spike
 * is the collector's to absorb. Slow growth (a cache filling) also counts when it is fast enough to
 * rise by as much within the window: room for it is room well kept.
 *
 * <p>Used by the governor thread only; not thread-safe.
 */
final class SpikeTracker {
  /** A rise is measured against the lowest reading within this window before it. */
  static final long RISE_WINDOW_NANOS = 10_000_000_000L;
  /** A rise is remembered this long. */
  static final long MEMORY_NANOS = 120_000_000_000L;
  private static final int BUCKETS = 12;
  private static final long BUCKET_NANOS = MEMORY_NANOS / BUCKETS;
  private static final int READINGS = 512; // ticks at 1 s plus GC ticks: more than the window holds

  private final long[] readingAt = new long[READINGS];
  private final double[] reading = new double[READINGS];
  private int readings;
  private int newest = -1;
  /** The largest rise per bucket of {@link #BUCKET_NANOS}, by bucket number. */
  private final double[] bucketRise = new double[BUCKETS];
  private final long[] bucketNumber = new long[BUCKETS];

  SpikeTracker() {
    java.util.Arrays.fill(bucketNumber, Long.MIN_VALUE);
  }

  /** Records the resident ratio read at {@code now}; NaN (no resident figure known) is skipped. */
  void record(long now, double ratio) {
    if (Double.isNaN(ratio)) {
      return;
    }
    double low = ratio;
    for (int i = 0, at = newest; i < readings; i++, at = (at - 1 + READINGS) % READINGS) {
      if (now - readingAt[at] > RISE_WINDOW_NANOS) {
        break;
      }
      low = Math.min(low, reading[at]);
    }
    newest = (newest + 1) % READINGS;
    readingAt[newest] = now;
    reading[newest] = ratio;
    readings = Math.min(READINGS, readings + 1);
    double rise = ratio - low;
    if (rise <= 0) {
      return;
    }
    long bucket = Math.floorDiv(now, BUCKET_NANOS);
    int slot = (int) Math.floorMod(bucket, (long) BUCKETS);
    if (bucketNumber[slot] != bucket) {
      bucketNumber[slot] = bucket;
      bucketRise[slot] = 0;
    }
    bucketRise[slot] = Math.max(bucketRise[slot], rise);
  }

  /** The largest rise (a fraction of the limit) recorded within the memory before {@code now}; 0 when none. */
  double spike(long now) {
    long current = Math.floorDiv(now, BUCKET_NANOS);
    double max = 0;
    for (int i = 0; i < BUCKETS; i++) {
      if (bucketNumber[i] != Long.MIN_VALUE && current - bucketNumber[i] < BUCKETS) {
        max = Math.max(max, bucketRise[i]);
      }
    }
    return max;
  }
}
