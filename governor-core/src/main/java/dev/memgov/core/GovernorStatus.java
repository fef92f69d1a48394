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
    long ticks) {

  public GovernorStatus {
    governables = List.copyOf(governables);
    recentCleanups = List.copyOf(recentCleanups);
  }

  /** The pressure level, shorthand for {@code pressure().level()}. */
  public PressureLevel level() {
    return pressure.level();
  }
}
