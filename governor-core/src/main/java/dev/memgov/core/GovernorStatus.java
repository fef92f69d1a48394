package dev.memgov.core;

import java.util.List;

/**
 * A point-in-time view of the governor, read without locks. This record is immutable and
 * thread-safe.
 *
 * @param name the governor's name
 * @param running whether the governor thread runs
 * @param snapshot the latest sample (null before the first)
 * @param pressure the evaluated pressure
 * @param trend where the live set is heading
 * @param governables each governable's figures
 * @param recentCleanups the most recent cleanup reports, newest last
 * @param policy the policy in force
 * @param ticks how many ticks have run
 * @param containerRise the largest recent rise of the container figure (working set over limit),
 *     as a fraction of the limit: over the lowest reading of the 10 s before it, within the last
 *     2 minutes (growing back after a cleanup's dip is no rise); 0 when none, NaN when the
 *     figure is not known (see the spike headroom in docs/governor.md)
 * @param rssRise the same for the RSS figure (RSS over {@code rssLimit})
 */
public record GovernorStatus(
    String name,
    boolean running,
    MemorySnapshot snapshot,
    Pressure pressure,
    Trend trend,
    List<GovernableStatus> governables,
    List<CleanupReport> recentCleanups,
    GovernorPolicy policy,
    long ticks,
    double containerRise,
    double rssRise) {

  public GovernorStatus {
    governables = List.copyOf(governables);
    recentCleanups = List.copyOf(recentCleanups);
  }

  /** A status without rises known (both NaN). */
  public GovernorStatus(String name, boolean running, MemorySnapshot snapshot, Pressure pressure, Trend trend,
      List<GovernableStatus> governables, List<CleanupReport> recentCleanups, GovernorPolicy policy, long ticks) {
    this(name, running, snapshot, pressure, trend, governables, recentCleanups, policy, ticks, Double.NaN, Double.NaN);
  }

  /** The recent rise of a resident signal's figure; NaN for the heap and NONE. */
  public double rise(Signal signal) {
    return signal == Signal.CONTAINER ? containerRise : signal == Signal.RSS ? rssRise : Double.NaN;
  }

  /** The pressure level, shorthand for {@code pressure().level()}. */
  public PressureLevel level() {
    return pressure.level();
  }
}
