package dev.memgov.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.CleanupReport;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.RebuildCost;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several governed processes in one container: the gap is shared by water-filling, so the
 * processes above a common RSS line give back first and a tenant already squeezed is not squeezed
 * again while others hold more.
 */
class FairShareTest {
  static final long MIB = 1L << 20;
  /** CRITICAL at 90 % of the scripted 1000 MiB limit: back to 80 % means 100 MiB must go. */
  static final long GAP = Math.round(0.90 * ScriptedSensor.HEAP_MAX) - (long) (0.80 * ScriptedSensor.HEAP_MAX);

  final FakeClock clock = new FakeClock();
  final ScriptedSensor sensor = new ScriptedSensor(clock);
  final TestGovernable cache = new TestGovernable("cache", RebuildCost.CHEAP, 400 * MIB);
  DefaultMemoryGovernor governor;

  @AfterEach
  void close() {
    if (governor != null) {
      governor.close();
    }
  }

  void build() {
    build(GovernorPolicy.builder());
  }

  void build(GovernorPolicy.Builder policy) {
    governor = (DefaultMemoryGovernor) MemoryGovernor.builder().name("fair").clock(clock).sensor(sensor)
        .policy(policy.timerTriggerEnabled(false).build())
        .jmxEnabled(false).jvmGovernable(false).governable(cache).build();
  }

  void tickEverySecondFor(int seconds) {
    for (int i = 0; i < seconds; i++) {
      clock.advance(Duration.ofSeconds(1));
      governor.tickNow();
    }
  }

  @Test
  void theLargestGivesBackDownToTheNextOne() {
    assertThat(DefaultMemoryGovernor.fairShare(100, 600, new long[] {600, 300})).isEqualTo(100);
    assertThat(DefaultMemoryGovernor.fairShare(100, 300, new long[] {600, 300})).isZero();
  }

  @Test
  void whenTheGapReachesBelowTheNextOneBothGiveDownToOneLine() {
    // line (500 + 450 - 100) / 2 = 425
    assertThat(DefaultMemoryGovernor.fairShare(100, 500, new long[] {500, 450})).isEqualTo(75);
    assertThat(DefaultMemoryGovernor.fairShare(100, 450, new long[] {500, 450})).isEqualTo(25);
    // three equal processes give a third each
    assertThat(DefaultMemoryGovernor.fairShare(90, 300, new long[] {300, 300, 300})).isEqualTo(30);
  }

  @Test
  void neverMoreThanTheGapWhenThisProcessIsMissingFromTheList() {
    // its own figure is fresher than the list (or its pid is hidden): 600 - line 375 would be 225
    assertThat(DefaultMemoryGovernor.fairShare(100, 600, new long[] {400, 450})).isEqualTo(100);
  }

  @Test
  void aGapAboveEverythingHeldAsksForAll() {
    assertThat(DefaultMemoryGovernor.fairShare(2000, 300, new long[] {600, 300})).isEqualTo(300);
  }

  @Test
  void theRuleDoesNotApplyWithoutPeersOrWithOneProcessThatCounts() {
    assertThat(DefaultMemoryGovernor.fairShare(100, 600, null)).isEqualTo(-1);
    assertThat(DefaultMemoryGovernor.fairShare(100, 600, new long[] {600})).isEqualTo(-1);
    // a shell of 10 holds under 5 % of the total: it does not count, and does not set the line
    assertThat(DefaultMemoryGovernor.fairShare(100, 900, new long[] {900, 10})).isEqualTo(-1);
    assertThat(DefaultMemoryGovernor.fairShare(0, 600, new long[] {600, 300})).isEqualTo(-1);
  }

  @Test
  void givenThisProcessHoldsMostThenItGivesBackItsExcessNotJustItsProportionalPart() {
    sensor.ratio(0.30).container(0.90).rss(0.60).peers(600 * MIB, 225 * MIB);
    build();

    governor.tickNow();

    CleanupReport r = governor.status().recentCleanups().get(0);
    assertThat(r.level()).isEqualTo(CleanupLevel.STANDARD);
    // proportional (RSS / working set) would be 600/900 of the gap; water-filling asks for all of it
    assertThat(r.targetBytes()).isEqualTo(GAP);
    assertThat(cache.requests).singleElement().satisfies(rq -> assertThat(rq.targetBytes()).isEqualTo(GAP));
  }

