package dev.memgov.core.jvm;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.Trigger;
import java.lang.management.ManagementFactory;

/**
 * Child-JVM probe (ZGC): the JVM governable lowers {@code SoftMaxHeapSize} under pressure, then
 * the owner sets its own {@code SoftMaxHeapSize} (arg 0, bytes); prints what the restore steps and
 * {@code release()} do as name=value lines.
 */
public final class OwnerSoftMaxProbe {
  static volatile Object keep;

  public static void main(String[] args) {
    HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    keep = new byte[8 << 20];
    JvmGovernable jvm = new JvmGovernable(GovernorPolicy.defaults());
    System.out.println("action=" + jvm.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 0, Trigger.API)).action());
    System.out.println("reduced=" + jvm.currentBudget());
    hs.setVMOption("SoftMaxHeapSize", args[0]); // the owner, with jcmd or its own code
    System.out.println("restore=" + jvm.restore(new RestoreRequest(25)).action());
    System.out.println("softMaxAfterRestore=" + hs.getVMOption("SoftMaxHeapSize").getValue());
    System.out.println("pendingAfterRestore=" + jvm.restorePending());
    jvm.release();
    System.out.println("softMaxAfterRelease=" + hs.getVMOption("SoftMaxHeapSize").getValue());
  }
}
