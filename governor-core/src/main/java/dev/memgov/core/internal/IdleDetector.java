package dev.memgov.core.internal;

import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.Pressure;
import dev.memgov.core.PressureLevel;

/**
 * Decides when the process has gone idle, so the governor runs its idle give-back once per idle
 * period: a function of the snapshots and the time passed in. Used by the governor thread only;
 * not thread-safe.
 *
 * <ul>
 *   <li>Quiet: pressure at NORMAL, no GC completed and heap use grown (summed over the ticks) by
 *       less than {@value #GROWTH_PERCENT} % of the heap's maximum (at least 1 MiB) — the app
 *       stopped allocating. A GC or that much growth starts the quiet window over.
 *   <li>Idle: quiet for the policy's {@code idleAfter}. {@link #due} then answers {@code true} on
 *       every tick until {@link #gaveBack} is called.
 *   <li>After a give-back nothing runs again until the process is busy again: the committed heap
 *       grows by {@value #GROWTH_PERCENT} % of the maximum above what the give-back left (the JVM
 *       expands the heap only under real load), or pressure leaves NORMAL. Then the quiet window
 *       starts over. GCs and a trickle of allocation alone do not re-arm it — the give-back's own
 *       GC, G1's periodic GC, or a status line every few seconds filling the young generation is
 *       no sign of work, and would otherwise repeat the full GC every minute or two while idle;
 *       and as long as the committed heap has not grown there is nothing new to give back.
 *   <li>Pressure above NORMAL is activity: the window starts over and the give-back is re-armed.
 *   <li>{@code idleAfter} 0, or a snapshot without GC count or heap use, never reports idle.
 * </ul>
 */
final class IdleDetector {
  static final int GROWTH_PERCENT = 1;
  private static final long MIN_GROWTH = 1L << 20;
  private static final long NEVER = Long.MIN_VALUE;

  private final long idleAfterNanos;
  private long quietSinceNanos = NEVER;
  private long gcCount;
  private long lastUsed;
  private long grown;
  private long committedAfterGiveBack;
  private boolean gaveBack;
  private boolean rebaseline;

  IdleDetector(GovernorPolicy policy) {
    this.idleAfterNanos = policy.idleAfter().toNanos();
  }

  /** Whether the idle give-back should run now; call it on every tick. */
  boolean due(Pressure p, MemorySnapshot s, long now) {
    if (idleAfterNanos == 0) {
      return false;
    }
    if (p.level() != PressureLevel.NORMAL || s.gcCount() < 0 || s.heapUsed() < 0) {
      quietSinceNanos = NEVER;
      gaveBack = false;
      return false;
    }
    if (quietSinceNanos == NEVER || rebaseline) {
      if (rebaseline) {
        committedAfterGiveBack = s.heapCommitted();
      }
      rebaseline = false;
      startQuiet(s, now);
      return false;
    }
    if (gaveBack) {
      if (committedAfterGiveBack >= 0 && s.heapCommitted() >= 0
          && s.heapCommitted() - committedAfterGiveBack >= growthLimit(s)) {
        gaveBack = false; // busy again: re-armed, the quiet window starts now
        startQuiet(s, now);
      }
      return false;
    }
    long delta = s.heapUsed() - lastUsed;
    if (delta > 0) {
      grown += delta;
    }
    lastUsed = s.heapUsed();
    boolean gc = s.gcCount() != gcCount;
    gcCount = s.gcCount();
    if (gc || grown >= growthLimit(s)) {
      startQuiet(s, now);
      return false;
    }
    return now - quietSinceNanos >= idleAfterNanos;
  }

  /**
   * Records that the give-back ran: nothing more until activity resumes. The next snapshot (which
   * counts the give-back's own GC) becomes the new baseline.
   */
  void gaveBack() {
    gaveBack = true;
    rebaseline = true;
  }

  /** How long the process has been quiet at {@code now}, 0 when it is not. */
  long quietNanos(long now) {
    return quietSinceNanos == NEVER ? 0 : now - quietSinceNanos;
  }

  /** Heap growth, summed over the ticks of the current window, in bytes. */
  long grownBytes() {
    return grown;
  }

  static long growthLimit(MemorySnapshot s) {
    long max = s.heapMax() > 0 && s.heapMax() != MemorySnapshot.NO_LIMIT ? s.heapMax() : s.heapCommitted();
    return Math.max(MIN_GROWTH, max / 100 * GROWTH_PERCENT);
  }

  private void startQuiet(MemorySnapshot s, long now) {
    quietSinceNanos = now;
    gcCount = s.gcCount();
    lastUsed = s.heapUsed();
    grown = 0;
  }
}