  @Test
  void givenThisProcessIsUnderTheLineAtCriticalThenItHoldsBackTwoSettleWindowsThenCutsItsProportionalPart() {
    sensor.ratio(0.30).container(0.90).rss(0.225).peers(225 * MIB, 600 * MIB);
    build();

    governor.tickNow();
    sensor.gc();
    governor.tickNow(); // a GC's tick in the same second: the processes are not read again
    assertThat(sensor.peerReads.get()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(5));
    sensor.gc();
    governor.tickNow();

    assertThat(governor.status().recentCleanups()).isEmpty();
    assertThat(cache.requests).isEmpty();
    assertThat(sensor.peerReads.get()).isEqualTo(2);

    // the process above the line did not bring the figure down: after 2 x 3 s this one helps
    clock.advance(Duration.ofSeconds(2));
    sensor.gc();
    governor.tickNow();

    CleanupReport r = governor.status().recentCleanups().get(0);
    assertThat(r.level()).isEqualTo(CleanupLevel.STANDARD);
    assertThat(r.targetBytes()).isCloseTo(GAP / 4, org.assertj.core.data.Offset.offset(2L)); // 225 of 900
  }

  @Test
  void aCriticalSpentHoldingBackForThePeersStartsTheCalmWindowOver() {
    // Given a cut, then restore steps under way in calm
    sensor.ratio(0.30).container(0.90).rss(0.60).peers(600 * MIB, 225 * MIB);
    build(GovernorPolicy.builder().restoreStepPercent(5));
    governor.tickNow();
    sensor.container(0.50);
    tickEverySecondFor(40);
    int stepsBefore = cache.restores.get();
    assertThat(stepsBefore).isPositive();

    // When the container reaches CRITICAL with this process under the fair line: it holds back
    sensor.container(0.90).rss(0.225).peers(225 * MIB, 600 * MIB);
    tickEverySecondFor(3);
    assertThat(governor.level()).isEqualTo(PressureLevel.CRITICAL);
    assertThat(cache.requests).hasSize(1); // the first cut only: held back since

    // Then, calm again, its budgets grow back only after a whole calm window, as after any CRITICAL
    sensor.container(0.50);
    tickEverySecondFor(29);
    assertThat(cache.restores.get()).isEqualTo(stepsBefore);
    tickEverySecondFor(5);
    assertThat(cache.restores.get()).isGreaterThan(stepsBefore);
  }

  @Test
  void aDipToWarningDoesNotStartTheHoldAtCriticalOver() {
    sensor.ratio(0.30).container(0.90).rss(0.225).peers(225 * MIB, 600 * MIB);
    build();
    governor.tickNow(); // CRITICAL: the hold starts
    clock.advance(Duration.ofSeconds(4));
    sensor.container(0.78).gc(); // under CRITICAL - hysteresis: WARNING
    governor.tickNow();
    clock.advance(Duration.ofSeconds(1));
    sensor.container(0.90).gc(); // CRITICAL again, 5 s after the hold began
    governor.tickNow();
    assertThat(cache.requests).allSatisfy(rq -> assertThat(rq.level()).isEqualTo(CleanupLevel.LIGHT));

    clock.advance(Duration.ofMillis(1500)); // 6.5 s since the first hold at CRITICAL: this one helps now
    sensor.gc();
    governor.tickNow();

    assertThat(cache.requests).anySatisfy(rq -> assertThat(rq.level()).isEqualTo(CleanupLevel.STANDARD));
  }

  @Test
  void givenThisProcessIsUnderTheLineAtWarningThenItNeverTrimsForIt() {
    sensor.ratio(0.30).container(0.80).rss(0.225).peers(225 * MIB, 600 * MIB); // WARNING, over 65 %
    build();

    governor.tickNow(); // light first
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofSeconds(4));
      sensor.gc();
      governor.tickNow();
    }

    assertThat(governor.status().recentCleanups()).allSatisfy(r -> assertThat(r.level()).isEqualTo(CleanupLevel.LIGHT));
    assertThat(cache.requests).allSatisfy(rq -> assertThat(rq.level()).isEqualTo(CleanupLevel.LIGHT));
  }

  @Test
  void givenThePeersAreUnknownThenTheShareIsProportionalAsBefore() {
    sensor.ratio(0.30).container(0.90).rss(0.225);
    build();

    governor.tickNow();

    assertThat(governor.status().recentCleanups().get(0).targetBytes())
        .isCloseTo(GAP / 4, org.assertj.core.data.Offset.offset(2L));
  }
}
