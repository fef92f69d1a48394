package dev.memgov.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.CleanupReport;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.Signal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Under RSS or container pressure, heap freed by the caches leaves the process only when the JVM
 * returns committed heap, so the JVM is asked even when the caches cover the gap in heap bytes.
 */
class LadderResidentPressureTest {
  static final long MIB = 1L << 20;

  final FakeClock clock = new FakeClock();
  final ScriptedSensor sensor = new ScriptedSensor(clock);
  final TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 400 * MIB);
  final TestGovernable jvm = new TestGovernable("jvm", RebuildCost.EXPENSIVE, 0).kind("jvm");
  DefaultMemoryGovernor governor;

  @AfterEach
  void close() {
    governor.close();
  }

  void build() {
    governor = (DefaultMemoryGovernor) MemoryGovernor.builder().name("resident").clock(clock).sensor(sensor)
        .policy(GovernorPolicy.builder().timerTriggerEnabled(false).build())
        .jmxEnabled(false).jvmGovernable(false).governable(cache).governable(jvm).build();
  }

  @Test
  void givenContainerPressureWhenTheCacheCoversTheGapThenTheJvmIsStillAskedLastWithTheSignal() {
    sensor.ratio(0.30).container(0.90); // the container governs at CRITICAL; the heap is calm
    build();

    governor.tickNow();

    CleanupReport r = governor.status().recentCleanups().get(0);
    assertThat(r.level()).isEqualTo(CleanupLevel.STANDARD);
    assertThat(r.pressureBefore().governing()).isEqualTo(Signal.CONTAINER);
    assertThat(r.outcomes()).extracting(CleanupReport.GovernableOutcome::name).containsExactly("cache", "jvm");
    assertThat(r.outcomes().get(1).action()).doesNotStartWith("skipped");
    assertThat(jvm.requests).singleElement().satisfies(rq -> {
      assertThat(rq.level()).isEqualTo(CleanupLevel.STANDARD);
      assertThat(rq.governing()).isEqualTo(Signal.CONTAINER);
      assertThat(rq.residentPressure()).isTrue();
    });
    assertThat(cache.requests).singleElement().satisfies(rq -> assertThat(rq.governing()).isEqualTo(Signal.CONTAINER));
  }

  @Test
  void givenHeapPressureWhenTheCacheCoversTheGapThenTheJvmIsSkipped() {
    sensor.ratio(0.90); // the heap governs at CRITICAL
    build();

    governor.tickNow();

    CleanupReport r = governor.status().recentCleanups().get(0);
    assertThat(r.pressureBefore().governing()).isEqualTo(Signal.HEAP);
    assertThat(r.outcomes().get(1).action()).startsWith("skipped");
    assertThat(jvm.requests).isEmpty();
  }

  @Test
  void givenSeveralProcessesInTheContainerThenThisOneGivesBackItsShareOfTheGap() {
    // the container at 90 % (CRITICAL: back to 80 % means 100 MiB of the 1000 MiB limit must go),
    // this process holds a quarter of the working set: it answers for a quarter of the gap
    sensor.ratio(0.30).container(0.90).rss(0.225);
    build();

    governor.tickNow();

    CleanupReport r = governor.status().recentCleanups().get(0);
    long gap = Math.round(0.90 * ScriptedSensor.HEAP_MAX) - (long) (0.80 * ScriptedSensor.HEAP_MAX);
    assertThat(r.targetBytes()).isCloseTo(gap / 4, org.assertj.core.data.Offset.offset(2L));
    assertThat(cache.requests).singleElement().satisfies(rq -> assertThat(rq.targetBytes()).isLessThanOrEqualTo(gap / 4 + 2));
  }

  @Test
  void givenThisProcessHoldsTheWholeWorkingSetThenItAnswersForTheWholeGap() {
    sensor.ratio(0.30).container(0.90).rss(0.95);
    build();

    governor.tickNow();

    long gap = Math.round(0.90 * ScriptedSensor.HEAP_MAX) - (long) (0.80 * ScriptedSensor.HEAP_MAX);
    assertThat(governor.status().recentCleanups().get(0).targetBytes()).isEqualTo(gap);
  }
}
