package dev.memgov.core;

/**
 * Anything that can give memory back: a cache, a connection pool, a thread pool, the JVM itself.
 *
 * <p>The governor calls {@link #reclaim} and {@link #restore} only from its own thread, one call
 * at a time; {@link #footprintBytes()} and the budget getters may be read from any thread (status
 * views, metrics) and must be cheap and non-blocking. An implementation must be thread-safe.
 *
 * <p>Budgets are in the governable's own unit ({@link #budgetUnit()}): bytes for a cache,
 * connections for a pool, threads for a thread pool. {@link #restore} never raises the current
 * budget above {@link #configuredBudget()}.
 */
public interface Governable {

  /** A unique, stable name, e.g. {@code "sessions"} or {@code "hikari:main"}. */
  String name();

  /** The kind, lower case: {@code cache}, {@code pool}, {@code threads}, {@code jvm}, ... */
  String kind();

  /** Bytes this governable holds now; an estimate unless {@link #footprintIsEstimate()} is false. */
  long footprintBytes();

  /** {@code true} (the default) when {@link #footprintBytes()} is an estimate. */
  default boolean footprintIsEstimate() {
    return true;
  }

  /** The unit of the budgets: {@code bytes}, {@code connections}, {@code threads}, ... */
  String budgetUnit();

  /**
   * The budget the user configured; restores never go above it. It may change at runtime when the
   * owner resizes what is governed (an adopted pool or executor whose size is set by hand).
   */
  long configuredBudget();

  /** The budget in force now. */
  long currentBudget();

  /** How costly what this governable gives back is to rebuild; cheaper ones are asked first. */
  default RebuildCost rebuildCost() {
    return RebuildCost.MODERATE;
  }

  /**
   * Gives memory back: as far as {@code request.level()} allows, aiming at {@code
   * request.targetBytes()} (the share of the gap assigned to this governable). Must not throw for
   * ordinary failures; a throw is isolated and reported by the governor.
   *
   * @return what was done, in words for the cleanup report
   */
  ReclaimResult reclaim(ReclaimRequest request);

  /**
   * Grows the budget back by one step of {@code request.stepPercent()} of the configured budget,
   * never above the configured budget.
   *
   * @return what was done; {@link RestoreResult#atConfigured()} when nothing is left to restore
   */
  RestoreResult restore(RestoreRequest request);

  /**
   * Whether a restore step has anything to do. By default: the current budget is below the
   * configured one. A governable that changed something outside its budget under pressure (the
   * JVM's heap free ratios) says so here, so the governor calls {@link #restore} when calm.
   */
  default boolean restorePending() {
    return currentBudget() < configuredBudget();
  }

  /**
   * Told on every pressure level change (from the governor's thread), e.g. so a cache can stop
   * admission at {@code EMERGENCY} and resume below {@code CRITICAL}. The default does nothing.
   */
  default void pressureChanged(PressureLevel previous, PressureLevel current) {}

  /** A short free-form state for status views, e.g. {@code "admission stopped"}; default "ok". */
  default String state() {
    return "ok";
  }
}
