package dev.memgov.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract every {@link Governable} keeps. A module's test for its governable extends this
 * class (it ships in governor-core's test-jar) and supplies a governable loaded with data.
 *
 * <p>Subclasses create a fresh governable per test; the contract closes nothing, so subclasses
 * release resources in their own {@code @AfterEach}.
 */
public abstract class GovernableContractTest {

  /** A fresh governable, at its configured budget. */
  protected abstract Governable create() throws Exception;

  /** Puts data in it, so a reclaim has something to give back. */
  protected abstract void fill(Governable governable) throws Exception;

  /**
   * Whether a reclaim at {@code level} of a filled governable must lower its footprint or its
   * budget: by default at standard and above, which every cleanup ladder step there asks for. A
   * governable whose effect is outside its own figures (the JVM's GC and trim) overrides this.
   */
  protected boolean givesBackAt(CleanupLevel level) {
    return level.compareTo(CleanupLevel.STANDARD) >= 0;
  }

  @Test
  void identityIsStable() throws Exception {
    Governable g = create();
    assertThat(g.name()).isNotBlank();
    assertThat(g.kind()).isNotBlank().isEqualTo(g.kind().toLowerCase(java.util.Locale.ROOT));
    assertThat(g.budgetUnit()).isNotBlank();
    assertThat(g.configuredBudget()).isPositive();
    assertThat(g.currentBudget()).isEqualTo(g.configuredBudget());
    assertThat(g.footprintBytes()).isGreaterThanOrEqualTo(0);
    assertThat(g.rebuildCost()).isNotNull();
    assertThat(g.state()).isNotNull();
  }

  @ParameterizedTest
  @EnumSource(CleanupLevel.class)
  void reclaimNeverGrowsTheFootprintOrTheBudget(CleanupLevel level) throws Exception {
    Governable g = create();
    fill(g);
    long before = g.footprintBytes();
    long budgetBefore = g.currentBudget();
    ReclaimResult result = g.reclaim(new ReclaimRequest(level, Math.max(1, before / 2), Trigger.API));
    assertThat(result).isNotNull();
    assertThat(result.action()).isNotBlank();
    assertThat(g.footprintBytes()).isLessThanOrEqualTo(before);
    assertThat(g.currentBudget()).isLessThanOrEqualTo(budgetBefore);
  }

  @ParameterizedTest
  @EnumSource(value = CleanupLevel.class, names = {"STANDARD", "AGGRESSIVE", "EMERGENCY"})
  void reclaimAtStandardOrAboveGivesSomethingBack(CleanupLevel level) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(givesBackAt(level), "this governable's reclaim acts outside its figures");
    Governable g = create();
    fill(g);
    long before = g.footprintBytes();
    long budgetBefore = g.currentBudget();
    ReclaimResult result = g.reclaim(new ReclaimRequest(level, Math.max(1, before / 2), Trigger.API));
    assertThat(g.footprintBytes() < before || g.currentBudget() < budgetBefore)
        .as("%s lowers the footprint (%d) or the budget (%d): %s", level, before, budgetBefore, result.action())
        .isTrue();
  }

  @ParameterizedTest
  @EnumSource(CleanupLevel.class)
  void reclaimTwiceAtTheSameLevelIsSafe(CleanupLevel level) throws Exception {
    Governable g = create();
    fill(g);
    g.reclaim(new ReclaimRequest(level, 0, Trigger.API));
    long afterFirst = g.footprintBytes();
    ReclaimResult second = g.reclaim(new ReclaimRequest(level, 0, Trigger.API));
    assertThat(second).isNotNull();
    assertThat(g.footprintBytes()).isLessThanOrEqualTo(afterFirst);
    assertThat(g.currentBudget()).isGreaterThanOrEqualTo(0);
  }

  @ParameterizedTest
  @EnumSource(value = CleanupLevel.class, names = {"STANDARD", "AGGRESSIVE", "EMERGENCY"})
  void restoreGrowsBackInStepsNeverAboveTheConfiguredBudget(CleanupLevel level) throws Exception {
    Governable g = create();
    fill(g);
    g.reclaim(new ReclaimRequest(level, Math.max(1, g.footprintBytes()), Trigger.API));
    if (givesBackAt(level)) {
      assertThat(g.currentBudget()).as("the reclaim lowered the budget, so there is something to restore")
          .isLessThan(g.configuredBudget());
    }
    g.pressureChanged(PressureLevel.EMERGENCY, PressureLevel.NORMAL);
    long previous = g.currentBudget();
    boolean reached = false;
    for (int i = 0; i < 100 && !reached; i++) {
      RestoreResult r = g.restore(new RestoreRequest(25));
      assertThat(r).isNotNull();
      assertThat(g.currentBudget()).isLessThanOrEqualTo(g.configuredBudget()).isGreaterThanOrEqualTo(previous);
      previous = g.currentBudget();
      reached = r.atConfigured();
    }
    assertThat(reached).as("restore reaches the configured budget within 100 steps").isTrue();
    assertThat(g.currentBudget()).isEqualTo(g.configuredBudget());
    RestoreResult again = g.restore(new RestoreRequest(25));
    assertThat(again.atConfigured()).isTrue();
    assertThat(g.currentBudget()).isEqualTo(g.configuredBudget());
  }
}
