package dev.memgov.core.internal;

import dev.memgov.core.CleanupLevel;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.Pressure;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.Signal;

/**
 * When to clean up, how far, and when to grow back: a function of the pressure, the snapshot and
 * the time passed in, plus what ran before. Used by the governor thread only; not thread-safe.
 *
 * <ul>
 *   <li>A pressure level above NORMAL starts an episode at its default cleanup (WARNING → light,
 *       CRITICAL → standard, EMERGENCY → emergency); a higher level raises it at once.
 *   <li>When the last cleanup has settled (the settle window has passed and at least one GC ran
 *       since, where the GC count is known) and the governing figure is still at or above the
 *       current level's threshold, the next cleanup escalates one step (standard → aggressive →
 *       emergency). At WARNING it escalates to standard at most, sized to the gap back to warning −
 *       hysteresis: a warning trims, it never wipes caches. Without that step a figure could sit
 *       just under CRITICAL with no headroom left for an allocation spike. The trim repeats only
 *       while it moves the figure: by at least one point below where it stood at the episode's
 *       last standard-or-higher cleanup; otherwise light runs instead. Under the heap signal the light
 *       ones in between do not count; under the container or RSS signal a trim that did not help
 *       is tried again after a light one ({@link #trimMayHelp}).
 *   <li>A WARNING where a resident figure (container or RSS, whichever signal governs) in the
 *       WARNING band plus that figure's largest rise of the last two minutes ({@link SpikeTracker})
 *       reaches EMERGENCY gets standard at once, as CRITICAL does (at the start of the episode or
 *       after light): the next spike of that size would reach the limit before the settle window
 *       is over. Off with {@link GovernorPolicy#spikeHeadroomEnabled()}.
 *   <li>When the level rises past the one the last cleanup answered (WARNING → CRITICAL after a
 *       WARNING trim), the next cleanup runs at once, without waiting for the settle window — under
 *       the container or RSS signal (or with its figure at that level too), one level further when
 *       the last one is still in its cooldown.
 *   <li>No cleanup level runs twice within its cooldown (manual calls with force excepted).
 *   <li>Once the figure has been below WARNING − hysteresis for the calm window, counted from the
 *       last standard-or-higher cleanup, a restore step is due; further steps follow one settle
 *       window apart while it is calm. A brief WARNING from a transient spike (answered by light
 *       only) pauses the steps but does not start the window over — with spikes every few
 *       seconds it otherwise never completes and budgets never grow back; CRITICAL does, also
 *       when no cleanup ran at it (held back for the container's peers, or in a cooldown).
 * </ul>
 */
final class Steering {
  private static final long NEVER = Long.MIN_VALUE;
  /** How far (as a fraction) a WARNING trim must have moved the figure to be worth repeating. */
  static final double MIN_PROGRESS = 0.01;

  private final GovernorPolicy policy;
  private final long[] lastRunNanos = new long[CleanupLevel.values().length];
  private CleanupLevel episodeLevel;
  private PressureLevel episodePressure;
  /** The governing figure at this episode's last automatic standard-or-higher cleanup; NaN when none. */
  private double heavyRatio = Double.NaN;
  private long episodeAtNanos;
  private long episodeGcCount;
  private long calmSinceNanos = NEVER;
  private long lastRestoreNanos = NEVER;
  private long lastHeavyNanos = NEVER;

  Steering(GovernorPolicy policy) {
    this.policy = policy;
    java.util.Arrays.fill(lastRunNanos, NEVER);
  }

  /**
   * The cleanup an automatic tick should run now, or null for none. {@code spike}: a resident
   * figure is one spike from EMERGENCY ({@link #spikeReaches}).
   */
  CleanupLevel decide(Pressure p, MemorySnapshot s, long now, boolean spike) {
    if (p.level() == PressureLevel.NORMAL) {
      episodeLevel = null;
      heavyRatio = Double.NaN;
      return null;
    }
    if (p.level().compareTo(PressureLevel.CRITICAL) >= 0) {
      notCalm(); // also when this tick runs no cleanup (held back for the peers, in a cooldown)
    }
    CleanupLevel base = p.level().defaultCleanup();
    if (base == CleanupLevel.LIGHT && spike) {
      base = CleanupLevel.STANDARD; // one spike from the limit: trim now, as at CRITICAL
    }
    CleanupLevel want;
    if (episodeLevel == null || base.compareTo(episodeLevel) > 0) {
      want = base;
    } else if (p.level().isAbove(episodePressure)) {
      // the level rose past the one the last cleanup answered: act now, not after the settle window;
      // under a resident signal (the limit is a kill) one step further when that cleanup is still
      // in its cooldown (a WARNING trim, then CRITICAL)
      want = residentAtLevel(p) && cooldownLeftNanos(episodeLevel, now) > 0 ? episodeLevel.next() : episodeLevel;
    } else if (!settled(s, now)) {
      return null;
    } else if (!(p.governingRatio() >= policy.threshold(p.level()))) {
      return null; // under its threshold, inside the hysteresis band: let it fall
    } else if (p.level() == PressureLevel.WARNING) {
      // light did not bring it under: a standard cleanup sized to the gap, never further at
      // WARNING; repeated only while it helps (what holds the figure may not be ours to give back,
      // e.g. another process in the container), else back to light
      want = trimMayHelp(p) ? CleanupLevel.STANDARD : CleanupLevel.LIGHT;
    } else {
      CleanupLevel next = episodeLevel.next();
      want = next.compareTo(base) > 0 ? next : base;
    }
    return cooldownLeftNanos(want, now) > 0 ? null : want;
  }

