package dev.memgov.core.jvm;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.Signal;
import dev.memgov.core.Trigger;
import java.lang.management.ManagementFactory;

/**
 * Child-JVM probe: the JVM governable lowers the heap free ratios under container pressure, then
 * the owner lowers {@code MaxHeapFreeRatio} below the JVM's own {@code MinHeapFreeRatio} (40) while
 * they are lowered; prints what the restore steps and {@code release()} do as name=value lines.
 */
public final class OwnerRatioProbe {
  public static void main(String[] args) {
    HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    JvmGovernable jvm = new JvmGovernable(GovernorPolicy.defaults());
    System.out.println("action=" + jvm.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.API, Signal.CONTAINER)).action());
    hs.setVMOption("MaxHeapFreeRatio", "20"); // the owner, with jcmd or its own code
    System.out.println("restore=" + jvm.restore(new RestoreRequest(25)).action());
    System.out.println("pendingAfterRestore=" + jvm.restorePending());
    int steps = 1;
    while (jvm.restorePending() && steps < 20) {
      jvm.restore(new RestoreRequest(25));
      steps++;
    }
    System.out.println("restoreSteps=" + steps);
    jvm.release();
    System.out.println("maxFreeAfterRelease=" + hs.getVMOption("MaxHeapFreeRatio").getValue());
    System.out.println("minFreeAfterRelease=" + hs.getVMOption("MinHeapFreeRatio").getValue());
  }
}
