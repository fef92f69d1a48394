package dev.memgov.core.sensor;

import dev.memgov.core.GovernorClock;
import dev.memgov.core.GovernorPolicy;
import dev.memgov.core.MemorySnapshot;

/**
 * Takes {@link MemorySnapshot}s. The governor calls {@link #sample()} from its own thread only;
 * implementations need not make {@code sample()} safe for concurrent callers, but {@link
 * #start(Runnable)} and {@link #close()} may be called from any thread.
 *
 * <p>Tests and simulations implement this to script snapshots.
 */
public interface MemorySensor extends AutoCloseable {

  /** Takes one snapshot. Cheap: microseconds, no garbage beyond the snapshot on the steady path. */
  MemorySnapshot sample();

  /**
   * Whether the heap figure of the last {@link #sample()} ({@link MemorySnapshot#oldGenAfterGc()})
   * came from a partial collection — a young or mixed GC, which leaves everything promoted since
   * the last whole-heap collection in the old generation, dead or alive — and so is an upper bound
   * on the live set rather than the live set. The default (a scripted sensor) says no.
   */
  default boolean heapFigurePartial() {
    return false;
  }

  /**
   * Runs a whole-heap collection ({@code System.gc()}) and takes a snapshot whose heap figure is
   * that collection's; null when none ran (explicit GC disabled, or a sensor that cannot). The
   * governor calls it, rate-limited, to confirm a partial figure at or above CRITICAL before it
   * cuts caches on it. The default returns null.
   */
  default MemorySnapshot sampleAfterFullGc() {
    return null;
  }

  /**
   * The resident set size in bytes of every process in this process's memory cgroup (this one
   * included; not those in cgroups below it, whose memory the cgroup's usage does count), in no
   * order; null when unknown (no cgroup, its process list unreadable, or a
   * scripted sensor). The governor reads it on demand — at a sized cleanup under the container
   * signal, not every sample — to share the gap fairly between several processes in one
   * container. The default returns null.
   */
  default long[] containerProcessesRss() {
    return null;
  }

  /**
   * Starts listening for the end of each GC. {@code onGcEnd} runs on the JVM's notification
   * thread and must only enqueue work. The default does nothing (a scripted sensor has no GCs).
   */
  default void start(Runnable onGcEnd) {}

  /** Stops listening and releases files; idempotent. */
  @Override
  default void close() {}

  /** The sensor that reads this JVM, its process and its container. */
  static MemorySensor system(GovernorPolicy policy, GovernorClock clock) {
    return new SystemMemorySensor(policy, clock);
  }
}
