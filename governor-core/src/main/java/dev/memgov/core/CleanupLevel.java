package dev.memgov.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The rungs of the cleanup ladder, each allowed to go further than the one before.
 *
 * <ul>
 *   <li>{@code LIGHT}: drop what is free to drop (expired entries, idle connections above
 *       minimum idle, idle threads above core).
 *   <li>{@code STANDARD}: cut caches to about half of what they hold (less when a smaller cut
 *       meets the target; a cache that holds nothing keeps its budget), halve pool maximums,
 *       soft-evict idle connections; under RSS or container pressure also ask the JVM for a GC
 *       and a native-heap trim, so that the freed heap leaves the process.
 *   <li>{@code AGGRESSIVE}: cut caches to about a quarter of what they hold, compress what stays,
 *       pools to their floor, GC and native-heap trim.
 *   <li>{@code EMERGENCY}: clear caches and stop cache admission until pressure falls, pools to
 *       floor, GC and trim, tell listeners to shed load.
 * </ul>
 *
 * <p>This enum is immutable and thread-safe.
 */
public enum CleanupLevel {
  LIGHT,
  STANDARD,
  AGGRESSIVE,
  EMERGENCY;

  /** The lower-case name used on the wire: {@code light}, {@code standard}, ... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The next rung up, or this one when already at {@code EMERGENCY}. */
  public CleanupLevel next() {
    return this == EMERGENCY ? EMERGENCY : values()[ordinal() + 1];
  }

  /** The accepted wire names, for error messages: {@code light|standard|aggressive|emergency}. */
  public static String accepted() {
    return Arrays.stream(values()).map(CleanupLevel::wireName).collect(Collectors.joining("|"));
  }

  /**
   * Parses a level name, case-insensitively.
   *
   * @throws IllegalArgumentException naming the value and what is accepted
   */
  public static CleanupLevel parse(String value) {
    if (value != null) {
      for (CleanupLevel level : values()) {
        if (level.name().equalsIgnoreCase(value.trim())) {
          return level;
        }
      }
    }
    throw new IllegalArgumentException(
        "cleanup level must be one of " + accepted() + ", but was " + (value == null ? "null" : "'" + value + "'"));
  }
}
