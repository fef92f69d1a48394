package dev.memgov.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.CleanupRefusedException;
import dev.memgov.core.CleanupReport;
import dev.memgov.core.CleanupReport.GovernableOutcome;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.Trigger;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cleanup ladder and its timing, on a fake clock with scripted snapshots. */
class LadderPolicyTest {
  static final long MIB = 1L << 20;

  final FakeClock clock = new FakeClock();
  final ScriptedSensor sensor = new ScriptedSensor(clock);
  DefaultMemoryGovernor governor;

  DefaultMemoryGovernor governor(GovernorPolicy.Builder policy, TestGovernable... gs) {
    var b = MemoryGovernor.builder().name("test").clock(clock).sensor(sensor)
        .policy(policy.timerTriggerEnabled(false).build()).jmxEnabled(false).jvmGovernable(false);
    for (TestGovernable g : gs) {
      b.governable(g);
    }
    governor = (DefaultMemoryGovernor) b.build();
    return governor;
  }

  @AfterEach
  void close() {
    if (governor != null) {
      governor.close();
    }
  }

  List<CleanupReport> reports() {
    return governor.status().recentCleanups();
  }

  @Test
  void targetIsSizedToTheGapAndSpreadCheapestFirstThenLargest() {
    // Given a 1000 MiB heap whose live set is at 90 % (CRITICAL; target 85 - 5 = 80 %: 100 MiB to go)
    TestGovernable moderateSmall = new TestGovernable("moderate-small", RebuildCost.MODERATE, 50 * MIB);
    TestGovernable expensive = new TestGovernable("expensive", RebuildCost.EXPENSIVE, 500 * MIB);
    TestGovernable moderateBig = new TestGovernable("moderate-big", RebuildCost.MODERATE, 200 * MIB);
    TestGovernable cheap = new TestGovernable("cheap", RebuildCost.CHEAP, 80 * MIB);
    governor(GovernorPolicy.builder(), moderateSmall, expensive, moderateBig, cheap);
    sensor.ratio(0.90);

    // When a tick sees it
    governor.tickNow();

    // Then one standard cleanup aims at 100 MiB: cheap gives half its 80 MiB, the big moderate one
    // the remaining 60 MiB, and nobody else is touched
    assertThat(governor.level()).isEqualTo(PressureLevel.CRITICAL);
    assertThat(reports()).hasSize(1);
    CleanupReport r = reports().get(0);
    assertThat(r.level()).isEqualTo(CleanupLevel.STANDARD);
    assertThat(r.trigger()).isEqualTo(Trigger.TIMER);
    long gap = ScriptedSensor.HEAP_MAX * 90 / 100 - (long) (0.80 * ScriptedSensor.HEAP_MAX);
    assertThat(r.targetBytes()).isEqualTo(gap);
    assertThat(r.outcomes()).extracting(GovernableOutcome::name)
        .containsExactly("cheap", "moderate-big", "moderate-small", "expensive");
    assertThat(r.outcomes()).extracting(GovernableOutcome::targetBytes)
        .containsExactly(40 * MIB, gap - 40 * MIB, 0L, 0L);
    assertThat(r.outcomes().get(2).action()).startsWith("skipped");
    assertThat(moderateSmall.requests).isEmpty();
    assertThat(expensive.requests).isEmpty();
    assertThat(cheap.footprintBytes()).isEqualTo(40 * MIB);
    assertThat(moderateBig.footprintBytes()).isEqualTo(200 * MIB - (gap - 40 * MIB));
    assertThat(r.reclaimedBytes()).isEqualTo(gap);
  }

  @Test
  void warningRunsLightThenASizedStandardTrimRepeatedWhileItHelpsButNeverFurther() {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.MODERATE, 400 * MIB);
    governor(GovernorPolicy.builder(), cache);
    sensor.ratio(0.75);

    governor.tickNow(); // WARNING: light, unsized
    clock.advance(Duration.ofSeconds(30));
    sensor.gc();
    governor.tickNow(); // still at 75 % after the settle window and a GC: standard, sized to 65 %
    sensor.ratio(0.72).gc(); // it helped, but not enough
    clock.advance(Duration.ofSeconds(30));
    governor.tickNow(); // standard again, never aggressive at WARNING

