package dev.memgov.core.jvm;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.Signal;
import dev.memgov.core.Trigger;

/**
 * Child-JVM probe: grows the heap with a large live set, drops it, then asks the JVM governable to
 * give memory back, and prints the committed heap before and after as name=value lines.
 * Arguments: the cleanup level and the governing signal.
 */
public final class HeapReturnProbe {
  static volatile byte[][] live;
  static volatile Object keep;

  public static void main(String[] args) {
    CleanupLevel level = CleanupLevel.parse(args[0]);
    Signal governing = Signal.valueOf(args[1]);
    live = new byte[320][];
    long sink = 0;
    for (int i = 0; i < 4000; i++) {
      byte[] b = new byte[64 * 1024]; // churn: young GCs promote the live set and the heap grows
      sink += b.length;
      if (i % 10 == 0) {
        live[i / 10 % live.length] = new byte[256 * 1024]; // up to 80 MiB live, never humongous
      }
    }
    // keep a quarter of it: a live set the JVM by default would keep 3.3x committed around
    byte[][] kept = java.util.Arrays.copyOf(live, live.length / 4);
    live = null;
    System.out.println("churned=" + sink + " kept=" + kept.length);
    JvmGovernable jvm = new JvmGovernable(GovernorPolicy.defaults());
    System.out.println("collector=" + jvm.collector());
    keep = kept;
    System.out.println("committedBefore=" + Runtime.getRuntime().totalMemory());
    System.out.println("action=" + jvm.reclaim(new ReclaimRequest(level, 0, Trigger.API, governing)).action());
    System.out.println("committedAfter=" + Runtime.getRuntime().totalMemory());
    var hs = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
    System.out.println("maxFreeUnderPressure=" + hs.getVMOption("MaxHeapFreeRatio").getValue());
    System.out.println("pendingUnderPressure=" + jvm.restorePending());
    System.out.println("restore=" + jvm.restore(new dev.memgov.core.RestoreRequest(25)).action());
    System.out.println("pendingAfterRestore=" + jvm.restorePending());
    System.out.println("maxFreeAfterRestore=" + hs.getVMOption("MaxHeapFreeRatio").getValue());
    System.out.println("minFreeAfterRestore=" + hs.getVMOption("MinHeapFreeRatio").getValue());
    // pressure again, then the governor closes: release() puts the ratios back and later reclaims leave them
    jvm.reclaim(new ReclaimRequest(level, 0, Trigger.API, governing));
    System.out.println("maxFreeUnderPressureAgain=" + hs.getVMOption("MaxHeapFreeRatio").getValue());
    jvm.release();
    System.out.println("maxFreeAfterRelease=" + hs.getVMOption("MaxHeapFreeRatio").getValue());
    System.out.println("afterRelease=" + jvm.reclaim(new ReclaimRequest(level, 0, Trigger.API, governing)).action());
    System.out.println("maxFreeAfterReleaseAndReclaim=" + hs.getVMOption("MaxHeapFreeRatio").getValue());
  }
}
