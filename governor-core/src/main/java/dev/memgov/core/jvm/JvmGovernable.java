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
import dev.memgov.core.Trigger;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The JVM itself as a governable. At {@code aggressive} and {@code emergency}, and at {@code
 * standard} when the pressure is on RSS or the container (heap freed by the others leaves the
 * process only when the JVM returns committed heap), it requests a GC
 * ({@code System.gc()}, unless the policy's {@code systemGc} is off or the JVM runs with {@code
 * -XX:+DisableExplicitGC}) and trims the native heap through the {@code DiagnosticCommand} MBean's
 * {@code systemTrimNativeHeap} where the JVM has it (unless {@code nativeTrim} is off), reporting
 * RSS before and after. Serial shrinks the heap only gradually over consecutive full GCs, so under
 * it this runs up to four in a row while the committed heap still falls. Under RSS or container
 * pressure it first lowers the manageable {@code MaxHeapFreeRatio} to 30 % (the JVM keeps up to
 * 70 % of the heap free after a full GC by default) unless the ratios were set on the command line
 * or no GC may run, and puts them back at the first restore step when calm, or on {@link
 * #release()}. (Parallel returns committed
 * heap only through its own adaptive sizing, which a GC request does not speed up.) Under ZGC or Shenandoah it also lowers the manageable {@code
 * SoftMaxHeapSize} (its budget, in bytes) and restores it in steps when calm; a value someone
 * else set meanwhile is kept (neither lowered nor restored over, nor put back on release). Each
 * action that cannot run here is skipped with the reason in the report.
 *
 * <p>A {@code light} reclaim with trigger {@link Trigger#IDLE} — the governor's idle give-back,
 * once per idle period — runs {@link #idleGiveBack()}: one GC with {@code MaxHeapFreeRatio}
 * lowered to {@value #IDLE_MAX_FREE} % for its duration, then a native trim.
 *
 * <p>{@link #applyIdleUncommit()} (called when the governor starts) sets the manageable {@code
 * G1PeriodicGCInterval} to the policy's {@code idleUncommitInterval}, so an idle G1 JVM returns
 * committed heap to the OS; {@link #revertIdleUncommit()} (on close) puts the old value back once
 * no governor in this JVM holds it any more.
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
  private static final int MAX_GC_ROUNDS = 4;
  static final String MIN_FREE = "MinHeapFreeRatio";
  static final String MAX_FREE = "MaxHeapFreeRatio";
  /** Under RSS or container pressure a full GC may leave at most this share of the heap free. */
  static final int TIGHT_MAX_FREE = 30;
  static final int TIGHT_MIN_FREE = 10;
  /** For the one GC of an idle give-back: at most this share of the heap stays free. */
  static final int IDLE_MAX_FREE = 10;
  static final int IDLE_MIN_FREE = 5;

  private final GovernorPolicy policy;
  private final MBeanServer server;
  private final HotSpotDiagnosticMXBean hotspot;
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final String collector;
  private final boolean softMaxAdjustable;
  private final long configuredBudget;
  private volatile long currentBudget;
  private volatile String lastAction = "ok";
  /** Whether this governable holds {@code G1PeriodicGCInterval} (applied, not yet reverted). */
  private boolean periodicApplied;
  /**
   * {@code G1PeriodicGCInterval} is one per JVM, shared by every governor in it: the value before
   * the first of them set it is put back when the last of them lets go, whichever order they close in.
   */
  private static final Object PERIODIC_LOCK = new Object();
  private static int periodicHolders;
  private static String periodicOriginal;
  private static String periodicLastSet;
  private String minFreeBefore;
  private String maxFreeBefore;
  private boolean released;
  /**
   * The heap free ratios memgov last put back, JVM-wide: a put-back leaves them with origin {@code
   * MANAGEMENT}, and every JVM governable of this JVM (the next governor's too) must still take
   * them for the JVM's own choice, not the command line's.
   */
  private static volatile String restoredMin;
  private static volatile String restoredMax;

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
    CleanupLevel level = request.level();
    if (level == CleanupLevel.LIGHT && request.trigger() == Trigger.IDLE) {
      return ReclaimResult.done(idleGiveBack());
    }
    boolean resident = level == CleanupLevel.STANDARD && request.residentPressure();
    if (level.compareTo(CleanupLevel.AGGRESSIVE) < 0 && !resident) {
      return ReclaimResult.nothing("nothing at " + level.wireName()
          + ": GC and native trim run at aggressive and emergency (and at standard under RSS or container pressure)");
    }
    List<String> parts = new ArrayList<>(4);
    if (softMaxAdjustable) {
      parts.add(lowerSoftMax());
    }
    if (request.residentPressure()) {
      parts.add(tightenHeapFreeRatio());
    }
    parts.add(gc());
    parts.add(trim());
    String action = String.join("; ", parts);
    lastAction = "last: " + action;
    return ReclaimResult.done(action);
  }

  @Override
  public synchronized RestoreResult restore(RestoreRequest request) {
    if (maxFreeBefore != null) {
      String loosened = revertHeapFreeRatio();
      return RestoreResult.step(loosened,
          maxFreeBefore == null && (!softMaxAdjustable || currentBudget >= configuredBudget));
    }
    long current = currentBudget;
    if (!softMaxAdjustable || current >= configuredBudget) {
      return RestoreResult.complete();
    }
    long now = longOption(SOFT_MAX);
    if (now >= 0 && now != current) { // someone else's value now: theirs to keep
      currentBudget = configuredBudget;
      return RestoreResult.step(SOFT_MAX + " set meanwhile to " + now + ": left alone", true);
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
    if (released) {
      return SOFT_MAX + " left alone: the governor is closed";
    }
    long current = currentBudget;
    long now = longOption(SOFT_MAX);
    if (now >= 0 && now != current) {
      return SOFT_MAX + " left alone: set to " + now + " by someone else";
    }
    long used = memory.getHeapMemoryUsage().getUsed();
    long target = Math.max(used + used / 4, configuredBudget / 4);
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
    java.lang.management.MemoryUsage before = memory.getHeapMemoryUsage();
    // (MaxHeapFreeRatio, if tightened above, applies to the GCs below)
    long t0 = System.nanoTime();
    System.gc();
    int rounds = 1;
    if (dampsShrinking()) {
      // Serial damps the shrinking of the old generation over consecutive full GCs
      // (0 %, 10 %, 40 %, then all of the excess), so one System.gc() returns nothing to the OS.
      // Repeat, up to four in all, while the committed heap still falls.
      long committed = memory.getHeapMemoryUsage().getCommitted();
      long maxFree = longOption(MAX_FREE);
      while (rounds < MAX_GC_ROUNDS && !atDesiredSize(memory.getHeapMemoryUsage(), maxFree)) {
        System.gc();
        rounds++;
        long now = memory.getHeapMemoryUsage().getCommitted();
        if (rounds > 2 && now >= committed) {
          break;
        }
        committed = now;
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    java.lang.management.MemoryUsage after = memory.getHeapMemoryUsage();
    return "gc" + (rounds > 1 ? " x" + rounds : "") + ": heap used " + before.getUsed() + " -> " + after.getUsed()
        + " bytes, committed " + before.getCommitted() + " -> " + after.getCommitted() + " bytes in " + ms + " ms";
  }

  /**
   * Lowers the manageable {@code MaxHeapFreeRatio} (and {@code MinHeapFreeRatio} below it) so the
   * full GC that follows leaves at most {@value #TIGHT_MAX_FREE} % of the heap free instead of the
   * JVM's default 70 %: with a live set of 84 MiB that is 120 MiB committed instead of 280 MiB. Put
   * back by the first restore step, or on close.
   */
  private String tightenHeapFreeRatio() {
    if (released) {
      return "heap free ratio left alone: the governor is closed";
    }
    if (maxFreeBefore != null) {
      return MAX_FREE + " kept at " + TIGHT_MAX_FREE + " % while under pressure";
    }
    if (!policy.systemGcEnabled() || flag("DisableExplicitGC")) {
      return "heap free ratio left alone: no GC follows to apply it";
    }
    VMOption max = option(MAX_FREE);
    VMOption min = option(MIN_FREE);
    if (max == null || min == null || !max.isWriteable() || !min.isWriteable()) {
      return "heap free ratio left alone: " + MAX_FREE + " is not manageable in this JVM";
    }
    if (!chosenByJvmOrUs(max, restoredMax) || !chosenByJvmOrUs(min, restoredMin)) {
      return "heap free ratio left alone: set on the command line (" + MIN_FREE + " " + min.getValue() + ", "
          + MAX_FREE + " " + max.getValue() + ")";
    }
    long maxNow = Long.parseLong(max.getValue());
    long minNow = Long.parseLong(min.getValue());
    if (maxNow <= TIGHT_MAX_FREE) {
      return MAX_FREE + " already " + maxNow + " %";
    }
    // lower the minimum first: HotSpot rejects MinHeapFreeRatio > MaxHeapFreeRatio at every step
    try {
      if (minNow > TIGHT_MIN_FREE) {
        hotspot.setVMOption(MIN_FREE, Integer.toString(TIGHT_MIN_FREE));
      }
      minFreeBefore = Long.toString(minNow);
      hotspot.setVMOption(MAX_FREE, Integer.toString(TIGHT_MAX_FREE));
      maxFreeBefore = Long.toString(maxNow);
      return MAX_FREE + " " + maxNow + " -> " + TIGHT_MAX_FREE + " %, " + MIN_FREE + " " + minNow + " -> "
          + Math.min(minNow, TIGHT_MIN_FREE) + " %";
    } catch (RuntimeException e) {
      if (minFreeBefore != null && maxFreeBefore == null) { // undo the half that took
        try {
          hotspot.setVMOption(MIN_FREE, minFreeBefore);
        } catch (RuntimeException ignored) {
          // left at the lower value; reported below
        }
        minFreeBefore = null;
      }
      return "heap free ratio left alone: " + e.getMessage();
    }
  }

  /**
   * Puts back the heap free ratios {@link #tightenHeapFreeRatio()} replaced (maximum first, so
   * min ≤ max holds at every step), each only if it still holds the value memgov set. A maximum
   * someone else set meanwhile is kept, and the minimum then goes back only as far as that maximum
   * allows (HotSpot rejects a minimum above the maximum). When it fails the values are kept, so the
   * next restore step tries again.
   */
  private String revertHeapFreeRatio() {
    try {
      String maxNow = hotspot.getVMOption(MAX_FREE).getValue();
      String maxDone;
      if (Integer.toString(TIGHT_MAX_FREE).equals(maxNow)) {
        hotspot.setVMOption(MAX_FREE, maxFreeBefore);
        maxNow = maxFreeBefore;
        maxDone = MAX_FREE + " back to " + maxFreeBefore + " %";
      } else {
        maxDone = MAX_FREE + " kept at " + maxNow + " % (set meanwhile)";
      }
      String minDone;
      String minPut = minFreeBefore;
      String minNow = hotspot.getVMOption(MIN_FREE).getValue();
      if (Integer.toString(TIGHT_MIN_FREE).equals(minNow)) {
        String min = Long.parseLong(minFreeBefore) <= Long.parseLong(maxNow) ? minFreeBefore : maxNow;
        hotspot.setVMOption(MIN_FREE, min);
        minPut = min;
        minDone = MIN_FREE + " back to " + min + " %" + (min.equals(minFreeBefore) ? ""
            : " (not " + minFreeBefore + " %: above " + MAX_FREE + " " + maxNow + " %)");
      } else {
        minDone = MIN_FREE + " kept at " + minNow + " %" + (minNow.equals(minFreeBefore) ? "" : " (set meanwhile)");
      }
      String done = maxDone + ", " + minDone;
      restoredMax = maxFreeBefore;
      restoredMin = minPut;
      maxFreeBefore = null;
      minFreeBefore = null;
      return done;
    } catch (RuntimeException e) {
      return "heap free ratios could not be put back yet: " + e.getMessage();
    }
  }

  /**
   * The idle give-back, run once per idle period by the governor (a {@code light} reclaim with
   * trigger {@link Trigger#IDLE} lands here): lowers the manageable {@code MaxHeapFreeRatio} to
   * {@value #IDLE_MAX_FREE} % (and {@code MinHeapFreeRatio} to {@value #IDLE_MIN_FREE} %) for one
   * {@code System.gc()}, so the full GC leaves little committed heap beyond the live set, then puts
   * both back exactly as they were and trims the native heap. Ratios set on the command line are
   * kept (the GC then returns what they allow). Without a GC ({@code systemGc=false}, {@code
   * -XX:+DisableExplicitGC}, or ratios that are not manageable) only the native trim runs; under
   * ZGC or Shenandoah too (their heap is returned by their own uncommit).
   *
   * @return what was done, with the committed heap before and after, or why a part was skipped
   */
  public synchronized String idleGiveBack() {
    if (released) {
      return "idle give-back skipped: the governor is closed";
    }
    String why = idleGcSkipReason();
    if (why != null) {
      return "idle give-back: gc skipped: " + why + "; " + trim();
    }
    VMOption max = option(MAX_FREE);
    VMOption min = option(MIN_FREE);
    boolean ours = maxFreeBefore != null // lowered by us under pressure; put back exactly below
        || (chosenByJvmOrUs(max, restoredMax) && chosenByJvmOrUs(min, restoredMin));
    List<String> parts = new ArrayList<>(4);
    String maxWas = max.getValue();
    String minWas = min.getValue();
    boolean lowered = false;
    if (!ours) {
      parts.add("heap free ratios kept: set on the command line (" + MIN_FREE + " " + minWas + ", " + MAX_FREE + " "
          + maxWas + ")");
    } else if (Long.parseLong(maxWas) <= IDLE_MAX_FREE) {
      parts.add(MAX_FREE + " already " + maxWas + " %");
    } else {
      try {
        // the minimum first: HotSpot rejects MinHeapFreeRatio > MaxHeapFreeRatio at every step
        if (Long.parseLong(minWas) > IDLE_MIN_FREE) {
          hotspot.setVMOption(MIN_FREE, Integer.toString(IDLE_MIN_FREE));
        }
        hotspot.setVMOption(MAX_FREE, Integer.toString(IDLE_MAX_FREE));
        lowered = true;
        parts.add(MAX_FREE + " " + maxWas + " -> " + IDLE_MAX_FREE + " %, " + MIN_FREE + " " + minWas + " -> "
            + Math.min(Long.parseLong(minWas), IDLE_MIN_FREE) + " % for one GC");
      } catch (RuntimeException e) {
        putBackRatios(maxWas, minWas);
        return "idle give-back: gc skipped: " + MAX_FREE + " could not be lowered (" + e.getMessage() + "); " + trim();
      }
    }
    parts.add(gc());
    if (lowered) {
      parts.add(putBackRatios(maxWas, minWas));
    }
    parts.add(trim());
    String action = "idle give-back: " + String.join("; ", parts);
    lastAction = "last: " + action;
    return action;
  }

  /** Why the idle give-back runs no GC here, or null when it does. */
  private String idleGcSkipReason() {
    if (!policy.systemGcEnabled()) {
      return "disabled by policy (systemGc=false)";
    }
    if (flag("DisableExplicitGC")) {
      return "the JVM runs with -XX:+DisableExplicitGC";
    }
    if (collector.equals("ZGC") || collector.equals("Shenandoah")) {
      return collector + " returns free heap by its own uncommit";
    }
    if (collector.equals("Parallel")) {
      // measured on JDK 17: with MaxHeapFreeRatio 10 a System.gc() left the committed heap as it was
      return "Parallel returns committed heap only through its adaptive sizing, which a GC request does not speed up";
    }
    VMOption max = option(MAX_FREE);
    VMOption min = option(MIN_FREE);
    if (max == null || min == null || !max.isWriteable() || !min.isWriteable()) {
      return MAX_FREE + " is not manageable in this JVM";
    }
    return null;
  }

  /**
   * Puts the heap free ratios back to exactly {@code max} and {@code min} (maximum first, so min ≤
   * max holds at every step) and remembers them as memgov's own, so a later pressure episode still
   * treats them as the JVM's choice.
   */
  private String putBackRatios(String max, String min) {
    try {
      hotspot.setVMOption(MAX_FREE, max);
      hotspot.setVMOption(MIN_FREE, min);
      if (maxFreeBefore == null) {
        restoredMax = max;
        restoredMin = min;
      }
      return "ratios back to " + MAX_FREE + " " + max + " %, " + MIN_FREE + " " + min + " %";
    } catch (RuntimeException e) {
      return "heap free ratios could not be put back: " + e.getMessage();
    }
  }

  /**
   * {@code true} when the JVM chose the flag's value, or memgov itself last put back {@code
   * restored} — not the command line or another tool.
   */
  private static boolean chosenByJvmOrUs(VMOption o, String restored) {
    return o.getOrigin() == VMOption.Origin.DEFAULT || o.getOrigin() == VMOption.Origin.ERGONOMIC
        || (o.getOrigin() == VMOption.Origin.MANAGEMENT && o.getValue().equals(restored));
  }

  private VMOption option(String name) {
    try {
      return hotspot.getVMOption(name);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Whether a restore step has something to put back: a lowered budget or lowered heap free ratios. */
  @Override
  public synchronized boolean restorePending() {
    return maxFreeBefore != null || currentBudget < configuredBudget;
  }

  /**
   * Puts back everything this governable changed in the JVM — heap free ratios, {@code
   * SoftMaxHeapSize}, {@code G1PeriodicGCInterval} — and makes later reclaims leave the flags
   * alone. Called when the governor closes or the governable is unregistered. Idempotent.
   */
  public synchronized void release() {
    released = true;
    if (maxFreeBefore != null) {
      revertHeapFreeRatio();
    }
    if (softMaxAdjustable && currentBudget < configuredBudget) {
      try {
        if (longOption(SOFT_MAX) == currentBudget) { // else someone else's value now: theirs to keep
          hotspot.setVMOption(SOFT_MAX, Long.toString(configuredBudget));
        }
        currentBudget = configuredBudget;
      } catch (RuntimeException e) {
        // leave it
      }
    }
    revertIdleUncommit();
  }

  /** Whether the committed heap is within the JVM's own {@code MaxHeapFreeRatio} of what is used (nothing to return). */
  private static boolean atDesiredSize(java.lang.management.MemoryUsage heap, long maxHeapFreeRatio) {
    long ratio = maxHeapFreeRatio > 0 && maxHeapFreeRatio < 100 ? maxHeapFreeRatio : 70;
    double desired = heap.getUsed() * 100.0 / (100 - ratio);
    return heap.getCommitted() <= desired * 1.1;
  }

  /** Whether the collector shrinks the heap only gradually over several full GCs. */
  private boolean dampsShrinking() {
    return collector.equals("Serial");
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
    synchronized (PERIODIC_LOCK) {
      try {
        String before = hotspot.getVMOption(PERIODIC).getValue();
        hotspot.setVMOption(PERIODIC, Long.toString(millis));
        if (!periodicApplied) {
          if (periodicHolders == 0) {
            periodicOriginal = before;
          }
          periodicHolders++;
          periodicApplied = true;
        }
        periodicLastSet = Long.toString(millis);
        return PERIODIC + " " + before + " -> " + millis + " ms";
      } catch (RuntimeException e) {
        return "idle uncommit skipped: " + e.getMessage();
      }
    }
  }

  /**
   * Lets go of the {@code G1PeriodicGCInterval} that {@link #applyIdleUncommit()} set. The last
   * governor in this JVM to let go puts back the value from before the first one set it, unless
   * someone changed it since; while another still holds it, it stays on. {@link #release()} does
   * this and more.
   */
  public synchronized void revertIdleUncommit() {
    if (!periodicApplied) {
      return;
    }
    synchronized (PERIODIC_LOCK) {
      periodicApplied = false;
      if (--periodicHolders > 0) {
        return;
      }
      try {
        if (periodicLastSet.equals(hotspot.getVMOption(PERIODIC).getValue())) {
          hotspot.setVMOption(PERIODIC, periodicOriginal);
        }
      } catch (RuntimeException e) {
        // leave it
      }
      periodicOriginal = null;
      periodicLastSet = null;
    }
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
