package dev.memgov.core;

/**
 * One restore step. This record is immutable and thread-safe.
 *
 * @param stepPercent grow the current budget by this share of the configured budget, 1-100
 */
public record RestoreRequest(int stepPercent) {
  public RestoreRequest {
    if (stepPercent < 1 || stepPercent > 100) {
      throw new IllegalArgumentException("stepPercent must be between 1 and 100, but was " + stepPercent);
    }
  }

  /** The budget after one step from {@code current} toward {@code configured}, never above it. */
  public long next(long current, long configured) {
    if (current >= configured) {
      return configured;
    }
    // configured * stepPercent / 100 without the product, which overflows for budgets above
    // Long.MAX_VALUE / 100 (a byte budget of Long.MAX_VALUE, a maximumSize(Long.MAX_VALUE) cache)
    long step = Math.max(1, configured / 100 * stepPercent + configured % 100 * stepPercent / 100);
    long next = current + step;
    return next < current ? configured : Math.min(configured, next); // step > 0: below current only on overflow
  }
}
