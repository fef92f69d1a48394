package dev.memgov.core.jvm;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.Signal;
import dev.memgov.core.Trigger;
import java.lang.management.ManagementFactory;

/**
 * Child-JVM probe: one JVM governable runs an idle give-back (which puts the heap free ratios back
 * through the management interface) and is released, as when its governor closes; then a second
 * one, of the next governor in the same JVM, meets container pressure. Prints name=value lines.
 */
public final class NextGovernorRatioProbe {
  public static void main(String[] args) {
    HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    JvmGovernable first = new JvmGovernable(GovernorPolicy.defaults());
    System.out.println("idle=" + first.idleGiveBack());
    first.release();
    JvmGovernable next = new JvmGovernable(GovernorPolicy.defaults());
    System.out.println("action=" + next.reclaim(new ReclaimRequest(CleanupLevel.STANDARD, 0, Trigger.API, Signal.CONTAINER)).action());
    System.out.println("maxFreeUnderPressure=" + hs.getVMOption("MaxHeapFreeRatio").getValue());
    System.out.println("idleUnderPressure=" + next.idleGiveBack());
    next.release();
    System.out.println("maxFreeAfterRelease=" + hs.getVMOption("MaxHeapFreeRatio").getValue());
    System.out.println("minFreeAfterRelease=" + hs.getVMOption("MinHeapFreeRatio").getValue());
  }
}
