package dev.memgov.core;

import java.util.Locale;

/** Which tier of a cache to clear. This enum is immutable and thread-safe. */
public enum CacheTier {
  L1,
  L2,
  ALL;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
