package dev.memgov.http;

import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.sensor.MemorySensor;
import java.util.Map;

/**
 * A sensor that reports a scripted live-set fraction of a 256 MiB heap, a known RSS without an
 * RSS limit, a container without a limit, and no PSI (with reasons). Thread-safe.
 */
final class ScriptedSensor implements MemorySensor {
  static final long MIB = 1L << 20;
  static final long HEAP_MAX = 256 * MIB;
  static final Map<String, String> REASONS = Map.of(
      "rssLimit", "no rssLimit configured",
      "psiSomeAvg10", "no /proc/pressure/memory on this kernel",
      "psiFullAvg10", "no /proc/pressure/memory on this kernel");

  private volatile double liveFraction;

  ScriptedSensor(double liveFraction) {
    this.liveFraction = liveFraction;
  }

  void liveFraction(double fraction) {
    this.liveFraction = fraction;
  }

  long liveBytes() {
    return (long) (HEAP_MAX * liveFraction);
  }

  @Override
  public MemorySnapshot sample() {
    long live = liveBytes();
    return MemorySnapshot.builder()
        .time(System.currentTimeMillis(), System.nanoTime())
        .heap(Math.min(HEAP_MAX, live + 10 * MIB), HEAP_MAX, HEAP_MAX)
        .oldGenAfterGc(live)
        .oldGenMax(HEAP_MAX) // as under G1: the old generation may take the whole heap
        .gc(12, 1.5, 3)
        .nonHeap(40 * MIB, 12 * MIB, MIB, 0, 30)
        .rss(300 * MIB, MemorySnapshot.UNKNOWN)
        .container(MemorySnapshot.NO_LIMIT, 400 * MIB, 350 * MIB)
        .unknownReasons(REASONS)
        .build();
  }
}
