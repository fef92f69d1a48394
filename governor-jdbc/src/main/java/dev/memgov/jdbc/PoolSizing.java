package dev.memgov.jdbc;

import dev.memgov.core.CleanupLevel;

/**
 * The sizing arithmetic of {@link HikariGovernable}, as pure functions of the configured sizes,
 * so it can be tested without a pool. Immutable and thread-safe.
 *
 * <p>Minimum idle follows the maximum proportionally: {@code minIdle(max) = min(max,
 * ceil(configuredMinIdle * max / configuredMax))}, so halving the maximum halves minimum idle with
 * it, and at the configured maximum it is exactly the configured minimum idle.
 */
record PoolSizing(int configuredMax, int configuredMinIdle, int floor) {

  PoolSizing {
    if (configuredMax < 1 || configuredMinIdle < 0 || configuredMinIdle > configuredMax || floor < 1
        || floor > configuredMax) {
      throw new IllegalArgumentException(
          "pool sizing needs 1 <= floor <= max and 0 <= minIdle <= max, but was max=" + configuredMax
              + " minIdle=" + configuredMinIdle + " floor=" + floor);
    }
  }

  /**
   * HikariCP's own resolution of unset sizes (see {@code HikariConfig.validate}): a maximum below 1
   * means the default 10; a minimum idle below 0 or above the maximum means the maximum.
   */
  static int effectiveMax(int rawMax) {
    return rawMax < 1 ? 10 : rawMax;
  }

  static int effectiveMinIdle(int rawMinIdle, int effectiveMax) {
    return rawMinIdle < 0 || rawMinIdle > effectiveMax ? effectiveMax : rawMinIdle;
  }

  /**
   * The maximum a reclaim at {@code level} leads to from {@code currentMax}; {@code LIGHT} keeps
   * it. Never below the floor, never above the current maximum.
   */
  int maxAfterReclaim(CleanupLevel level, int currentMax) {
    int target;
    switch (level) {
      case LIGHT:
        return currentMax;
      case STANDARD:
        target = currentMax / 2;
        break;
      default:
        target = floor;
        break;
    }
    return Math.min(currentMax, Math.max(floor, target));
  }

  /** Minimum idle that goes with {@code max} (see the class comment). */
  int minIdleFor(int max) {
    if (max >= configuredMax) {
      return configuredMinIdle;
    }
    long scaled = ((long) configuredMinIdle * max + configuredMax - 1) / configuredMax;
    return (int) Math.min(max, scaled);
  }
}
