package dev.memgov.core;

import java.util.List;
import java.util.function.Consumer;

/**
 * Watches memory pressure and gives memory back through registered {@link Governable}s.
 *
 * <p>Build one with {@link #builder()}, register governables, then {@link #start()}: a daemon
 * thread owned by the governor samples, evaluates, acts and publishes on a timer, on every GC and
 * on manual calls. Manual calls ({@link #optimize}, {@link #clearCache}) run on that same thread,
 * so a manual and an automatic cleanup never run at once. {@link #close()} undoes everything
 * {@code start()} registered: the thread, GC listeners and MBeans; and, once the thread has
 * stopped, it grows every governable back to its configured budget, since no governor is left to
 * do it.
 *
 * <p>This interface's implementations are thread-safe; {@link #status()} reads a lock-free
 * snapshot.
 */
public interface MemoryGovernor extends AutoCloseable {

  /** A new builder with the defaults. */
  static MemoryGovernorBuilder builder() {
    return new MemoryGovernorBuilder();
  }

  /** The governor's name (used in MBean names and logs). */
  String name();

  /** Starts the governor thread, triggers and MBeans. Idempotent. */
  void start();

  /**
   * Stops the thread and removes listeners and MBeans, and undoes the JVM flags it set. Once the
   * thread has stopped (it waits up to 5 s for a running cleanup) it grows every governable that
   * is below its configured budget back to it, in up to 16 full restore steps; a cache still under
   * its restore ceiling stays at the ceiling, and a pool whose connections are still being retired
   * may keep a minimumIdle of 1. Called from the governor thread itself (a listener), or when the
   * thread did not stop in time, it grows nothing back (a cleanup may still be running) and logs a
   * warning. Idempotent.
   */
  @Override
  void close();

  /** Whether the governor has been started and not closed. */
  boolean isRunning();

  /** The latest status, read without locks. */
  GovernorStatus status();

  /** The policy in force. */
  GovernorPolicy policy();

  /**
   * Runs a cleanup at {@code level} now, on the governor's thread, and waits for its report.
   *
   * @param force run even inside the level's cooldown
   * @param trigger who asks ({@link Trigger#API}, {@link Trigger#HTTP}, {@link Trigger#JMX})
   * @throws CleanupRefusedException inside the cooldown without {@code force}; nothing was done
   * @throws IllegalArgumentException for an automatic trigger ({@code TIMER}, {@code GC}, {@code
   *     IDLE}): a manual cleanup would pass for the governor's own; nothing was done
   * @throws IllegalStateException when the governor is not running
   */
  CleanupReport optimize(CleanupLevel level, boolean force, Trigger trigger);

  /** {@code optimize(level, false, Trigger.API)}. */
  default CleanupReport optimize(CleanupLevel level) {
    return optimize(level, false, Trigger.API);
  }

  /** The targets {@link #clearCache} accepts: {@code all}, {@code l1}, {@code l2} and each cache's name. */
  List<String> cacheTargets();

  /**
   * Clears caches: {@code all} (L1 and L2 of every cache), {@code l1}, {@code l2}, or one cache by
   * name (both its tiers).
   *
   * @return one result per cache touched
   * @throws IllegalArgumentException for an unknown target, listing the accepted ones; nothing
   *     was cleared
   */
  List<ClearResult> clearCache(String target);

  /**
   * Adds a governable at runtime.
   *
   * @throws IllegalArgumentException when a governable of the same name is registered
   */
  void register(Governable governable);

  /**
   * Removes a governable by name and grows it back to its configured budget: queued on the
   * governor thread while it runs (never beside a cleanup; not waited for, so this returns before
   * it is done), else at once. {@code false} if none had that name.
   */
  boolean unregister(String name);

  /** The registered governables, in registration order. */
  List<Governable> governables();

  /** Snapshots and level changes no older than {@code sinceMillis} (epoch ms; 0 for all kept). */
  GovernorHistory history(long sinceMillis);

  /**
   * Subscribes to events of one type ({@code GovernorEvent.class} for all). A listener runs on the
   * governor's thread; one that throws is logged and does not stop the others.
   *
   * @return closing it unsubscribes
   */
  <E extends GovernorEvent> AutoCloseable subscribe(Class<E> type, Consumer<? super E> listener);
}
