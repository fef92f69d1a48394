package dev.memgov.core.jmx;

/**
 * The governor over JMX, registered as {@code dev.memgov:type=MemoryGovernor,name=<name>}.
 * Attributes are point-in-time reads with the unit in the name; percentages are of the signal's
 * limit, {@code NaN} when unknown; byte figures are -1 when unknown. A notification of type
 * {@value GovernorJmx#LEVEL_CHANGED} is sent on every level change.
 *
 * <p>Implementations are thread-safe.
 */
public interface MemoryGovernorMXBean {

  /** NORMAL, WARNING, CRITICAL or EMERGENCY. */
  String getLevel();

  /** heap, rss, container or none. */
  String getGoverningSignal();

  double getGoverningPercent();

  double getHeapAfterGcPercent();

  double getRssPercent();

  double getContainerPercent();

  long getHeapUsedBytes();

  long getHeapMaxBytes();

  /**
   * The most the old generation can hold, -1 when unknown: what {@code HeapAfterGcPercent} is a
   * percent of ({@code HeapMaxBytes} when unknown).
   */
  long getOldGenMaxBytes();

  long getOldGenAfterGcBytes();

  long getRssBytes();

  long getContainerLimitBytes();

  long getContainerWorkingSetBytes();

  double getGcOverheadPercent();

  /** Slope of the live set, NaN while too few GCs. */
  double getTrendBytesPerMinute();

  /** Seconds until the governing limit at this slope, -1 when not rising or unknown. */
  long getTrendSecondsToLimit();

  boolean isLeakSuspected();

  boolean isRunning();

  long getTicks();

  int getGovernableCount();

  /** The most recent cleanup report as text, empty when none ran. */
  String getLastCleanup();

  /**
   * Runs a cleanup now and returns its report as text.
   *
   * @param level light, standard, aggressive or emergency
   * @param force run even inside the level's cooldown
   */
  String optimize(String level, boolean force);

  /** As {@link #optimize} but returns the report as composite data. */
  CleanupReportView optimizeReport(String level, boolean force);

  /**
   * Clears caches and returns what was cleared, as text.
   *
   * @param target all, l1, l2 or a cache's name
   */
  String clearCache(String target);
}
