package dev.memgov.core.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** GC overhead over a sliding window, on scripted (time, accumulated pause) points. */
class GcOverheadTest {
  private static final long S = 1_000_000_000L;

  @Test
  void overheadIsPauseTimeOverWallTimeInTheWindow() {
    GcOverhead o = new GcOverhead(60 * S);
    assertThat(o.update(0, 0)).isNaN();
    assertThat(o.update(10 * S, 1000)).isCloseTo(10.0, within(1e-9));   // 1 s of 10 s
    assertThat(o.update(30 * S, 1000)).isCloseTo(1000.0 / 30_000 * 100, within(1e-9));
  }

  @Test
  void oldPausesLeaveTheWindow() {
    GcOverhead o = new GcOverhead(60 * S);
    o.update(0, 0);
    o.update(5 * S, 30_000);                 // a 30 s pause storm early on
    for (long t = 10; t <= 200; t += 5) {
      o.update(t * S, 30_000);               // then nothing
    }
    assertThat(o.update(205 * S, 30_000)).isZero();
    // a new 6 s of pauses in the last minute: about 10 %
    double now = o.update(210 * S, 36_000);
    assertThat(now).isBetween(9.0, 11.0);
  }

  @Test
  void noReportedTimeIsUnknownAndOverheadIsCapped() {
    GcOverhead o = new GcOverhead(60 * S);
    assertThat(o.update(0, -1)).isNaN();
    o.update(S, 0);
    assertThat(o.update(2 * S, 5_000)).isEqualTo(100.0);
  }
}
