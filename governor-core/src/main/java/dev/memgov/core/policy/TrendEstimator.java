package dev.memgov.core.policy;

import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.Pressure;
import dev.memgov.core.Trend;
import java.util.function.LongSupplier;

/**
 * Estimates where the live set is heading from the old-generation occupancy after each GC.
 *
 * <p><b>Points.</b> A snapshot adds a point {@code (t, y)} only when its {@code gcCount} differs
 * from the previous snapshot's and its {@code oldGenAfterGc} is known: {@code t} is the snapshot's
 * monotonic time in minutes, {@code y} the after-GC bytes. The last {@code K = max(leakGcCount + 1,
 * 16)} points are kept.
 *
 * <p><b>Slope</b> (ordinary least squares over the kept points, at least 3 with distinct times):
 *
 * <pre>
 *   slope = Σ (t_i − t̄)(y_i − ȳ) / Σ (t_i − t̄)²        [bytes per minute]
 * </pre>
 *
 * <p><b>Leak suspected</b> when the live set <em>less what the governables hold</em> rose across
 * the last {@code leakGcCount} consecutive GCs and its slope is positive. Each point also records
 * {@code y − governed}, the governables' summed footprint read when the point is added (see
 * {@link #update(MemorySnapshot, Pressure, LongSupplier)}), and the streak and slope of the leak
 * test are taken over those: a cache filling toward its budget raises the live set GC after GC,
 * but it is bounded and memgov gives it back, so it is not a leak (without this every governed
 * app warned "leak suspected" while its caches warmed up). Under G1 the old generation after young
 * GCs rises between mixed collections by what was promoted, so a short streak is normal there; the
 * default of 8 asks for a long one. The reported slope ({@link Trend#bytesPerMinute()}) and the
 * seconds to the limit stay those of the whole live set: a cache growing uses headroom too.
 *
 * <p><b>Seconds to limit</b> for the pressure's governing signal, with {@code headroom = limit −
 * value} (heap: heap max − after-GC occupancy; RSS: RSS limit − RSS; container: limit − working
 * set), assuming the live set's growth lands 1:1 on that figure:
 *
 * <pre>
 *   secondsToLimit = max(0, headroom) / slope × 60        when slope &gt; 0, else −1
 * </pre>
 *
 * <p>−1 too when the governing signal is {@code NONE} or its figures are unknown.
 *
 * <p>Not thread-safe: the governor calls it from its own thread only.
 */
public final class TrendEstimator {
  private final int leakGcCount;
  private final int capacity;
  private final double[] minutes;
  private final long[] bytes;
  /** {@code bytes} less the governables' footprint at the same point. */
  private final long[] ungoverned;
  private int head;
  private int size;
  private long lastGcCount = Long.MIN_VALUE;
  /** Consecutive rises of {@code ungoverned}. */
  private int rises;

  public TrendEstimator(GovernorPolicy policy) {
    this.leakGcCount = policy.leakGcCount();
    this.capacity = Math.max(leakGcCount + 1, 16);
    this.minutes = new double[capacity];
    this.bytes = new long[capacity];
    this.ungoverned = new long[capacity];
  }

  /**
   * Feeds one snapshot (a point is added only when a GC has happened since the last one), with no
   * governables' footprint to set apart: the leak test runs on the whole live set.
   */
  public Trend update(MemorySnapshot snapshot, Pressure pressure) {
    return update(snapshot, pressure, () -> 0);
  }

  /**
   * Feeds one snapshot (a point is added only when a GC has happened since the last one).
   * {@code governedBytes} is read only when a point is added: the bytes the governables hold now
   * (negative when unknown, read as 0), set apart from the live set for the leak test.
   */
  public Trend update(MemorySnapshot snapshot, Pressure pressure, LongSupplier governedBytes) {
    long gcCount = snapshot.gcCount();
    long y = snapshot.oldGenAfterGc();
    if (gcCount >= 0 && gcCount != lastGcCount) {
      lastGcCount = gcCount;
      if (y >= 0) {
        add(snapshot.nanoTime() / 60e9, y, y - Math.max(0, governedBytes.getAsLong()));
      }
    }
    if (size == 0) {
      return Trend.UNKNOWN;
    }
    double slope = slope(bytes);
    boolean leak = rises >= leakGcCount && slope(ungoverned) > 0;
    return new Trend(slope, leak, secondsToLimit(snapshot, pressure, slope), size);
  }

  private void add(double t, long y, long yUngoverned) {
    if (size > 0) {
      long previous = ungoverned[(head + size - 1) % capacity];
      rises = yUngoverned > previous ? rises + 1 : 0;
    }
    if (size == capacity) {
      head = (head + 1) % capacity;
      size--;
    }
    int at = (head + size) % capacity;
    minutes[at] = t;
    bytes[at] = y;
    ungoverned[at] = yUngoverned;
    size++;
  }

  private double slope(long[] ys) {
    if (size < 3) {
      return Double.NaN;
    }
    double t0 = minutes[head];
    double meanT = 0;
    double meanY = 0;
    for (int i = 0; i < size; i++) {
      int k = (head + i) % capacity;
      meanT += minutes[k] - t0;
      meanY += ys[k];
    }
    meanT /= size;
    meanY /= size;
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < size; i++) {
      int k = (head + i) % capacity;
      double dt = minutes[k] - t0 - meanT;
      sxy += dt * (ys[k] - meanY);
      sxx += dt * dt;
    }
    return sxx > 0 ? sxy / sxx : Double.NaN;
  }

  private static long secondsToLimit(MemorySnapshot s, Pressure pressure, double slope) {
    if (!(slope > 0) || pressure == null) {
      return -1;
    }
    long limit;
    long value;
    switch (pressure.governing()) {
      case HEAP:
        limit = s.heapMax();
        value = s.oldGenAfterGc();
        break;
      case RSS:
        limit = s.rssLimit();
        value = s.rss();
        break;
      case CONTAINER:
        limit = s.containerLimit();
        value = s.containerWorkingSet();
        break;
      default:
        return -1;
    }
    if (limit <= 0 || limit == MemorySnapshot.NO_LIMIT || value < 0) {
      return -1;
    }
    double seconds = Math.max(0, limit - value) / slope * 60.0;
    return seconds >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) seconds;
  }
}
