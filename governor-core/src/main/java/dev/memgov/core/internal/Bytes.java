package dev.memgov.core.internal;

import java.util.Locale;

/** Human-readable byte counts for logs and reports. Stateless and thread-safe. */
final class Bytes {
  private Bytes() {}

  static String format(long bytes) {
    if (bytes < 0) {
      return "unknown";
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    double v = bytes;
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int i = -1;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }

  static String percent(double ratio) {
    return Double.isNaN(ratio) ? "unknown" : String.format(Locale.ROOT, "%.1f %%", ratio * 100);
  }
}
