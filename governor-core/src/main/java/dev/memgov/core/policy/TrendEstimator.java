package dev.memgov.core.policy;

import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.Pressure;
import dev.memgov.core.Trend;

/**
 * Placeholder until [core-sense] lands: estimates the live-set trend from after-GC occupancies.
 * Called from the governor's thread only; not thread-safe.
 */
public final class TrendEstimator {
  private final GovernorPolicy policy;

  public TrendEstimator(GovernorPolicy policy) {
    this.policy = policy;
  }

  /** Feeds one snapshot (a point is added only when a GC has happened since the last one). */
  public Trend update(MemorySnapshot snapshot, Pressure pressure) {
    return Trend.UNKNOWN;
  }
}
