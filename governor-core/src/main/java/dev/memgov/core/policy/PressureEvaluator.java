package dev.memgov.core.policy;

import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.Pressure;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.Signal;

/**
 * Turns a snapshot into a {@link Pressure}: a pure function of (snapshot, previous pressure,
 * policy, now).
 *
 * <p>The governing figure is the highest known ratio of: old-generation occupancy after GC / heap
 * max, RSS / configured RSS limit, container working set / container limit. Unknown ratios are
 * ignored; with none known the level is {@code NORMAL} and the signal {@code NONE}.
 *
 * <p>Levels rise as soon as the figure reaches a threshold. A level {@code L} is kept while the
 * figure stays at or above {@code threshold(L) - hysteresis}; below that it falls to the highest
 * level the figure still holds by the same rule:
 *
 * <pre>
 *   level = max( raw(r), max{ L &lt;= previous : r &gt;= threshold(L) - h } )
 * </pre>
 *
 * <p>This class is stateless and thread-safe.
 */
public final class PressureEvaluator {

  private PressureEvaluator() {}

  /** Evaluates {@code snapshot} against {@code previous}; {@code nowNanos} stamps a level change. */
  public static Pressure evaluate(MemorySnapshot snapshot, Pressure previous, GovernorPolicy policy, long nowNanos) {
    double heap = snapshot.heapRatio();
    double rss = snapshot.rssRatio();
    double container = snapshot.containerRatio();

    Signal governing = Signal.NONE;
    double ratio = Double.NaN;
    if (!Double.isNaN(heap)) {
      governing = Signal.HEAP;
      ratio = heap;
    }
    if (!Double.isNaN(rss) && (Double.isNaN(ratio) || rss > ratio)) {
      governing = Signal.RSS;
      ratio = rss;
    }
    if (!Double.isNaN(container) && (Double.isNaN(ratio) || container > ratio)) {
      governing = Signal.CONTAINER;
      ratio = container;
    }

    PressureLevel level = Double.isNaN(ratio) ? PressureLevel.NORMAL : level(ratio, previous.level(), policy);
    long since = level == previous.level() ? previous.sinceNanos() : nowNanos;
    return new Pressure(level, governing, ratio, heap, rss, container, since);
  }

  /** The level for {@code ratio} coming from {@code previous}, with hysteresis. */
  public static PressureLevel level(double ratio, PressureLevel previous, GovernorPolicy policy) {
    PressureLevel raw = rawLevel(ratio, policy);
    if (!previous.isAbove(raw)) {
      return raw;
    }
    for (int i = previous.ordinal(); i > raw.ordinal(); i--) {
      PressureLevel candidate = PressureLevel.values()[i];
      if (ratio >= policy.lowerEdge(candidate)) { // in whole points: (80 - 10) / 100.0, not 0.80 - 0.10
        return candidate;
      }
    }
    return raw;
  }

  /** The level for {@code ratio} without hysteresis. */
  public static PressureLevel rawLevel(double ratio, GovernorPolicy policy) {
    if (ratio >= policy.threshold(PressureLevel.EMERGENCY)) {
      return PressureLevel.EMERGENCY;
    }
    if (ratio >= policy.threshold(PressureLevel.CRITICAL)) {
      return PressureLevel.CRITICAL;
    }
    if (ratio >= policy.threshold(PressureLevel.WARNING)) {
      return PressureLevel.WARNING;
    }
    return PressureLevel.NORMAL;
  }

  /**
   * Bytes that must go for the governing figure to fall to {@code target} (a fraction), given the
   * snapshot: {@code (ratio - target) * limit} of the governing signal; 0 when already under.
   */
  public static long bytesOverTarget(MemorySnapshot snapshot, Signal governing, double target) {
    long limit;
    long value;
    switch (governing) {
      case HEAP:
        limit = snapshot.heapLimit();
        value = snapshot.oldGenAfterGc();
        break;
      case RSS:
        limit = snapshot.rssLimit();
        value = snapshot.rss();
        break;
      case CONTAINER:
        limit = snapshot.containerLimit();
        value = snapshot.containerWorkingSet();
        break;
      default:
        return 0;
    }
    if (limit <= 0 || limit == MemorySnapshot.NO_LIMIT || value < 0) {
      return 0;
    }
    return Math.max(0, value - (long) (target * limit));
  }
}
