package dev.memgov.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.memgov.core.CleanupLevel;
import org.junit.jupiter.api.Test;

class PoolSizingTest {

  @Test
  void standardHalvesTheCurrentMaximumDownToTheFloor() {
    PoolSizing s = new PoolSizing(10, 10, 2);
    assertThat(s.maxAfterReclaim(CleanupLevel.STANDARD, 10)).isEqualTo(5);
    assertThat(s.maxAfterReclaim(CleanupLevel.STANDARD, 5)).isEqualTo(2);
    assertThat(s.maxAfterReclaim(CleanupLevel.STANDARD, 3)).isEqualTo(2);
    assertThat(s.maxAfterReclaim(CleanupLevel.STANDARD, 2)).isEqualTo(2);
  }

  @Test
  void lightKeepsTheMaximumAndAggressiveOrEmergencyGoToTheFloor() {
    PoolSizing s = new PoolSizing(10, 4, 3);
    assertThat(s.maxAfterReclaim(CleanupLevel.LIGHT, 10)).isEqualTo(10);
    assertThat(s.maxAfterReclaim(CleanupLevel.AGGRESSIVE, 10)).isEqualTo(3);
    assertThat(s.maxAfterReclaim(CleanupLevel.EMERGENCY, 7)).isEqualTo(3);
    // never raises a maximum someone set below the floor by hand
    assertThat(s.maxAfterReclaim(CleanupLevel.EMERGENCY, 2)).isEqualTo(2);
  }

  @Test
  void minimumIdleFollowsTheMaximumProportionallyRoundingUp() {
    PoolSizing fixed = new PoolSizing(10, 10, 1);
    assertThat(fixed.minIdleFor(5)).isEqualTo(5);
    assertThat(fixed.minIdleFor(1)).isEqualTo(1);
    PoolSizing elastic = new PoolSizing(10, 4, 1);
    assertThat(elastic.minIdleFor(10)).isEqualTo(4);
    assertThat(elastic.minIdleFor(5)).isEqualTo(2);
    assertThat(elastic.minIdleFor(1)).isEqualTo(1);
    assertThat(new PoolSizing(10, 0, 1).minIdleFor(5)).isZero();
  }

  @Test
  void hikariDefaultsAreResolvedLikeHikari() {
    assertThat(PoolSizing.effectiveMax(-1)).isEqualTo(10);
    assertThat(PoolSizing.effectiveMax(7)).isEqualTo(7);
    assertThat(PoolSizing.effectiveMinIdle(-1, 7)).isEqualTo(7);
    assertThat(PoolSizing.effectiveMinIdle(9, 7)).isEqualTo(7);
    assertThat(PoolSizing.effectiveMinIdle(3, 7)).isEqualTo(3);
  }

  @Test
  void rejectsAFloorAboveTheMaximum() {
    assertThatThrownBy(() -> new PoolSizing(4, 4, 5)).hasMessageContaining("floor=5");
  }
}
