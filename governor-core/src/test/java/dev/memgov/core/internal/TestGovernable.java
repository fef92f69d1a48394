package dev.memgov.core.internal;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.Governable;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.ReclaimResult;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.RestoreResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A governable holding {@code footprint} bytes with a byte budget: a reclaim frees its target (or,
 * unsized, what the level allows: light ¼, standard ½, aggressive ¾, emergency all), never more than
 * the level allows; the budget follows the footprint. Records every call. Thread-safe.
 */
public class TestGovernable implements Governable {
  private final String name;
  private final RebuildCost cost;
  private final long configured;
  private volatile long footprint;
  private volatile long budget;
  private volatile RuntimeException failWith;
  private volatile Error errorWith;
  public final List<ReclaimRequest> requests = new CopyOnWriteArrayList<>();
  public final List<String> threads = new CopyOnWriteArrayList<>();
  public final List<PressureLevel[]> changes = new CopyOnWriteArrayList<>();
  public final AtomicInteger restores = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  public final AtomicInteger maxInFlight = new AtomicInteger();

  public TestGovernable(String name, RebuildCost cost, long footprint) {
    this.name = name;
    this.cost = cost;
    this.configured = footprint;
    this.footprint = footprint;
    this.budget = footprint;
  }

  public TestGovernable failWith(RuntimeException e) {
    this.failWith = e;
    return this;
  }

  public TestGovernable failWith(Error e) {
    this.errorWith = e;
    return this;
  }

  public void fill(long bytes) {
    this.footprint = bytes;
  }

  static double allowed(CleanupLevel level) {
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

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kind() {
    return "test";
  }

  @Override
  public long footprintBytes() {
    return footprint;
  }

  @Override
  public String budgetUnit() {
    return "bytes";
  }

  @Override
  public long configuredBudget() {
    return configured;
  }

  @Override
  public long currentBudget() {
    return budget;
  }

  @Override
  public RebuildCost rebuildCost() {
    return cost;
  }

  @Override
  public ReclaimResult reclaim(ReclaimRequest request) {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      requests.add(request);
      threads.add(Thread.currentThread().getName());
      if (failWith != null) {
        throw failWith;
      }
      if (errorWith != null) {
        throw errorWith;
      }
      long max = (long) (footprint * allowed(request.level()));
      long free = request.targetBytes() > 0 ? Math.min(request.targetBytes(), max) : max;
      footprint -= free;
      budget = Math.min(budget, Math.max(0, budget - free));
      return free > 0 ? ReclaimResult.done("freed " + free) : ReclaimResult.nothing("nothing to free");
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public RestoreResult restore(RestoreRequest request) {
    restores.incrementAndGet();
    long next = request.next(budget, configured);
    String action = "budget " + budget + " -> " + next;
    budget = next;
    return RestoreResult.step(action, next >= configured);
  }

  @Override
  public void pressureChanged(PressureLevel previous, PressureLevel current) {
    changes.add(new PressureLevel[] {previous, current});
  }
}
