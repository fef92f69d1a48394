package dev.memgov.core;

import java.util.Map;
import java.util.Objects;

/**
 * One immutable sample of the process's and its container's memory.
 *
 * <p>Every byte or count figure that cannot be read on this platform is {@link #UNKNOWN} (-1),
 * never 0, and {@link #unknownReasons()} says why, keyed by the figure's name (for example
 * {@code "rss" -> "no /proc/self/statm on this platform"}). Fractions that cannot be read are
 * {@link Double#NaN}. A container without a memory limit reports {@link #NO_LIMIT} as its limit.
 *
 * <p>Taking a snapshot must stay cheap: the sensor fills these primitive fields from reused
 * buffers, and the reasons map is shared between snapshots.
 *
 * <p>This class is immutable and thread-safe.
 *
 * @param timestampMillis wall-clock time of the sample, epoch milliseconds
 * @param nanoTime monotonic time of the sample ({@link GovernorClock#nanoTime()})
 * @param heapUsed heap bytes in use now (live and garbage)
 * @param heapCommitted heap bytes committed by the JVM
 * @param heapMax the heap's maximum ({@code -Xmx}), bytes
 * @param oldGenAfterGc old-generation bytes in use right after the most recent GC: the live set
 * @param oldGenMax the most the old generation can hold (its memory pool's maximum), bytes, or
 *     {@link #UNKNOWN}: the heap's maximum under G1, ZGC and Shenandoah, but about two thirds of it
 *     under Serial and Parallel, whose young generation takes the rest and is emptied by every GC
 * @param gcCount garbage collections since the JVM started
 * @param gcOverheadPercent share of wall time spent in GC pauses over the recent window, 0-100
 * @param lastGcPauseMillis duration of the most recent GC, milliseconds
 * @param metaspaceUsed metaspace bytes in use
 * @param codeCacheUsed code cache bytes in use
 * @param directBufferUsed direct byte buffer bytes
 * @param mappedBufferUsed mapped byte buffer bytes
 * @param threadCount live threads
 * @param rss resident set size of this process, bytes
 * @param rssLimit the configured RSS limit for this process, bytes, or {@link #UNKNOWN} if none
 * @param containerLimit the memory cgroup limit, bytes, or {@link #NO_LIMIT}
 * @param containerUsage the memory cgroup's usage, bytes
 * @param containerWorkingSet usage minus inactive file pages (as kubelet computes it), bytes
 * @param psiSomeAvg10 memory PSI "some" avg10, percent
 * @param psiFullAvg10 memory PSI "full" avg10, percent
 * @param unknownReasons why each unknown figure is unknown; shared, never null
 */
