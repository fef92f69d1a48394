package dev.memgov.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.Pressure;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.Signal;
import dev.memgov.core.Trend;
import org.junit.jupiter.api.Test;

/** The trend on scripted after-GC series, with time driven by the snapshots. */
class TrendEstimatorTest {
  private static final long MIB = 1L << 20;
  private static final long SECOND = 1_000_000_000L;
  private static final long HEAP_MAX = 1024 * MIB;

  private static MemorySnapshot gc(long gcCount, long seconds, long afterGc) {
    return MemorySnapshot.builder().time(seconds * 1000, seconds * SECOND)
        .heap(afterGc, HEAP_MAX, HEAP_MAX).oldGenAfterGc(afterGc).gc(gcCount, 1.0, 5).build();
  }

  private static Pressure governedBy(Signal signal) {
    return new Pressure(PressureLevel.NORMAL, signal, 0.5, 0.5, Double.NaN, Double.NaN, 0);
  }

  @Test
  void theSlopeIsTheLeastSquaresLineInBytesPerMinute() {
    TrendEstimator t = new TrendEstimator(GovernorPolicy.defaults());
    Trend trend = Trend.UNKNOWN;
    // one GC every 30 s, +5 MiB each: 10 MiB per minute, with +-1 MiB noise that cancels out
    long[] noise = {0, MIB, -MIB, 0, MIB, -MIB};
    for (int i = 0; i < 6; i++) {
      trend = t.update(gc(i + 1, 30L * i, 100 * MIB + 5 * MIB * i + noise[i]), governedBy(Signal.HEAP));
    }
    assertThat(trend.samples()).isEqualTo(6);
    // OLS of y = 100 + 10 t (+ noise 0,1,-1,0,1,-1 MiB at t = 0 .. 2.5 min)
    double expected = 10.0 * MIB + olsNoise(noise);
    assertThat(trend.bytesPerMinute()).isCloseTo(expected, within(1.0));
  }

