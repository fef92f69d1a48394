package dev.memgov.core;

/**
 * The evaluated pressure: a level, the figure that governs it, and each signal's ratio.
 *
 * <p>Ratios are fractions (0.85 = 85 %) and {@link Double#NaN} when the signal is unknown.
 * This record is immutable and thread-safe.
 *
 * @param level the pressure level after hysteresis
 * @param governing which signal has the highest known ratio ({@link Signal#NONE} if none is known)
 * @param governingRatio the governing signal's ratio, NaN when none is known
 * @param heapRatio old-generation occupancy after GC / the most the old generation can hold
 *     ({@link MemorySnapshot#heapLimit()})
 * @param rssRatio RSS / configured RSS limit
 * @param containerRatio container working set / container limit
 * @param sinceNanos monotonic time at which {@code level} was entered
 */
public record Pressure(
    PressureLevel level,
    Signal governing,
    double governingRatio,
    double heapRatio,
    double rssRatio,
    double containerRatio,
    long sinceNanos) {

  /** The state before any sample: {@code NORMAL}, nothing known. */
  public static Pressure initial(long nowNanos) {
    return new Pressure(PressureLevel.NORMAL, Signal.NONE, Double.NaN, Double.NaN, Double.NaN, Double.NaN, nowNanos);
  }

  /** The ratio of one signal, NaN when unknown. */
  public double ratio(Signal signal) {
    switch (signal) {
      case HEAP:
        return heapRatio;
      case RSS:
        return rssRatio;
      case CONTAINER:
        return containerRatio;
      default:
        return governingRatio;
    }
  }
}
