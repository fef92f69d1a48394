package dev.memgov.core;

import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ThreadPoolExecutor} as a governable: under pressure it lowers the pool's maximum and
 * core sizes and lets core threads time out, so idle threads exit and their stacks are freed; when
 * calm it restores the configured sizes in steps.
 *
 * <p>The budget is the maximum pool size, in threads. Per level, never raising a size:
 *
 * <ul>
 *   <li>{@code light}: maximum down to the core size (idle threads above core exit); cancelled
 *       tasks purged from the queue;
 *   <li>{@code standard}: maximum halved, core no higher than the maximum, core threads time out;
 *   <li>{@code aggressive}: maximum and core to a quarter of the configured sizes;
 *   <li>{@code emergency}: maximum and core to one thread.
 * </ul>
 *
 * With a byte target, only as many threads as the target needs go (an estimated {@value
 * #BYTES_PER_THREAD} bytes each), never past what the level allows.
 *
 * <p>The configured sizes are the core and maximum sizes the pool has when adopted. A size the owner
 * changes later ({@code setCorePoolSize}, {@code setMaximumPoolSize}: any value other than the one
 * this class last set or saw) becomes the configured size from then on, so a restore never undoes it
 * and demand never grows past it. A size set by hand to exactly the value the governor had set
 * cannot be told apart from it and stays the governor's.
 *
 * <p>No task is lost to a shrink: queued tasks stay queued, and adopting the pool wraps its {@link
 * RejectedExecutionHandler} so that a task that would be rejected only because the governor lowered
 * the maximum raises it instead, just enough for one more thread (demand wins over pressure); at the
 * configured maximum, the original handler decides as before.
 *
 * <p>This class is thread-safe.
 */
public final class ThreadPoolGovernable implements Governable {
  /** The estimated memory per thread: touched stack plus thread-local and native bookkeeping. */
  public static final long BYTES_PER_THREAD = 256 * 1024;

  private final String name;
  private final ThreadPoolExecutor executor;
  /** The configured sizes: as adopted, or as the owner last set them (see {@link #followOwner}). */
  private volatile int configuredCore;
  private volatile int configuredMax;
  private final boolean configuredCoreTimeout;
  /** The core and maximum sizes this class last set or saw; others are the owner's. Guarded by this. */
  private int knownCore;
  private int knownMax;
  /** A cleanup turned the core-thread timeout on; the restore that completes turns it back off. */
  private boolean coreTimeoutSetByCleanup;

  private ThreadPoolGovernable(String name, ThreadPoolExecutor executor) {
    this.name = name;
    this.executor = executor;
    this.configuredCore = executor.getCorePoolSize();
    this.configuredMax = executor.getMaximumPoolSize();
    this.configuredCoreTimeout = executor.allowsCoreThreadTimeOut();
    this.knownCore = configuredCore;
    this.knownMax = configuredMax;
  }

  /**
   * Adopts a pool at its current sizes (the configured budget) and wraps its rejection handler.
   *
   * @throws IllegalArgumentException when the name is blank, or the pool is null or shut down
   */
  public static ThreadPoolGovernable adopt(String name, ThreadPoolExecutor executor) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("memgov threads: name must not be blank, but was "
          + (name == null ? "null" : "'" + name + "'"));
    }
    if (executor == null) {
      throw new IllegalArgumentException(
          "memgov threads '" + name + "': executor must be a running ThreadPoolExecutor, but was null");
    }
    if (executor.isShutdown()) {
      throw new IllegalArgumentException(
          "memgov threads '" + name + "': the executor is shut down; adopt a running one");
    }
    ThreadPoolGovernable g = new ThreadPoolGovernable(name, executor);
    RejectedExecutionHandler original = executor.getRejectedExecutionHandler();
    // adopted again (a new governor): the handler now answers to this governable, which is the
    // one that cuts; the owner's handler inside it stays
    executor.setRejectedExecutionHandler(new DemandWins(g,
        original instanceof DemandWins ? ((DemandWins) original).original : original));
    return g;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kind() {
    return "threads";
  }

  @Override
  public long footprintBytes() {
    return (long) executor.getPoolSize() * BYTES_PER_THREAD;
  }

  @Override
  public String budgetUnit() {
    return "threads";
  }

  @Override
  public long configuredBudget() {
    return configuredMax;
  }

  @Override
  public long currentBudget() {
    return executor.getMaximumPoolSize();
  }

  @Override
  public RebuildCost rebuildCost() {
    return RebuildCost.FREE;
  }

  /**
   * Whether a restore step is due: the maximum or the core size is below the configured one, or
   * core threads still time out because a cleanup made them. Demand can raise the maximum back on
   * its own ({@link #adopt}); the core size and the core-thread timeout then still need the restore.
   */
  @Override
  public synchronized boolean restorePending() {
    followOwner();
    return !executor.isShutdown() && (executor.getMaximumPoolSize() < configuredMax
        || executor.getCorePoolSize() < configuredCore || coreTimeoutSetByCleanup);
  }

  @Override
  public String state() {
    return "core " + executor.getCorePoolSize() + "/" + configuredCore + ", max " + executor.getMaximumPoolSize()
        + "/" + configuredMax + ", threads " + executor.getPoolSize() + ", active " + executor.getActiveCount()
        + ", queued " + executor.getQueue().size();
  }

  @Override
  public synchronized ReclaimResult reclaim(ReclaimRequest request) {
    followOwner();
    int core = executor.getCorePoolSize();
    int max = executor.getMaximumPoolSize();
    int floorMax;
    int floorCore;
    switch (request.level()) {
      case LIGHT:
        floorMax = Math.max(1, configuredCore);
        floorCore = core;
        break;
      case STANDARD:
        floorMax = Math.max(1, max / 2);
        floorCore = Math.min(core, floorMax);
        break;
      case AGGRESSIVE:
        floorMax = Math.max(1, configuredMax / 4);
        floorCore = Math.min(core, Math.max(1, configuredCore / 4));
        break;
      default:
        floorMax = 1;
        floorCore = Math.min(core, 1);
        break;
    }
    int newMax = Math.min(max, floorMax);
    if (request.targetBytes() > 0) {
      long threads = (request.targetBytes() + BYTES_PER_THREAD - 1) / BYTES_PER_THREAD;
      newMax = (int) Math.max(newMax, Math.min(max, executor.getPoolSize()) - threads);
      newMax = Math.max(1, Math.min(max, newMax));
    }
    int newCore = Math.min(Math.min(core, floorCore), newMax);
    int purged = 0;
    if (request.level() == CleanupLevel.LIGHT) {
      int before = executor.getQueue().size();
      executor.purge();
      purged = before - executor.getQueue().size();
    }
    boolean timeout = request.level() != CleanupLevel.LIGHT && executor.getKeepAliveTime(TimeUnit.NANOSECONDS) > 0;
    if (newMax == max && newCore == core && (!timeout || executor.allowsCoreThreadTimeOut()) && purged <= 0) {
      return ReclaimResult.nothing("already at core " + core + ", max " + max + " for " + request.level().wireName());
    }
    executor.setCorePoolSize(newCore); // core first: the maximum may never go below it
    executor.setMaximumPoolSize(newMax);
    knownCore = newCore;
    knownMax = newMax;
    if (timeout && !executor.allowsCoreThreadTimeOut()) {
      executor.allowCoreThreadTimeOut(true);
      coreTimeoutSetByCleanup = true;
    }
    return ReclaimResult.done("core " + core + " -> " + newCore + ", max " + max + " -> " + newMax
        + (timeout ? ", core threads time out" : "") + (purged > 0 ? ", purged " + purged + " cancelled tasks" : ""));
  }

  @Override
  public synchronized RestoreResult restore(RestoreRequest request) {
    followOwner();
    int core = executor.getCorePoolSize();
    int max = executor.getMaximumPoolSize();
    if (max >= configuredMax && core >= configuredCore) {
      if (coreTimeoutSetByCleanup) {
        executor.allowCoreThreadTimeOut(configuredCoreTimeout);
        coreTimeoutSetByCleanup = false;
        return RestoreResult.step("core threads no longer time out", true);
      }
      return RestoreResult.complete();
    }
    int newMax = (int) Math.max(max, request.next(max, configuredMax));
    int newCore = Math.max(core, Math.min(configuredCore, (int) request.next(core, configuredCore)));
    newCore = Math.min(newCore, newMax);
    executor.setMaximumPoolSize(newMax); // max first when growing
    executor.setCorePoolSize(newCore);
    knownMax = newMax;
    knownCore = newCore;
    boolean done = newMax >= configuredMax && newCore >= configuredCore;
    if (done && coreTimeoutSetByCleanup) {
      executor.allowCoreThreadTimeOut(configuredCoreTimeout);
      coreTimeoutSetByCleanup = false;
    }
    return RestoreResult.step("core " + core + " -> " + newCore + ", max " + max + " -> " + newMax, done);
  }

  /**
   * Takes a size the owner changed since this class last set or saw it as the configured size, so
   * neither a restore nor demand undoes it. The configured core size never stays above the
   * configured maximum (the pool cannot have it).
   */
  private void followOwner() {
    int max = executor.getMaximumPoolSize();
    int core = executor.getCorePoolSize();
    if (max != knownMax) {
      knownMax = max;
      configuredMax = max;
    }
    if (core != knownCore) {
      knownCore = core;
      configuredCore = core;
    }
    if (configuredCore > configuredMax) {
      configuredCore = configuredMax;
    }
  }

  /**
   * Called on a rejection: if the governor had lowered the maximum, raises it just enough for one
   * more thread than the pool has (threads above a lowered maximum leave only as their tasks end),
   * never above the configured maximum; returns whether it raised it.
   */
  private synchronized boolean growForDemand() {
    followOwner();
    int max = executor.getMaximumPoolSize();
    if (max >= configuredMax || executor.isShutdown()) {
      return false;
    }
    int grown = Math.min(configuredMax, Math.max(max + 1, executor.getPoolSize() + 1));
    executor.setMaximumPoolSize(grown);
    knownMax = grown;
    return true;
  }

  /**
   * Rejections caused by a governor shrink raise the maximum instead; others go to the original
   * handler. The maximum is raised to one more than the pool's threads, so the resubmitted task gets
   * a thread at once and this recurses only when another submitter took that thread first; the
   * depth does not grow with the number of threads above the lowered maximum.
   */
  private static final class DemandWins implements RejectedExecutionHandler {
    private final ThreadPoolGovernable governable;
    private final RejectedExecutionHandler original;

    DemandWins(ThreadPoolGovernable governable, RejectedExecutionHandler original) {
      this.governable = governable;
      this.original = original;
    }

    @Override
    public void rejectedExecution(Runnable r, ThreadPoolExecutor executor) {
      if (governable.growForDemand()) {
        executor.execute(r);
      } else {
        original.rejectedExecution(r, executor);
      }
    }
  }
}
