package dev.memgov.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.Trigger;
import dev.memgov.core.internal.DefaultMemoryGovernor;
import dev.memgov.core.internal.FakeClock;
import dev.memgov.core.internal.ScriptedSensor;
import dev.memgov.core.internal.TestGovernable;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Micrometer binder against a real SimpleMeterRegistry. */
class MemoryGovernorMetricsTest {
  static final long MIB = 1L << 20;
  final FakeClock clock = new FakeClock();
  final ScriptedSensor sensor = new ScriptedSensor(clock);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  DefaultMemoryGovernor governor;

  DefaultMemoryGovernor governor(TestGovernable... gs) {
    var b = MemoryGovernor.builder().name("metrics").clock(clock).sensor(sensor).jmxEnabled(false)
        .jvmGovernable(false).policy(GovernorPolicy.builder().timerTriggerEnabled(false).build());
    for (TestGovernable g : gs) {
      b.governable(g);
    }
    return (DefaultMemoryGovernor) b.build();
  }

  @AfterEach
  void close() {
    if (governor != null) {
      governor.close();
    }
  }

  @Test
  void gaugesFollowThePressureAndTheGovernables() {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 100 * MIB);
    governor = governor(cache);
    MemoryGovernorMetrics metrics = new MemoryGovernorMetrics(governor, Tags.of("app", "demo"));
    metrics.bindTo(registry);
    governor.start();

    sensor.ratio(0.9);
    governor.tickNow();

    assertThat(registry.get(MemoryGovernorMetrics.LEVEL).tag("governor", "metrics").tag("app", "demo").gauge().value())
        .isEqualTo(2.0);
    assertThat(registry.get(MemoryGovernorMetrics.RATIO).tag("signal", "heap").gauge().value()).isEqualTo(0.9, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(registry.get(MemoryGovernorMetrics.RATIO).tag("signal", "rss").gauge().value()).isNaN();
    assertThat(registry.get(MemoryGovernorMetrics.FOOTPRINT).tag("governable", "cache").gauge().value())
        .isEqualTo((double) cache.footprintBytes());
    assertThat(registry.get(MemoryGovernorMetrics.BUDGET).tag("governable", "cache").tag("unit", "bytes").gauge().value())
        .isEqualTo((double) cache.currentBudget());
    assertThat(registry.get(MemoryGovernorMetrics.FOOTPRINT).gauge().getId().getBaseUnit()).isEqualTo("bytes");
  }

  @Test
  void theRiseGaugeShowsTheLargestRecentRiseOfTheContainerFigure() {
    governor = governor();
    new MemoryGovernorMetrics(governor).bindTo(registry);
    governor.start();
    sensor.ratio(0.30).container(0.40);
    governor.tickNow();
    clock.advance(java.time.Duration.ofSeconds(1));
    sensor.container(0.55);
    governor.tickNow();

    assertThat(registry.get(MemoryGovernorMetrics.RISE).tag("signal", "container").gauge().value())
        .isEqualTo(0.15, org.assertj.core.data.Offset.offset(1e-3));
    assertThat(registry.get(MemoryGovernorMetrics.RISE).tag("signal", "rss").gauge().value()).isNaN();
    assertThat(governor.status().containerRise()).isEqualTo(0.15, org.assertj.core.data.Offset.offset(1e-3));
  }

  @Test
  void countersCountCleanupsByLevelAndTriggerAndReclaimedBytes() {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 100 * MIB);
    governor = governor(cache);
    MemoryGovernorMetrics metrics = new MemoryGovernorMetrics(governor);
    metrics.bindTo(registry);
    governor.start();
    assertThat(registry.get(MemoryGovernorMetrics.RECLAIMED).counter().count()).isZero();

    governor.optimize(CleanupLevel.STANDARD, false, Trigger.HTTP);
    governor.optimize(CleanupLevel.STANDARD, true, Trigger.HTTP);
    sensor.ratio(0.95);
    governor.tickNow();

    assertThat(registry.get(MemoryGovernorMetrics.CLEANUPS).tag("level", "standard").tag("trigger", "http").counter().count())
        .isEqualTo(2);
    assertThat(registry.get(MemoryGovernorMetrics.CLEANUPS).tag("level", "emergency").tag("trigger", "timer").counter().count())
        .isEqualTo(1);
    assertThat(registry.get(MemoryGovernorMetrics.RECLAIMED).counter().count()).isEqualTo(100.0 * MIB);
  }

  @Test
  void bindingTwiceToOneRegistryCountsEachCleanupOnce() {
    // given a binder bound twice to the same registry (by hand and by a framework, say)
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 100 * MIB);
    governor = governor(cache);
    MemoryGovernorMetrics metrics = new MemoryGovernorMetrics(governor);
    metrics.bindTo(registry);
    metrics.bindTo(registry);
    governor.start();

    // when one cleanup runs
    governor.optimize(CleanupLevel.STANDARD, false, Trigger.HTTP);

    // then it is counted once, and its bytes once
    assertThat(registry.get(MemoryGovernorMetrics.CLEANUPS).tag("level", "standard").tag("trigger", "http").counter().count())
        .isEqualTo(1);
    assertThat(registry.get(MemoryGovernorMetrics.RECLAIMED).counter().count()).isEqualTo(50.0 * MIB);
    metrics.close();
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void governableMetersComeAndGoAndCloseRemovesEverything() {
    governor = governor();
    MemoryGovernorMetrics metrics = new MemoryGovernorMetrics(governor);
    metrics.bindTo(registry);
    governor.start();
    governor.register(new TestGovernable("late", RebuildCost.CHEAP, MIB));
    await().until(() -> registry.find(MemoryGovernorMetrics.FOOTPRINT).tag("governable", "late").gauge() != null);
    governor.unregister("late");
    await().until(() -> registry.find(MemoryGovernorMetrics.FOOTPRINT).tag("governable", "late").gauge() == null);
    governor.optimize(CleanupLevel.LIGHT);
    assertThat(registry.getMeters()).isNotEmpty();

    metrics.close();
    assertThat(registry.getMeters()).isEmpty();
    governor.optimize(CleanupLevel.STANDARD);
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void theBinderDoesNotKeepTheGovernorAlive() {
    DefaultMemoryGovernor g = governor(new TestGovernable("cache", RebuildCost.CHEAP, MIB));
    MemoryGovernorMetrics metrics = new MemoryGovernorMetrics(g);
    metrics.bindTo(registry);
    WeakReference<Object> ref = new WeakReference<>(g);
    g = null;
    await().until(() -> {
      System.gc();
      return ref.get() == null;
    });
    assertThat(registry.get(MemoryGovernorMetrics.LEVEL).gauge().value()).isNaN();
    metrics.close();
  }
}
