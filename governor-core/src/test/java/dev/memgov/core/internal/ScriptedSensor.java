package dev.memgov.core.internal;

import dev.memgov.core.GovernorClock;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.sensor.MemorySensor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sensor whose heap figure the test sets: old generation after GC = ratio × 1000 MiB heap max.
 * Thread-safe.
 */
public final class ScriptedSensor implements MemorySensor {
  public static final long HEAP_MAX = 1000L << 20;

  private final GovernorClock clock;
  private volatile double ratio = 0.3;
  private volatile double containerRatio = Double.NaN;
  private volatile long rssLimit = -1;
  private volatile long gcCount = 0;
  private volatile RuntimeException failNext;
  private volatile Runnable onGcEnd;
  public final AtomicInteger samples = new AtomicInteger();
  public final AtomicInteger closes = new AtomicInteger();

  private volatile double rssRatio = Double.NaN;
  private volatile long[] peers;
  /** How many times the governor read the container's processes. */
  public final AtomicInteger peerReads = new AtomicInteger();
  private volatile boolean partial;
  private volatile double afterFullGc = Double.NaN;
  /** How many times the governor asked for a confirming full GC. */
  public final AtomicInteger fullGcs = new AtomicInteger();

  public ScriptedSensor(GovernorClock clock) {
    this.clock = clock;
  }

  /** Sets the live-set ratio; the GC count stays. */
  public ScriptedSensor ratio(double r) {
    this.ratio = r;
    return this;
  }

  /** Sets a container working set of {@code r} × a 1000 MiB limit; NaN (the default) for no container. */
  public ScriptedSensor container(double r) {
    this.containerRatio = r;
    return this;
  }

  /** Sets this process's RSS to {@code r} × 1000 MiB; NaN (the default) for unknown. */
  public ScriptedSensor rss(double r) {
    this.rssRatio = r;
    return this;
  }

  /** Gives the RSS a limit of 1000 MiB (an {@code rssLimit} configured), so the RSS figure can govern. */
  public ScriptedSensor rssLimited() {
    this.rssLimit = HEAP_MAX;
    return this;
  }

  /**
   * Marks the heap figure as read after a young GC, and scripts what a full GC would read:
   * {@code afterFullGc} (NaN: the sensor cannot run one, as with {@code -XX:+DisableExplicitGC}).
   */
  public ScriptedSensor partial(double afterFullGc) {
    this.partial = true;
    this.afterFullGc = afterFullGc;
    return this;
  }

  /** Scripts the RSS of every process in the container (this one included); null (the default) for unknown. */
  public ScriptedSensor peers(long... rssBytes) {
    this.peers = rssBytes;
    return this;
  }

  @Override
  public long[] containerProcessesRss() {
    peerReads.incrementAndGet();
    long[] p = peers;
    return p == null ? null : p.clone();
  }

  @Override
  public boolean heapFigurePartial() {
    return partial;
  }

  @Override
  public MemorySnapshot sampleAfterFullGc() {
    fullGcs.incrementAndGet();
    double full = afterFullGc;
    if (Double.isNaN(full)) {
      return null;
    }
    partial = false;
    ratio = full;
    gcCount++;
    return sample();
  }

  /** Counts one more GC (without calling the GC callback). */
  public ScriptedSensor gc() {
    gcCount++;
    return this;
  }

  public void failNextSample(RuntimeException e) {
    this.failNext = e;
  }

  /** Fires the GC-end callback the governor registered, as the JVM's notification thread would. */
  public void fireGcEnd() {
    gcCount++;
    Runnable r = onGcEnd;
    if (r != null) {
      r.run();
    }
  }

  public boolean listening() {
    return onGcEnd != null;
  }

  @Override
  public MemorySnapshot sample() {
    samples.incrementAndGet();
    RuntimeException e = failNext;
    if (e != null) {
      failNext = null;
      throw e;
    }
    long old = Math.round(ratio * HEAP_MAX);
    MemorySnapshot.Builder b = MemorySnapshot.builder()
        .time(clock.currentTimeMillis(), clock.nanoTime())
        .heap(old, HEAP_MAX, HEAP_MAX)
        .oldGenAfterGc(old)
        .oldGenMax(HEAP_MAX) // as under G1: the old generation may take the whole heap
        .gc(gcCount, 0.0, 1);
    if (!Double.isNaN(rssRatio)) {
      b.rss(Math.round(rssRatio * HEAP_MAX), rssLimit);
    }
    double c = containerRatio;
    if (!Double.isNaN(c)) {
      long ws = Math.round(c * HEAP_MAX);
      b.container(HEAP_MAX, ws, ws);
    }
    return b.build();
  }

  @Override
  public void start(Runnable onGcEnd) {
    this.onGcEnd = onGcEnd;
  }

  @Override
  public void close() {
    onGcEnd = null;
    closes.incrementAndGet();
  }
}
