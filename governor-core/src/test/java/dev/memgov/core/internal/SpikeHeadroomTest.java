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
 * A WARNING with less room to the container's (or RSS) limit than the last spikes took is one
 * spike from the OOM killer, whichever signal governs: the governor trims at once, to leave that
 * spike room under CRITICAL, instead of running light and waiting for the settle window.
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
    build(GovernorPolicy.builder());
  }

  void build(GovernorPolicy.Builder policy, TestGovernable... more) {
    var b = MemoryGovernor.builder().name("spike").clock(clock).sensor(sensor)
        .policy(policy.timerTriggerEnabled(false).build())
        .jmxEnabled(false).jvmGovernable(false).governable(cache);
    for (TestGovernable g : more) {
      b.governable(g);
    }
    governor = (DefaultMemoryGovernor) b.build();
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
  void underTheContainerSignalASpikeTrimThatDidNotMoveTheFigureIsTriedAgainAfterALightOne() {
    // Given a spike trim at 72 % whose figure then stays where it was
    sensor.ratio(0.30);
    build();
    tickAt(0.50);
    tickAt(0.52);
    tickAt(0.72);
    assertThat(cache.requests).extracting(rq -> rq.level()).containsExactly(CleanupLevel.STANDARD);

    // When it stays there for 40 s of ticks and GCs, the rise still remembered
    for (int i = 0; i < 40; i++) {
      sensor.gc();
      tickAt(0.72);
    }

    // Then, the limit being the OOM killer, trims (each asking the JVM to return heap) alternate
    // with light ones, one per standard cooldown at most (unlike under the heap signal:
    // LadderPolicyTest)
    long trims = cache.requests.stream().filter(rq -> rq.level() == CleanupLevel.STANDARD).count();
    assertThat(trims).isBetween(3L, 5L);
    assertThat(cache.requests).extracting(rq -> rq.level()).contains(CleanupLevel.LIGHT);
  }

  @Test
  void whenTheHeapGovernsAContainerFigureOneSpikeFromTheLimitStillGetsItsTrim() {
    sensor.ratio(0.30);
    build();
    tickAt(0.50);
    tickAt(0.52);

    sensor.ratio(0.80); // the heap governs at WARNING (80 % over the container's 74 %)
    tickAt(0.74); // but the container is 24 points of rise from 98 %

    CleanupReport r = governor.status().recentCleanups().get(0);
    assertThat(r.pressureBefore().governing()).isEqualTo(dev.memgov.core.Signal.HEAP);
    assertThat(r.pressureBefore().level()).isEqualTo(PressureLevel.WARNING);
    assertThat(r.level()).isEqualTo(CleanupLevel.STANDARD);
    // sized on the container, which asks for more than the heap's 15 points: 74 % down to
    // 80 % - 24 = 56 %, 18 % of the 1000 MiB limit
    assertThat(r.targetBytes()).isCloseTo(180 * MIB, Offset.offset(MIB));
  }

  @Test
  void whenTheHeapGovernsAndAsksForMoreTheTrimIsSizedOnTheHeapAndStillAnswersTheContainer() {
    TestGovernable jvm = new TestGovernable("jvm", RebuildCost.MODERATE, 0).kind("jvm");
    sensor.ratio(0.30);
    build(GovernorPolicy.builder(), jvm);
    tickAt(0.50);
    tickAt(0.55);

    sensor.ratio(0.84);
    tickAt(0.72); // 72 % + 22 points = 94 %: the container would ask 72 - 58 = 14 points

    CleanupReport r = governor.status().recentCleanups().get(0);
    assertThat(r.level()).isEqualTo(CleanupLevel.STANDARD);
    assertThat(r.targetBytes()).isCloseTo(190 * MIB, Offset.offset(MIB)); // the heap's 84 - 65 = 19 points win
    // the heap it frees is returned to the OS, for the container figure that brought the trim
    assertThat(jvm.requests).singleElement()
        .satisfies(q -> assertThat(q.governing()).isEqualTo(dev.memgov.core.Signal.CONTAINER));
  }

  @Test
  void whenTheHeapGovernsTheBiggestHolderInTheContainerGivesItsFairPart() {
    sensor.ratio(0.30).rss(0.30).peers(300 * MIB, 50 * MIB);
    build();
    tickAt(0.50);
    tickAt(0.52);

    sensor.ratio(0.80); // the heap's own trim: 80 - 65 = 15 points, 150 MiB
    tickAt(0.74); // the container's 180 MiB: proportional part 73 MiB, fair part all of it

    CleanupReport r = governor.status().recentCleanups().get(0);
    assertThat(r.level()).isEqualTo(CleanupLevel.STANDARD);
    assertThat(r.targetBytes()).isCloseTo(180 * MIB, Offset.offset(MIB));
    assertThat(cache.requests.get(0).governing()).isEqualTo(dev.memgov.core.Signal.CONTAINER);
  }

  @Test
  void underTheContainerSignalAProcessUnderItsFairLineStillTrimsForItsOwnRssSpike() {
    sensor.ratio(0.30).rssLimited().rss(0.46).peers(700 * MIB, 1500 * MIB);
    build();
    tickAt(0.50);
    tickAt(0.52);

    sensor.rss(0.70); // its RSS 24 points up, to 94 % with the rise: its own limit
    tickAt(0.74); // the container governs; this process is under its fair line there

    CleanupReport r = governor.status().recentCleanups().get(0);
    assertThat(r.pressureBefore().governing()).isEqualTo(dev.memgov.core.Signal.CONTAINER);
    assertThat(r.level()).isEqualTo(CleanupLevel.STANDARD); // not a hold
    assertThat(r.targetBytes()).isCloseTo(140 * MIB, Offset.offset(MIB)); // 70 % down to 80 - 24 = 56 %
    assertThat(cache.requests.get(0).governing()).isEqualTo(dev.memgov.core.Signal.RSS);
  }

  @Test
  void aSpikeTrimForTheContainerUnderTheHeapSignalAsksTheJvmToReturnTheHeapItFrees() {
    TestGovernable jvm = new TestGovernable("jvm", RebuildCost.MODERATE, 0).kind("jvm");
    sensor.ratio(0.30);
    build(GovernorPolicy.builder(), jvm);
    tickAt(0.50);
    tickAt(0.52);

    sensor.ratio(0.80);
    tickAt(0.74);

    // the cache covers the 180 MiB, but what it frees leaves the container only when the JVM
    // returns the heap: the JVM is asked, told the container is what the cleanup answers
    assertThat(jvm.requests).singleElement().satisfies(q -> {
      assertThat(q.level()).isEqualTo(CleanupLevel.STANDARD);
      assertThat(q.governing()).isEqualTo(dev.memgov.core.Signal.CONTAINER);
      assertThat(q.residentPressure()).isTrue();
    });
  }

  @Test
  void underItsFairLineAHeapGovernedProcessRunsItsOwnHeapTrimInsteadOfHoldingBack() {
    sensor.ratio(0.30).rss(0.50).peers(500 * MIB, 900 * MIB); // another process holds more
    build();
    tickAt(0.50);
    tickAt(0.52);

    sensor.ratio(0.76); // the heap governs, 11 points over its target
    tickAt(0.74); // the container's 180 MiB: this process's proportional part 122 MiB, its fair part 0

    assertThat(governor.status().recentCleanups()).singleElement().satisfies(r -> {
      assertThat(r.level()).isEqualTo(CleanupLevel.STANDARD);
      assertThat(r.targetBytes()).isCloseTo(110 * MIB, Offset.offset(MIB));
    });
  }

  @Test
  void aContainerFigureUnderTheWarningBandIsNoSpikeEvenWithALargeRise() {
    sensor.ratio(0.30);
    build();
    tickAt(0.25);
    tickAt(0.25);

    sensor.ratio(0.80);
    tickAt(0.62); // 62 % + 37 points = 99 %, but 62 % is under warning - hysteresis (65 %)

    assertThat(governor.status().recentCleanups()).singleElement()
        .satisfies(r -> assertThat(r.level()).isEqualTo(CleanupLevel.LIGHT));
  }

  @Test
  void underTheHeapSignalCriticalRightAfterASpikeTrimEscalatesAtOnceWhenTheContainerIsCriticalToo() {
    sensor.ratio(0.30);
    build();
    tickAt(0.50);
    sensor.ratio(0.80);
    tickAt(0.74); // a standard trim for the container's 24-point rise

    sensor.ratio(0.90);
    tickAt(0.86); // CRITICAL by the heap, the container at CRITICAL too, standard in its cooldown

    assertThat(governor.status().recentCleanups()).extracting(CleanupReport::level)
        .containsExactly(CleanupLevel.STANDARD, CleanupLevel.AGGRESSIVE);
  }

  @Test
  void withSpikeHeadroomOffAWarningStartsWithLightButTheRiseIsStillShown() {
    sensor.ratio(0.30);
    build(GovernorPolicy.builder().spikeHeadroomEnabled(false));
    tickAt(0.50);
    tickAt(0.52);

    tickAt(0.72);

    assertThat(governor.status().recentCleanups()).singleElement()
        .satisfies(r -> assertThat(r.level()).isEqualTo(CleanupLevel.LIGHT));
    assertThat(governor.status().containerRise()).isCloseTo(0.22, Offset.offset(0.001));
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
