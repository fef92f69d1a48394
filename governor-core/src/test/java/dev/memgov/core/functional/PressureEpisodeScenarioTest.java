package dev.memgov.core.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.CleanupReport;
import dev.memgov.core.GovernorEvent;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.ThreadPoolGovernable;
import dev.memgov.core.internal.DefaultMemoryGovernor;
import dev.memgov.core.internal.FakeClock;
import dev.memgov.core.internal.ScriptedSensor;
import dev.memgov.core.internal.TestGovernable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One pressure episode end to end: rise, sized cleanup, escalation, calm, restore. */
class PressureEpisodeScenarioTest {
  static final long MIB = 1L << 20;
  final FakeClock clock = new FakeClock();
  final ScriptedSensor sensor = new ScriptedSensor(clock);
  final ThreadPoolExecutor workers = new ThreadPoolExecutor(8, 8, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
  DefaultMemoryGovernor governor;

  @AfterEach
  void close() {
    governor.close();
    workers.shutdownNow();
  }

  @Test
  void aServiceUnderPressureGivesBackTheGapEscalatesAndGrowsBackWhenCalm() throws Exception {
    // Given a service with a 300 MiB cache and 8 busy-then-idle worker threads, its live set at 60 %
    CountDownLatch started = new CountDownLatch(8);
    for (int i = 0; i < 8; i++) {
      workers.execute(started::countDown);
    }
    started.await();
    await().until(() -> workers.getPoolSize() == 8);
    TestGovernable cache = new TestGovernable("sessions", RebuildCost.CHEAP, 300 * MIB);
    governor = (DefaultMemoryGovernor) MemoryGovernor.builder().name("scenario").clock(clock).sensor(sensor)
        .jmxEnabled(false).jvmGovernable(false)
        .policy(GovernorPolicy.builder().timerTriggerEnabled(false).settleWindow(Duration.ofSeconds(3))
            .calmWindow(Duration.ofSeconds(30)).restoreStepPercent(50).build())
        .governable(cache).governable(ThreadPoolGovernable.adopt("workers", workers)).build();
    List<PressureLevel> levels = new CopyOnWriteArrayList<>();
    governor.subscribe(GovernorEvent.LevelChanged.class, e -> levels.add(e.to()));
    governor.start();
    sensor.ratio(0.60);
    governor.tickNow();

    // When the live set climbs to 86 % (CRITICAL): 6 % of 1000 MiB must go to get back to 80 %
    sensor.ratio(0.86).gc();
    governor.tickNow();

    // Then one standard cleanup asks the free-to-rebuild threads first, then the cache for the rest
    CleanupReport first = last();
    assertThat(first.level()).isEqualTo(CleanupLevel.STANDARD);
    long gap = Math.round(0.86 * ScriptedSensor.HEAP_MAX) - (long) (0.80 * ScriptedSensor.HEAP_MAX);
    assertThat(first.targetBytes()).isEqualTo(gap);
    assertThat(first.outcomes()).extracting(CleanupReport.GovernableOutcome::name).containsExactly("workers", "sessions");
    assertThat(workers.getMaximumPoolSize()).isEqualTo(4);
    assertThat(first.outcomes().get(1).targetBytes()).isEqualTo(gap - first.outcomes().get(0).targetBytes());
    assertThat(cache.footprintBytes()).isGreaterThan(200 * MIB); // sized to the gap: far from half the cache

    // When it stays at 86 % past the settle window and a GC
    clock.advance(Duration.ofSeconds(4));
    sensor.gc();
    governor.tickNow();

    // Then the next cleanup is one step up
    assertThat(last().level()).isEqualTo(CleanupLevel.AGGRESSIVE);

    // When the figure falls to 50 % and stays there for the calm window
    sensor.ratio(0.50).gc();
    governor.tickNow();
    clock.advance(Duration.ofSeconds(30));
    governor.tickNow();
    clock.advance(Duration.ofSeconds(3));
    governor.tickNow();

    // Then budgets are back at what was configured, in steps, never above
    assertThat(levels).containsExactly(PressureLevel.CRITICAL, PressureLevel.NORMAL);
    assertThat(cache.currentBudget()).isEqualTo(300 * MIB);
    assertThat(workers.getMaximumPoolSize()).isEqualTo(8);
    assertThat(workers.getCorePoolSize()).isEqualTo(8);
    assertThat(cache.restores.get()).isBetween(1, 3);
  }

  private CleanupReport last() {
    List<CleanupReport> r = governor.status().recentCleanups();
    return r.get(r.size() - 1);
  }
}
