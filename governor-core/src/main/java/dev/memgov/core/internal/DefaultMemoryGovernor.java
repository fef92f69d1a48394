package dev.memgov.core.internal;

import dev.memgov.core.CacheTier;
import dev.memgov.core.CleanupLevel;
import dev.memgov.core.CleanupRefusedException;
import dev.memgov.core.CleanupReport;
import dev.memgov.core.ClearResult;
import dev.memgov.core.ClearableCache;
import dev.memgov.core.Governable;
import dev.memgov.core.GovernableStatus;
import dev.memgov.core.GovernorClock;
import dev.memgov.core.GovernorEvent;
import dev.memgov.core.GovernorHistory;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.GovernorStatus;
import dev.memgov.core.LevelChange;
import dev.memgov.core.MemoryGovernor;
import dev.memgov.core.MemorySnapshot;
import dev.memgov.core.Pressure;
import dev.memgov.core.PressureLevel;
import dev.memgov.core.RebuildCost;
import dev.memgov.core.RestoreRequest;
import dev.memgov.core.RestoreResult;
import dev.memgov.core.Signal;
import dev.memgov.core.Trend;
import dev.memgov.core.Trigger;
import dev.memgov.core.jmx.GovernorJmx;
import dev.memgov.core.jvm.JvmGovernable;
import dev.memgov.core.policy.PressureEvaluator;
import dev.memgov.core.policy.TrendEstimator;
import dev.memgov.core.sensor.MemorySensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.LongStream;
import javax.management.MBeanServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The governor: one daemon thread runs sample → evaluate → act → publish on a timer, on every GC
 * notification and on manual calls, so no two runs ever overlap. Internal; build it with {@link
 * MemoryGovernor#builder()}.
 *
 * <p>This class is thread-safe: every mutation of the pressure state happens on the governor
 * thread; {@link #status()} reads the last tick's figures without locks (a sequence counter makes the
 * read consistent without allocating a holder per tick) and the governables' live figures.
 */
public final class DefaultMemoryGovernor implements MemoryGovernor {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryGovernor.class);
  private static final int RECENT_CLEANUPS = 20;

  /** What the last tick saw, as read by {@link #status()}. */
  private record TickState(MemorySnapshot snapshot, Pressure pressure, Trend trend, long ticks, double containerRise,
      double rssRise) {}

  private final String name;
  private final GovernorPolicy policy;
  private final GovernorClock clock;
  private final MemorySensor sensor;
  private final boolean jmxEnabled;
  private final MBeanServer mbeanServer;
  private final CopyOnWriteArrayList<Governable> governables = new CopyOnWriteArrayList<>();
  private final EventBus events;
  private final HistoryRing history;
  private final Steering steering;
  /**
   * "Leak suspected" is logged and published at most once per 10 minutes: with GCs every few ms
   * the flag can flip on and off many times a second while a cache fills or a workload churns.
   */
  static final long LEAK_WARNING_INTERVAL_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
  private long lastLeakWarningNanos = Long.MIN_VALUE;
  private boolean leakAnnounced;
  /** No such time yet: not holding back, or the processes never read. */
  private static final long NEVER = Long.MIN_VALUE;
  /** Since when this process has held back at CRITICAL or above (across dips to WARNING); governor thread. */
  private long criticalHoldSince = NEVER;
  /** The level the last hold was logged at, null when not holding; governor thread. */
  private PressureLevel holdLoggedAt;
  private static final long PEERS_MAX_AGE_NANOS = 1_000_000_000L;
  private long[] peers;
  private long peersReadNanos = NEVER;
  private final IdleDetector idle;
  private long lastConfirmNanos = Long.MIN_VALUE;
  /** A cleanup reclaimed memory since the last confirmation (written by whichever thread ran it). */
  private volatile boolean reclaimedSinceConfirm;
  private final Ladder ladder;
  /** Read by the trend only when a GC added a point; one instance, so a tick allocates no lambda. */
  private final LongSupplier governedFootprint = this::governedFootprint;
  private final TrendEstimator trendEstimator;
  private final SpikeTracker containerSpikes = new SpikeTracker();
  private final SpikeTracker rssSpikes = new SpikeTracker();
  private final AtomicBoolean gcTickPending = new AtomicBoolean();
  private final Runnable gcTick = () -> {
    gcTickPending.set(false);
    safeTick(Trigger.GC);
  };

  // the last tick's figures: written by the governor thread between two increments of stateVersion
  // (odd while writing), read by status() as a seqlock; no holder object per tick
  private volatile long stateVersion;
  private volatile double lastContainerRise = Double.NaN;
  private volatile double lastRssRise = Double.NaN;
  private volatile MemorySnapshot lastSnapshot;
  private volatile Pressure lastPressure;
  private volatile Trend lastTrend = Trend.UNKNOWN;
  private volatile long tickCount;
  private volatile List<CleanupReport> recentCleanups = List.of();
  private volatile boolean running;
  private volatile Thread governorThread;
  private ScheduledThreadPoolExecutor executor;
  private AutoCloseable jmx;
  private boolean closed;
  private long cleanupSeq;

  public DefaultMemoryGovernor(
      String name, GovernorPolicy policy, GovernorClock clock, MemorySensor sensor,
      List<Governable> governables, boolean jmxEnabled, MBeanServer mbeanServer, boolean jvmGovernable) {
    this.name = Objects.requireNonNull(name, "name");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sensor = Objects.requireNonNull(sensor, "sensor");
    this.jmxEnabled = jmxEnabled;
    this.mbeanServer = mbeanServer;
    this.events = new EventBus(name);
    this.history = new HistoryRing(policy.historySize());
    this.steering = new Steering(policy);
    this.idle = new IdleDetector(policy);
    this.ladder = new Ladder(name, clock);
    this.trendEstimator = new TrendEstimator(policy);
    for (Governable g : governables) {
      addChecked(g);
    }
    if (jvmGovernable) {
      if (find(JvmGovernable.NAME) != null) {
        throw new IllegalArgumentException("memgov '" + name + "': the governable name '" + JvmGovernable.NAME
            + "' is taken by the JVM governable; rename yours or build with jvmGovernable(false)");
      }
      this.governables.add(new JvmGovernable(policy));
    }
    this.lastPressure = Pressure.initial(clock.nanoTime());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public GovernorPolicy policy() {
    return policy;
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    if (closed) {
      throw new IllegalStateException("memgov '" + name + "': this governor was closed; build a new one");
    }
    ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "memgov-governor-" + name);
      t.setDaemon(true);
      governorThread = t;
      return t;
    });
    ex.setRemoveOnCancelPolicy(true);
    ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    ex.prestartCoreThread();
    executor = ex;
    running = true;
    if (policy.timerTriggerEnabled()) {
      long every = policy.tickInterval().toNanos();
      ex.scheduleWithFixedDelay(() -> safeTick(Trigger.TIMER), every, every, TimeUnit.NANOSECONDS);
    }
    try {
      sensor.start(this::onGcEnd);
    } catch (RuntimeException e) {
      LOG.warn("memgov '{}': the sensor could not listen for GCs; ticks run on the timer only", name, e);
    }
    if (jmxEnabled && mbeanServer != null) {
      try {
        jmx = GovernorJmx.register(this, mbeanServer);
      } catch (RuntimeException | LinkageError e) { // no java.management at run time: run without MBeans
        LOG.warn("memgov '{}': JMX registration failed; the governor runs without MBeans", name, e);
      }
    }
    for (Governable g : governables) {
      if (g instanceof JvmGovernable) {
        LOG.info("memgov '{}': {}", name, ((JvmGovernable) g).applyIdleUncommit());
      }
    }
    ex.execute(() -> safeTick(Trigger.TIMER));
    LOG.info("memgov '{}': started with {} governables, policy {}", name, governables.size(), policy.asMap());
  }

  @Override
  public void close() {
    ScheduledThreadPoolExecutor ex;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      running = false;
      ex = executor;
      executor = null;
      try {
        sensor.close();
      } catch (Throwable e) { // an Error from a custom sensor must not leave the thread and the JVM flags behind
        Failures.rethrowIfFatal(e);
        LOG.warn("memgov '{}': closing the sensor failed", name, e);
      }
      if (jmx != null) {
        try {
          jmx.close();
        } catch (Exception e) {
          LOG.warn("memgov '{}': unregistering MBeans failed", name, e);
        }
        jmx = null;
      }
    }
    boolean stopped = ex == null; // never started: no thread to wait for
    if (ex != null) {
      ex.shutdown();
      if (Thread.currentThread() != governorThread) {
        try {
          stopped = ex.awaitTermination(5, TimeUnit.SECONDS);
          if (!stopped) {
            cancelQueued(ex.shutdownNow());
          }
        } catch (InterruptedException e) {
          cancelQueued(ex.shutdownNow());
          Thread.currentThread().interrupt();
        }
      }
    }
    // after the governor thread has stopped (a tick already queued can no longer change a flag
    // again); release() also makes any later reclaim on this JVM governable leave the flags alone.
    // The JVM flags first, so that no other governable's give-back can keep them from being put back.
    for (Governable g : governables) {
      if (g instanceof JvmGovernable) {
        ((JvmGovernable) g).release();
      }
    }
    if (stopped) {
      for (Governable g : governables) {
        giveBack(g);
      }
    }
    if (!stopped && !governables.isEmpty()) {
      // a cleanup may still be running (closed from the governor thread, say from a listener, or
      // the thread did not stop within 5 s): growing back beside it could be undone by it
      LOG.warn("memgov '{}': closed while the governor thread was still running; governables it cut are"
          + " not grown back to their configured budgets", name);
    }
    if (ex != null) {
      LOG.info("memgov '{}': closed", name);
    }
  }

  /**
   * Grows a governable the governor lets go of (close, unregister) back to its configured budget:
   * no governor is left to do it, and a pool or executor adopted again later would otherwise take
   * its cut size for its configured one. At most {@value #GIVE_BACK_STEPS} full steps; a cache
   * still under its restore ceiling stays at the ceiling.
   */
  private void giveBack(Governable g) {
    try {
      for (int i = 0; i < GIVE_BACK_STEPS && g.restorePending(); i++) {
        g.restore(new RestoreRequest(100));
      }
    } catch (Throwable e) { // isolated like a failing reclaim: VirtualMachineErrors too, the others still grow back
      Failures.rethrowIfFatal(e);
      LOG.warn("memgov '{}': growing '{}' back to its configured budget failed", name, g.name(), e);
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public GovernorStatus status() {
    TickState s = readState();
    List<GovernableStatus> gs = new ArrayList<>(governables.size());
    for (Governable g : governables) {
      gs.add(statusOf(g));
    }
    return new GovernorStatus(name, running, s.snapshot, s.pressure, s.trend, gs, recentCleanups, policy, s.ticks,
        s.containerRise, s.rssRise);
  }

  private TickState readState() {
    while (true) {
      long v = stateVersion;
      if ((v & 1) == 0) {
        TickState s = new TickState(lastSnapshot, lastPressure, lastTrend, tickCount, lastContainerRise, lastRssRise);
        if (stateVersion == v) {
          return s;
        }
      }
      Thread.onSpinWait();
    }
  }

  /**
   * Cancels the calls {@code shutdownNow} dropped, so that a manual call waiting for one (an
   * optimize from HTTP, say) gets an answer instead of waiting for ever.
   */
  private static void cancelQueued(List<Runnable> dropped) {
    for (Runnable r : dropped) {
      if (r instanceof Future) {
        ((Future<?>) r).cancel(false);
      }
    }
  }

  /** How many full restore steps {@link #giveBack} takes at most. */
  private static final int GIVE_BACK_STEPS = 16;

  private static GovernableStatus statusOf(Governable g) {
    try {
      return GovernableStatus.of(g);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // a getter that throws (an optional class missing, an assertion) makes this governable's
      // figures unknown; it must not fail status() and with it every health check
      return new GovernableStatus(g.name(), g.kind(), -1, true, "unknown", -1, -1, RebuildCost.MODERATE,
          "status failed: " + Failures.describe(e));
    }
  }

  @Override
  public CleanupReport optimize(CleanupLevel level, boolean force, Trigger trigger) {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(trigger, "trigger");
    if (!trigger.isManual()) {
      throw new IllegalArgumentException("memgov '" + name + "': trigger " + trigger
          + " is one of the governor's own (automatic) triggers; a manual cleanup takes API, HTTP or JMX");
    }
    if (!running) {
      throw new IllegalStateException("memgov '" + name + "': the governor is not running; call start() first");
    }
    return onGovernorThread(() -> manualCleanup(level, force, trigger));
  }

  @Override
  public List<String> cacheTargets() {
    List<String> targets = new ArrayList<>(List.of("all", "l1", "l2"));
    for (Governable g : governables) {
      if (g instanceof ClearableCache) {
        targets.add(g.name());
      }
    }
    return targets;
  }

  @Override
  public List<ClearResult> clearCache(String target) {
    List<String> accepted = cacheTargets();
    String t = target == null ? null : target.trim();
    String lower = t == null ? null : t.toLowerCase(Locale.ROOT);
    boolean tier = "all".equals(lower) || "l1".equals(lower) || "l2".equals(lower);
    if (t == null || (!tier && !accepted.contains(t))) {
      throw new IllegalArgumentException("memgov '" + name + "': cache target must be one of "
          + String.join("|", accepted) + ", but was " + (t == null ? "null" : "'" + target + "'"));
    }
    Callable<List<ClearResult>> job = () -> clear(tier ? lower : null, tier ? null : t);
    if (!running) {
      try {
        return job.call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return onGovernorThread(job);
  }

  private List<ClearResult> clear(String tierName, String cacheName) {
    List<ClearResult> results = new ArrayList<>();
    for (Governable g : governables) {
      if (!(g instanceof ClearableCache)) {
        continue;
      }
      ClearableCache c = (ClearableCache) g;
      CacheTier tier;
      if (cacheName != null) {
        if (!c.name().equals(cacheName)) {
          continue;
        }
        tier = CacheTier.ALL;
      } else if ("l2".equals(tierName)) {
        if (!c.hasL2()) {
          continue;
        }
        tier = CacheTier.L2;
      } else {
        tier = "l1".equals(tierName) ? CacheTier.L1 : CacheTier.ALL;
      }
      try {
        results.add(c.clear(tier));
      } catch (Throwable e) {
        Failures.rethrowIfFatal(e);
        LOG.error("memgov '{}': clearing cache '{}' ({}) failed", name, c.name(), tier.wireName(), e);
        results.add(new ClearResult(c.name(), tier, -1, -1, -1, Failures.describe(e)));
      }
    }
    LOG.info("memgov '{}': cleared caches, target {}: {}", name, cacheName != null ? cacheName : tierName, results);
    return results;
  }

  @Override
  public void register(Governable governable) {
    Objects.requireNonNull(governable, "governable");
    addChecked(governable);
    LOG.info("memgov '{}': registered governable '{}' ({})", name, governable.name(), governable.kind());
    if (events.wants(GovernorEvent.GovernableAdded.class)) {
      publishOnGovernorThread(new GovernorEvent.GovernableAdded(clock.currentTimeMillis(), governable.name(), governable.kind()));
    }
  }

  private synchronized void addChecked(Governable g) {
    if (g.name() == null || g.name().isBlank()) {
      throw new IllegalArgumentException("memgov '" + name + "': a governable's name must not be blank, but was "
          + (g.name() == null ? "null" : "'" + g.name() + "'"));
    }
    if (find(g.name()) != null) {
      throw new IllegalArgumentException("memgov '" + name + "': governable names must be unique, but '"
          + g.name() + "' is already registered");
    }
    governables.add(g);
  }

  @Override
  public boolean unregister(String governableName) {
    Governable g;
    synchronized (this) {
      g = find(governableName);
      if (g == null) {
        return false;
      }
      governables.remove(g);
    }
    if (g instanceof JvmGovernable) {
      ((JvmGovernable) g).release();
    }
    laterOnGovernorThread(() -> giveBack(g)); // from a listener: g is no longer in the list the tick cuts
    LOG.info("memgov '{}': unregistered governable '{}'", name, governableName);
    if (events.wants(GovernorEvent.GovernableRemoved.class)) {
      publishOnGovernorThread(new GovernorEvent.GovernableRemoved(clock.currentTimeMillis(), g.name(), g.kind()));
    }
    return true;
  }

  private Governable find(String governableName) {
    for (Governable g : governables) {
      if (g.name().equals(governableName)) {
        return g;
      }
    }
    return null;
  }

  @Override
  public List<Governable> governables() {
    return List.copyOf(governables);
  }

  @Override
  public GovernorHistory history(long sinceMillis) {
    return history.since(sinceMillis);
  }

  @Override
  public <E extends GovernorEvent> AutoCloseable subscribe(Class<E> type, Consumer<? super E> listener) {
    return events.subscribe(type, listener);
  }

  /**
   * Runs one automatic tick now and waits for it: on the governor thread when started, else on the
   * caller's thread. For tests and benchmarks; not part of the API.
   */
  public void tickNow() {
    if (!running) {
      synchronized (this) {
        tick(Trigger.TIMER);
      }
      return;
    }
    onGovernorThread(() -> {
      tick(Trigger.TIMER);
      return null;
    });
  }

  // ---------------------------------------------------------------------- on the governor thread

  private void onGcEnd() {
    if (!running || !policy.gcTriggerEnabled()) {
      return;
    }
    if (gcTickPending.compareAndSet(false, true)) {
      ScheduledThreadPoolExecutor ex = executor;
      try {
        if (ex != null) {
          ex.execute(gcTick);
          return;
        }
      } catch (RejectedExecutionException e) {
        // closing
      }
      gcTickPending.set(false);
    }
  }

  private void safeTick(Trigger trigger) {
    try {
      tick(trigger);
    } catch (Throwable t) { // the governor thread never dies
      Failures.rethrowIfFatal(t);
      LOG.error("memgov '{}': a {} tick failed; the governor keeps running", name, trigger.name().toLowerCase(Locale.ROOT), t);
    }
  }

  private void tick(Trigger trigger) {
    long now = clock.nanoTime();
    sampleAndEvaluate(now);
    MemorySnapshot snap = lastSnapshot;
    Pressure p = lastPressure;
    // the resident figures one spike from EMERGENCY, with the rises this tick's evaluation published
    double containerRise = lastContainerRise;
    double rssRise = lastRssRise;
    boolean containerSpike = steering.spikeReaches(p, Signal.CONTAINER, containerRise);
    boolean rssSpike = steering.spikeReaches(p, Signal.RSS, rssRise);
    CleanupLevel level = steering.decide(p, snap, now, containerSpike || rssSpike);
    boolean idleNow = idle.due(p, snap, now);
    if (p.level() == PressureLevel.NORMAL) {
      endHold();
    }
    if (level != null) {
      long gap = 0;
      Signal answers = p.governing();
      if (level != CleanupLevel.LIGHT) {
        Signal gov = p.governing();
        double usual = policy.lowerEdge(p.level());
        boolean forSpike = level == CleanupLevel.STANDARD && (containerSpike || rssSpike);
        // the resident figure one spike from the limit (the nearer one when both are)
        Signal spiking = containerSpike && (!rssSpike
            || p.ratio(Signal.CONTAINER) + containerRise >= p.ratio(Signal.RSS) + rssRise) ? Signal.CONTAINER : Signal.RSS;
        // the governing figure's own size (spike-sized when it is one spike from the limit: room for
        // the rise under CRITICAL's lower edge); under the container figure this process's part is
        // its fair part where the peers are known
        Sized best = sized(snap, gov, forSpike && spikeOf(gov, containerSpike, rssSpike)
            ? spikeTarget(usual, gov == Signal.CONTAINER ? containerRise : rssRise) : usual);
        long share = best.share();
        long[] peers = null;
        long fair = -1;
        if (level == CleanupLevel.STANDARD && gov == Signal.CONTAINER && best.whole() > 0) {
          peers = containerPeers(now);
          fair = fairShare(best.whole(), snap.rss(), peers);
          if (fair >= 0) {
            share = fair;
          }
        }
        if (forSpike) {
          // each other resident figure one spike from the limit is a candidate too, at this
          // process's part of it; the largest part runs
          if (containerSpike && gov != Signal.CONTAINER) {
            Sized c = sized(snap, Signal.CONTAINER, spikeTarget(usual, containerRise));
            long part = c.share();
            long f = c.whole() > 0 ? fairShare(c.whole(), snap.rss(), containerPeers(now)) : -1;
            if (f >= 0) {
              part = f; // 0 under the fair line: the peers' to give
            }
            if (part > share) {
              best = c;
              share = part;
            }
          }
          if (rssSpike && gov != Signal.RSS) {
            Sized r = sized(snap, Signal.RSS, spikeTarget(usual, rssRise));
            if (r.share() > share) {
              best = r;
              share = r.share();
            }
          }
        }
        if (share <= 0 && gov == Signal.CONTAINER && best.signal() == Signal.CONTAINER && fair == 0) {
          if (holdForPeers(p, snap, peers, now)) {
            if (p.level() == PressureLevel.WARNING && steering.cooldownLeftNanos(CleanupLevel.LIGHT, now) == 0) {
              cleanup(CleanupLevel.LIGHT, trigger, 0, true, p, gov, snap.gcCount(), now); // light still runs while holding
            }
            return;
          }
          share = best.share(); // held long enough: its proportional share
        } else if (share <= 0 && forSpike) {
          // nothing of this process's to give (under the container's fair line, its own figure at
          // its target): light, as at any WARNING, rather than an unsized standard cut
          if (steering.cooldownLeftNanos(CleanupLevel.LIGHT, now) == 0) {
            cleanup(CleanupLevel.LIGHT, trigger, 0, true, p, gov, snap.gcCount(), now);
          }
          return;
        }
        endHold();
        gap = share;
        // a trim for a spike answers the resident figure, so the JVM returns the heap it frees
        answers = forSpike && best.signal() != Signal.CONTAINER && best.signal() != Signal.RSS ? spiking : best.signal();
        if (forSpike) {
          double rise = spiking == Signal.CONTAINER ? containerRise : rssRise;
          LOG.info("memgov '{}': {} {} with a rise of {} points within the last {} s: trimming {} to {} now", name,
              spiking.wireName(), Bytes.percent(p.ratio(spiking)),
              String.format(Locale.ROOT, "%.0f", rise * 100), SpikeTracker.MEMORY_NANOS / 1_000_000_000L,
              best.signal().wireName(), Bytes.percent(best.target()));
        }
      }
      cleanup(level, trigger, gap, true, p, answers, snap.gcCount(), now);
    } else if (steering.restoreDue(p, now) && anyRestorePending()) {
      restoreStep(now);
    } else if (idleNow) {
      idleGiveBack(p, snap, now);
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("memgov '{}': tick {} ({}): {} {} {}", name, tickCount, trigger.name().toLowerCase(Locale.ROOT),
          p.level(), p.governing().wireName(), Bytes.percent(p.governingRatio()));
    }
  }

  /**
   * The governables' summed footprint, set apart from the live set in the leak test (a cache
   * filling toward its budget is not a leak); one that fails to answer counts 0.
   */
  private long governedFootprint() {
    long sum = 0;
    for (Governable g : governables) {
      try {
        sum += Math.max(0, g.footprintBytes());
      } catch (RuntimeException e) {
        // counted as 0: the leak test then sees its bytes as the live set's
      }
    }
    return sum;
  }

  /** Whether any governable has a restore step to take (a step with none would only starve idle). */
  private boolean anyRestorePending() {
    for (Governable g : governables) {
      try {
        if (g.restorePending()) {
          return true;
        }
      } catch (RuntimeException e) {
        // asked again at the next tick
      }
    }
    return false;
  }

  /**
   * The part of the gap this process answers for. Under the container signal that is its share:
   * the gap times its RSS over the container's working set. Several governed JVMs in one container
   * all see the same figure; each giving back the whole gap would give back K times too much (and
   * starve every tenant), each giving back its share gives the gap back once, the biggest holder
   * the most. If the figure holds, the next cleanup (escalated) asks again. The heap and RSS
   * signals are this process's own: the whole gap.
   */
  static long ownShare(long gap, MemorySnapshot s, Signal governing) {
    if (governing != Signal.CONTAINER || gap <= 0 || s.rss() <= 0 || s.containerWorkingSet() <= 0
        || s.rss() >= s.containerWorkingSet()) {
      return gap;
    }
    return (long) (gap * ((double) s.rss() / s.containerWorkingSet()));
  }

  /**
   * This process's part of the gap when several processes share the container: water-filling.
   * The processes above a common RSS line give back what lies above it, the line set so that
   * together they give back the gap (Σ max(0, rss − line) = gap); a process at or under the line
   * gives nothing. The biggest holder gives first and most, and a tenant squeezed earlier is not
   * squeezed again while others hold more than it does. Only processes holding at least 5 % of
   * the processes' total RSS count (a shell or an init process does not set the line). Never more
   * than the gap (this process's own figure is fresher than the list, or missing from it). Returns 0
   * when this process is at or under the line, and −1 when the rule does not apply: no gap, no RSS
   * of its own, no peers known, or fewer than two processes that count.
   */
  static long fairShare(long gap, long ownRss, long[] peers) {
    if (gap <= 0 || ownRss <= 0 || peers == null || peers.length < 2) {
      return -1;
    }
    long least = Math.max(1, LongStream.of(peers).sum() / 20);
    long[] counted = LongStream.of(peers).filter(r -> r >= least).sorted().toArray();
    int n = counted.length;
    if (n < 2) {
      return -1;
    }
    // descending walk: with the k largest above the line, line = (their sum - gap) / k, valid once
    // it is at or above the next one down
    double line = 0;
    long prefix = 0;
    for (int k = 1; k <= n; k++) {
      prefix += counted[n - k];
      line = (prefix - (double) gap) / k;
      if (k == n || line >= counted[n - k - 1]) {
        break;
      }
    }
    return Math.min(gap, (long) Math.max(0, ownRss - Math.max(0, line)));
  }

  /**
   * The RSS of the container's processes, read at most once a second: while a process holds back,
   * every GC's tick asks again, and a read costs one file per process.
   */
  private long[] containerPeers(long now) {
    if (peersReadNanos == NEVER || now - peersReadNanos >= PEERS_MAX_AGE_NANOS) {
      peers = sensor.containerProcessesRss();
      peersReadNanos = now;
    }
    return peers;
  }

  /**
   * Whether this process, under its fair line ({@link #fairShare} 0), holds back this sized
   * cleanup while the processes above the line give back: always at WARNING, and at CRITICAL for up
   * to two settle windows counted from its first hold at CRITICAL (a dip to WARNING does not start
   * them over) — if the figure holds that long (the processes above the line cannot give enough:
   * not governed, or what they hold is not theirs to give), this process cuts its proportional
   * share as before. Logs the first hold at each level.
   */
  private boolean holdForPeers(Pressure p, MemorySnapshot snap, long[] peers, long now) {
    if (holdLoggedAt != p.level()) {
      holdLoggedAt = p.level();
      long total = LongStream.of(peers).sum();
      LOG.info("memgov '{}': container at {} ({}): this process ({} RSS) is at or under the fair line of the {} processes"
          + " in its container ({} RSS in all): those above it give back first", name, p.level(),
          Bytes.percent(p.ratio(Signal.CONTAINER)), Bytes.format(snap.rss()), peers.length, Bytes.format(total));
    }
    if (p.level() == PressureLevel.WARNING) {
      return true;
    }
    if (criticalHoldSince == NEVER) {
      criticalHoldSince = now;
    }
    long waited = now - criticalHoldSince;
    if (waited < 2 * policy.settleWindow().toNanos()) {
      return true;
    }
    LOG.info("memgov '{}': container still {} after {} ms holding back for the processes above the fair line:"
        + " cutting this process's proportional share", name, p.level(), waited / 1_000_000L);
    return false;
  }

  /** A sized cleanup runs, or pressure is gone: the next hold is a new one. */
  private void endHold() {
    criticalHoldSince = NEVER;
    holdLoggedAt = null;
  }

  /** A cleanup's size on one signal: its target figure, the bytes over it, and this process's part. */
  private record Sized(Signal signal, double target, long whole, long share) {}

  private static Sized sized(MemorySnapshot snap, Signal signal, double target) {
    long whole = PressureEvaluator.bytesOverTarget(snap, signal, target);
    return new Sized(signal, target, whole, ownShare(whole, snap, signal));
  }

  private static boolean spikeOf(Signal signal, boolean containerSpike, boolean rssSpike) {
    return signal == Signal.CONTAINER ? containerSpike : signal == Signal.RSS && rssSpike;
  }

  /**
   * Spike headroom's target: the rise's room under CRITICAL's lower edge, never below half the
   * usual target, never above it.
   */
  private double spikeTarget(double usual, double rise) {
    return Math.max(usual / 2, Math.min(usual, policy.lowerEdge(PressureLevel.CRITICAL) - rise));
  }

  /** Samples, evaluates and publishes the figures; a level change is announced here. */
  private void sampleAndEvaluate(long now) {
    MemorySnapshot prevSnap = lastSnapshot;
    Pressure prev = lastPressure;
    Trend prevTrend = lastTrend;
    MemorySnapshot snap = sensor.sample();
    if (confirmDue(snap, now)) {
      snap = confirmHeap(snap, now);
    }
    Pressure p = PressureEvaluator.evaluate(snap, prev, policy, now);
    containerSpikes.record(now, snap.containerRatio());
    rssSpikes.record(now, snap.rssRatio());
    Trend trend;
    if (prevSnap != null && snap.gcCount() >= 0 && snap.gcCount() == prevSnap.gcCount()
        && p.governing() == Signal.HEAP && prev.governing() == Signal.HEAP) {
      trend = prevTrend; // heap-governed and no GC since: no new point, same after-GC figure, same trend
    } else {
      Trend t = trendEstimator.update(snap, p, governedFootprint);
      trend = t == null ? Trend.UNKNOWN : t;
    }
    history.add(snap);
    double containerRise = Double.isNaN(snap.containerRatio()) ? Double.NaN : containerSpikes.spike(now);
    double rssRise = Double.isNaN(snap.rssRatio()) ? Double.NaN : rssSpikes.spike(now);
    stateVersion++; // odd: writing (only this thread writes)
    lastSnapshot = snap;
    lastPressure = p;
    lastTrend = trend;
    tickCount++;
    lastContainerRise = containerRise;
    lastRssRise = rssRise;
    stateVersion++;
    if (p.level() != prev.level()) {
      levelChanged(prev, p);
    }
    if (!trend.leakSuspected()) {
      leakAnnounced = false;
    } else if (!leakAnnounced
        && (lastLeakWarningNanos == Long.MIN_VALUE || now - lastLeakWarningNanos >= LEAK_WARNING_INTERVAL_NANOS)) {
      // a streak not yet announced: at once, or when the interval after the last warning has passed
      leakAnnounced = true;
      lastLeakWarningNanos = now;
      LOG.warn("memgov '{}': the live set less what the governables hold rose from one reclaiming GC to the next,"
          + " or above half the heap with no reclaim ({} per minute): a leak is suspected",
          name, Bytes.format((long) trend.bytesPerMinute()));
      if (events.wants(GovernorEvent.LeakSuspected.class)) {
        events.publish(new GovernorEvent.LeakSuspected(clock.currentTimeMillis(), trend));
      }
    }
  }

  /**
   * Whether to confirm the heap figure with a whole-heap GC before acting on it: it reads at or
   * above CRITICAL, came from a young or mixed GC (an upper bound on the live set: it still holds
   * what was promoted since the last whole-heap GC, dead or alive), and no confirmation ran within
   * the policy's {@code heapConfirmInterval} — or one did, but a cleanup has reclaimed memory since:
   * what it evicted lies in the old generation until a whole-heap GC, so a young GC's figure cannot
   * show it (measured: a standard cut of 29.8 MiB, then 86 ms later a young-GC figure of 93.4 %
   * read as EMERGENCY and cleared the rest of the cache). Under G1 that upper bound runs ~100 MiB
   * over the live set of a 256 MiB heap under churn; acting on it would wipe a cache to free memory
   * the next marking frees anyway. At most one confirmation per interval plus one per cleanup.
   */
  private boolean confirmDue(MemorySnapshot snap, long now) {
    Duration every = policy.heapConfirmInterval();
    if (every.isZero() || !policy.systemGcEnabled() || !(snap.heapRatio() >= policy.criticalPercent() / 100.0)) {
      return false;
    }
    if (lastConfirmNanos != Long.MIN_VALUE && now - lastConfirmNanos < every.toNanos() && !reclaimedSinceConfirm) {
      return false;
    }
    return sensor.heapFigurePartial();
  }

  private MemorySnapshot confirmHeap(MemorySnapshot partial, long now) {
    lastConfirmNanos = now;
    reclaimedSinceConfirm = false;
    long started = System.nanoTime();
    MemorySnapshot full;
    try {
      full = sensor.sampleAfterFullGc();
    } catch (RuntimeException e) {
      LOG.warn("memgov '{}': confirming the heap figure with a full GC failed; acting on the figure as read", name, e);
      return partial;
    }
    if (full == null) {
      return partial; // no GC ran (-XX:+DisableExplicitGC): act on what was read
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("memgov '{}': heap {} after a young/mixed GC, {} after a full GC ({} ms)", name,
          Bytes.percent(partial.heapRatio()), Bytes.percent(full.heapRatio()), (System.nanoTime() - started) / 1_000_000);
    }
    return full;
  }

  private void levelChanged(Pressure from, Pressure to) {
    long millis = clock.currentTimeMillis();
    history.add(new LevelChange(millis, from.level(), to.level(), to.governing(), to.governingRatio()));
    // listeners first (the app may shed load), then governables, then the log line
    if (events.wants(GovernorEvent.LevelChanged.class)) {
      events.publish(new GovernorEvent.LevelChanged(millis, from.level(), to.level(), to));
    }
    for (Governable g : governables) {
      try {
        g.pressureChanged(from.level(), to.level());
      } catch (Throwable t) {
        Failures.rethrowIfFatal(t);
        LOG.error("memgov '{}': governable '{}' threw in pressureChanged", name, g.name(), t);
      }
    }
    LOG.info("memgov '{}': pressure {} -> {} ({} {}; thresholds {}/{}/{} %)", name, from.level(), to.level(),
        to.governing().wireName(), Bytes.percent(to.governingRatio()),
        policy.warningPercent(), policy.criticalPercent(), policy.emergencyPercent());
  }

  private CleanupReport manualCleanup(CleanupLevel level, boolean force, Trigger trigger) {
    long now = clock.nanoTime();
    long left = steering.cooldownLeftNanos(level, now);
    if (left > 0 && !force) {
      throw new CleanupRefusedException(level, Duration.ofNanos(left));
    }
    sampleAndEvaluate(now);
    return cleanup(level, trigger, 0, false, lastPressure, lastPressure.governing(), lastSnapshot.gcCount(), now);
  }

  /**
   * Runs one cleanup. {@code answers} is the signal whose figure it is sized on: the governing one,
   * or the resident figure a spike-headroom trim answers (the JVM then returns heap it frees).
   */
  private CleanupReport cleanup(CleanupLevel level, Trigger trigger, long gap, boolean automatic, Pressure before,
      Signal answers, long gcCount, long now) {
    long startedMillis = clock.currentTimeMillis();
    List<Governable> asked = trigger == Trigger.IDLE ? idleGovernables(level == CleanupLevel.LIGHT) : governables;
    List<Ladder.Step> steps = Ladder.plan(asked, level, gap, answers);
    List<CleanupReport.GovernableOutcome> outcomes = ladder.run(steps, level, trigger, answers);
    List<String> errors = new ArrayList<>();
    for (CleanupReport.GovernableOutcome o : outcomes) {
      if (o.error() != null) {
        errors.add(o.name() + ": " + o.error());
      }
    }
    CleanupReport report = new CleanupReport(++cleanupSeq, trigger, level, before, gap, startedMillis,
        clock.nanoTime() - now, outcomes, errors);
    if (report.reclaimedBytes() > 0) {
      reclaimedSinceConfirm = true;
      if (level != CleanupLevel.LIGHT) { // automatic or manual: what grows back from its dip is no spike
        containerSpikes.quiet(now);
        rssSpikes.quiet(now);
      }
    }
    if (trigger != Trigger.IDLE) { // the idle give-back is no pressure episode and starts no cooldown
      steering.ran(level, before, now, gcCount, automatic);
    }
    List<CleanupReport> recent = new ArrayList<>(recentCleanups);
    recent.add(report);
    if (recent.size() > RECENT_CLEANUPS) {
      recent.remove(0);
    }
    recentCleanups = List.copyOf(recent);
    logCleanup(report);
    if (events.wants(GovernorEvent.CleanupCompleted.class)) {
      events.publish(new GovernorEvent.CleanupCompleted(startedMillis, report));
    }
    return report;
  }

  /**
   * The idle give-back: a light cleanup with trigger {@link Trigger#IDLE} of the caches (expired
   * entries go) and the JVM governable, which answers with one GC under a low {@code
   * MaxHeapFreeRatio} and a native trim. Pools and thread pools are not asked. At NORMAL only, once
   * per idle period ({@link IdleDetector}).
   */
  private void idleGiveBack(Pressure p, MemorySnapshot snap, long now) {
    idle.gaveBack();
    LOG.info("memgov '{}': idle for {} s (no GC, heap use +{}, committed heap {}): idle give-back", name,
        idle.quietNanos(now) / 1_000_000_000L, Bytes.format(idle.grownBytes()), Bytes.format(snap.heapCommitted()));
    int shed = policy.idleCacheShedPercent();
    if (shed > 0) { // opt-in: evict a share of the caches first, so the GC below returns their memory too
      long held = 0;
      for (Governable g : idleGovernables(false)) {
        held += Math.max(0, Ladder.footprint(g));
      }
      if (held > 0) {
        cleanup(CleanupLevel.STANDARD, Trigger.IDLE, held * shed / 100, true, p, p.governing(), snap.gcCount(), now);
      }
    }
    CleanupReport r = cleanup(CleanupLevel.LIGHT, Trigger.IDLE, 0, true, p, p.governing(), snap.gcCount(), now);
    for (CleanupReport.GovernableOutcome o : r.outcomes()) {
      if (JvmGovernable.NAME.equals(o.name())) {
        LOG.info("memgov '{}': {}", name, o.action());
      }
    }
  }

  /**
   * Who the idle give-back asks: the caches (whose light cleanup drops expired entries) and, with
   * {@code jvm}, the JVM.
   */
  private List<Governable> idleGovernables(boolean jvm) {
    List<Governable> asked = new ArrayList<>();
    for (Governable g : governables) {
      String kind;
      try {
        kind = g.kind();
      } catch (RuntimeException e) {
        continue;
      }
      if ((jvm && g instanceof JvmGovernable) || "cache".equals(kind)) {
        asked.add(g);
      }
    }
    return asked;
  }

  private void logCleanup(CleanupReport r) {
    long before = 0;
    long after = 0;
    int asked = 0;
    for (CleanupReport.GovernableOutcome o : r.outcomes()) {
      before += Math.max(0, o.bytesBefore());
      after += Math.max(0, o.bytesAfter());
      if (o.error() != null || !o.action().startsWith("skipped")) {
        asked++;
      }
    }
    Pressure p = r.pressureBefore();
    LOG.info("memgov '{}': {} cleanup #{} ({}) at {} ({} {}): target {}, footprint {} -> {} (reclaimed {}) "
            + "across {} of {} governables in {} ms, {} errors",
        name, r.level().wireName(), r.id(), r.trigger().name().toLowerCase(Locale.ROOT), p.level(),
        p.governing().wireName(), Bytes.percent(p.governingRatio()),
        r.targetBytes() > 0 ? Bytes.format(r.targetBytes()) : "unsized", Bytes.format(before), Bytes.format(after),
        Bytes.format(r.reclaimedBytes()), asked, r.outcomes().size(),
        String.format(Locale.ROOT, "%.1f", r.durationNanos() / 1e6), r.errors().size());
  }

  private void restoreStep(long now) {
    steering.restored(now);
    RestoreRequest request = new RestoreRequest(policy.restoreStepPercent());
    List<String> done = null;
    for (Governable g : governables) {
      try {
        if (!g.restorePending()) {
          continue;
        }
      } catch (RuntimeException e) {
        continue;
      }
      String what;
      try {
        RestoreResult r = g.restore(request);
        what = r == null ? "no result" : r.action();
      } catch (Throwable t) {
        Failures.rethrowIfFatal(t);
        LOG.error("memgov '{}': governable '{}' threw while restoring", name, g.name(), t);
        what = "failed: " + Failures.describe(t);
      }
      if (done == null) {
        done = new ArrayList<>();
      }
      done.add(g.name() + ": " + what);
    }
    if (done != null) {
      LOG.info("memgov '{}': calm, restore step of {} %: {}", name, policy.restoreStepPercent(), done);
    }
  }

  /**
   * Runs {@code task} on the governor thread while it runs, queued and not waited for (so never
   * beside a cleanup, and never blocking a caller that holds a lock the task needs); else here
   * (not started, closing, or already on the governor thread).
   */
  private void laterOnGovernorThread(Runnable task) {
    ScheduledThreadPoolExecutor ex = executor;
    if (running && ex != null && Thread.currentThread() != governorThread) {
      try {
        ex.execute(task);
        return;
      } catch (RejectedExecutionException e) {
        // closing: run it here
      }
    }
    task.run();
  }

  private void publishOnGovernorThread(GovernorEvent event) {
    laterOnGovernorThread(() -> events.publish(event));
  }

  private <T> T onGovernorThread(Callable<T> job) {
    if (Thread.currentThread() == governorThread) {
      try {
        return job.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    ScheduledThreadPoolExecutor ex = executor;
    Future<T> f;
    try {
      if (ex == null) {
        throw new RejectedExecutionException();
      }
      f = ex.submit(job);
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("memgov '" + name + "': the governor is not running; call start() first");
    }
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      if (c instanceof Error) {
        throw (Error) c;
      }
      throw new IllegalStateException(c);
    } catch (java.util.concurrent.CancellationException e) {
      // close() gave up waiting for the thread and dropped the calls still queued
      throw new IllegalStateException(
          "memgov '" + name + "': the governor is not running; it closed before the call ran");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("memgov '" + name + "': interrupted while waiting for the governor thread");
    }
  }

  /** For the status views of this package's tests: the level the last tick saw. */
  PressureLevel level() {
    return lastPressure.level();
  }
}
