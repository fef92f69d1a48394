package dev.memgov.core;

/**
 * A point-in-time view of one governable. This record is immutable and thread-safe.
 *
 * @param name name
 * @param kind kind
 * @param footprintBytes footprint now
 * @param footprintIsEstimate whether the footprint is an estimate
 * @param budgetUnit unit of the budgets
 * @param configuredBudget the configured budget
 * @param currentBudget the budget in force
 * @param rebuildCost how costly its memory is to rebuild
 * @param state free-form state, e.g. {@code "ok"} or {@code "admission stopped"}
 */
public record GovernableStatus(
    String name,
    String kind,
    long footprintBytes,
    boolean footprintIsEstimate,
    String budgetUnit,
    long configuredBudget,
    long currentBudget,
    RebuildCost rebuildCost,
    String state) {

  /** Reads a governable's figures now. */
  public static GovernableStatus of(Governable g) {
    return new GovernableStatus(
        g.name(), g.kind(), g.footprintBytes(), g.footprintIsEstimate(), g.budgetUnit(),
        g.configuredBudget(), g.currentBudget(), g.rebuildCost(), g.state());
  }
}
