package dev.memgov.core.jvm;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.CleanupReport;
import dev.memgov.core.GovernorEvent;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.Signal;
import dev.memgov.core.Trigger;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Child-JVM probe: allocates ~200 MiB of garbage around a 20 MiB live set (the heap grows), stops,
 * and prints the committed heap ({@code MemoryMXBean}) as name=value lines. Arguments: {@code
 * direct} (calls {@link JvmGovernable#idleGiveBack()} once), {@code governed SECONDS} (a governor
 * with {@code idleAfter} 2 s runs; waits up to SECONDS for the idle give-back) or {@code
 * ungoverned SECONDS} (only waits).
 */
public final class IdleGiveBackProbe {
  static volatile byte[][] live;
  static volatile Object keep;

  public static void main(String[] args) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    live = new byte[320][];
    long sink = 0;
    for (int i = 0; i < 3200; i++) {
      byte[] b = new byte[64 * 1024]; // 200 MiB of churn: young GCs promote the live set, the heap grows
      sink += b.length;
      if (i % 10 == 0) {
        live[i / 10 % live.length] = new byte[256 * 1024]; // up to 80 MiB live, never humongous
      }
    }
    keep = java.util.Arrays.copyOf(live, live.length / 4); // keep 20 MiB of it
    live = null;
    System.out.println("churned=" + sink);
    long before = memory.getHeapMemoryUsage().getCommitted();
    System.out.println("committedBefore=" + before);
    System.out.println("maxFreeBefore=" + hs.getVMOption("MaxHeapFreeRatio").getValue());
    System.out.println("minFreeBefore=" + hs.getVMOption("MinHeapFreeRatio").getValue());
    String mode = args[0];
    if (mode.equals("direct")) {
      JvmGovernable jvm = new JvmGovernable(GovernorPolicy.defaults());
      System.out.println("collector=" + jvm.collector());
      System.out.println("action=" + jvm.idleGiveBack());
      System.out.println("committedAfterGiveBack=" + memory.getHeapMemoryUsage().getCommitted());
      // a pressure episode after it still finds the ratios the JVM's own, tightens, and the give-back
      // during it puts back exactly the tightened values
      jvm.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.TIMER, Signal.CONTAINER));
      System.out.println("maxFreeUnderPressure=" + hs.getVMOption("MaxHeapFreeRatio").getValue());
      System.out.println("underPressure=" + jvm.idleGiveBack());
      System.out.println("maxFreeAfterGiveBackUnderPressure=" + hs.getVMOption("MaxHeapFreeRatio").getValue());
      System.out.println("restore=" + jvm.restore(new RestoreRequest(25)).action());
    } else {
      long seconds = Long.parseLong(args[1]);
      MemoryGovernor governor = null;
      CompletableFuture<CleanupReport> idle = new CompletableFuture<>();
      if (mode.equals("governed")) {
        governor = MemoryGovernor.builder().name("probe").jmxEnabled(false)
            .policy(GovernorPolicy.builder().idleAfter(Duration.ofSeconds(2)).tickInterval(Duration.ofMillis(250))
                .idleUncommitInterval(Duration.ZERO).build())
            .build();
        governor.subscribe(GovernorEvent.CleanupCompleted.class, e -> {
          if (e.report().trigger() == Trigger.IDLE) {
            idle.complete(e.report());
          }
        });
        governor.start();
      }
      long t0 = System.nanoTime();
      try {
        CleanupReport r = idle.get(seconds, TimeUnit.SECONDS);
        System.out.println("idleAfterMillis=" + (System.nanoTime() - t0) / 1_000_000);
        System.out.println("action=" + r.outcomes().get(0).action());
      } catch (java.util.concurrent.TimeoutException e) {
        System.out.println("idleAfterMillis=-1");
      }
      if (governor != null) {
        Thread.sleep(1000); // a few more ticks: no second give-back
        System.out.println("idleCleanups=" + governor.status().recentCleanups().stream()
            .filter(c -> c.trigger() == Trigger.IDLE).count());
        governor.close();
      }
    }
    System.out.println("committedAfter=" + memory.getHeapMemoryUsage().getCommitted());
    System.out.println("maxFreeAfter=" + hs.getVMOption("MaxHeapFreeRatio").getValue());
    System.out.println("minFreeAfter=" + hs.getVMOption("MinHeapFreeRatio").getValue());
  }
}
