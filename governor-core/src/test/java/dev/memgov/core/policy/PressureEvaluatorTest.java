package dev.memgov.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.Pressure;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure pressure function on scripted snapshots: thresholds, hysteresis, governing figure. */
class PressureEvaluatorTest {
  private static final long MAX = 1_000_000_000L;
  private final GovernorPolicy policy = GovernorPolicy.defaults();

  /** A snapshot whose heap ratio (after-GC / max) is {@code ratio}; other signals unknown. */
  private static MemorySnapshot heap(double ratio) {
    return MemorySnapshot.builder().heap(MAX / 2, MAX / 2, MAX).oldGenAfterGc(Math.round(ratio * MAX)).build();
  }

  private Pressure from(PressureLevel level) {
    return new Pressure(level, Signal.HEAP, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 5L);
  }

  @ParameterizedTest(name = "{0} from NORMAL is {1}")
  @CsvSource({
    "0.0, NORMAL", "0.699, NORMAL", "0.70, WARNING", "0.849, WARNING", "0.85, CRITICAL",
    "0.919, CRITICAL", "0.92, EMERGENCY", "1.0, EMERGENCY", "1.5, EMERGENCY"
  })
  void eachThresholdIsEnteredWhenReached(double ratio, PressureLevel expected) {
    Pressure p = PressureEvaluator.evaluate(heap(ratio), Pressure.initial(0), policy, 100);
    assertThat(p.level()).isEqualTo(expected);
    assertThat(p.governing()).isEqualTo(Signal.HEAP);
    assertThat(p.governingRatio()).isEqualTo(ratio, org.assertj.core.data.Offset.offset(1e-9));
  }

  @ParameterizedTest(name = "{1} from {0} is {2}")
  @CsvSource({
    "WARNING, 0.65, WARNING", "WARNING, 0.649, NORMAL",
    "CRITICAL, 0.80, CRITICAL", "CRITICAL, 0.799, WARNING", "CRITICAL, 0.649, NORMAL",
    "EMERGENCY, 0.87, EMERGENCY", "EMERGENCY, 0.869, CRITICAL", "EMERGENCY, 0.799, WARNING",
    "EMERGENCY, 0.60, NORMAL", "WARNING, 0.86, CRITICAL", "CRITICAL, 0.95, EMERGENCY"
  })
  void eachLevelIsLeftOnlyFivePointsBelowItsThreshold(PressureLevel previous, double ratio, PressureLevel expected) {
    assertThat(PressureEvaluator.evaluate(heap(ratio), from(previous), policy, 100).level()).isEqualTo(expected);
  }

  @Test
  void hysteresisAndThresholdsFollowThePolicy() {
    GovernorPolicy custom = GovernorPolicy.builder().warningPercent(50).criticalPercent(60).emergencyPercent(80)
        .hysteresisPoints(10).build();
    assertThat(PressureEvaluator.evaluate(heap(0.50), Pressure.initial(0), custom, 1).level()).isEqualTo(PressureLevel.WARNING);
    assertThat(PressureEvaluator.evaluate(heap(0.41), from(PressureLevel.WARNING), custom, 1).level()).isEqualTo(PressureLevel.WARNING);
    assertThat(PressureEvaluator.evaluate(heap(0.399), from(PressureLevel.WARNING), custom, 1).level()).isEqualTo(PressureLevel.NORMAL);
    GovernorPolicy none = GovernorPolicy.builder().hysteresisPoints(0).build();
    assertThat(PressureEvaluator.evaluate(heap(0.699), from(PressureLevel.WARNING), none, 1).level()).isEqualTo(PressureLevel.NORMAL);
  }

  @Test
  void aFigureExactlyAtThresholdMinusHysteresisKeepsTheLevelWhateverTheRounding() {
    // given CRITICAL at 80 % with 10 points of hysteresis: 0.80 - 0.10 is 0.7000000000000001 in doubles
    GovernorPolicy custom = GovernorPolicy.builder().warningPercent(60).criticalPercent(80).hysteresisPoints(10).build();

    // when the figure falls to exactly 70 %
    PressureLevel level = PressureEvaluator.evaluate(heap(0.70), from(PressureLevel.CRITICAL), custom, 1).level();

    // then the level is kept: it is left only below threshold - hysteresis
    assertThat(level).isEqualTo(PressureLevel.CRITICAL);
  }

