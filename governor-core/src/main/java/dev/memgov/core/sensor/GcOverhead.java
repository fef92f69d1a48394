package dev.memgov.core.sensor;

/**
 * GC overhead over a sliding window, from (monotonic time, accumulated pause milliseconds) points:
 *
 * <pre>
 *   overhead% = 100 * (pauseMs(now) - pauseMs(start)) / ((now - start) in ms)
 * </pre>
 *
 * where {@code start} is the oldest kept point; points older than the window are dropped as soon
 * as the next one is itself at least a window old, so the span is about the window once the
 * sensor has run that long (shorter before). A point is kept at most every window/32, in a fixed
 * ring of primitive arrays: no garbage per sample.
 *
 * <p>Not thread-safe: the sensor's sampling thread only.
 */
final class GcOverhead {
  private static final int CAPACITY = 64;
  private final long windowNanos;
  private final long spacingNanos;
  private final long[] times = new long[CAPACITY];
  private final long[] pauses = new long[CAPACITY];
  private int head; // index of the oldest point
  private int size;

  GcOverhead(long windowNanos) {
    this.windowNanos = windowNanos;
    this.spacingNanos = Math.max(1, windowNanos / 32);
  }

  /** Adds the point (if due) and returns the overhead in percent, NaN without a time span yet. */
  double update(long nowNanos, long pauseMillis) {
    if (pauseMillis < 0) {
      return Double.NaN;
    }
    if (size == 0 || nowNanos - times[(head + size - 1) % CAPACITY] >= spacingNanos) {
      if (size == CAPACITY) {
        head = (head + 1) % CAPACITY;
        size--;
      }
      int at = (head + size) % CAPACITY;
      times[at] = nowNanos;
      pauses[at] = pauseMillis;
      size++;
    }
    while (size > 1 && nowNanos - times[(head + 1) % CAPACITY] >= windowNanos) {
      head = (head + 1) % CAPACITY;
      size--;
    }
    long spanNanos = nowNanos - times[head];
    if (spanNanos <= 0) {
      return Double.NaN;
    }
    double pct = 100.0 * (pauseMillis - pauses[head]) * 1_000_000.0 / spanNanos;
    return Math.max(0.0, Math.min(100.0, pct));
  }
}
