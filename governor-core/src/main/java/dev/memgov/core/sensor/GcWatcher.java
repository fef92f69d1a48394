package dev.memgov.core.sensor;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GC side of the sensor: the old-generation pool, GC counts and pause times, and the
 * old-generation occupancy after the most recent GC.
 *
 * <p><b>Old pool</b>: the heap pool whose name contains "Old" or "Tenured" ({@code G1 Old Gen},
 * {@code PS Old Gen}, {@code Tenured Gen}, {@code CMS Old Gen}, {@code ZGC Old Generation}), else
 * the only heap pool ({@code ZHeap}, {@code Shenandoah}).
 *
 * <p><b>Collectors</b>: ZGC and Shenandoah expose a "Cycles" and a "Pauses" collector, and G1 on
 * newer JDKs a "G1 Concurrent GC" one. GC count and the after-GC figure come from the collectors
 * that end a collection (the "Cycles" one where both exist, never "G1 Concurrent GC"); pause time
 * (for GC overhead) from the pausing ones (the "Pauses" one where both exist).
 *
 * <p><b>After-GC figure</b>: while started, every {@link GarbageCollectionNotificationInfo}
 * refreshes it from the notification's after-GC usage of the old pool (young, mixed and full
 * GCs alike; under G1 the pool's own collection usage is not refreshed by young GCs). When not
 * started (or before the first notification), a sample that sees the GC count change reads the
 * changed collector's {@code getLastGcInfo()} (this allocates, but only after a GC); without that
 * extension it falls back to the old pool's collection usage.
 *
 * <p><b>Partial figures</b>: a young (or G1 mixed) collection leaves in the old generation
 * everything promoted since the last whole-heap collection, dead or alive, so its after-GC figure is
 * an upper bound on the live old generation, not the live set itself. Under G1 that upper bound
 * can run 100 MiB above the live set in a 256 MiB heap. {@link #afterGcPartial()} says whether the
 * current figure is one; {@link #fullGc()} replaces it with a whole-heap collection's figure.
 * Partial: a notification whose action is "end of minor GC" (G1 young and mixed, Serial's {@code
 * Copy}, Parallel's {@code PS Scavenge}) or a collector named "Minor" (generational ZGC); on the
 * polling path, those collectors by name.
 *
 * <p>Thread-safety: the notification thread only writes the volatile fields; everything else is
 * the sampling thread's.
 */
final class GcWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(GcWatcher.class);

  private final MemoryPoolMXBean oldPool;
  private final GarbageCollectorMXBean[] countBeans;
  private final GarbageCollectorMXBean[] pauseBeans;
  private final long[] seenCounts;
  private final NotificationListener listener = this::onNotification;

  private static final java.util.Set<String> MINOR_COLLECTORS = java.util.Set.of(
      "G1 Young Generation", "Copy", "PS Scavenge", "ParNew", "ZGC Minor Cycles", "ZGC Minor Pauses");

  private volatile long afterGc = -1;
  private volatile boolean afterGcPartial;
  private volatile long lastPauseMillis = -1;
  private volatile long lastEndMillis = -1;
  private volatile Runnable onGcEnd;
  private volatile boolean listening;

  GcWatcher(List<MemoryPoolMXBean> pools, List<GarbageCollectorMXBean> collectors) {
    this.oldPool = findOldPool(pools);
    List<GarbageCollectorMXBean> counting = new ArrayList<>();
    List<GarbageCollectorMXBean> pausing = new ArrayList<>();
    for (GarbageCollectorMXBean gc : collectors) {
      String name = gc.getName();
      if (name.equals("G1 Concurrent GC")) {
        continue;
      }
      if (!(name.endsWith(" Pauses") && has(collectors, name.replace(" Pauses", " Cycles")))) {
        counting.add(gc);
      }
      if (!(name.endsWith(" Cycles") && has(collectors, name.replace(" Cycles", " Pauses")))) {
        pausing.add(gc);
      }
    }
    this.countBeans = counting.toArray(new GarbageCollectorMXBean[0]);
    this.pauseBeans = pausing.toArray(new GarbageCollectorMXBean[0]);
    this.seenCounts = new long[countBeans.length];
  }

  private static boolean has(List<GarbageCollectorMXBean> collectors, String name) {
    for (GarbageCollectorMXBean gc : collectors) {
      if (gc.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  static MemoryPoolMXBean findOldPool(List<MemoryPoolMXBean> pools) {
    MemoryPoolMXBean only = null;
    int heapPools = 0;
    for (MemoryPoolMXBean p : pools) {
      if (p.getType() != MemoryType.HEAP) {
        continue;
      }
      heapPools++;
      only = p;
      String n = p.getName();
      if (n.contains("Old") || n.contains("Tenured")) {
        return p;
      }
    }
    return heapPools == 1 ? only : null;
  }

  /** The old pool's maximum in bytes (read once: it does not change), or -1 when unknown. */
  long oldPoolMax() {
    if (oldPool == null) {
      return -1;
    }
    long max = oldPool.getUsage().getMax();
    return max > 0 ? max : -1;
  }

  /** The old pool's name, or null when none was recognised. */
  String oldPoolName() {
    return oldPool == null ? null : oldPool.getName();
  }

  /** Registers the notification listeners; returns how many collectors accepted one. */
  int start(Runnable onGcEnd) {
    this.onGcEnd = onGcEnd;
    int n = 0;
    for (GarbageCollectorMXBean gc : allBeans()) {
      if (gc instanceof NotificationEmitter) {
        ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
        n++;
      }
    }
    listening = n > 0;
    return n;
  }

  void stop() {
    listening = false;
    for (GarbageCollectorMXBean gc : allBeans()) {
      if (gc instanceof NotificationEmitter) {
        try {
          ((NotificationEmitter) gc).removeNotificationListener(listener);
        } catch (ListenerNotFoundException e) {
          // not registered (start() was never called): nothing to remove
        }
      }
    }
    onGcEnd = null;
  }

  private List<GarbageCollectorMXBean> allBeans() {
    List<GarbageCollectorMXBean> all = new ArrayList<>(List.of(countBeans));
    for (GarbageCollectorMXBean gc : pauseBeans) {
      if (!all.contains(gc)) {
        all.add(gc);
      }
    }
    return all;
  }

  private void onNotification(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    String gcName = info.getGcName();
    GcInfo gc = info.getGcInfo();
    if (isCounting(gcName)) {
      String action = info.getGcAction();
      take(gc, (action != null && action.contains("minor")) || gcName.contains("Minor"));
    }
    if (isPausing(gcName)) {
      lastPauseMillis = gc.getDuration();
    }
    Runnable r = onGcEnd;
    if (r != null) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.warn("memgov sensor: the GC-end callback failed", e);
      }
    }
  }

  private boolean isCounting(String name) {
    for (GarbageCollectorMXBean gc : countBeans) {
      if (gc.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private boolean isPausing(String name) {
    for (GarbageCollectorMXBean gc : pauseBeans) {
      if (gc.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private void take(GcInfo gc, boolean partial) {
    if (oldPool == null || gc == null) {
      return;
    }
    MemoryUsage after = gc.getMemoryUsageAfterGc().get(oldPool.getName());
    if (after != null && gc.getEndTime() >= lastEndMillis) {
      synchronized (this) { // the notification thread and fullGc() may both take the same GC
        if (gc.getEndTime() >= lastEndMillis) {
          afterGc = after.getUsed();
          afterGcPartial = partial;
          lastEndMillis = gc.getEndTime();
        }
      }
    }
  }

  /** Whether the current after-GC figure came from a partial (young or mixed) collection. */
  boolean afterGcPartial() {
    return afterGcPartial;
  }

  /**
   * Runs {@code System.gc()} (a whole-heap collection under G1, Serial and Parallel unless {@code
   * -XX:+ExplicitGCInvokesConcurrent}) and takes its after-GC figure at once, without waiting for
   * the notification. Returns false when no collection ran ({@code -XX:+DisableExplicitGC}).
   */
  boolean fullGc() {
    long before = gcCount();
    System.gc();
    if (gcCount() == before) {
      return false;
    }
    poll();
    return true;
  }

  /** GCs so far by the collectors that end a collection. */
  long gcCount() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : countBeans) {
      long c = gc.getCollectionCount();
      if (c > 0) {
        sum += c;
      }
    }
    return sum;
  }

  /** Accumulated pause milliseconds, or -1 when no collector reports it. */
  long pauseMillis() {
    long sum = -1;
    for (GarbageCollectorMXBean gc : pauseBeans) {
      long t = gc.getCollectionTime();
      if (t >= 0) {
        sum = Math.max(sum, 0) + t;
      }
    }
    return sum;
  }

  boolean listening() {
    return listening;
  }

  /**
   * Old-generation bytes after the most recent GC, or -1. Called by the sampler: when the GC count
   * moved and no notification carried the figure, it polls the collectors.
   */
  long oldGenAfterGc() {
    boolean moved = false;
    for (int i = 0; i < countBeans.length; i++) {
      long c = countBeans[i].getCollectionCount();
      if (c != seenCounts[i]) {
        seenCounts[i] = c;
        moved = true;
      }
    }
    if (moved && (!listening || afterGc < 0)) {
      poll();
    }
    return afterGc;
  }

  /** Last GC pause in milliseconds, or -1 when none was seen. */
  long lastPauseMillis() {
    return lastPauseMillis;
  }

  private void poll() {
    if (oldPool == null) {
      return;
    }
    GcInfo latest = null;
    String latestName = null;
    boolean extension = false;
    for (GarbageCollectorMXBean gc : countBeans) {
      if (gc instanceof com.sun.management.GarbageCollectorMXBean) {
        extension = true;
        GcInfo info = ((com.sun.management.GarbageCollectorMXBean) gc).getLastGcInfo();
        if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
          latest = info;
          latestName = gc.getName();
        }
      }
    }
    if (latest != null) {
      take(latest, MINOR_COLLECTORS.contains(latestName));
      if (!listening || lastPauseMillis < 0) {
        lastPauseMillis = latest.getDuration();
      }
      return;
    }
    if (!extension) {
      MemoryUsage u = oldPool.getCollectionUsage();
      if (u != null) {
        afterGc = u.getUsed();
      }
    }
  }
}
