package dev.memgov.core;

import java.util.Locale;

/**
 * The figures that can govern the pressure level; the highest known ratio governs.
 *
 * <ul>
 *   <li>{@code HEAP}: old-generation occupancy after the most recent GC / heap max (the live set).
 *   <li>{@code RSS}: process resident set / the configured RSS limit (only with a limit set).
 *   <li>{@code CONTAINER}: cgroup working set (usage minus inactive file) / cgroup limit.
 * </ul>
 *
 * <p>{@code NONE} is reported when no figure is known. This enum is immutable and thread-safe.
 */
public enum Signal {
  HEAP,
  RSS,
  CONTAINER,
  NONE;

  /** The lower-case name used on the wire and in metric tags. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
