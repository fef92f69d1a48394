package dev.memgov.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.RebuildCost;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Confirming a partial heap figure (read after a young GC) with a full GC before cutting on it, on a
 * fake clock with scripted snapshots (1000 MiB heap, thresholds 70/85/92 %).
 */
class HeapConfirmTest {
  static final long MIB = 1L << 20;

  final FakeClock clock = new FakeClock();
  final ScriptedSensor sensor = new ScriptedSensor(clock);
  final TestGovernable cache = new TestGovernable("users", RebuildCost.MODERATE, 300 * MIB).kind("cache");
  DefaultMemoryGovernor governor;

  void governor(GovernorPolicy.Builder policy) {
    governor = (DefaultMemoryGovernor) MemoryGovernor.builder().name("confirm").clock(clock).sensor(sensor)
        .policy(policy.timerTriggerEnabled(false).build())
        .jmxEnabled(false).jvmGovernable(false).governable(cache).build();
    governor.start();
    governor.tickNow();
  }

  @AfterEach
  void close() {
    if (governor != null) {
      governor.close();
    }
  }

  void tickAfter(Duration d) {
    clock.advance(d);
    sensor.gc();
    governor.tickNow();
  }

  @Test
  void anEmergencyReadAfterAYoungGcThatAFullGcDisprovesCutsNothing() {
    governor(GovernorPolicy.builder());
    // Given a young-GC figure of 96 % that is 60 % live
    sensor.ratio(0.96).partial(0.60);

    tickAfter(Duration.ofSeconds(1));

    // Then one full GC confirmed it, the governor acts on 60 %: NORMAL, no cleanup
    assertThat(sensor.fullGcs).hasValue(1);
    assertThat(governor.status().level()).isEqualTo(PressureLevel.NORMAL);
    assertThat(governor.status().snapshot().heapRatio()).isEqualTo(0.60, org.assertj.core.data.Offset.offset(0.001));
    assertThat(governor.status().recentCleanups()).isEmpty();
    assertThat(cache.requests).isEmpty();
  }

  @Test
  void aConfirmedEmergencyIsActedOn() {
    governor(GovernorPolicy.builder());
    sensor.ratio(0.96).partial(0.95);

    tickAfter(Duration.ofSeconds(1));

    assertThat(sensor.fullGcs).hasValue(1);
    assertThat(governor.status().level()).isEqualTo(PressureLevel.EMERGENCY);
    assertThat(governor.status().recentCleanups()).singleElement()
        .satisfies(r -> assertThat(r.level()).isEqualTo(CleanupLevel.EMERGENCY));
  }

  @Test
  void aFigureFromAFullGcOrBelowCriticalIsNotConfirmed() {
    governor(GovernorPolicy.builder());
    sensor.ratio(0.80).partial(0.50); // partial, but only WARNING
    tickAfter(Duration.ofSeconds(1));
    assertThat(sensor.fullGcs).hasValue(0);
    assertThat(governor.status().level()).isEqualTo(PressureLevel.WARNING);

    ScriptedSensor exact = sensor.ratio(0.96); // the same sensor, but a whole-heap figure
    exact.sampleAfterFullGc(); // clears the partial flag (and counts itself once)
    exact.ratio(0.96);
    tickAfter(Duration.ofSeconds(1));
    assertThat(sensor.fullGcs).hasValue(1);
    assertThat(governor.status().level()).isEqualTo(PressureLevel.EMERGENCY);
  }

  @Test
  void withinTheIntervalOfTheLastConfirmationTheFigureIsActedOnAsRead() {
    governor(GovernorPolicy.builder().heapConfirmInterval(Duration.ofSeconds(5)));
    sensor.ratio(0.96).partial(0.60);
    tickAfter(Duration.ofSeconds(1));
    assertThat(sensor.fullGcs).hasValue(1);

    // 2 s later, again 96 % after a young GC: not confirmed (5 s interval), acted on
    sensor.ratio(0.96).partial(0.60);
    tickAfter(Duration.ofSeconds(2));
    assertThat(sensor.fullGcs).hasValue(1);
    assertThat(governor.status().level()).isEqualTo(PressureLevel.EMERGENCY);
    assertThat(cache.requests).isNotEmpty();

    // 5 s after the first confirmation: confirmed again
    sensor.ratio(0.96).partial(0.60);
    tickAfter(Duration.ofSeconds(3));
    assertThat(sensor.fullGcs).hasValue(2);
  }

