package dev.memgov.core;

/**
 * How hard memory is pressed, from the governing figure (see {@link Pressure}).
 *
 * <p>Defaults: {@code WARNING} at 70 %, {@code CRITICAL} at 85 %, {@code EMERGENCY} at 92 % of the
 * governing limit; a level is left only when the figure falls 5 points below its threshold.
 * This enum is immutable and thread-safe.
 */
public enum PressureLevel {
  NORMAL,
  WARNING,
  CRITICAL,
  EMERGENCY;

  /** The cleanup the governor runs automatically at this level, or {@code null} at {@code NORMAL}. */
  public CleanupLevel defaultCleanup() {
    switch (this) {
      case WARNING:
        return CleanupLevel.LIGHT;
      case CRITICAL:
        return CleanupLevel.STANDARD;
      case EMERGENCY:
        return CleanupLevel.EMERGENCY;
      default:
        return null;
    }
  }

  /** {@code true} when this level is strictly above {@code other}. */
  public boolean isAbove(PressureLevel other) {
    return compareTo(other) > 0;
  }
}
