package dev.memgov.core;

import java.time.Duration;

/**
 * Thrown by a manual cleanup without {@code force} inside the level's cooldown; nothing was done.
 * This class is immutable and thread-safe.
 */
public final class CleanupRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final CleanupLevel level;
  private final Duration retryAfter;

  public CleanupRefusedException(CleanupLevel level, Duration retryAfter) {
    super("memgov: a " + level.wireName() + " cleanup ran less than its cooldown ago; retry in "
        + Math.max(1, retryAfter.toMillis()) + " ms, or pass force=true to run it now");
    this.level = level;
    this.retryAfter = retryAfter;
  }

  public CleanupLevel level() {
    return level;
  }

  /** Time left in the cooldown. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
