package dev.memgov.core.jvm;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.Governable;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.ReclaimRequest;
import dev.memgov.core.ReclaimResult;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.RestoreResult;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The JVM itself as a governable. At {@code aggressive} and {@code emergency} it requests a GC
 * ({@code System.gc()}, unless the policy's {@code systemGc} is off or the JVM runs with {@code
 * -XX:+DisableExplicitGC}) and trims the native heap through the {@code DiagnosticCommand} MBean's
 * {@code systemTrimNativeHeap} where the JVM has it (unless {@code nativeTrim} is off), reporting
 * RSS before and after. Under ZGC or Shenandoah it also lowers the manageable {@code
 * SoftMaxHeapSize} (its budget, in bytes) and restores it in steps when calm. Each action that
 * cannot run here is skipped with the reason in the report.
 *
 * <p>{@link #applyIdleUncommit()} (called when the governor starts) sets the manageable {@code
 * G1PeriodicGCInterval} to the policy's {@code idleUncommitInterval}, so an idle G1 JVM returns
 * committed heap to the OS; {@link #revertIdleUncommit()} (on close) puts the old value back.
 *
 * <p>Its footprint is 0: what a GC or trim frees is not known beforehand (the JVM's figures are in
 * the snapshot). This class is thread-safe.
 */
public final class JvmGovernable implements Governable {
  /** The name it registers under. */
  public static final String NAME = "jvm";

  static final String PERIODIC = "G1PeriodicGCInterval";
  static final String SOFT_MAX = "SoftMaxHeapSize";
  private static final String DCMD = "com.sun.management:type=DiagnosticCommand";
  private static final String TRIM_OP = "systemTrimNativeHeap";

  private final GovernorPolicy policy;
  private final MBeanServer server;
  private final HotSpotDiagnosticMXBean hotspot;
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final String collector;
  private final boolean softMaxAdjustable;
  private final long configuredBudget;
  private volatile long currentBudget;
  private volatile String lastAction = "ok";
  private String periodicBefore;
  private String periodicSet;

  /** A JVM governable for this JVM, acting as {@code policy} allows. */
  public JvmGovernable(GovernorPolicy policy) {
    this(policy, ManagementFactory.getPlatformMBeanServer());
  }

  JvmGovernable(GovernorPolicy policy, MBeanServer server) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.server = Objects.requireNonNull(server, "server");
    this.hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    this.collector = flag("UseZGC") ? "ZGC" : flag("UseShenandoahGC") ? "Shenandoah" : flag("UseG1GC") ? "G1"
        : flag("UseParallelGC") ? "Parallel" : flag("UseSerialGC") ? "Serial" : "unknown";
    boolean concurrent = collector.equals("ZGC") || collector.equals("Shenandoah");
    long soft = concurrent ? longOption(SOFT_MAX) : -1;
    this.softMaxAdjustable = concurrent && soft > 0 && writeable(SOFT_MAX);
    long max = Runtime.getRuntime().maxMemory();
    this.configuredBudget = softMaxAdjustable ? soft : (max > 0 && max != Long.MAX_VALUE ? max : 1);
    this.currentBudget = configuredBudget;
  }

  /** The collector this JVM runs: G1, ZGC, Shenandoah, Parallel, Serial or unknown. */
  public String collector() {
    return collector;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String kind() {
    return "jvm";
  }

  @Override
  public long footprintBytes() {
    return 0;
  }

  @Override
  public String budgetUnit() {
    return "bytes";
  }

  /** {@code SoftMaxHeapSize} under ZGC/Shenandoah, else the heap's maximum (never changed). */
  @Override
  public long configuredBudget() {
    return configuredBudget;
  }

  @Override
  public long currentBudget() {
    return currentBudget;
  }

  @Override
  public RebuildCost rebuildCost() {
    return RebuildCost.EXPENSIVE;
  }

  @Override
  public String state() {
    return collector + ", " + lastAction;
  }

  @Override
  public synchronized ReclaimResult reclaim(ReclaimRequest request) {
    if (request.level().compareTo(CleanupLevel.AGGRESSIVE) < 0) {
      return ReclaimResult.nothing("nothing at " + request.level().wireName() + ": GC and native trim run at aggressive and emergency");
    }
    List<String> parts = new ArrayList<>(3);
    if (softMaxAdjustable) {
      parts.add(lowerSoftMax());
    }
    parts.add(gc());
    parts.add(trim());
    String action = String.join("; ", parts);
    lastAction = "last: " + action;
    return ReclaimResult.done(action);
  }

  @Override
  public synchronized RestoreResult restore(RestoreRequest request) {
    long current = currentBudget;
    if (!softMaxAdjustable || current >= configuredBudget) {
      return RestoreResult.complete();
    }
    long next = request.next(current, configuredBudget);
    try {
      hotspot.setVMOption(SOFT_MAX, Long.toString(next));
      currentBudget = next;
      return RestoreResult.step(SOFT_MAX + " " + current + " -> " + next, next >= configuredBudget);
    } catch (RuntimeException e) {
      return RestoreResult.step(SOFT_MAX + " could not be raised: " + e.getMessage(), false);
    }
  }

  private String lowerSoftMax() {
    long used = memory.getHeapMemoryUsage().getUsed();
    long target = Math.max(used + used / 4, configuredBudget / 4);
    long current = currentBudget;
    if (target >= current) {
      return SOFT_MAX + " kept at " + current + " (heap in use " + used + ")";
    }
    try {
      hotspot.setVMOption(SOFT_MAX, Long.toString(target));
      currentBudget = target;
      return SOFT_MAX + " " + current + " -> " + target;
    } catch (RuntimeException e) {
      return SOFT_MAX + " skipped: " + e.getMessage();
    }
  }

  private String gc() {
    if (!policy.systemGcEnabled()) {
      return "gc skipped: disabled by policy (systemGc=false)";
    }
    if (flag("DisableExplicitGC")) {
      return "gc skipped: the JVM runs with -XX:+DisableExplicitGC";
    }
    long before = memory.getHeapMemoryUsage().getUsed();
    long t0 = System.nanoTime();
    System.gc();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    long after = memory.getHeapMemoryUsage().getUsed();
    return "gc: heap used " + before + " -> " + after + " bytes in " + ms + " ms";
  }

  private String trim() {
    if (!policy.nativeTrimEnabled()) {
      return "native trim skipped: disabled by policy (nativeTrim=false)";
    }
    if (!trimAvailable()) {
      return "native trim skipped: this JVM's DiagnosticCommand has no " + TRIM_OP + " (System.trim_native_heap)";
    }
    long before = Rss.bytes();
    try {
      Object out = trimTakesArguments()
          ? server.invoke(new ObjectName(DCMD), TRIM_OP, new Object[] {new String[0]}, new String[] {String[].class.getName()})
          : server.invoke(new ObjectName(DCMD), TRIM_OP, new Object[0], new String[0]);
      long after = Rss.bytes();
      String text = out == null ? "" : out.toString().trim();
      int nl = text.indexOf('\n');
      return "native trim: RSS " + Rss.describe(before) + " -> " + Rss.describe(after)
          + (text.isEmpty() ? "" : " (" + (nl > 0 ? text.substring(0, nl) : text) + ")");
    } catch (Exception e) {
      return "native trim failed: " + e;
    }
  }

  /** Whether this JVM offers {@code System.trim_native_heap} through the DiagnosticCommand MBean. */
  public boolean trimAvailable() {
    return trimOperation() != null;
  }

  private boolean trimTakesArguments() {
    MBeanOperationInfo op = trimOperation();
    return op != null && op.getSignature().length == 1;
  }

  private MBeanOperationInfo trimOperation() {
    try {
      for (MBeanOperationInfo op : server.getMBeanInfo(new ObjectName(DCMD)).getOperations()) {
        if (op.getName().equals(TRIM_OP)) {
          return op;
        }
      }
    } catch (Exception e) {
      // no DiagnosticCommand MBean
    }
    return null;
  }

  /**
   * Sets {@code G1PeriodicGCInterval} to the policy's {@code idleUncommitInterval} (G1 only).
   *
   * @return what was done, or why it was skipped
   */
  public synchronized String applyIdleUncommit() {
    long millis = policy.idleUncommitInterval().toMillis();
    if (millis == 0) {
      return "idle uncommit left alone (idleUncommitInterval=0)";
    }
    if (!collector.equals("G1")) {
      return "idle uncommit skipped: " + PERIODIC + " is G1's; this JVM runs " + collector
          + (softMaxAdjustable ? " (" + SOFT_MAX + " is lowered under pressure instead)" : "");
    }
    if (!writeable(PERIODIC)) {
      return "idle uncommit skipped: " + PERIODIC + " is not manageable in this JVM";
    }
    try {
      String before = hotspot.getVMOption(PERIODIC).getValue();
      hotspot.setVMOption(PERIODIC, Long.toString(millis));
      if (periodicBefore == null) {
        periodicBefore = before;
      }
      periodicSet = Long.toString(millis);
      return PERIODIC + " " + before + " -> " + millis + " ms";
    } catch (RuntimeException e) {
      return "idle uncommit skipped: " + e.getMessage();
    }
  }

  /** Puts back the {@code G1PeriodicGCInterval} that {@link #applyIdleUncommit()} replaced, unless someone changed it since. */
  public synchronized void revertIdleUncommit() {
    if (periodicBefore == null) {
      return;
    }
    try {
      if (periodicSet.equals(hotspot.getVMOption(PERIODIC).getValue())) {
        hotspot.setVMOption(PERIODIC, periodicBefore);
      }
    } catch (RuntimeException e) {
      // leave it
    }
    periodicBefore = null;
    periodicSet = null;
  }

  private boolean flag(String name) {
    try {
      return "true".equals(hotspot.getVMOption(name).getValue());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private long longOption(String name) {
    try {
      return Long.parseLong(hotspot.getVMOption(name).getValue());
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private boolean writeable(String name) {
    try {
      VMOption o = hotspot.getVMOption(name);
      return o.isWriteable();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
