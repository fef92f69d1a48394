package dev.memgov.core.functional;

import dev.memgov.core.CleanupReport;
import dev.memgov.core.Governable;
import dev.memgov.core.GovernorEvent;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.ReclaimResult;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.RestoreResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A child JVM: an app whose cache wants more than the heap ({@code budget} MiB of 768 KiB chunks,
 * G1 humongous objects, so they land in the old generation at once) fills it steadily while making
 * young garbage. With {@code governed} the real governor (real sensor, real GC notifications) runs;
 * without, nothing stops the fill. Prints {@code name=value} lines for the test.
 */
public final class HeapHungryApp {
  static final int CHUNK = 768 * 1024;

  /** The heap-hungry cache: holds chunks up to its budget; reclaim drops chunks. Thread-safe. */
  static final class Hungry implements Governable {
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final long configured;
    private long budget;

    Hungry(long configured) {
      this.configured = configured;
      this.budget = configured;
    }

    synchronized void dropAll() {
      chunks.clear();
    }

    synchronized boolean grow() {
      if ((long) (chunks.size() + 1) * CHUNK > budget) {
        return false;
      }
      chunks.add(new byte[CHUNK]);
      return true;
    }

    @Override
    public String name() {
      return "hungry";
    }

    @Override
    public String kind() {
      return "cache";
    }

    @Override
    public synchronized long footprintBytes() {
      return (long) chunks.size() * CHUNK;
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
    public synchronized long currentBudget() {
      return budget;
    }

    @Override
    public RebuildCost rebuildCost() {
      return RebuildCost.MODERATE;
    }

    @Override
    public synchronized ReclaimResult reclaim(ReclaimRequest r) {
      double share;
      switch (r.level()) {
        case LIGHT:
          return ReclaimResult.nothing("nothing expired");
        case STANDARD:
          share = 0.5;
          break;
        case AGGRESSIVE:
          share = 0.75;
          break;
        default:
          share = 1.0;
      }
      int most = (int) (chunks.size() * share);
      int drop = r.targetBytes() > 0 ? (int) Math.min(most, (r.targetBytes() + CHUNK - 1) / CHUNK) : most;
      for (int i = 0; i < drop; i++) {
        chunks.poll();
      }
      budget = Math.min(budget, (long) chunks.size() * CHUNK);
      return ReclaimResult.done("dropped " + drop + " chunks, budget " + budget);
    }

    @Override
    public synchronized RestoreResult restore(RestoreRequest r) {
      budget = r.next(budget, configured);
      return RestoreResult.step("budget " + budget, budget >= configured);
    }
  }

  public static void main(String[] args) throws Exception {
    boolean governed = args[0].equals("governed");
    long budget = Long.parseLong(args[1]) << 20;
    long runMillis = Long.parseLong(args[2]);
    Hungry hungry = new Hungry(budget);
    AtomicReference<PressureLevel> maxLevel = new AtomicReference<>(PressureLevel.NORMAL);
    AtomicInteger auto = new AtomicInteger();
    AtomicInteger manual = new AtomicInteger();
    AtomicReference<String> firstCritical = new AtomicReference<>("none");
    MemoryGovernor governor = null;
    if (governed) {
      governor = MemoryGovernor.builder().name("hungry").jmxEnabled(false)
          .policy(GovernorPolicy.builder().tickInterval(Duration.ofSeconds(5)).build())
          .governable(hungry).build();
      governor.subscribe(GovernorEvent.LevelChanged.class, e -> {
        maxLevel.accumulateAndGet(e.to(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        System.out.println("level " + e.from() + " -> " + e.to() + " at " + e.pressure().governing().wireName()
            + " " + Math.round(e.pressure().governingRatio() * 1000) / 10.0 + " %");
      });
      governor.subscribe(GovernorEvent.CleanupCompleted.class, e -> {
        CleanupReport r = e.report();
        boolean automatic = r.trigger() == dev.memgov.core.Trigger.GC || r.trigger() == dev.memgov.core.Trigger.TIMER;
        (automatic ? auto : manual).incrementAndGet();
        if (r.level().compareTo(dev.memgov.core.CleanupLevel.STANDARD) >= 0 && firstCritical.get().equals("none")) {
          firstCritical.set(r.level().wireName() + "/" + r.trigger().name().toLowerCase() + "/" + r.reclaimedBytes());
        }
        System.out.println("cleanup " + r.level().wireName() + " (" + r.trigger() + ") target " + r.targetBytes()
            + " reclaimed " + r.reclaimedBytes());
      });
      governor.start();
    }
    boolean oom = false;
    byte[] young = null;
    long end = System.currentTimeMillis() + runMillis;
    try {
      while (System.currentTimeMillis() < end) {
        hungry.grow();
        for (int i = 0; i < 16; i++) {
          young = new byte[16 * 1024];
        }
        Thread.sleep(15);
      }
    } catch (OutOfMemoryError e) {
      oom = true;
      hungry.dropAll(); // room to print the result
    }
    System.out.println("young=" + (young == null ? 0 : young.length));
    System.out.println("oom=" + oom);
    System.out.println("maxLevel=" + maxLevel.get());
    System.out.println("autoCleanups=" + auto.get());
    System.out.println("manualCleanups=" + manual.get());
    System.out.println("firstStandardOrAbove=" + firstCritical.get());
    System.out.println("footprint=" + hungry.footprintBytes());
    System.out.println("budget=" + hungry.currentBudget());
    if (governor != null) {
      System.out.println("finalLevel=" + governor.status().level());
      System.out.println("finalHeapRatio=" + governor.status().pressure().heapRatio());
      governor.close();
    }
  }
}
