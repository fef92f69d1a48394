package dev.memgov.cache.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.memgov.cache.Cleanup;
import dev.memgov.cache.GovernedCache;
import dev.memgov.cache.JsonLike;
import dev.memgov.cache.TestRedis;
import dev.memgov.cache.ValueCodec;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.ClearResult;
import dev.memgov.core.GovernorClock;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.Trigger;
import dev.memgov.core.sensor.MemorySensor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Given a GovernedCache (with a real Redis L2) registered with a real governor fed scripted
 * snapshots; when pressure goes CRITICAL the governor shrinks it, and when pressure is calm
 * again it grows back to its configured budget and admits entries again.
 */
class GovernedCacheUnderGovernorTest {

  private static final long HEAP_MAX = 1000L << 20;
  private static final long BUDGET = 1L << 20;

  /** Old generation after GC = ratio × heap max; the test sets the ratio. */
  static final class ScriptedHeap implements MemorySensor {
    final AtomicLong permille = new AtomicLong(300);
    long gcs;

    @Override
    public MemorySnapshot sample() {
      long old = HEAP_MAX * permille.get() / 1000;
      return MemorySnapshot.builder()
          .time(System.currentTimeMillis(), System.nanoTime())
          .heap(old, HEAP_MAX, HEAP_MAX)
          .oldGenAfterGc(old)
          .gc(++gcs, 0.0, 1)
          .build();
    }
  }

  private TestRedis redis;
  private GovernedCache<Integer, String> cache;
  private MemoryGovernor governor;
  private final ScriptedHeap sensor = new ScriptedHeap();

  @BeforeEach
  void setUp() throws Exception {
    redis = TestRedis.start();
    cache = GovernedCache.<Integer, String>builder("sessions", ValueCodec.utf8()).l1Budget(BUDGET)
        .redis(redis.uri()).loader(k -> JsonLike.of(2000, k)).restoreCeilingHold(Duration.ofSeconds(1)).build();
    GovernorPolicy policy = GovernorPolicy.builder()
        .tickInterval(Duration.ofMillis(20))
        .settleWindow(Duration.ofMillis(200))
        .calmWindow(Duration.ofMillis(200))
        .cooldown(CleanupLevel.LIGHT, Duration.ZERO)
        .cooldown(CleanupLevel.STANDARD, Duration.ZERO)
        .cooldown(CleanupLevel.AGGRESSIVE, Duration.ZERO)
        .cooldown(CleanupLevel.EMERGENCY, Duration.ZERO)
        .systemGcEnabled(false)
        .nativeTrimEnabled(false)
        .build();
    governor = MemoryGovernor.builder().name("cache-functional").policy(policy).clock(GovernorClock.system())
        .sensor(sensor).governable(cache).jmxEnabled(false).jvmGovernable(false).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    new Cleanup().close(governor).close(cache).close(redis).done();
  }

  private void readAll() {
    for (int i = 0; i < 600; i++) {
      assertThat(cache.get(i)).isEqualTo(JsonLike.of(2000, i));
    }
  }

  @Test
  void shrinksOnCriticalAndGrowsBackWhenCalm() {
    // Given a full cache under a calm governor
    readAll();
    await().atMost(Duration.ofSeconds(5)).until(() -> cache.footprintBytes() > BUDGET * 9 / 10);
    governor.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> governor.status().level() == PressureLevel.NORMAL);
    assertThat(cache.currentBudget()).isEqualTo(BUDGET);

    // When the live set reaches 90 % of the heap (CRITICAL)
    sensor.permille.set(900);
    await().atMost(Duration.ofSeconds(10)).until(() -> cache.currentBudget() <= BUDGET / 2);

    // Then the cache gave memory back, and reads are still right (from L2 and the loader)
    assertThat(governor.status().level()).isIn(PressureLevel.CRITICAL, PressureLevel.EMERGENCY);
    assertThat(cache.footprintBytes()).isLessThanOrEqualTo(cache.currentBudget());
    readAll();
    assertThat(cache.stats().l2Hits()).isPositive();

    // When pressure is calm again
    sensor.permille.set(300);

    // Then the budget grows back in steps to what was configured, and L1 admits again
    await().atMost(Duration.ofSeconds(15)).until(() -> cache.currentBudget() == BUDGET);
    assertThat(governor.status().level()).isEqualTo(PressureLevel.NORMAL);
    assertThat(cache.admissionStopped()).isFalse();
    readAll();
    await().atMost(Duration.ofSeconds(5)).until(() -> cache.footprintBytes() > BUDGET * 9 / 10);

    // and an operator can clear it by name through the governor
    assertThat(governor.cacheTargets()).contains("sessions");
    List<ClearResult> cleared = governor.clearCache("sessions");
    assertThat(cleared).singleElement().satisfies(r -> {
      assertThat(r.cache()).isEqualTo("sessions");
      assertThat(r.l1Entries()).isPositive();
      assertThat(r.l2Keys()).isEqualTo(600);
    });
    assertThat(cache.footprintBytes()).isZero();
  }

  @Test
  void aManualEmergencyAtNormalStopsAdmissionOnlyUntilTheCalmRestore() {
    // Given a full cache under a calm governor
    readAll();
    await().atMost(Duration.ofSeconds(5)).until(() -> cache.footprintBytes() > BUDGET * 9 / 10);
    governor.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> governor.status().level() == PressureLevel.NORMAL);

    // When an operator forces an emergency cleanup while the level is NORMAL (HTTP/JMX optimize)
    governor.optimize(CleanupLevel.EMERGENCY, true, Trigger.API);

    // Then L1 is cleared and admission stopped; the level never changes, so no pressureChanged comes
    assertThat(cache.admissionStopped()).isTrue();
    assertThat(cache.footprintBytes()).isZero();
    assertThat(governor.status().level()).isEqualTo(PressureLevel.NORMAL);

    // and the governor's calm restore reopens admission: reads fill L1 again
    await().atMost(Duration.ofSeconds(10)).until(() -> !cache.admissionStopped());
    readAll();
    await().atMost(Duration.ofSeconds(5)).until(() -> cache.footprintBytes() > 0);
    long hits = cache.stats().l1Hits();
    assertThat(cache.get(599)).isEqualTo(JsonLike.of(2000, 599));
    assertThat(cache.stats().l1Hits()).isEqualTo(hits + 1);
  }
}