  @Test
  void theHighestKnownRatioGovernsAndIsNamed() {
    MemorySnapshot s = MemorySnapshot.builder()
        .heap(100, 200, 1000).oldGenAfterGc(500)            // 0.50
        .rss(600, 1000)                                      // 0.60
        .container(1000, 900, 750)                           // 0.75
        .build();
    Pressure p = PressureEvaluator.evaluate(s, Pressure.initial(0), policy, 7);
    assertThat(p.governing()).isEqualTo(Signal.CONTAINER);
    assertThat(p.governingRatio()).isEqualTo(0.75);
    assertThat(p.heapRatio()).isEqualTo(0.50);
    assertThat(p.rssRatio()).isEqualTo(0.60);
    assertThat(p.containerRatio()).isEqualTo(0.75);
    assertThat(p.level()).isEqualTo(PressureLevel.WARNING);

    MemorySnapshot rssHigh = MemorySnapshot.builder().heap(1, 1, 1000).oldGenAfterGc(500).rss(900, 1000)
        .container(1000, 900, 750).build();
    Pressure q = PressureEvaluator.evaluate(rssHigh, Pressure.initial(0), policy, 7);
    assertThat(q.governing()).isEqualTo(Signal.RSS);
    assertThat(q.level()).isEqualTo(PressureLevel.CRITICAL);
  }

  @Test
  void unknownSignalsAreIgnored() {
    // heap known at 0.40; RSS without a limit, container without a limit, container unknown
    MemorySnapshot s = MemorySnapshot.builder().heap(1, 1, 1000).oldGenAfterGc(400)
        .rss(5_000_000, MemorySnapshot.UNKNOWN)
        .container(MemorySnapshot.NO_LIMIT, 999_999, 999_999).build();
    Pressure p = PressureEvaluator.evaluate(s, Pressure.initial(0), policy, 1);
    assertThat(p.governing()).isEqualTo(Signal.HEAP);
    assertThat(p.rssRatio()).isNaN();
    assertThat(p.containerRatio()).isNaN();
    assertThat(p.level()).isEqualTo(PressureLevel.NORMAL);

    // the live set not known yet (no GC), container at 0.93
    MemorySnapshot noGc = MemorySnapshot.builder().heap(990, 1000, 1000)
        .container(1000, 990, 930).build();
    Pressure q = PressureEvaluator.evaluate(noGc, Pressure.initial(0), policy, 1);
    assertThat(q.governing()).isEqualTo(Signal.CONTAINER);
    assertThat(q.heapRatio()).isNaN();
    assertThat(q.level()).isEqualTo(PressureLevel.EMERGENCY);
  }

  @Test
  void withNothingKnownTheLevelIsNormalAndNothingGoverns() {
    Pressure p = PressureEvaluator.evaluate(MemorySnapshot.builder().build(), Pressure.initial(0), policy, 1);
    assertThat(p.level()).isEqualTo(PressureLevel.NORMAL);
    assertThat(p.governing()).isEqualTo(Signal.NONE);
    assertThat(p.governingRatio()).isNaN();
  }

  @Test
  void sinceIsKeptWhileTheLevelHoldsAndStampedOnChange() {
    Pressure warning = PressureEvaluator.evaluate(heap(0.75), Pressure.initial(0), policy, 1_000);
    assertThat(warning.sinceNanos()).isEqualTo(1_000);
    Pressure still = PressureEvaluator.evaluate(heap(0.66), warning, policy, 2_000);
    assertThat(still.level()).isEqualTo(PressureLevel.WARNING);
    assertThat(still.sinceNanos()).isEqualTo(1_000);
    Pressure down = PressureEvaluator.evaluate(heap(0.60), still, policy, 3_000);
    assertThat(down.level()).isEqualTo(PressureLevel.NORMAL);
    assertThat(down.sinceNanos()).isEqualTo(3_000);
  }

  @Test
  void bytesOverTargetIsWhatMustGoForTheGoverningFigureToReachTheTarget() {
    MemorySnapshot s = MemorySnapshot.builder().heap(1, 1, 1000).oldGenAfterGc(900)
        .container(2000, 1900, 1800).build();
    assertThat(PressureEvaluator.bytesOverTarget(s, Signal.HEAP, 0.70)).isEqualTo(200);
    assertThat(PressureEvaluator.bytesOverTarget(s, Signal.CONTAINER, 0.70)).isEqualTo(400);
    assertThat(PressureEvaluator.bytesOverTarget(s, Signal.HEAP, 0.95)).isZero();
    assertThat(PressureEvaluator.bytesOverTarget(s, Signal.RSS, 0.10)).isZero();
    assertThat(PressureEvaluator.bytesOverTarget(s, Signal.NONE, 0.10)).isZero();
  }
}