  @Test
  void aCleanupThatReclaimedMakesTheNextPartialFigureDueWithinTheInterval() {
    governor(GovernorPolicy.builder().heapConfirmInterval(Duration.ofSeconds(5)));
    // Given a confirmed CRITICAL: 96 % after a young GC, 88 % after the full GC, and a standard cut
    sensor.ratio(0.96).partial(0.88);
    tickAfter(Duration.ofSeconds(1));
    assertThat(sensor.fullGcs).hasValue(1);
    assertThat(governor.status().level()).isEqualTo(PressureLevel.CRITICAL);
    assertThat(governor.status().recentCleanups()).singleElement()
        .satisfies(r -> assertThat(r.reclaimedBytes()).isPositive());

    // When 100 ms later a young GC reads 94 % (it still counts what the cut evicted), 75 % in truth
    sensor.ratio(0.94).partial(0.75);
    tickAfter(Duration.ofMillis(100));

    // Then it was confirmed although the 5 s interval has not passed, and nothing escalated
    assertThat(sensor.fullGcs).hasValue(2);
    assertThat(governor.status().snapshot().heapRatio()).isEqualTo(0.75, org.assertj.core.data.Offset.offset(0.001));
    assertThat(governor.status().level()).isNotEqualTo(PressureLevel.EMERGENCY);
    assertThat(governor.status().recentCleanups()).hasSize(1);

    // and without a new cleanup the interval holds again: a partial figure is acted on as read
    sensor.ratio(0.96).partial(0.60);
    tickAfter(Duration.ofMillis(100));
    assertThat(sensor.fullGcs).hasValue(2);
    assertThat(governor.status().level()).isEqualTo(PressureLevel.EMERGENCY);
  }

  @Test
  void noConfirmationWhenSwitchedOffOrSystemGcIsOff() {
    governor(GovernorPolicy.builder().heapConfirmInterval(Duration.ZERO));
    sensor.ratio(0.96).partial(0.60);
    tickAfter(Duration.ofSeconds(1));
    assertThat(sensor.fullGcs).hasValue(0);
    assertThat(governor.status().level()).isEqualTo(PressureLevel.EMERGENCY);
    governor.close();

    governor(GovernorPolicy.builder().systemGcEnabled(false));
    tickAfter(Duration.ofSeconds(1));
    assertThat(sensor.fullGcs).hasValue(0);
  }

  @Test
  void whenNoFullGcCanRunTheFigureIsActedOnAsRead() {
    governor(GovernorPolicy.builder());
    sensor.ratio(0.96).partial(Double.NaN); // -XX:+DisableExplicitGC: sampleAfterFullGc() is null

    tickAfter(Duration.ofSeconds(1));

    assertThat(sensor.fullGcs).hasValue(1);
    assertThat(governor.status().level()).isEqualTo(PressureLevel.EMERGENCY);
    assertThat(cache.requests).isNotEmpty();
  }

  @Test
  void theIntervalIsAPolicySettingWithBounds() {
    assertThat(GovernorPolicy.defaults().heapConfirmInterval()).isEqualTo(Duration.ofSeconds(2));
    java.util.Properties props = new java.util.Properties();
    props.setProperty("memgov.heap-confirm-interval", "10s");
    assertThat(GovernorPolicy.fromProperties(props).heapConfirmInterval()).isEqualTo(Duration.ofSeconds(10));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> GovernorPolicy.builder().heapConfirmInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("heapConfirmInterval must be between PT0S and PT1H, but was PT-1S");
  }
}
