package dev.memgov.http;

import dev.memgov.core.Governable;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.ReclaimResult;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.RestoreResult;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A governable buffer of bytes: each cleanup level cuts its budget (light -10 %, standard /2,
 * aggressive /4, emergency to 0) and its footprint follows. Counts reclaim calls and the most
 * calls ever in flight at once (each holds ~2 ms so overlaps would show). Thread-safe.
 */
class TestGovernable implements Governable {
  static final long CONFIGURED = 8L << 20;

  private final String name;
  private final AtomicLong footprint = new AtomicLong(CONFIGURED);
  private final AtomicLong budget = new AtomicLong(CONFIGURED);
  private final AtomicInteger reclaims = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  TestGovernable(String name) {
    this.name = name;
  }

  int reclaims() {
    return reclaims.get();
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kind() {
    return "buffer";
  }

  @Override
  public long footprintBytes() {
    return footprint.get();
  }

  @Override
  public boolean footprintIsEstimate() {
    return false;
  }

  @Override
  public String budgetUnit() {
    return "bytes";
  }

  @Override
  public long configuredBudget() {
    return CONFIGURED;
  }

  @Override
  public long currentBudget() {
    return budget.get();
  }

  @Override
  public ReclaimResult reclaim(ReclaimRequest request) {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      reclaims.incrementAndGet();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
      long before = budget.get();
      long after;
      switch (request.level()) {
        case LIGHT:
          after = before - before / 10;
          break;
        case STANDARD:
          after = before / 2;
          break;
        case AGGRESSIVE:
          after = before / 4;
          break;
        default:
          after = 0;
      }
      budget.set(after);
      footprint.set(Math.min(footprint.get(), after));
      return ReclaimResult.done("budget " + before + " -> " + after);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public RestoreResult restore(RestoreRequest request) {
    long next = request.next(budget.get(), CONFIGURED);
    budget.set(next);
    return RestoreResult.step("budget -> " + next, next >= CONFIGURED);
  }
}
