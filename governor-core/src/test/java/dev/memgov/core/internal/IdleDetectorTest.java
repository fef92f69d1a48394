package dev.memgov.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.Pressure;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.Signal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the process counts as idle, on a fake clock with scripted snapshots (1000 MiB heap: 1 % = 10 MiB). */
class IdleDetectorTest {
  static final long MIB = 1L << 20;
  static final long HEAP_MAX = 1000 * MIB;

  final FakeClock clock = new FakeClock();
  IdleDetector idle = new IdleDetector(GovernorPolicy.builder().idleAfter(Duration.ofSeconds(15)).build());
  long gcCount = 10;
  long used = 300 * MIB;
  long committed = 600 * MIB;
  PressureLevel level = PressureLevel.NORMAL;

  /** One tick one second later; true when the detector says the give-back is due. */
  boolean tick() {
    clock.advance(Duration.ofSeconds(1));
    MemorySnapshot s = MemorySnapshot.builder().time(clock.currentTimeMillis(), clock.nanoTime())
        .heap(used, committed, HEAP_MAX).oldGenAfterGc(200 * MIB).gc(gcCount, 0.0, 1).build();
    Pressure p = new Pressure(level, Signal.HEAP, 0.2, 0.2, Double.NaN, Double.NaN, 0);
    return idle.due(p, s, clock.nanoTime());
  }

  /** Ticks until due (at most {@code max} ticks); the number of ticks taken, or -1. */
  int ticksUntilDue(int max) {
    for (int i = 1; i <= max; i++) {
      used += 100 * 1024; // a trickle: a status line, a metrics scrape
      if (tick()) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void idleIsDetectedOnceIdleAfterHasPassedWithoutGcOrGrowth() {
    // Given a process that just stopped allocating (first tick is the baseline)
    tick();
    // Then the give-back is due exactly 15 s later, and stays due until it has run
    assertThat(ticksUntilDue(30)).isEqualTo(15);
    assertThat(tick()).isTrue();
  }

  @Test
  void notWhileGcsRun() {
    tick();
    for (int i = 1; i <= 60; i++) {
      used += 100 * 1024;
      if (i % 10 == 0) {
        gcCount++; // a GC every 10 s: the app still allocates
        used = 300 * MIB;
      }
      assertThat(tick()).as("tick %d", i).isFalse();
    }
  }

  @Test
  void growthOfOnePercentOfTheHeapStartsTheWindowOver() {
    tick();
    for (int i = 1; i <= 10; i++) {
      used += 2 * MIB; // 20 MiB in 10 s without a GC: allocating
      assertThat(tick()).isFalse();
    }
    // the window started over where the growth crossed 10 MiB (ticks 5 and 10): due 15 s after the last
    assertThat(ticksUntilDue(30)).isEqualTo(15);
  }

  @Test
  void notTwiceInOneIdlePeriodEvenWithGcsAndATrickleOfAllocation() {
    tick();
    assertThat(ticksUntilDue(30)).isEqualTo(15);
    giveBack();
    // a trickle of 100 KiB/s (6 MiB a minute) and G1's periodic GC a minute later: the committed
    // heap stays where the give-back left it, so nothing runs again
    assertThat(ticksUntilDue(60)).isEqualTo(-1);
    gcCount++;
    used = 205 * MIB;
    assertThat(ticksUntilDue(120)).isEqualTo(-1);
  }

  /** The give-back ran: its GC counted, the heap used and committed down to near the live set. */
  void giveBack() {
    idle.gaveBack();
    gcCount++;
    used = 210 * MIB;
    committed = 230 * MIB;
    assertThat(tick()).isFalse();
  }

  @Test
  void reArmedWhenActivityResumes() {
    tick();
    assertThat(ticksUntilDue(30)).isEqualTo(15);
    giveBack();
    assertThat(ticksUntilDue(30)).isEqualTo(-1);
    // load resumes: allocation, young GCs, and the JVM expands the heap by 40 MiB
    used += 30 * MIB;
    tick();
    gcCount += 2;
    used = 220 * MIB;
    committed += 40 * MIB;
    tick();
    used += 15 * MIB;
    tick();
    // then the app goes quiet again: one more give-back, 15 s after the last activity
    assertThat(ticksUntilDue(30)).isEqualTo(15);
  }

  @Test
  void afterAGiveBackAHeapGrowthBelowOnePercentDoesNotReArmIt() {
    tick();
    assertThat(ticksUntilDue(30)).isEqualTo(15);
    giveBack();
    committed += 9 * MIB; // under 1 % of 1000 MiB
    assertThat(ticksUntilDue(60)).isEqualTo(-1);
    committed += 2 * MIB;
    tick(); // re-armed here
    assertThat(ticksUntilDue(30)).isEqualTo(15);
  }

  @Test
  void neverAboveNormalAndPressureStartsTheWindowOver() {
    tick();
    assertThat(ticksUntilDue(10)).isEqualTo(-1);
    level = PressureLevel.WARNING;
    for (int i = 0; i < 30; i++) {
      assertThat(tick()).isFalse();
    }
    level = PressureLevel.NORMAL;
    tick(); // baseline again
    assertThat(ticksUntilDue(30)).isEqualTo(15);
    giveBack();
    // pressure after a give-back re-arms it
    level = PressureLevel.CRITICAL;
    tick();
    level = PressureLevel.NORMAL;
    tick();
    assertThat(ticksUntilDue(30)).isEqualTo(15);
  }

  @Test
  void zeroTurnsItOff() {
    idle = new IdleDetector(GovernorPolicy.builder().idleAfter(Duration.ZERO).build());
    tick();
    assertThat(ticksUntilDue(120)).isEqualTo(-1);
  }

  @Test
  void anUnknownGcCountNeverCountsAsIdle() {
    tick();
    gcCount = MemorySnapshot.UNKNOWN;
    assertThat(ticksUntilDue(60)).isEqualTo(-1);
  }
}
