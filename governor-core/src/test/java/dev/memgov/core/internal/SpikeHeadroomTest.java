package dev.memgov.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.CleanupReport;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.RebuildCost;
import java.time.Duration;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A WARNING under the container signal with less room to the limit than the last spikes took is
 * one spike from the OOM killer: the governor trims at once, to leave that spike room under
 * CRITICAL, instead of running light and waiting for the settle window.
 */
class SpikeHeadroomTest {
  static final long MIB = 1L << 20;

  final FakeClock clock = new FakeClock();
  final ScriptedSensor sensor = new ScriptedSensor(clock);
  final TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 400 * MIB);
  DefaultMemoryGovernor governor;

  @AfterEach
  void close() {
    governor.close();
  }

  void build() {
    governor = (DefaultMemoryGovernor) MemoryGovernor.builder().name("spike").clock(clock).sensor(sensor)
        .policy(GovernorPolicy.builder().timerTriggerEnabled(false).build())
        .jmxEnabled(false).jvmGovernable(false).governable(cache).build();
  }

  void tickAt(double container) {
    sensor.container(container);
    governor.tickNow();
    clock.advance(Duration.ofSeconds(1));
  }

  @Test
  void givenARiseOf22PointsWhenTheFigureReachesWarningThenAStandardTrimLeavesThatRoomUnderCritical() {
    sensor.ratio(0.30);
    build();
    tickAt(0.50);
    tickAt(0.52);

    tickAt(0.72); // 72 % + 22 points of rise = 94 %: past EMERGENCY's 92 %

    CleanupReport r = governor.status().recentCleanups().get(0);
    assertThat(r.pressureBefore().level()).isEqualTo(PressureLevel.WARNING);
    assertThat(r.level()).isEqualTo(CleanupLevel.STANDARD);
    // down to CRITICAL's lower edge (80 %) minus the rise: 58 %, so 14 % of the 1000 MiB limit
    assertThat(r.targetBytes()).isCloseTo(140 * MIB, Offset.offset(MIB));
  }

  @Test
  void givenNoRiseAWarningStartsWithLight() {
    sensor.ratio(0.30);
    build();
    tickAt(0.72);
    tickAt(0.72);

    assertThat(governor.status().recentCleanups()).singleElement()
        .satisfies(r -> assertThat(r.level()).isEqualTo(CleanupLevel.LIGHT));
  }

  @Test
  void givenARiseThatStillFitsUnderEmergencyAWarningStartsWithLight() {
    sensor.ratio(0.30);
    build();
    tickAt(0.62);
    tickAt(0.74); // 74 % + 12 points = 86 %

    assertThat(governor.status().recentCleanups()).singleElement()
        .satisfies(r -> assertThat(r.level()).isEqualTo(CleanupLevel.LIGHT));
  }

  @Test
  void aSpikeOfTheHeapFigureIsTheCollectorsToAbsorb() {
    build();
    sensor.ratio(0.50);
    governor.tickNow();
    clock.advance(Duration.ofSeconds(1));
    sensor.ratio(0.74).gc(); // the after-GC heap figure swings with promoted garbage
    governor.tickNow();

    assertThat(governor.status().recentCleanups()).singleElement()
        .satisfies(r -> assertThat(r.level()).isEqualTo(CleanupLevel.LIGHT));
  }

  @Test
  void aRiseTwoMinutesOldIsForgotten() {
    sensor.ratio(0.30);
    build();
    tickAt(0.45);
    tickAt(0.64); // 19 points
    for (int i = 0; i < 133; i++) {
      tickAt(0.60);
    }
    tickAt(0.74); // 14 points: with the old 19 it would be 93 %

    var cleanups = governor.status().recentCleanups(); // oldest first: the idle give-back ran before it
    CleanupReport r = cleanups.get(cleanups.size() - 1);
    assertThat(r.pressureBefore().level()).isEqualTo(PressureLevel.WARNING);
    assertThat(r.level()).isEqualTo(CleanupLevel.LIGHT);
  }

  @Test
  void underTheRssSignalARiseWorksTheSameWay() {
    sensor.ratio(0.30).rssLimited();
    build();
    for (double r : new double[] {0.50, 0.52, 0.72}) {
      sensor.rss(r);
      governor.tickNow();
      clock.advance(Duration.ofSeconds(1));
    }

    CleanupReport r = governor.status().recentCleanups().get(0);
    assertThat(r.pressureBefore().governing()).isEqualTo(dev.memgov.core.Signal.RSS);
    assertThat(r.level()).isEqualTo(CleanupLevel.STANDARD);
  }

  @Test
  void aReadingWithoutTheContainerFigureDoesNotMakeARiseFromAnotherSignal() {
    sensor.ratio(0.30).rssLimited().rss(0.40);
    build();
    tickAt(0.75);
    tickAt(Double.NaN); // the container figure could not be read: the RSS's 40 % governs that tick
    clock.advance(Duration.ofSeconds(5)); // past light's cooldown
    tickAt(0.75);

    var cleanups = governor.status().recentCleanups();
    assertThat(cleanups).hasSize(2); // one light per WARNING episode
    CleanupReport r = cleanups.get(1);
    assertThat(r.pressureBefore().level()).isEqualTo(PressureLevel.WARNING);
    assertThat(r.level()).isEqualTo(CleanupLevel.LIGHT); // no rise of 35 points
  }

  @Test
  void criticalRightAfterASpikeTrimEscalatesAtOnceInsteadOfWaitingForTheCooldown() {
    sensor.ratio(0.30);
    build();
    tickAt(0.50);
    tickAt(0.72); // a standard trim for the 22-point rise
    tickAt(0.80);

    tickAt(0.88); // CRITICAL 2 s later, standard in its 10 s cooldown

    var cleanups = governor.status().recentCleanups();
    assertThat(cleanups).extracting(CleanupReport::level)
        .containsExactly(CleanupLevel.STANDARD, CleanupLevel.AGGRESSIVE);
  }

  @Test
  void underTheHeapSignalCriticalRightAfterAWarningTrimWaitsForTheCooldownAsBefore() {
    build();
    for (int i = 0; i < 5; i++) { // WARNING: light, then after the settle window a standard trim
      sensor.ratio(0.75).gc();
      governor.tickNow();
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(governor.status().recentCleanups()).extracting(CleanupReport::level)
        .containsExactly(CleanupLevel.LIGHT, CleanupLevel.STANDARD);

    sensor.ratio(0.88).gc(); // CRITICAL within standard's 10 s cooldown
    governor.tickNow();
    assertThat(governor.status().recentCleanups()).hasSize(2);

    clock.advance(Duration.ofSeconds(10));
    sensor.gc();
    governor.tickNow();
    assertThat(governor.status().recentCleanups()).extracting(CleanupReport::level)
        .containsExactly(CleanupLevel.LIGHT, CleanupLevel.STANDARD, CleanupLevel.STANDARD);
  }

  @Test
  void growingBackFromTheDipOfACleanupIsNoRiseManualOrAutomatic() {
    sensor.ratio(0.30);
    build();
    governor.start(); // the timer is off: ticks come from tickNow
    tickAt(0.60);
    tickAt(0.60);
    governor.optimize(CleanupLevel.STANDARD, true, dev.memgov.core.Trigger.API); // frees half the cache
    tickAt(0.45); // the dip it made
    tickAt(0.52);
    tickAt(0.59); // back where it stood

    assertThat(governor.status().containerRise()).isZero();
  }
}
