package dev.memgov.core.sensor;

import dev.memgov.core.GovernorClock;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.Map;

/** Placeholder: heap figures only, until the sensors land ([core-sense]). */
final class SystemMemorySensor implements MemorySensor {
  private final GovernorPolicy policy;
  private final GovernorClock clock;
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

  SystemMemorySensor(GovernorPolicy policy, GovernorClock clock) {
    this.policy = policy;
    this.clock = clock;
  }

  @Override
  public MemorySnapshot sample() {
    MemoryUsage heap = memory.getHeapMemoryUsage();
    return MemorySnapshot.builder()
        .time(clock.currentTimeMillis(), clock.nanoTime())
        .heap(heap.getUsed(), heap.getCommitted(), heap.getMax())
        .rss(MemorySnapshot.UNKNOWN, policy.rssLimitBytes())
        .unknownReasons(Map.of("all", "sensors not built yet"))
        .build();
  }
}
