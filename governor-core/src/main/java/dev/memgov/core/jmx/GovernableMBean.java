package dev.memgov.core.jmx;

import dev.memgov.core.Governable;

/** One governable's MXBean: live reads of its figures. Thread-safe. */
final class GovernableMBean implements GovernableMXBean {
  private final Governable g;

  GovernableMBean(Governable g) {
    this.g = g;
  }

  @Override
  public String getName() {
    return g.name();
  }

  @Override
  public String getKind() {
    return g.kind();
  }

  @Override
  public long getFootprintBytes() {
    return g.footprintBytes();
  }

  @Override
  public boolean isFootprintEstimate() {
    return g.footprintIsEstimate();
  }

  @Override
  public String getBudgetUnit() {
    return g.budgetUnit();
  }

  @Override
  public long getConfiguredBudget() {
    return g.configuredBudget();
  }

  @Override
  public long getCurrentBudget() {
    return g.currentBudget();
  }

  @Override
  public String getRebuildCost() {
    return g.rebuildCost().name();
  }

  @Override
  public String getState() {
    return g.state();
  }
}
