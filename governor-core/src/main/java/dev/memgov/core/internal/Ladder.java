package dev.memgov.core.internal;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.CleanupReport.GovernableOutcome;
import dev.memgov.core.Governable;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.ReclaimResult;
import dev.memgov.core.Signal;
import dev.memgov.core.Trigger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads a byte target over governables and runs one cleanup. Holds only the owner's name and
 * clock; called from the governor thread only.
 *
 * <p>Governables are asked cheapest {@link dev.memgov.core.RebuildCost} first, then largest
 * footprint first. With a target ({@code gap > 0}) each gets {@code min(remaining, footprint ×
 * share(level))} where the share is how far the level lets one go (standard ½, aggressive ¾,
 * emergency all, light ¼); once the gap is covered the rest are skipped, except at emergency,
 * where everyone is asked. A governable whose footprint is 0 or unknown is asked for what remains
 * without counting against it (the JVM's GC frees bytes it cannot estimate). Without a target every
 * governable is asked with 0: go as far as the level allows.
 *
 * <p>Under RSS or container pressure the JVM ({@code kind} {@code jvm}) is always asked, last:
 * bytes the others free on the heap leave the process only when the JVM returns committed heap, so
 * "the gap is covered" in heap bytes does not cover it in resident bytes.
 */
final class Ladder {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryGovernor.class);
  static final String COVERED = "skipped: gap already covered by cheaper governables";

  private final String owner;
  private final dev.memgov.core.GovernorClock clock;

  Ladder(String owner, dev.memgov.core.GovernorClock clock) {
    this.owner = owner;
    this.clock = clock;
  }

  /** How far one governable may go at this level, as a share of its footprint. */
  static double share(CleanupLevel level) {
    switch (level) {
      case LIGHT:
        return 0.25;
      case STANDARD:
        return 0.5;
      case AGGRESSIVE:
        return 0.75;
      default:
        return 1.0;
    }
  }

  /** One governable's part in a cleanup; {@code skip} non-null when it is not asked. */
  record Step(Governable governable, long footprint, long targetBytes, String skip) {}

  static List<Step> plan(List<Governable> governables, CleanupLevel level, long gap, Signal governing) {
    boolean resident = governing == Signal.RSS || governing == Signal.CONTAINER;
    List<Step> sized = new ArrayList<>(governables.size());
    for (Governable g : governables) {
      sized.add(new Step(g, footprint(g), 0, null));
    }
    sized.sort(Comparator.<Step, Integer>comparing(s -> cost(s.governable).ordinal())
        .thenComparing(Step::footprint, Comparator.reverseOrder()));
    if (gap <= 0) {
      return sized;
    }
    List<Step> steps = new ArrayList<>(sized.size());
    long remaining = gap;
    for (Step s : sized) {
      if (remaining <= 0) {
        boolean returnsResident = resident && "jvm".equals(kind(s.governable));
        steps.add(level == CleanupLevel.EMERGENCY || returnsResident ? s : new Step(s.governable, s.footprint, 0, COVERED));
        continue;
      }
      if (s.footprint <= 0) {
        steps.add(new Step(s.governable, s.footprint, remaining, null));
        continue;
      }
      long share = Math.min(remaining, Math.max(1, (long) (s.footprint * share(level))));
      remaining -= share;
      steps.add(new Step(s.governable, s.footprint, share, null));
    }
    return steps;
  }

  List<GovernableOutcome> run(List<Step> steps, CleanupLevel level, Trigger trigger, Signal governing) {
    List<GovernableOutcome> outcomes = new ArrayList<>(steps.size());
    for (Step s : steps) {
      Governable g = s.governable;
      long budgetBefore = budget(g);
      if (s.skip != null) {
        outcomes.add(new GovernableOutcome(g.name(), g.kind(), 0, s.footprint, s.footprint,
            budgetBefore, budgetBefore, s.skip, 0, null));
        continue;
      }
      long t0 = clock.nanoTime();
      String action;
      String error = null;
      try {
        ReclaimResult r = g.reclaim(new ReclaimRequest(level, s.targetBytes, trigger, governing));
        action = r == null ? "returned no result" : r.action();
      } catch (Throwable t) { // isolate the governable; the others still run
        Failures.rethrowIfFatal(t);
        error = Failures.describe(t);
        action = "failed";
        LOG.error("memgov '{}': governable '{}' threw during the {} cleanup; the others still run",
            owner, g.name(), level.wireName(), t);
      }
      long took = clock.nanoTime() - t0;
      outcomes.add(new GovernableOutcome(g.name(), g.kind(), s.targetBytes, s.footprint, footprint(g),
          budgetBefore, budget(g), action, took, error));
    }
    return outcomes;
  }

  private static String kind(Governable g) {
    try {
      return g.kind();
    } catch (RuntimeException e) {
      return "";
    }
  }

  static long footprint(Governable g) {
    try {
      return g.footprintBytes();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  static long budget(Governable g) {
    try {
      return g.currentBudget();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static dev.memgov.core.RebuildCost cost(Governable g) {
    try {
      dev.memgov.core.RebuildCost c = g.rebuildCost();
      return c == null ? dev.memgov.core.RebuildCost.MODERATE : c;
    } catch (RuntimeException e) {
      return dev.memgov.core.RebuildCost.MODERATE;
    }
  }
}
