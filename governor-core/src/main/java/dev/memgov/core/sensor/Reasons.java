package dev.memgov.core.sensor;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The "why unknown" map shared by snapshots: a working map updated in place each sample (a put of
 * an existing key with the same reason allocates nothing), published as a new immutable sorted
 * copy only when a reason appears, changes or goes away — normally a handful of times per
 * process lifetime.
 *
 * <p>Not thread-safe: the sensor's sampling thread only.
 */
final class Reasons {
  private final Map<String, String> working = new HashMap<>();
  private Map<String, String> published = Map.of();
  private boolean dirty;

  /** Records {@code reason} for {@code key}, or clears it when {@code reason} is null. */
  void set(String key, String reason) {
    if (reason == null) {
      if (working.remove(key) != null) {
        dirty = true;
      }
      return;
    }
    String old = working.put(key, reason);
    if (old != reason && !reason.equals(old)) {
      dirty = true;
    }
  }

  /** The current reasons; the same instance as long as nothing changed. */
  Map<String, String> view() {
    if (dirty) {
      published = Collections.unmodifiableMap(new TreeMap<>(working));
      dirty = false;
    }
    return published;
  }
}
