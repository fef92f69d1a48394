package dev.memgov.core.jmx;

/**
 * One governable over JMX, registered as {@code dev.memgov:type=Governable,governor=<governor>,name=<name>}.
 * Budgets are in {@link #getBudgetUnit()}. Implementations are thread-safe.
 */
public interface GovernableMXBean {
  String getName();

  String getKind();

  long getFootprintBytes();

  boolean isFootprintEstimate();

  /** bytes, connections, threads, ... */
  String getBudgetUnit();

  long getConfiguredBudget();

  long getCurrentBudget();

  String getRebuildCost();

  String getState();
}
