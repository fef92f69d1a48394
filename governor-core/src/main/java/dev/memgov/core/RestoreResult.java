package dev.memgov.core;

import java.util.Objects;

/**
 * What one restore step did. This record is immutable and thread-safe.
 *
 * @param action what was done, e.g. {@code "budget 16 MiB -> 32 MiB"}
 * @param atConfigured {@code true} when the budget is at the configured value after this step
 */
public record RestoreResult(String action, boolean atConfigured) {
  public RestoreResult {
    Objects.requireNonNull(action, "action");
  }

  public static RestoreResult step(String action, boolean atConfigured) {
    return new RestoreResult(action, atConfigured);
  }

  public static RestoreResult complete() {
    return new RestoreResult("at configured budget", true);
  }
}