  /**
   * Whether another trim at WARNING may help: no standard-or-higher cleanup ran in this episode, or
   * the figure has fallen by at least {@link #MIN_PROGRESS} since the last one. Under the heap
   * signal the light cleanups in between do not count: otherwise a trim that did not help comes
   * back after every light one and takes half of each cache each time, for a heap held by what is
   * not the caches'. Under the container or RSS signal a trim that did not help is tried again
   * after a light one: the limit there is the OOM killer, and a trim there also asks the JVM to
   * return the heap it frees, which is often what moves the figure (a second trim in a 384 MiB
   * container took it from 79 to 65 % where the first had not moved it).
   */
  private boolean trimMayHelp(Pressure p) {
    if (Double.isNaN(heavyRatio) || p.governingRatio() < heavyRatio - MIN_PROGRESS) {
      return true;
    }
    boolean resident = p.governing() == Signal.CONTAINER || p.governing() == Signal.RSS;
    return resident && episodeLevel != CleanupLevel.STANDARD;
  }

  /**
   * Whether the resident figure {@code signal} (container or RSS, governing or not) plus its
   * largest recent rise ({@code rise}, a fraction of its limit; NaN when unknown) reaches EMERGENCY
   * at a WARNING: a WARNING that the next spike of the same size turns into a kill. Only a figure
   * in the WARNING band itself (at or above warning − hysteresis) counts, and never when spike
   * headroom is off.
   */
  boolean spikeReaches(Pressure p, Signal signal, double rise) {
    if (!policy.spikeHeadroomEnabled() || p.level() != PressureLevel.WARNING || !(rise > 0)) {
      return false;
    }
    double ratio = p.ratio(signal);
    return ratio >= policy.lowerEdge(PressureLevel.WARNING)
        && ratio + rise >= policy.threshold(PressureLevel.EMERGENCY); // false for NaN
  }

  /**
   * Whether the limit at this level is a kill: the container or RSS signal governs, or its figure
   * is at the level's threshold too.
   */
  private boolean residentAtLevel(Pressure p) {
    if (p.governing() == Signal.CONTAINER || p.governing() == Signal.RSS) {
      return true;
    }
    double threshold = policy.threshold(p.level());
    return p.ratio(Signal.CONTAINER) >= threshold || p.ratio(Signal.RSS) >= threshold;
  }

  /** Records a cleanup run at {@code pressure}; an automatic one (re)starts the settle window. */
  void ran(CleanupLevel level, Pressure pressure, long now, long gcCount, boolean automatic) {
    lastRunNanos[level.ordinal()] = now;
    if (level != CleanupLevel.LIGHT) {
      lastHeavyNanos = now;
      if (automatic) {
        heavyRatio = pressure.governingRatio();
      }
    }
    if (automatic) {
      episodeLevel = level;
      episodePressure = pressure.level();
      episodeAtNanos = now;
      episodeGcCount = gcCount;
    }
  }

  /** Nanoseconds left in the level's cooldown, 0 when it may run. */
  long cooldownLeftNanos(CleanupLevel level, long now) {
    long last = lastRunNanos[level.ordinal()];
    if (last == NEVER) {
      return 0;
    }
    long left = policy.cooldown(level).toNanos() - (now - last);
    return Math.max(0, left);
  }

  private boolean settled(MemorySnapshot s, long now) {
    if (now - episodeAtNanos < policy.settleWindow().toNanos()) {
      return false;
    }
    return s.gcCount() < 0 || episodeGcCount < 0 || s.gcCount() > episodeGcCount;
  }

  /**
   * Whether a restore step is due now: the figure is below WARNING − hysteresis at NORMAL, the
   * calm window has passed since calm began and since the last standard-or-higher cleanup, and a
   * settle window since the last step. A brief WARNING (a transient spike answered by light
   * only) pauses the steps without starting the window over; CRITICAL or a heavier cleanup does.
   */
  boolean restoreDue(Pressure p, long now) {
    if (p.level().compareTo(PressureLevel.CRITICAL) >= 0) {
      notCalm();
      return false;
    }
    double r = p.governingRatio();
    boolean calm = p.level() == PressureLevel.NORMAL
        && (Double.isNaN(r) || r < policy.lowerEdge(PressureLevel.WARNING));
    if (!calm) {
      return false;
    }
    if (calmSinceNanos == NEVER) {
      calmSinceNanos = now;
    }
    long since = lastHeavyNanos == NEVER ? calmSinceNanos : Math.max(calmSinceNanos, lastHeavyNanos);
    if (now - since < policy.calmWindow().toNanos()) {
      return false;
    }
    return lastRestoreNanos == NEVER || now - lastRestoreNanos >= policy.settleWindow().toNanos();
  }

  /** CRITICAL or above: the calm window starts over once the figure is calm again. */
  private void notCalm() {
    calmSinceNanos = NEVER;
    lastRestoreNanos = NEVER;
  }

  void restored(long now) {
    lastRestoreNanos = now;
  }
}
