package dev.memgov.core;

import java.util.Locale;

/**
 * What started a governor tick or a cleanup. This enum is immutable and thread-safe.
 */
public enum Trigger {
  /** The periodic timer (default every second). */
  TIMER,
  /** A garbage-collection notification from the JVM. */
  GC,
  /** A Java API call ({@link MemoryGovernor#optimize}). */
  API,
  /** The HTTP API. */
  HTTP,
  /** A JMX operation. */
  JMX,
  /**
   * The governor's idle give-back: the process has been quiet for the policy's {@code idleAfter}
   * (see {@link GovernorPolicy#idleAfter()}), so a light cleanup runs and the JVM returns committed
   * heap and native memory.
   */
  IDLE;

  /** The lower-case name used on the wire and in metric tags. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code true} for a call made by a person or program rather than by the governor itself. */
  public boolean isManual() {
    return this == API || this == HTTP || this == JMX;
  }
}
