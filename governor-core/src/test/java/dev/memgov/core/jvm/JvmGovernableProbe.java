package dev.memgov.core.jvm;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.Trigger;
import java.lang.management.ManagementFactory;

/** Child-JVM probe: what the JVM governable does under this JVM's collector, as name=value lines. */
public final class JvmGovernableProbe {
  static volatile Object keep;

  public static void main(String[] args) {
    HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    keep = new byte[8 << 20];
    JvmGovernable jvm = new JvmGovernable(GovernorPolicy.defaults());
    System.out.println("collector=" + jvm.collector());
    System.out.println("idle=" + jvm.applyIdleUncommit());
    System.out.println("configured=" + jvm.configuredBudget());
    System.out.println("action=" + jvm.reclaim(new ReclaimRequest(CleanupLevel.AGGRESSIVE, 0, Trigger.API)).action());
    System.out.println("reduced=" + jvm.currentBudget());
    System.out.println("softMaxAfterReclaim=" + hs.getVMOption("SoftMaxHeapSize").getValue());
    int steps = 0;
    while (!jvm.restore(new RestoreRequest(25)).atConfigured() && steps < 100) {
      steps++;
    }
    System.out.println("restoreSteps=" + steps);
    System.out.println("restored=" + jvm.currentBudget());
    System.out.println("softMaxAfterRestore=" + hs.getVMOption("SoftMaxHeapSize").getValue());
  }
}
