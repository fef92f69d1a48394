package dev.memgov.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ratios, unknown and unlimited figures of the snapshot. */
class MemorySnapshotTest {

  @Test
  void aBuiltSnapshotStartsWithEveryFigureUnknown() {
    MemorySnapshot s = MemorySnapshot.builder().build();
    assertThat(s.heapUsed()).isEqualTo(MemorySnapshot.UNKNOWN);
    assertThat(s.oldGenAfterGc()).isEqualTo(MemorySnapshot.UNKNOWN);
    assertThat(s.rss()).isEqualTo(MemorySnapshot.UNKNOWN);
    assertThat(s.containerLimit()).isEqualTo(MemorySnapshot.UNKNOWN);
    assertThat(s.threadCount()).isEqualTo(-1);
    assertThat(s.gcOverheadPercent()).isNaN();
    assertThat(s.psiSomeAvg10()).isNaN();
    assertThat(s.unknownReasons()).isEmpty();
    for (Signal signal : Signal.values()) {
      assertThat(s.ratio(signal)).as(signal.name()).isNaN();
    }
  }

  @Test
  void ratiosAreFigureOverLimit() {
    MemorySnapshot s = MemorySnapshot.builder().heap(700, 800, 1000).oldGenAfterGc(250)
        .rss(300, 1200).container(2000, 1500, 1000).build();
    assertThat(s.heapRatio()).isEqualTo(0.25);
    assertThat(s.ratio(Signal.HEAP)).isEqualTo(0.25);
    assertThat(s.rssRatio()).isEqualTo(0.25);
    assertThat(s.containerRatio()).isEqualTo(0.5);
    assertThat(s.ratio(Signal.NONE)).isNaN();
    assertThat(s.hasContainerLimit()).isTrue();
  }

  @Test
  void theHeapRatioIsOverTheOldGenerationsMaxWhenKnown() {
    MemorySnapshot serial = MemorySnapshot.builder().heap(100, 123, 123).oldGenAfterGc(75).oldGenMax(85).build();
    assertThat(serial.heapLimit()).isEqualTo(85);
    assertThat(serial.heapRatio()).isCloseTo(75 / 85.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(dev.memgov.core.policy.PressureEvaluator.bytesOverTarget(serial, Signal.HEAP, 0.5))
        .as("bytes to go, over the same limit").isEqualTo(75 - 42);
    MemorySnapshot unknownOldMax = MemorySnapshot.builder().heap(100, 123, 123).oldGenAfterGc(75).build();
    assertThat(unknownOldMax.heapLimit()).isEqualTo(123);
    assertThat(unknownOldMax.heapRatio()).isCloseTo(75 / 123.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void noLimitAndUnknownGiveNoRatio() {
    MemorySnapshot unlimited = MemorySnapshot.builder().container(MemorySnapshot.NO_LIMIT, 1500, 1000)
        .rss(300, MemorySnapshot.UNKNOWN).heap(1, 1, MemorySnapshot.UNKNOWN).oldGenAfterGc(10).build();
    assertThat(unlimited.containerRatio()).isNaN();
    assertThat(unlimited.hasContainerLimit()).isFalse();
    assertThat(unlimited.rssRatio()).isNaN();
    assertThat(unlimited.heapRatio()).isNaN();
    MemorySnapshot unknownFigure = MemorySnapshot.builder().container(2000, MemorySnapshot.UNKNOWN, MemorySnapshot.UNKNOWN).build();
    assertThat(unknownFigure.containerRatio()).isNaN();
    assertThat(unknownFigure.hasContainerLimit()).isTrue();
  }

  @Test
  void reasonsAreCopiedAndRequired() {
    Map<String, String> reasons = new HashMap<>(Map.of("rss", "no /proc"));
    MemorySnapshot s = MemorySnapshot.builder().unknownReasons(reasons).build();
    reasons.put("psi", "later");
    assertThat(s.unknownReasons()).containsOnlyKeys("rss");
    assertThatThrownBy(() -> new MemorySnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null))
        .isInstanceOf(NullPointerException.class).hasMessage("unknownReasons");
  }
}