  /** The OLS slope contribution of the noise series at t = 0, 0.5, ... minutes. */
  private static double olsNoise(long[] noise) {
    double meanT = 0;
    double meanY = 0;
    for (int i = 0; i < noise.length; i++) {
      meanT += 0.5 * i;
      meanY += noise[i];
    }
    meanT /= noise.length;
    meanY /= noise.length;
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < noise.length; i++) {
      sxy += (0.5 * i - meanT) * (noise[i] - meanY);
      sxx += (0.5 * i - meanT) * (0.5 * i - meanT);
    }
    return sxy / sxx;
  }

  @Test
  void fewerThanThreeGcsGiveNoSlope() {
    TrendEstimator t = new TrendEstimator(GovernorPolicy.defaults());
    assertThat(t.update(MemorySnapshot.builder().build(), governedBy(Signal.NONE))).isEqualTo(Trend.UNKNOWN);
    t.update(gc(1, 0, 100 * MIB), governedBy(Signal.HEAP));
    Trend two = t.update(gc(2, 10, 110 * MIB), governedBy(Signal.HEAP));
    assertThat(two.samples()).isEqualTo(2);
    assertThat(two.bytesPerMinute()).isNaN();
    assertThat(two.secondsToLimit()).isEqualTo(-1);
    assertThat(two.leakSuspected()).isFalse();
  }

  @Test
  void aPointIsAddedOnlyWhenTheGcCountChanged() {
    TrendEstimator t = new TrendEstimator(GovernorPolicy.defaults());
    t.update(gc(1, 0, 100 * MIB), governedBy(Signal.HEAP));
    t.update(gc(1, 1, 100 * MIB), governedBy(Signal.HEAP));
    t.update(gc(1, 2, 100 * MIB), governedBy(Signal.HEAP));
    Trend trend = t.update(gc(2, 3, 120 * MIB), governedBy(Signal.HEAP));
    assertThat(trend.samples()).isEqualTo(2);
    // and an unknown after-GC figure adds nothing either
    Trend same = t.update(MemorySnapshot.builder().time(4000, 4 * SECOND).gc(3, 1, 1).build(), governedBy(Signal.HEAP));
    assertThat(same.samples()).isEqualTo(2);
  }

  @Test
  void aLeakIsSuspectedWhenTheLiveSetRoseAcrossLeakGcCountGcs() {
    GovernorPolicy policy = GovernorPolicy.builder().leakGcCount(4).build();
    TrendEstimator t = new TrendEstimator(policy);
    Trend trend = t.update(gc(1, 0, 100 * MIB), governedBy(Signal.HEAP));
    for (int i = 1; i <= 3; i++) {
      trend = t.update(gc(1 + i, 10L * i, (100 + i) * MIB), governedBy(Signal.HEAP));
      assertThat(trend.leakSuspected()).as("after %d rises", i).isFalse();
    }
    trend = t.update(gc(5, 40, 104 * MIB), governedBy(Signal.HEAP));
    assertThat(trend.leakSuspected()).isTrue();

    // one GC that frees memory ends the streak
    trend = t.update(gc(6, 50, 90 * MIB), governedBy(Signal.HEAP));
    assertThat(trend.leakSuspected()).isFalse();
  }

  @Test
  void aLiveSetRisingWithTheGovernablesIsNoLeakButStillASlope() {
    TrendEstimator t = new TrendEstimator(GovernorPolicy.builder().leakGcCount(4).build());
    Trend trend = null;
    // a cache filling: +5 MiB per GC, all of it in the governables' footprint (which the estimate
    // reads a little off either way, as a weigher's does)
    long[] off = {0, MIB / 4, -MIB / 4, MIB / 8, -MIB / 8, 0, MIB / 4, -MIB / 4, 0, MIB / 8};
    for (int i = 0; i < 10; i++) {
      long governed = 5 * MIB * i + off[i];
      trend = t.update(gc(i + 1, 30L * i, 100 * MIB + 5 * MIB * i), governedBy(Signal.HEAP), () -> governed);
      assertThat(trend.leakSuspected()).as("after %d GCs", i + 1).isFalse();
    }
    assertThat(trend.bytesPerMinute()).as("the whole live set's slope").isCloseTo(10.0 * MIB, within(1.0));
    assertThat(trend.secondsToLimit()).isPositive();
  }

  @Test
  void aLiveSetRisingFasterThanTheGovernablesIsALeak() {
    TrendEstimator t = new TrendEstimator(GovernorPolicy.builder().leakGcCount(4).build());
    Trend trend = null;
    for (int i = 0; i <= 4; i++) {
      long governed = 5 * MIB * i;
      // the governables grow 5 MiB per GC, the live set 6: 1 MiB per GC is someone else's
      trend = t.update(gc(i + 1, 30L * i, 100 * MIB + 6 * MIB * i), governedBy(Signal.HEAP), () -> governed);
      assertThat(trend.leakSuspected()).as("after %d rises", i).isEqualTo(i == 4);
    }
  }

  @Test
  void anUnknownGovernedFootprintCountsAsNone() {
    TrendEstimator t = new TrendEstimator(GovernorPolicy.builder().leakGcCount(3).build());
    Trend trend = null;
    for (int i = 0; i <= 3; i++) {
      trend = t.update(gc(i + 1, 10L * i, (100 + i) * MIB), governedBy(Signal.HEAP), () -> -1);
    }
    assertThat(trend.leakSuspected()).isTrue();
  }

  @Test
  void aFlatOrFallingLiveSetIsNoLeakAndHasNoTimeToLimit() {
    TrendEstimator t = new TrendEstimator(GovernorPolicy.builder().leakGcCount(3).build());
    Trend trend = null;
    for (int i = 0; i < 10; i++) {
      trend = t.update(gc(i + 1, 10L * i, (200 - i) * MIB), governedBy(Signal.HEAP));
    }
    assertThat(trend.bytesPerMinute()).isNegative();
    assertThat(trend.leakSuspected()).isFalse();
    assertThat(trend.secondsToLimit()).isEqualTo(-1);
  }

  @Test
  void secondsToLimitUsesTheGoverningSignalsHeadroom() {
    TrendEstimator t = new TrendEstimator(GovernorPolicy.defaults());
    // +10 MiB per minute; after-GC reaches 524 MiB of 1024 MiB: 500 MiB of headroom = 50 min
    for (int i = 0; i < 4; i++) {
      t.update(gc(i + 1, 60L * i, 494 * MIB + 10 * MIB * i), governedBy(Signal.HEAP));
    }
    Trend heap = t.update(gc(5, 240, 534 * MIB), governedBy(Signal.HEAP));
    assertThat(heap.bytesPerMinute()).isCloseTo(10.0 * MIB, within(1.0));
    assertThat(heap.secondsToLimit()).isEqualTo((1024 - 534) * 6);

    MemorySnapshot inContainer = MemorySnapshot.builder().time(250_000, 250 * SECOND)
        .heap(1, HEAP_MAX, HEAP_MAX).oldGenAfterGc(534 * MIB).gc(5, 1, 5)
        .container(600 * MIB, 590 * MIB, 580 * MIB).build();
    Trend container = t.update(inContainer, governedBy(Signal.CONTAINER));
    assertThat(container.secondsToLimit()).isEqualTo(20 * 6);

    MemorySnapshot over = MemorySnapshot.builder().time(260_000, 260 * SECOND).heap(1, HEAP_MAX, HEAP_MAX)
        .oldGenAfterGc(534 * MIB).gc(5, 1, 5).container(600 * MIB, 650 * MIB, 610 * MIB).build();
    assertThat(t.update(over, governedBy(Signal.CONTAINER)).secondsToLimit()).isZero();

    assertThat(t.update(inContainer, governedBy(Signal.NONE)).secondsToLimit()).isEqualTo(-1);
    assertThat(t.update(inContainer, governedBy(Signal.RSS)).secondsToLimit()).as("no RSS limit").isEqualTo(-1);
  }

  @Test
  void onlyTheRecentGcsCount() {
    TrendEstimator t = new TrendEstimator(GovernorPolicy.defaults());
    // 30 GCs falling, then 16 rising by 1 MiB a minute: the old falling ones have left the window
    long gc = 0;
    for (int i = 0; i < 30; i++) {
      t.update(gc(++gc, 60L * gc, (500 - i) * MIB), governedBy(Signal.HEAP));
    }
    Trend trend = null;
    for (int i = 0; i < 16; i++) {
      trend = t.update(gc(++gc, 60L * gc, (300 + i) * MIB), governedBy(Signal.HEAP));
    }
    assertThat(trend.samples()).isEqualTo(16);
    assertThat(trend.bytesPerMinute()).isCloseTo(1.0 * MIB, within(1.0));
  }
}
