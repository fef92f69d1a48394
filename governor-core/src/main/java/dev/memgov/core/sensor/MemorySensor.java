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