public record MemorySnapshot(
    long timestampMillis,
    long nanoTime,
    long heapUsed,
    long heapCommitted,
    long heapMax,
    long oldGenAfterGc,
    long oldGenMax,
    long gcCount,
    double gcOverheadPercent,
    long lastGcPauseMillis,
    long metaspaceUsed,
    long codeCacheUsed,
    long directBufferUsed,
    long mappedBufferUsed,
    int threadCount,
    long rss,
    long rssLimit,
    long containerLimit,
    long containerUsage,
    long containerWorkingSet,
    double psiSomeAvg10,
    double psiFullAvg10,
    Map<String, String> unknownReasons) {

  /** The value of a byte or count figure that could not be read. */
  public static final long UNKNOWN = -1L;

  /** The value of {@link #containerLimit()} when the cgroup sets no limit. */
  public static final long NO_LIMIT = Long.MAX_VALUE;

  public MemorySnapshot {
    Objects.requireNonNull(unknownReasons, "unknownReasons");
  }

  /**
   * Old-generation occupancy after the last GC over {@link #heapLimit()}, or NaN when unknown. At
   * 1.0 the old generation is full: the next promotion needs a full GC, and an
   * {@code OutOfMemoryError} follows when that frees too little.
   */
  public double heapRatio() {
    return ratio(oldGenAfterGc, heapLimit());
  }

  /**
   * The most the old generation can hold: {@link #oldGenMax()} when known, else {@link #heapMax()}.
   * Under Serial and Parallel the old generation's maximum is about two thirds of the heap's (with
   * the default {@code NewRatio}), so an after-GC figure over the heap's maximum could never pass
   * ~69 % however full the heap was, and a 70 % threshold would never be reached.
   */
  public long heapLimit() {
    return oldGenMax > 0 ? oldGenMax : heapMax;
  }

  /** RSS over the configured RSS limit, or NaN when either is unknown. */
  public double rssRatio() {
    return ratio(rss, rssLimit);
  }

  /** Container working set over the container limit, or NaN when unknown or unlimited. */
  public double containerRatio() {
    return ratio(containerWorkingSet, containerLimit);
  }

  /** The ratio of one signal, or NaN when unknown. {@code NONE} is always NaN. */
  public double ratio(Signal signal) {
    switch (signal) {
      case HEAP:
        return heapRatio();
      case RSS:
        return rssRatio();
      case CONTAINER:
        return containerRatio();
      default:
        return Double.NaN;
    }
  }

  /** {@code true} when a container limit is known and set. */
  public boolean hasContainerLimit() {
    return containerLimit > 0 && containerLimit != NO_LIMIT;
  }

  private static double ratio(long value, long limit) {
    if (value < 0 || limit <= 0 || limit == NO_LIMIT) {
      return Double.NaN;
    }
    return (double) value / limit;
  }

  /** A builder for scripted snapshots (tests, simulations); every figure starts unknown. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link MemorySnapshot}; every figure starts unknown. Not thread-safe. */
  public static final class Builder {
    private long timestampMillis;
    private long nanoTime;
    private long heapUsed = UNKNOWN;
    private long heapCommitted = UNKNOWN;
    private long heapMax = UNKNOWN;
    private long oldGenAfterGc = UNKNOWN;
    private long oldGenMax = UNKNOWN;
    private long gcCount = UNKNOWN;
    private double gcOverheadPercent = Double.NaN;
    private long lastGcPauseMillis = UNKNOWN;
    private long metaspaceUsed = UNKNOWN;
    private long codeCacheUsed = UNKNOWN;
    private long directBufferUsed = UNKNOWN;
    private long mappedBufferUsed = UNKNOWN;
    private int threadCount = -1;
    private long rss = UNKNOWN;
    private long rssLimit = UNKNOWN;
    private long containerLimit = UNKNOWN;
    private long containerUsage = UNKNOWN;
    private long containerWorkingSet = UNKNOWN;
    private double psiSomeAvg10 = Double.NaN;
    private double psiFullAvg10 = Double.NaN;
    private Map<String, String> unknownReasons = Map.of();

    private Builder() {}

    public Builder time(long timestampMillis, long nanoTime) {
      this.timestampMillis = timestampMillis;
      this.nanoTime = nanoTime;
      return this;
    }

    public Builder heap(long used, long committed, long max) {
      this.heapUsed = used;
      this.heapCommitted = committed;
      this.heapMax = max;
      return this;
    }

    public Builder oldGenAfterGc(long bytes) {
      this.oldGenAfterGc = bytes;
      return this;
    }

    /** The old generation's maximum; unset (unknown), the heap ratio is over the heap's maximum. */
    public Builder oldGenMax(long bytes) {
      this.oldGenMax = bytes;
      return this;
    }

    public Builder gc(long count, double overheadPercent, long lastPauseMillis) {
      this.gcCount = count;
      this.gcOverheadPercent = overheadPercent;
      this.lastGcPauseMillis = lastPauseMillis;
      return this;
    }

    public Builder nonHeap(long metaspace, long codeCache, long direct, long mapped, int threads) {
      this.metaspaceUsed = metaspace;
      this.codeCacheUsed = codeCache;
      this.directBufferUsed = direct;
      this.mappedBufferUsed = mapped;
      this.threadCount = threads;
      return this;
    }

    public Builder rss(long rss, long rssLimit) {
      this.rss = rss;
      this.rssLimit = rssLimit;
      return this;
    }

    public Builder container(long limit, long usage, long workingSet) {
      this.containerLimit = limit;
      this.containerUsage = usage;
      this.containerWorkingSet = workingSet;
      return this;
    }

    public Builder psi(double someAvg10, double fullAvg10) {
      this.psiSomeAvg10 = someAvg10;
      this.psiFullAvg10 = fullAvg10;
      return this;
    }

    public Builder unknownReasons(Map<String, String> reasons) {
      this.unknownReasons = Map.copyOf(reasons);
      return this;
    }

    public MemorySnapshot build() {
      return new MemorySnapshot(
          timestampMillis, nanoTime, heapUsed, heapCommitted, heapMax, oldGenAfterGc, oldGenMax,
          gcCount, gcOverheadPercent, lastGcPauseMillis, metaspaceUsed, codeCacheUsed, directBufferUsed,
          mappedBufferUsed, threadCount, rss, rssLimit, containerLimit, containerUsage,
          containerWorkingSet, psiSomeAvg10, psiFullAvg10, unknownReasons);
    }
  }
}
