package dev.memgov.core;

/**
 * The governor's source of time: a monotonic nanosecond reading and the wall clock. Tests inject
 * a fake one. Implementations must be thread-safe.
 */
public interface GovernorClock {

  /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /** Wall-clock epoch milliseconds, as {@link System#currentTimeMillis()}. */
  long currentTimeMillis();

  /** The system clock. */
  static GovernorClock system() {
    return SystemClock.INSTANCE;
  }

  /** The system clock. */
  enum SystemClock implements GovernorClock {
    INSTANCE;

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
      return System.currentTimeMillis();
    }
  }
}