    assertThat(cache.requests).extracting(rq -> rq.level())
        .containsExactly(CleanupLevel.LIGHT, CleanupLevel.STANDARD, CleanupLevel.STANDARD);
    assertThat(cache.requests.get(0).targetBytes()).isZero();
    long gap = ScriptedSensor.HEAP_MAX * 75 / 100 - (long) (0.65 * ScriptedSensor.HEAP_MAX);
    assertThat(cache.requests.get(1).targetBytes()).isEqualTo(gap);
  }

  @Test
  void aWarningTrimThatDidNotMoveTheFigureIsNotRepeated() {
    // Given something the governables cannot give back holds the figure at 75 %
    TestGovernable cache = new TestGovernable("cache", RebuildCost.MODERATE, 400 * MIB);
    governor(GovernorPolicy.builder(), cache);
    sensor.ratio(0.75);
    governor.tickNow(); // light
    clock.advance(Duration.ofSeconds(30));
    sensor.gc();
    governor.tickNow(); // standard trim

    // When the figure has not moved after the trim, for several settle windows
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(30));
      sensor.gc();
      governor.tickNow();
    }

    // Then the governor falls back to light instead of trimming (and GC-ing) again and again: the
    // light cleanups in between do not make another trim look worth it
    assertThat(cache.requests).extracting(rq -> rq.level()).containsExactly(CleanupLevel.LIGHT,
        CleanupLevel.STANDARD, CleanupLevel.LIGHT, CleanupLevel.LIGHT, CleanupLevel.LIGHT, CleanupLevel.LIGHT);

    // And once the figure has moved by a point since that trim, a trim is worth it again
    sensor.ratio(0.73).gc();
    clock.advance(Duration.ofSeconds(30));
    governor.tickNow();
    assertThat(cache.requests.get(cache.requests.size() - 1).level()).isEqualTo(CleanupLevel.STANDARD);
  }

  @Test
  void underTheContainerSignalATrimThatDidNotMoveTheFigureIsTriedAgainAfterALightOne() {
    // Given the container figure at 75 % (WARNING), held there whatever the trims give back
    TestGovernable cache = new TestGovernable("cache", RebuildCost.MODERATE, 400 * MIB);
    governor(GovernorPolicy.builder(), cache);
    sensor.ratio(0.30).container(0.75);
    governor.tickNow(); // light
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(30));
      sensor.gc();
      governor.tickNow();
    }

    // Then, the limit being the OOM killer (and a trim there asking the JVM to return heap),
    // trims alternate with light ones instead of stopping as under the heap signal
    assertThat(cache.requests).extracting(rq -> rq.level()).containsExactly(CleanupLevel.LIGHT,
        CleanupLevel.STANDARD, CleanupLevel.LIGHT, CleanupLevel.STANDARD, CleanupLevel.LIGHT, CleanupLevel.STANDARD);
  }

  @Test
  void aRiseFromWarningToCriticalAfterAWarningTrimIsAnsweredAtOnce() {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.MODERATE, 400 * MIB);
    governor(GovernorPolicy.builder().cooldown(CleanupLevel.STANDARD, Duration.ofSeconds(1)), cache);
    sensor.ratio(0.75);
    governor.tickNow(); // light
    clock.advance(Duration.ofSeconds(30));
    sensor.gc();
    governor.tickNow(); // standard trim at WARNING

    sensor.ratio(0.88); // a spike: CRITICAL, inside the settle window, no GC since
    clock.advance(Duration.ofSeconds(2));
    governor.tickNow();

    assertThat(governor.level()).isEqualTo(PressureLevel.CRITICAL);
    assertThat(cache.requests).extracting(rq -> rq.level())
        .containsExactly(CleanupLevel.LIGHT, CleanupLevel.STANDARD, CleanupLevel.STANDARD);
  }

  @Test
  void aGovernableWithARestorePendingOutsideItsBudgetIsRestoredWhenCalm() {
    // Given a governable at its configured budget that still has something to put back
    java.util.concurrent.atomic.AtomicBoolean pending = new java.util.concurrent.atomic.AtomicBoolean(true);
    TestGovernable flags = new TestGovernable("flags", RebuildCost.EXPENSIVE, 0) {
      @Override
      public boolean restorePending() {
        return pending.get();
      }

      @Override
      public dev.memgov.core.RestoreResult restore(dev.memgov.core.RestoreRequest request) {
        pending.set(false);
        return super.restore(request);
      }
    };
    governor(GovernorPolicy.builder().calmWindow(Duration.ofSeconds(5)), flags);
    sensor.ratio(0.30);

    // When it has been calm for the calm window
    governor.tickNow();
    clock.advance(Duration.ofSeconds(6));
    governor.tickNow();

    // Then the governor asked it to restore, once
    assertThat(flags.restores).hasValue(1);
    assertThat(pending).isFalse();
    clock.advance(Duration.ofSeconds(10));
    governor.tickNow();
    assertThat(flags.restores).hasValue(1);
  }

  @Test
  void warningThatFellUnderItsThresholdIsLeftToFall() {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.MODERATE, 400 * MIB);
    governor(GovernorPolicy.builder(), cache);
    sensor.ratio(0.75);
    governor.tickNow();
    sensor.ratio(0.68).gc(); // still WARNING by hysteresis, but under 70 %
    clock.advance(Duration.ofSeconds(30));
    governor.tickNow();

    assertThat(cache.requests).extracting(rq -> rq.level()).containsExactly(CleanupLevel.LIGHT);
  }

  @Test
  void escalatesOneStepOnlyAfterTheSettleWindowAndAGc() {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 10 * MIB);
    governor(GovernorPolicy.builder().settleWindow(Duration.ofSeconds(3)), cache);
    sensor.ratio(0.88);

    governor.tickNow(); // CRITICAL -> standard
    clock.advance(Duration.ofSeconds(1));
    sensor.gc();
    governor.tickNow(); // inside the settle window: nothing
    clock.advance(Duration.ofSeconds(3));
    governor.tickNow(); // window over, but no GC since the cleanup... there was one (above): escalate
    List<CleanupLevel> levels = reports().stream().map(CleanupReport::level).collect(Collectors.toList());
    assertThat(levels).containsExactly(CleanupLevel.STANDARD, CleanupLevel.AGGRESSIVE);

    clock.advance(Duration.ofSeconds(5));
    governor.tickNow(); // settle window over, but no GC since the aggressive cleanup: wait
    assertThat(reports()).hasSize(2);
    sensor.gc();
    governor.tickNow(); // now escalate to emergency
    assertThat(reports()).extracting(CleanupReport::level)
        .containsExactly(CleanupLevel.STANDARD, CleanupLevel.AGGRESSIVE, CleanupLevel.EMERGENCY);
  }

  @Test
  void doesNotEscalateWhenTheFigureFellUnderItsThreshold() {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 200 * MIB);
    governor(GovernorPolicy.builder(), cache);
    sensor.ratio(0.88);
    governor.tickNow();
    sensor.ratio(0.83).gc(); // still CRITICAL by hysteresis, but under 85 %
    clock.advance(Duration.ofSeconds(10));
    governor.tickNow();
    assertThat(governor.level()).isEqualTo(PressureLevel.CRITICAL);
    assertThat(reports()).extracting(CleanupReport::level).containsExactly(CleanupLevel.STANDARD);
  }

  @Test
  void aHigherLevelRaisesTheCleanupAtOnce() {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 200 * MIB);
    governor(GovernorPolicy.builder(), cache);
    sensor.ratio(0.72);
    governor.tickNow();
    sensor.ratio(0.95);
    governor.tickNow();
    assertThat(reports()).extracting(CleanupReport::level).containsExactly(CleanupLevel.LIGHT, CleanupLevel.EMERGENCY);
  }

  @Test
  void automaticCleanupsWaitForTheirCooldown() {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 200 * MIB);
    governor(GovernorPolicy.builder().cooldown(CleanupLevel.EMERGENCY, Duration.ofSeconds(15))
        .settleWindow(Duration.ofSeconds(1)), cache);
    sensor.ratio(0.95);
    governor.tickNow();
    clock.advance(Duration.ofSeconds(10));
    sensor.gc();
    governor.tickNow(); // settled, still EMERGENCY, but 5 s of cooldown left
    assertThat(reports()).hasSize(1);
    clock.advance(Duration.ofSeconds(5));
    governor.tickNow();
    assertThat(reports()).extracting(CleanupReport::level).containsExactly(CleanupLevel.EMERGENCY, CleanupLevel.EMERGENCY);
  }

  @Test
  void aManualCallInsideTheCooldownIsRefusedWithTheTimeLeftAndChangesNothing() {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 100 * MIB);
    governor(GovernorPolicy.builder().cooldown(CleanupLevel.STANDARD, Duration.ofSeconds(10)), cache);
    governor.start();
    governor.optimize(CleanupLevel.STANDARD);
    long footprint = cache.footprintBytes();
    long ticks = governor.status().ticks();
    clock.advance(Duration.ofSeconds(4));

    assertThatThrownBy(() -> governor.optimize(CleanupLevel.STANDARD, false, Trigger.HTTP))
        .isInstanceOfSatisfying(CleanupRefusedException.class, e -> {
          assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(6));
          assertThat(e.level()).isEqualTo(CleanupLevel.STANDARD);
          assertThat(e.getMessage()).contains("standard").contains("retry in 6000 ms").contains("force=true");
        });
    assertThat(cache.requests).hasSize(1);
    assertThat(cache.footprintBytes()).isEqualTo(footprint);
    assertThat(governor.status().ticks()).isEqualTo(ticks);
    assertThat(reports()).hasSize(1);

    // force overrides the cooldown; another level has its own cooldown
    CleanupReport forced = governor.optimize(CleanupLevel.STANDARD, true, Trigger.JMX);
    assertThat(forced.trigger()).isEqualTo(Trigger.JMX);
    assertThat(forced.targetBytes()).isZero();
    assertThat(cache.footprintBytes()).isEqualTo(footprint / 2);
    assertThat(governor.optimize(CleanupLevel.LIGHT).level()).isEqualTo(CleanupLevel.LIGHT);

    clock.advance(Duration.ofSeconds(10));
    assertThat(governor.optimize(CleanupLevel.STANDARD).level()).isEqualTo(CleanupLevel.STANDARD);
  }

  @Test
  void restoresInStepsAfterTheCalmWindowNeverAboveConfigured() {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 100 * MIB);
    governor(GovernorPolicy.builder().calmWindow(Duration.ofSeconds(30)).settleWindow(Duration.ofSeconds(3))
        .restoreStepPercent(25), cache);
    governor.start();
    governor.optimize(CleanupLevel.EMERGENCY);
    assertThat(cache.currentBudget()).isZero();
    sensor.ratio(0.5);

    governor.tickNow(); // calm from now
    clock.advance(Duration.ofSeconds(29));
    governor.tickNow();
    assertThat(cache.restores).hasValue(0);
    clock.advance(Duration.ofSeconds(1));
    governor.tickNow();
    assertThat(cache.currentBudget()).isEqualTo(25 * MIB);
    governor.tickNow(); // the next step waits one settle window
    assertThat(cache.currentBudget()).isEqualTo(25 * MIB);

    sensor.ratio(0.67); // NORMAL, but not below 70 - 5: the steps pause
    clock.advance(Duration.ofSeconds(3));
    governor.tickNow();
    assertThat(cache.currentBudget()).isEqualTo(25 * MIB);
    sensor.ratio(0.74); // a transient spike: WARNING, answered by light only
    clock.advance(Duration.ofSeconds(1));
    governor.tickNow();
    sensor.ratio(0.5); // gone again: the calm window is not started over
    clock.advance(Duration.ofSeconds(3));
    governor.tickNow();
    assertThat(cache.currentBudget()).isEqualTo(50 * MIB);

    cache.fill(40 * MIB); // the cache refills its budget
    sensor.ratio(0.88); // CRITICAL: a standard cleanup, and the calm window starts over
    clock.advance(Duration.ofSeconds(3));
    governor.tickNow();
    long cut = cache.currentBudget();
    assertThat(cache.requests).last().satisfies(rq -> assertThat(rq.level()).isEqualTo(CleanupLevel.STANDARD));
    assertThat(cut).isLessThan(50 * MIB);
    sensor.ratio(0.5);
    for (int i = 0; i < 9; i++) { // 27 s of calm: not yet
      clock.advance(Duration.ofSeconds(3));
      governor.tickNow();
    }
    assertThat(cache.currentBudget()).isEqualTo(cut);

    clock.advance(Duration.ofSeconds(30));
    for (int i = 0; i < 6; i++) {
      governor.tickNow();
      clock.advance(Duration.ofSeconds(3));
    }
    assertThat(cache.currentBudget()).isEqualTo(100 * MIB);
    assertThat(cache.restores.get()).isGreaterThan(2 + 2); // 25 -> 50, cut, then back to 100 in 25 MiB steps
  }

  @Test
  void aThrowingGovernableIsIsolatedAndReported() {
    TestGovernable broken = new TestGovernable("broken", RebuildCost.FREE, 100 * MIB)
        .failWith(new IllegalStateException("disk on fire"));
    TestGovernable deep = new TestGovernable("deep", RebuildCost.FREE, 90 * MIB).failWith(new StackOverflowError());
    TestGovernable fine = new TestGovernable("fine", RebuildCost.CHEAP, 100 * MIB);
    governor(GovernorPolicy.builder(), broken, deep, fine);
    governor.start();

    CleanupReport r = governor.optimize(CleanupLevel.AGGRESSIVE);

    assertThat(r.outcomes()).extracting(GovernableOutcome::name).containsExactly("broken", "deep", "fine");
    assertThat(r.outcomes().get(0).error()).contains("IllegalStateException").contains("disk on fire");
    assertThat(r.outcomes().get(1).error()).contains("StackOverflowError");
    assertThat(r.outcomes().get(2).error()).isNull();
    assertThat(r.errors()).hasSize(2).anySatisfy(e -> assertThat(e).startsWith("broken: "));
    assertThat(fine.footprintBytes()).isEqualTo(25 * MIB);
    // the governor thread survived both
    assertThat(governor.optimize(CleanupLevel.LIGHT).outcomes()).hasSize(3);
    assertThat(governor.isRunning()).isTrue();
  }

  @Test
  void everyLevelChangeIsToldToGovernablesAndKeptInHistory() {
    TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 100 * MIB);
    governor(GovernorPolicy.builder(), cache);
    sensor.ratio(0.75);
    governor.tickNow();
    sensor.ratio(0.93);
    governor.tickNow();
    sensor.ratio(0.4);
    governor.tickNow();

    assertThat(cache.changes).extracting(c -> c[0] + ">" + c[1])
        .containsExactly("NORMAL>WARNING", "WARNING>EMERGENCY", "EMERGENCY>NORMAL");
    assertThat(governor.history(0).levelChanges()).extracting(c -> c.to())
        .containsExactly(PressureLevel.WARNING, PressureLevel.EMERGENCY, PressureLevel.NORMAL);
    assertThat(governor.history(0).snapshots()).hasSize(3);
  }

  @Test
  void historyKeepsOnlyTheLastHistorySizeEntries() {
    governor(GovernorPolicy.builder().historySize(5));
    for (int i = 0; i < 12; i++) {
      clock.advance(Duration.ofSeconds(1));
      governor.tickNow();
    }
    var snaps = governor.history(0).snapshots();
    assertThat(snaps).hasSize(5);
    assertThat(snaps.get(4).timestampMillis()).isEqualTo(clock.currentTimeMillis());
    assertThat(governor.history(clock.currentTimeMillis() - 1500).snapshots()).hasSize(2);
  }
}
