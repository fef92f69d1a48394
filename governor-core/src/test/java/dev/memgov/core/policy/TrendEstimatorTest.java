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
  void aLeakIsSuspectedWhenTheLiveSetRoseAcrossLeakGcCountGcsAboveHalfTheHeap() {
    GovernorPolicy policy = GovernorPolicy.builder().leakGcCount(4).build();
    TrendEstimator t = new TrendEstimator(policy);
    Trend trend = t.update(gc(1, 0, 600 * MIB), governedBy(Signal.HEAP));
    for (int i = 1; i <= 3; i++) {
      trend = t.update(gc(1 + i, 10L * i, (600 + i) * MIB), governedBy(Signal.HEAP));
      assertThat(trend.leakSuspected()).as("after %d rises", i).isFalse();
    }
    trend = t.update(gc(5, 40, 604 * MIB), governedBy(Signal.HEAP));
    assertThat(trend.leakSuspected()).isTrue();

    // one GC that reclaims more than 1/32 of the heap ends the streak
    trend = t.update(gc(6, 50, 560 * MIB), governedBy(Signal.HEAP));
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
      trend = t.update(gc(i + 1, 30L * i, 700 * MIB + 6 * MIB * i), governedBy(Signal.HEAP), () -> governed);
      assertThat(trend.leakSuspected()).as("after %d rises", i).isEqualTo(i == 4);
    }
  }

  /**
   * Feeds a sawtooth, one GC every 10 s: from each floor the figure climbs {@code climb} MiB per GC
   * for {@code climbs} GCs (promoted garbage), then one reclaiming GC brings it down to the next
   * floor, {@code floorStep} MiB above the last. A cache fills alongside, {@code cachePerGc} MiB per
   * GC, in both the live set and the governables' footprint. Returns the leak flag after each GC.
   */
  private static boolean[] sawtooth(TrendEstimator t, long floor, int cycles, int climbs, long climb,
      long floorStep, long cachePerGc) {
    boolean[] flags = new boolean[cycles * (climbs + 1) + 1];
    int gc = 0;
    long u = floor;
    for (int c = 0; c < cycles; c++) {
      for (int i = 0; i <= climbs; i++) {
        long cache = cachePerGc * gc;
        flags[gc] = t.update(gc(gc + 1, 10L * gc, u + cache), governedBy(Signal.HEAP), () -> cache).leakSuspected();
        gc++;
        u += climb;
      }
      floor += floorStep;
      u = floor;
    }
    long cache = cachePerGc * gc;
    flags[gc] = t.update(gc(gc + 1, 10L * gc, u + cache), governedBy(Signal.HEAP), () -> cache).leakSuspected();
    return flags;
  }

  @Test
  void promotedGarbageThatEachReclaimTakesBackIsNoLeakHoweverLongItClimbs() {
    // G1 between mixed collections: 12 young GCs each promote 6 MiB of garbage (12 > leakGcCount
    // = 8 rises in a row), a mixed collection takes it back, to a floor that wanders up by 2 MiB
    // (far less than a leak: what a mixed phase leaves); meanwhile a cache fills at 3 MiB per GC.
    // Eight such cycles.
    TrendEstimator t = new TrendEstimator(GovernorPolicy.defaults());
    boolean[] flags = sawtooth(t, 100 * MIB, 8, 12, 6 * MIB, 2 * MIB, 3 * MIB);
    for (int gc = 0; gc < flags.length; gc++) {
      assertThat(flags[gc]).as("after GC %d", gc + 1).isFalse();
    }
  }

  @Test
  void floorsThatRiseFromReclaimToReclaimAreALeak() {
    // the same sawtooth, but each reclaim leaves 30 MiB more behind: a leak of 30 MiB per cycle.
    // Cycle c spans GCs 13c .. 13c + 12; its floor (reclaim at GC 13c, except for the first cycle,
    // which no reclaim began) is recorded 11 GCs later, once the figure climbed more than 1/16 of
    // the heap (64 MiB) off it. Floors 130, 160, 190, 220, 250, 280 MiB: the last three rose one
    // after another, the first of them 90 MiB above the lowest of the three before (more than 64);
    // the sixth floor is recorded at GC 6 × 13 + 11.
    TrendEstimator t = new TrendEstimator(GovernorPolicy.defaults());
    boolean[] flags = sawtooth(t, 100 * MIB, 7, 12, 6 * MIB, 30 * MIB, 0);
    for (int gc = 0; gc < flags.length; gc++) {
      assertThat(flags[gc]).as("after GC %d", gc + 1).isEqualTo(gc >= 6 * 13 + 11);
    }
  }

  @Test
  void floorsRisingByLessThanASixteenthOfTheHeapInThreeStepsAreNoLeak() {
    // floors rising 21 MiB per cycle: three floors on, 63 MiB, under the 64 MiB of a 1 GiB heap
    // (a mixed phase may leave 5 % of the heap behind); 22 MiB per cycle makes 66
    TrendEstimator slow = new TrendEstimator(GovernorPolicy.defaults());
    assertThat(sawtooth(slow, 100 * MIB, 9, 12, 6 * MIB, 21 * MIB, 0)).doesNotContain(true);
    TrendEstimator faster = new TrendEstimator(GovernorPolicy.defaults());
    boolean[] flags = sawtooth(faster, 100 * MIB, 7, 12, 6 * MIB, 22 * MIB, 0);
    assertThat(flags[flags.length - 3]).isTrue();
  }

  @Test
  void aFloorBelowTheOneBeforeBreaksTheRise() {
    // floors 130, 160, 190, then 150, 180, 210, 240: 150 breaks the rise; and once three floors
    // rose again (180, 210, 240), the first of them is only 30 MiB above the lowest before (150)
    TrendEstimator t = new TrendEstimator(GovernorPolicy.defaults());
    boolean[] first = sawtooth(t, 100 * MIB, 4, 12, 6 * MIB, 30 * MIB, 0);
    assertThat(first).doesNotContain(true);
    int gc = first.length;
    long u = 150 * MIB;
    for (int c = 0; c < 5; c++, u += 30 * MIB) {
      for (int i = 0; i <= 12; i++, gc++) {
        Trend trend = t.update(gc(gc + 1, 10L * gc, u + 6 * MIB * i), governedBy(Signal.HEAP));
        assertThat(trend.leakSuspected()).as("after GC %d", gc + 1).isFalse();
      }
    }
  }

  @Test
  void oneHighFloorAmongTheThreeBeforeIsHarmless() {
    // floors 100, 200, 110 (a phase cut short left 200), then 180, 190, 200: the three rose, and
    // the first of them stands 80 MiB above the lowest before it, 100, not 20 below 200
    TrendEstimator t = new TrendEstimator(GovernorPolicy.defaults());
    boolean[] flags = series(t,
        100, 140, 180, 220,
        100, 140, 180, 260, // floor 100, recorded at 180 (80 MiB above it)
        200, 240, 280, 320, // floor 200
        110, 150, 190, 230, // floor 110
        180, 220, 260, 300, // floor 180
        190, 230, 270, 310, // floor 190
        200, 240, 280, 320); // floor 200, recorded at 280
    for (int i = 0; i < flags.length; i++) {
      assertThat(flags[i]).as("after GC %d", i + 1).isEqualTo(i >= flags.length - 2);
    }
  }

  @Test
  void floorsCreepingUpByLessThanTheyWanderAreNoLeak() {
    // floors 12 MiB above the last, eight times: 96 MiB in all, but three floors on only 36
    TrendEstimator t = new TrendEstimator(GovernorPolicy.defaults());
    boolean[] flags = sawtooth(t, 100 * MIB, 9, 12, 6 * MIB, 12 * MIB, 0);
    assertThat(flags).doesNotContain(true);
  }

  /** Feeds one GC every 10 s with these after-GC figures (MiB); returns the leak flag after each. */
  private static boolean[] series(TrendEstimator t, long... mib) {
    boolean[] flags = new boolean[mib.length];
    for (int i = 0; i < mib.length; i++) {
      flags[i] = t.update(gc(i + 1, 10L * i, mib[i] * MIB), governedBy(Signal.HEAP)).leakSuspected();
    }
    return flags;
  }

  @Test
  void aReclaimWhileASpikeIsHeldMakesNoFloorOfItsOwn() {
    // floors 100, 110, 120, 170, 180, then a spike is held: a mixed GC frees garbage under it
    // (340 -> 290), the figure climbs 40 MiB (under 1/16 of the heap: the floor stays open), the
    // spike is let go and the phase ends at 175. One floor, 175, below 180: no rise. Taking 290
    // for a floor of its own would have made 170, 180, 290 three rises, the first of them 70 MiB
    // above the lowest floor before (100): a leak.
    TrendEstimator t = new TrendEstimator(GovernorPolicy.defaults());
    boolean[] flags = series(t,
        100, 140, 180, 220,
        100, 140, 180, 220, // floor 100, recorded at 180 (80 MiB above it)
        110, 150, 190, 230, // floor 110
        120, 160, 200, 240, // floor 120
        170, 210, 250, 290, // floor 170
        180, 220, 260, 300, // floor 180
        340, 290, 330, 230, 175, 215, 255, 295); // floor 175, recorded at 255
    assertThat(flags).doesNotContain(true);
  }

  @Test
  void aClimbAboveHalfTheHeapWithNoReclaimIsALeak() {
    // nothing for the collector to reclaim, so no floor ever comes: 8 rising GCs above half the heap
    TrendEstimator t = new TrendEstimator(GovernorPolicy.defaults());
    for (int i = 0; i <= 10; i++) {
      Trend trend = t.update(gc(i + 1, 10L * i, 600 * MIB + 2 * MIB * i), governedBy(Signal.HEAP));
      assertThat(trend.leakSuspected()).as("after %d rises", i).isEqualTo(i >= 8);
    }
  }

  @Test
  void aClimbBelowHalfTheHeapWithNoReclaimIsNoLeakUntilItRoseAboveHalf() {
    // the price of no false alarm for promoted garbage: a leak that leaves nothing to reclaim is
    // flagged only after leakGcCount rises above half the heap's max, however long it climbed below
    TrendEstimator t = new TrendEstimator(GovernorPolicy.defaults());
    int gc = 0;
    for (; gc <= 40; gc++) {
      long y = 100 * MIB + 10 * MIB * gc; // 100 .. 500 MiB of 1024
      assertThat(t.update(gc(gc + 1, 10L * gc, y), governedBy(Signal.HEAP)).leakSuspected()).as("at %d MiB", y / MIB).isFalse();
    }
    for (int above = 1; above <= 8; above++, gc++) {
      long y = 510 * MIB + 10 * MIB * above; // 520 .. 590 MiB
      assertThat(t.update(gc(gc + 1, 10L * gc, y), governedBy(Signal.HEAP)).leakSuspected())
          .as("after %d rises above half the heap", above).isEqualTo(above == 8);
    }
  }

  @Test
  void onceACollectionReclaimedOnlyTheFloorsTell() {
    // G1's adaptive IHOP lets promoted garbage climb to 80 % of the heap before the mixed
    // collections: from a floor of 300 MiB, 20 rises of 25 MiB to 800 MiB (12 of them above half
    // of 1024), then back. The first climb, with no reclaim before it, passes for a leak with
    // nothing to reclaim; once the collector reclaimed, climbs are no leak, however high or long.
    TrendEstimator t = new TrendEstimator(GovernorPolicy.defaults());
    boolean[] flags = sawtooth(t, 300 * MIB, 3, 20, 25 * MIB, 0, 0);
    assertThat(flags[20]).as("the first climb, at 800 MiB").isTrue();
    for (int gc = 21; gc < flags.length; gc++) {
      assertThat(flags[gc]).as("after GC %d", gc + 1).isFalse();
    }
    int gc = flags.length;
    for (int i = 1; i <= 28; i++, gc++) { // on past 800 MiB, to 1000
      long y = 300 * MIB + 25 * MIB * i;
      assertThat(t.update(gc(gc + 1, 10L * gc, y), governedBy(Signal.HEAP)).leakSuspected()).as("at %d MiB", y / MIB).isFalse();
    }
  }

  @Test
  void aCacheGrowingFasterThanItIsPromotedIsNoReclaim() {
    // the governables' footprint counts new entries at once, the old generation only once they
    // are promoted: u falls (here by 20 MiB) although nothing was collected. That is no floor, and
    // it does not end the climb either.
    TrendEstimator t = new TrendEstimator(GovernorPolicy.builder().leakGcCount(4).build());
    long[] y = {600, 610, 620, 620, 630, 640};
    long[] cache = {0, 0, 0, 20, 20, 20};
    Trend trend = null;
    for (int i = 0; i < y.length; i++) {
      long governed = cache[i] * MIB;
      trend = t.update(gc(i + 1, 10L * i, y[i] * MIB), governedBy(Signal.HEAP), () -> governed);
    }
    assertThat(trend.leakSuspected()).as("four rises since the start, none undone by a reclaim").isTrue();
  }

  @Test
  void withTheHeapsMaxUnknownTheRisesAloneDecide() {
    TrendEstimator t = new TrendEstimator(GovernorPolicy.builder().leakGcCount(3).build());
    Trend trend = null;
    for (int i = 0; i <= 3; i++) {
      trend = t.update(MemorySnapshot.builder().time(i * 10_000L, i * 10 * SECOND).oldGenAfterGc((100 + i) * MIB)
          .gc(i + 1, 1, 5).build(), governedBy(Signal.HEAP));
      assertThat(trend.leakSuspected()).as("after %d rises", i).isEqualTo(i == 3);
    }
  }

  @Test
  void anUnknownGovernedFootprintCountsAsNone() {
    TrendEstimator t = new TrendEstimator(GovernorPolicy.builder().leakGcCount(3).build());
    Trend trend = null;
    for (int i = 0; i <= 3; i++) {
      trend = t.update(gc(i + 1, 10L * i, (600 + i) * MIB), governedBy(Signal.HEAP), () -> -1);
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
