package dev.memgov.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SpikeTrackerTest {
  static final long S = 1_000_000_000L;
  final SpikeTracker t = new SpikeTracker();

  @Test
  void aRiseIsMeasuredFromTheLowestReadingOfTheWindowBeforeIt() {
    t.record(0, 0.60);
    t.record(1 * S, 0.55);
    t.record(2 * S, 0.62);
    t.record(3 * S, 0.75); // 0.75 - 0.55
    t.record(5 * S, 0.58);
    assertThat(t.spike(5 * S)).isCloseTo(0.20, within(1e-9));
  }

  @Test
  void aFlatOrFallingFigureHasNoSpike() {
    for (int i = 0; i < 30; i++) {
      t.record(i * S, 0.80 - i * 0.001);
    }
    assertThat(t.spike(30 * S)).isZero();
  }

  @Test
  void readingsOlderThanTheWindowDoNotSetTheBase() {
    t.record(0, 0.30);
    t.record(11 * S, 0.60);
    t.record(12 * S, 0.65); // the 0.30 of 12 s ago is out of the 10 s window
    assertThat(t.spike(12 * S)).isCloseTo(0.05, within(1e-9));
  }

  @Test
  void aSpikeIsForgottenAfterTwoMinutes() {
    t.record(0, 0.50);
    t.record(1 * S, 0.70);
    assertThat(t.spike(100 * S)).isCloseTo(0.20, within(1e-9));
    assertThat(t.spike(1 * S + SpikeTracker.MEMORY_NANOS + 10 * S)).isZero();
  }

  @Test
  void unknownFiguresAreSkipped() {
    t.record(0, 0.50);
    t.record(1 * S, Double.NaN);
    t.record(2 * S, 0.55);
    assertThat(t.spike(2 * S)).isCloseTo(0.05, within(1e-9));
  }

  @Test
  void manyReadingsASecondStillSeeTheWholeWindow() {
    t.record(0, 0.40);
    for (int i = 1; i <= 200; i++) { // a GC tick every 45 ms for 9 s
      t.record(i * 45_000_000L, 0.60);
    }
    assertThat(t.spike(9 * S)).isCloseTo(0.20, within(1e-9));
  }

  @Test
  void theLargestRiseIsRememberedForExactlyTwoMinutes() {
    t.record(4 * S, 0.50);
    t.record(9 * S + S / 2, 0.70); // late in its 10 s bucket
    long at = 9 * S + S / 2;
    assertThat(t.spike(at + SpikeTracker.MEMORY_NANOS)).isCloseTo(0.20, within(1e-9));
    assertThat(t.spike(at + SpikeTracker.MEMORY_NANOS + 1)).isZero();
  }

  @Test
  void aThousandReadingsASecondStillSeeTheWholeWindow() {
    t.record(0, 0.40);
    for (int i = 1; i <= 9_000; i++) { // a GC tick every millisecond for 9 s
      t.record(i * 1_000_000L, 0.60);
    }
    assertThat(t.spike(9 * S)).isCloseTo(0.20, within(1e-9));
  }

  @Test
  void afterQuietTheGrowthBackFromACleanupsDipIsNotARise() {
    t.record(0, 0.80);
    t.record(1 * S, 0.80);
    t.quiet(1 * S); // a cleanup gave memory back
    t.record(2 * S, 0.60); // its dip
    t.record(6 * S, 0.78); // growing back
    t.record(11 * S, 0.79); // one window after the cleanup: readings count as they are again
    t.record(12 * S, 0.80);
    t.record(15 * S, 0.80);
    assertThat(t.spike(15 * S)).isCloseTo(0.01, within(1e-9)); // 0.79 -> 0.80, not 0.60 -> 0.80
  }

  @Test
  void spikesThatEachBringACleanupAreStillMeasured() {
    // a baseline of 70 %, a spike to 89 % every 10 s, a cleanup at each spike that dips the figure
    for (long s = 0; s < 300; s++) {
      long now = s * S;
      long phase = s % 10;
      boolean spiking = s >= 10;
      double r = !spiking ? 0.70 : phase == 0 ? 0.89 : phase == 1 ? 0.55 : 0.70;
      t.record(now, r);
      if (spiking && phase == 0) {
        t.quiet(now);
      }
      if (s > 20) {
        assertThat(t.spike(now)).as("at %d s", s).isCloseTo(0.19, within(1e-9));
      }
    }
  }

  @Test
  void quietWithoutReadingsChangesNothing() {
    t.quiet(0);
    t.record(1 * S, 0.50);
    t.record(2 * S, 0.70);
    assertThat(t.spike(2 * S)).isCloseTo(0.20, within(1e-9));
  }

  @Test
  void quietKeepsTheRisesAlreadySeen() {
    t.record(0, 0.50);
    t.record(1 * S, 0.70);
    t.quiet(2 * S);
    assertThat(t.spike(3 * S)).isCloseTo(0.20, within(1e-9));
  }
}
