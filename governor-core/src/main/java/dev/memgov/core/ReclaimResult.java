package dev.memgov.core;

import java.util.Objects;

/**
 * What one governable did in a cleanup, in words, for the report. The governor measures the
 * footprint before and after itself.
 *
 * <p>This record is immutable and thread-safe.
 *
 * @param action what was done, e.g. {@code "budget 64 MiB -> 32 MiB, evicted 812 entries"}
 * @param changed {@code false} when there was nothing to do at this level
 */
public record ReclaimResult(String action, boolean changed) {
  public ReclaimResult {
    Objects.requireNonNull(action, "action");
  }

  public static ReclaimResult done(String action) {
    return new ReclaimResult(action, true);
  }

  public static ReclaimResult nothing(String why) {
    return new ReclaimResult(why, false);
  }
}
