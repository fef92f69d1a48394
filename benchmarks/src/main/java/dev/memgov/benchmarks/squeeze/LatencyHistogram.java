package dev.memgov.benchmarks.squeeze;

/**
 * A log-linear histogram of nanoseconds: exact below 64 ns, then 32 sub-buckets per power of two
 * (about 3 % precision). Not thread-safe: one per thread, merged after the threads end.
 */
final class LatencyHistogram {
  private static final int SIZE = 64 + (63 - 6 + 1) * 32;
  private final long[] counts = new long[SIZE];
  private long total;

  void record(long nanos) {
    long v = Math.max(0, nanos);
    int idx;
    if (v < 64) {
      idx = (int) v;
    } else {
      int exp = 63 - Long.numberOfLeadingZeros(v);
      int mantissa = (int) (v >>> (exp - 5));
      idx = 64 + (exp - 6) * 32 + (mantissa - 32);
    }
    counts[idx]++;
    total++;
  }

  void add(LatencyHistogram other) {
    for (int i = 0; i < SIZE; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
  }

  long count() {
    return total;
  }

  /** The value at quantile q (0-1), in nanoseconds; 0 when empty. */
  long quantile(double q) {
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < SIZE; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return valueOf(i);
      }
    }
    return valueOf(SIZE - 1);
  }

  private static long valueOf(int idx) {
    if (idx < 64) {
      return idx;
    }
    int e = (idx - 64) / 32 + 6;
    long m = (idx - 64) % 32 + 32;
    return m << (e - 5);
  }
}
