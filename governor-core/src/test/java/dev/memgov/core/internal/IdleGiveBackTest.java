package dev.memgov.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.CleanupReport;
import dev.memgov.core.CleanupReport.GovernableOutcome;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.Trigger;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The governor's idle give-back, on a fake clock with scripted snapshots (1000 MiB heap, 1 s ticks). */
class IdleGiveBackTest {
  static final long MIB = 1L << 20;

  final FakeClock clock = new FakeClock();
  final ScriptedSensor sensor = new ScriptedSensor(clock);
  final TestGovernable cache = new TestGovernable("users", RebuildCost.MODERATE, 100 * MIB).kind("cache");
  final TestGovernable pool = new TestGovernable("pool", RebuildCost.CHEAP, 10 * MIB).kind("pool");
  DefaultMemoryGovernor governor;

  void governor(Duration idleAfter) {
    governor(GovernorPolicy.builder().idleAfter(idleAfter));
  }

  void governor(GovernorPolicy.Builder policy) {
    governor = (DefaultMemoryGovernor) MemoryGovernor.builder().name("idle").clock(clock).sensor(sensor)
        .policy(policy.timerTriggerEnabled(false).build())
        .jmxEnabled(false).jvmGovernable(false).governable(cache).governable(pool).build();
    governor.start();
  }

  @AfterEach
  void close() {
    if (governor != null) {
      governor.close();
    }
  }

  void ticks(int seconds) {
    for (int i = 0; i < seconds; i++) {
      clock.advance(Duration.ofSeconds(1));
      governor.tickNow();
    }
  }

  List<CleanupReport> idleReports() {
    return governor.status().recentCleanups().stream().filter(r -> r.trigger() == Trigger.IDLE)
        .collect(Collectors.toList());
  }

  @Test
  void aQuietProcessGetsOneLightIdleCleanupOfItsCachesPerIdlePeriod() {
    // Given a governor at NORMAL (30 %) and no GC, no heap growth
    governor(Duration.ofSeconds(15));
    ticks(14);
    assertThat(idleReports()).isEmpty();

    // When idleAfter has passed
    ticks(2);

    // Then one light cleanup with trigger idle ran, asking the cache and not the pool
    assertThat(idleReports()).hasSize(1);
    CleanupReport r = idleReports().get(0);
    assertThat(r.level()).isEqualTo(CleanupLevel.LIGHT);
    assertThat(r.outcomes()).extracting(GovernableOutcome::name).containsExactly("users");
    assertThat(cache.requests).singleElement().satisfies(q -> {
      assertThat(q.level()).isEqualTo(CleanupLevel.LIGHT);
      assertThat(q.trigger()).isEqualTo(Trigger.IDLE);
    });
    assertThat(pool.requests).isEmpty();

    // and not again while it stays idle
    ticks(120);
    assertThat(idleReports()).hasSize(1);

    // Pressure (WARNING) re-arms it: after the episode, quiet again for 15 s, one more
    sensor.ratio(0.75);
    ticks(1);
    sensor.ratio(0.3);
    ticks(1);
    assertThat(idleReports()).hasSize(1);
    ticks(16);
    assertThat(idleReports()).hasSize(2);
  }

  @Test
  void theIdleCleanupStartsNoCooldown() {
    governor(Duration.ofSeconds(5));
    ticks(6);
    assertThat(idleReports()).hasSize(1);
    // a WARNING one second later gets its light cleanup at once (cooldownLight is 5 s)
    sensor.ratio(0.75);
    ticks(1);
    List<CleanupReport> all = governor.status().recentCleanups();
    assertThat(all).last().satisfies(r -> {
      assertThat(r.trigger()).isEqualTo(Trigger.TIMER);
      assertThat(r.level()).isEqualTo(CleanupLevel.LIGHT);
    });
  }

  @Test
  void notWhileGcsKeepComing() {
    governor(Duration.ofSeconds(15));
    for (int i = 0; i < 12; i++) {
      ticks(5);
      sensor.gc();
    }
    assertThat(idleReports()).isEmpty();
    assertThat(cache.requests).isEmpty();
  }

  @Test
  void withIdleCacheShedPercentTheCachesAreCutFirstThenTheLightGiveBackRuns() {
    governor(GovernorPolicy.builder().idleAfter(Duration.ofSeconds(15)).idleCacheShedPercent(30));
    ticks(16);
    List<CleanupReport> idle = idleReports();
    assertThat(idle).extracting(CleanupReport::level).containsExactly(CleanupLevel.STANDARD, CleanupLevel.LIGHT);
    assertThat(idle.get(0).targetBytes()).isEqualTo(30 * MIB);
    assertThat(idle.get(0).outcomes()).extracting(GovernableOutcome::name).containsExactly("users");
    assertThat(cache.requests).extracting(q -> q.level() + " " + q.targetBytes() + " " + q.trigger())
        .containsExactly("STANDARD " + 30 * MIB + " IDLE", "LIGHT 0 IDLE");
    assertThat(cache.footprintBytes()).isLessThanOrEqualTo(70 * MIB);
    assertThat(pool.requests).isEmpty();
    // still once per idle period
    ticks(60);
    assertThat(idleReports()).hasSize(2);
  }

  @Test
  void zeroTurnsItOff() {
    governor(Duration.ZERO);
    ticks(120);
    assertThat(governor.status().recentCleanups()).isEmpty();
    assertThat(cache.requests).isEmpty();
  }
}
