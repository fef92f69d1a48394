package dev.memgov.jdbc.functional;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.Governable;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.sensor.MemorySensor;
import java.time.Duration;

/**
 * A scripted sensor: the heap's live set after GC as a share of the heap maximum, set by the test
 * (0.5 = NORMAL, 0.95 = EMERGENCY with the default thresholds). Everything else is unknown.
 */
final class ScriptedPressure implements MemorySensor {
  private static final long HEAP_MAX = 1L << 30;

  private volatile double ratio = 0.5;

  void ratio(double ratio) {
    this.ratio = ratio;
  }

  @Override
  public MemorySnapshot sample() {
    long live = (long) (HEAP_MAX * ratio);
    return MemorySnapshot.builder()
        .time(System.currentTimeMillis(), System.nanoTime())
        .heap(live, HEAP_MAX, HEAP_MAX)
        .oldGenAfterGc(live)
        .build();
  }

  /**
   * A real governor on the system clock, fed by this sensor, ticking every 50 ms, calm after
   * 300 ms, restoring 25 % every 100 ms; no JVM governable, no JMX, no GC trigger.
   */
  MemoryGovernor governor(Governable... governables) {
    GovernorPolicy policy = GovernorPolicy.builder()
        .tickInterval(Duration.ofMillis(50))
        .settleWindow(Duration.ofMillis(100))
        .calmWindow(Duration.ofMillis(300))
        .restoreStepPercent(25)
        .cooldown(CleanupLevel.EMERGENCY, Duration.ofSeconds(1))
        .gcTriggerEnabled(false)
        .build();
    var b = MemoryGovernor.builder().name("jdbc-test").sensor(this).policy(policy).jmxEnabled(false).jvmGovernable(false);
    for (Governable g : governables) {
      b.governable(g);
    }
    return b.build();
  }
}
